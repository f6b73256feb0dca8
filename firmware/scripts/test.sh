#!/usr/bin/env bash
# Firmware tests: a type check of the ESP8266 glue (src/) against stand-ins of the pinned
# libraries (check_glue.sh), host build of the core (CMake, incremental, in firmware/build),
# CTest (unit, rules, protocol, fault injection), then the libFuzzer harness
# over the frame handler for a bounded time. Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
firmware="$root/firmware"
build="$firmware/build"
jobs="$(nproc 2>/dev/null || echo 2)"
fuzz_seconds="${FUZZ_SECONDS:-30}"

# PlatformIO is not here: type-check the ESP8266 glue with the device's build flags against
# stand-ins declaring the pinned libraries' real signatures (firmware/test/arduino_stubs/README.md).
echo "firmware: the glue compiles against the pinned libraries' signatures"
bash "$firmware/scripts/check_glue.sh"

# shellcheck source=build.sh
source "$firmware/scripts/build.sh"
mkdir -p "$build"
echo "firmware: building the host core, tests and simulator"
build_host >"$build/build.log" 2>&1 || {
  cat "$build/build.log" >&2
  echo "firmware: build failed" >&2
  exit 1
}

echo "firmware: ctest"
ctest --test-dir "$build" --output-on-failure -j "$jobs"
grep -h "unsafe states:" "$build/Testing/Temporary/LastTest.log" || {
  echo "firmware: the fault-injection summary is missing" >&2
  exit 1
}
grep -h "^json_check" "$build/Testing/Temporary/LastTest.log" || true

echo "firmware: libFuzzer harness over the frame handler (${fuzz_seconds} s)"
probe="$build/fuzz-probe"
mkdir -p "$probe"
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/probe.cpp"
if ! command -v clang++ >/dev/null ||
  ! clang++ -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" 2>"$probe/error.txt"; then
  echo "firmware: SKIPPED the fuzzer: clang's libFuzzer runtime is missing" >&2
  echo "firmware: install it with: apt-get install clang libclang-rt-14-dev (scripts/bootstrap.sh does)" >&2
  exit 0
fi
fuzz_build="$build/fuzz"
if [ ! -f "$fuzz_build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$firmware" -B "$fuzz_build" -DHEARTH_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$fuzz_build" -j "$jobs" --target fuzz_frame >"$fuzz_build/build.log" 2>&1 || {
  cat "$fuzz_build/build.log" >&2
  exit 1
}
corpus="$fuzz_build/corpus"
mkdir -p "$corpus"
cp "$firmware/test/fuzz_seeds/"* "$corpus/"
log="$fuzz_build/fuzz.log"
if ! "$fuzz_build/fuzz_frame" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
  -rss_limit_mb=2048 "$corpus" >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "firmware: the fuzzer found a crash (input saved beside $fuzz_build)" >&2
  exit 1
fi
grep -E "^Done [0-9]+ runs" "$log" | sed 's/^/fuzzer: /'
grep -E "stat::(number_of_executed_units|new_units_added|peak_rss_mb)" "$log" | sed 's/^/fuzzer: /'
echo "firmware: all passed"
