# Sourced by the firmware scripts: the host build in firmware/build, shared so
# that tests, size and the simulator configure and build it the same way.
#
# build_host [target...]: configures firmware/build when it has no CMake cache
# yet, then builds the targets (every target when none is given). A lock
# serialises scripts that run at the same time (e2e tests start the simulator
# while the unit tests build), since two builds of one tree corrupt it. Output
# goes to the caller's stdout and stderr: each script decides what to show.
build_host() {
  local firmware build targets=() target
  firmware="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build="$firmware/build"
  mkdir -p "$build"
  for target in "$@"; do targets+=(--target "$target"); done
  (
    flock 9
    if [ ! -f "$build/CMakeCache.txt" ]; then
      # Explicit exits: a caller's `build_host || ...` turns off set -e in here.
      cmake -S "$firmware" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo || exit 1
    fi
    cmake --build "$build" ${targets[@]+"${targets[@]}"} -j "$(nproc 2>/dev/null || echo 2)"
  ) 9>"$build/.build.lock"
}
