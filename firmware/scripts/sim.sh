#!/usr/bin/env bash
# Runs the simulated thermostat, building it first when stale. Build output
# goes to stderr (and only when it fails), so stdout carries only the
# simulator's own lines: PAIR, ONLINE, OFFLINE and answers to commands.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/firmware/build"
# shellcheck source=build.sh
source "$root/firmware/scripts/build.sh"
mkdir -p "$build"
log="$build/sim-build.log"
build_host thermostat_sim >"$log" 2>&1 || {
  cat "$log" >&2
  echo "sim: build failed" >&2
  exit 1
}
export HEARTH_REPO_ROOT="$root"
exec "$build/thermostat_sim" "$@"
