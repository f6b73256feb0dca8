#!/usr/bin/env bash
# Runs the simulated thermostat, building it first when stale. Build output
# goes to stderr (and only when it fails), so stdout carries only the
# simulator's own lines: PAIR, ONLINE, OFFLINE and answers to commands.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/firmware/build"
mkdir -p "$build"
log="$build/sim-build.log"
(
  flock 9
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root/firmware" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  cmake --build "$build" --target thermostat_sim -j "$(nproc 2>/dev/null || echo 2)"
) 9>"$build/.build.lock" >"$log" 2>&1 || {
  cat "$log" >&2
  echo "sim: build failed" >&2
  exit 1
}
export HEARTH_REPO_ROOT="$root"
exec "$build/thermostat_sim" "$@"
