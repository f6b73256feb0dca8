#!/usr/bin/env bash
# Builds and runs the loop-time measurement (firmware/test/loop_time.cpp): the
# longest each core path keeps the loop on this host, and what that means
# against 50 ms on the ESP8266. A measurement: it prints figures, it fails
# only when the build or a path does.
set -euo pipefail
firmware="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=build.sh
source "$firmware/scripts/build.sh"
build_host loop_time >/dev/null
echo "host CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
"$firmware/build/loop_time"
