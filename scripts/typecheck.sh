#!/usr/bin/env bash
# The protocol module is checked under a DOM-only and a Node-only configuration:
# an API that exists in only one of them fails the other.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.protocol-dom.json
npx tsc -p tsconfig.protocol-node.json
# The app and the Node code through tsconfig.json's references, the configurations editors read too.
npx tsc -b tsconfig.json
