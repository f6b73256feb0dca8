#!/usr/bin/env bash
# End-to-end journeys in Debian's Chromium against the real broker, simulator and production build.
# Both projects of playwright.config.ts: every journey on a broker of one process, and those that route traffic in
# ways of their own again on two broker nodes sharing a Redis ("cluster"). Extra arguments go to `playwright test`
# (e.g. a file, --grep, or --project=cluster for one project alone). Its exit code is ours.
set -euo pipefail
cd "$(dirname "$0")/.."
# Builds up front (only when stale), so no journey's time includes a compile.
node_modules/.bin/tsx scripts/system/build.ts
exec node_modules/.bin/playwright test "$@"
