#!/usr/bin/env bash
# Everything: static checks, unit tests, firmware, end to end. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }
step "lint";           npm run --silent lint
step "typecheck";      npm run --silent typecheck
step "unit";           npm run --silent test:unit
step "firmware";       npm run --silent test:firmware
step "end to end";     npm run --silent test:e2e
