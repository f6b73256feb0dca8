#!/usr/bin/env bash
# Everything: static checks, unit tests, firmware, end to end. Stops after the first step (or pair) that fails.
# Two cores: ESLint and tsc are each single-threaded, so lint and typecheck run side by side, their outputs kept
# and printed whole, in order, under their own headings once both are done. The rest runs one step at a time: the
# unit tests' simulated thermostats wait for firmware/build under build_host's lock, which a firmware build beside
# them would hold for minutes in a fresh clone, and each of the later steps keeps both cores busy on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

# side_by_side NAME COMMAND NAME COMMAND: both at once, each into its own log; then each log under its heading
# with its time and exit code. Fails when either did.
side_by_side() {
  local names=("$1" "$3") commands=("$2" "$4") pids=() failed=0 i code
  for i in 0 1; do
    (
      started=$SECONDS
      code=0
      bash -c "${commands[$i]}" >"$logs/$i.log" 2>&1 || code=$?
      echo "$code $((SECONDS - started))" >"$logs/$i.status"
    ) &
    pids+=($!)
  done
  for i in 0 1; do wait "${pids[$i]}" || true; done
  for i in 0 1; do
    read -r code seconds <"$logs/$i.status"
    step "${names[$i]} (${seconds} s, run beside ${names[$((1 - i))]})"
    cat "$logs/$i.log"
    if [ "$code" -ne 0 ]; then
      echo "=== ${names[$i]} FAILED (exit $code)" >&2
      failed=1
    fi
  done
  return "$failed"
}

side_by_side "lint" "npm run --silent lint" "typecheck" "npm run --silent typecheck"
step "unit";           npm run --silent test:unit
step "firmware";       npm run --silent test:firmware
step "end to end";     npm run --silent test:e2e
