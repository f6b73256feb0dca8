#!/usr/bin/env bash
# Compiles the ESP8266 glue (firmware/src: main.cpp, and each header on its own) with the host
# g++ against the stand-in headers in firmware/test/arduino_stubs, which declare the pinned
# libraries' real signatures (see its README.md). PlatformIO is not here, so this is a type
# check (-fsyntax-only): nothing is linked or run. It uses the -D/-std/-f flags platformio.ini
# gives the device build, read from it so the two cannot drift, plus what the framework and
# the d1_mini board add, and -Wall -Wextra -Wconversion -Wsign-conversion -Werror.
set -euo pipefail
firmware="$(cd "$(dirname "$0")/.." && pwd)"
ini="$firmware/platformio.ini"

# platformio.ini's [env] build_flags, one per line, with PlatformIO's ${section.option}
# references filled in and its ';' comments dropped.
pio_build_flags() {
  python3 - "$ini" <<'PY'
import configparser, re, shlex, sys
ini = configparser.RawConfigParser(inline_comment_prefixes=(";",), comment_prefixes=(";", "#"), strict=False)
ini.read(sys.argv[1])
def expand(text):
    return re.sub(r"\$\{([^.}]+)\.([^}]+)\}", lambda m: expand(ini.get(m.group(1), m.group(2))), text)
for section in ini.sections():
    if section.startswith("env:") and ini.has_option(section, "build_flags"):
        sys.exit("check_glue: [%s] has its own build_flags: teach check_glue.sh to read them" % section)
for flag in shlex.split(expand(ini.get("env", "build_flags", fallback=""))):
    print(flag)
PY
}

pio_flags="$(pio_build_flags)"
flags=()
while IFS= read -r flag; do
  case "$flag" in
    -D* | -U* | -std=* | -f* | -W*) flags+=("$flag") ;;
    *)
      echo "check_glue: platformio.ini build flag '$flag' has no meaning for this host check: teach check_glue.sh about it" >&2
      exit 1
      ;;
  esac
done <<<"$pio_flags"
if [ "${#flags[@]}" -eq 0 ]; then
  echo "check_glue: found no build_flags in $ini" >&2
  exit 1
fi

# What PlatformIO adds for board = d1_mini with the Arduino core 3.1.2 (the core's
# tools/platformio-build.py CPPDEFINES and CXXFLAGS, the board's extra_flags).
framework_flags=(-DESP8266 -DARDUINO_ARCH_ESP8266 -DARDUINO_ESP8266_WEMOS_D1MINI -DARDUINO=10805
  -DF_CPU=80000000L -D__ets__ -DICACHE_FLASH -DLWIP_OPEN_SRC -DTCP_MSS=536 -DLWIP_FEATURES=1 -DLWIP_IPV6=0
  -std=gnu++17 -fno-rtti)

compile() {
  g++ "${framework_flags[@]}" "${flags[@]}" -Wall -Wextra -Wconversion -Wsign-conversion -Werror -fsyntax-only \
    -I "$firmware/test/arduino_stubs" -I "$firmware/lib/thermostat_core/src" -I "$firmware/src" "$@"
}

status=0
compile "$firmware/src/main.cpp" || status=1
# The bench build of README.md "What only a real board can confirm" too.
compile -DHEARTH_DIAGNOSTICS "$firmware/src/main.cpp" || status=1
# Each header on its own too, so that every adapter includes what it uses.
for header in "$firmware"/src/*.h; do
  printf '#include "%s"\n' "$(basename "$header")" | compile -x c++ - || {
    echo "check_glue: $(basename "$header") does not compile on its own" >&2
    status=1
  }
done
if [ "$status" -ne 0 ]; then
  echo "check_glue: the glue does not compile against the pinned libraries' signatures" >&2
  exit 1
fi
echo "check_glue: src/main.cpp and $(find "$firmware/src" -name '*.h' | wc -l) headers compile (${flags[*]})"
