#!/usr/bin/env bash
# Cross-compiles the thermostat core for the ESP8266's CPU (Xtensa LX106) with
# the flags of the ESP8266 Arduino core and prints text/data/bss per file and
# in total (budget: 70 KB of text, see text_budget), then the peak heap one SET needs,
# measured on the host (budget: 4 KB). BearSSL and cJSON are libraries linked
# on the device and not counted here.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
firmware="$root/firmware"
out="$firmware/build/xtensa"
# 24 KB until issue 9, when the core took over what had been glue and libraries: the BME280
# driver (bme280.cpp, instead of Adafruit BME280 and Unified Sensor), the blob semantics of
# storage and the mount decision (file_storage.cpp, flash.cpp), the network configuration
# (network_config.cpp), the reconnect policy (reconnect.cpp) and setup over the serial port:
# console, Improv Wi-Fi and onboarding (serial_console.cpp, improv.cpp, onboarding.cpp), which
# replace WiFiManager and its access point, 58 KB of the device's flash. The core grew by
# 16.7 KB for all that (22,580 to 39,323 bytes of text); the firmware as a whole shrinks.
# 48 KB until issue 10, presence from OwnTracks with the app closed: XSalsa20-Poly1305 opening
# (secretbox.cpp, about 2.2 KB, which BearSSL lacks), the registrations, replay rule, delayed
# leave and their file written field by field (owntracks_presence.cpp), the RELAY packet,
# OWNTRACKS_set and STATE's source, distance null and owntracks list (thermostat.cpp). The core
# grew by 5.0 KB (45,230 to 50,221 bytes of text), past the old budget.
# 52 KB until issue 11, the thermostat's own clock and weekly schedule: POSIX time zones and the
# schedule time across DST (time_zone.cpp, 3.0 KB), the schedule, the table of which set point
# holds and what comes next (schedule.cpp, 2.1 KB), the wall clock (wall_clock.cpp, 0.6 KB), the
# settings blob version 2 with its checks (settings.cpp, 0.6 to 3.0 KB), and SET's six new fields,
# judged in the contract's order, with STATE's eight (thermostat.cpp, 12.2 to 17.8 KB). The core
# grew by 13.6 KB (50.8 KB to 64,421 bytes of text). Still safe on the ESP8266: the sketch runs
# from its 4 MB flash (1 MB of it for the sketch in the usual layouts) and the whole firmware is a
# few hundred KB; the budget guards growth, not a hard limit. What costs RAM is counted apart below
# (constants in .rodata, the Thermostat object) and in the README's "Memory at peak".
# 66 KB until issue 11's history, the thermostat's own record of the last 8 days: the day's slots,
# the day blobs with their checks, the writes on the hour and the clock's jumps, pages of 72 slots
# (history_log.cpp, 3.2 KB), HISTORY_get judged as SET and HISTORY written from a day read into the
# frame buffer (thermostat.cpp, 1.5 KB), the 8 day files' names (file_storage.cpp, 0.3 KB). The
# core grew by 5.1 KB (64,413 to 69,536 bytes of text), past the old budget; the argument above
# still holds (flash is not what is short), and 70 KB keeps the guard close.
# 80 KB from issue 11's members, per-member keys: the member table, its blob, invitations, removed
# members and the JOIN's ECDH and HKDF (members.cpp, 2.8 KB), and in the thermostat the choice of
# key for every envelope, JOIN queued and worked out after the heater decision, WELCOME, ERROR
# not_member and full, MEMBERS_set judged in the contract's order with its MEMBERS, removal, the
# old shared key, the members blob read and retried, places kept for members (thermostat.cpp, 6.4
# KB), invitations in the pairing link and the console's members line (pairing_notice.cpp,
# onboarding.cpp, 0.5 KB). The core grew by about 10.5 KB (69,536 to about 80,000 bytes of text).
text_budget=$((80 * 1024))
mkdir -p "$out/include/cjson"
ln -sfn /usr/include/bearssl "$out/include/bearssl"
ln -sfn /usr/include/cjson/cJSON.h "$out/include/cjson/cJSON.h"

objects=()
for source in "$firmware"/lib/thermostat_core/src/*.cpp; do
  object="$out/$(basename "${source%.cpp}").o"
  xtensa-lx106-elf-g++ -std=gnu++17 -Os -fno-exceptions -fno-rtti -mlongcalls \
    -mtext-section-literals -falign-functions=4 -ffunction-sections -fdata-sections \
    -Wall -Werror -isystem /usr/include/newlib -isystem "$out/include" -fstack-usage \
    -c "$source" -o "$object"
  objects+=("$object")
done

echo "thermostat core for xtensa-lx106 (-Os, no exceptions, no RTTI):"
xtensa-lx106-elf-size -t "${objects[@]}" | sed "s|$out/||"
text_total=$(xtensa-lx106-elf-size -t "${objects[@]}" | awk '/\(TOTALS\)/ {print $1}')
if [ "$text_total" -le "$text_budget" ]; then
  echo "core text: $text_total bytes of $text_budget budget: within"
else
  echo "core text: $text_total bytes of $text_budget budget: EXCEEDED"
  status=1
fi

# The Arduino core's linker script keeps plain string constants (.rodata) in RAM, not flash
# (PROGMEM and F() are how code moves them out): this part of the text above is also static RAM.
rodata_total=0
for object in "${objects[@]}"; do
  rodata=$(xtensa-lx106-elf-size -A "$object" | awk '/^\.rodata/ {sum += $2} END {print sum + 0}')
  rodata_total=$((rodata_total + rodata))
done
echo "of which constants (.rodata), which the ESP8266 keeps in RAM: $rodata_total bytes"

# The sketch's loop() runs on the ESP8266 Arduino core's own stack of 4 KB (cont.h), which the
# glue's calls into the WebSocket and BearSSL libraries share, and nothing catches an overflow
# there. No one function of the core may take more than stack_budget bytes of its frame (what
# -fstack-usage counts, callees apart): big buffers belong in the Thermostat object (scratch()),
# not on the stack. Before issue 11's review, reading the settings at boot took 3.1 KB in two
# frames (decode_settings 1,664 bytes, read_settings 1,408), copies of a 520-byte Settings.
stack_budget=1024
echo "largest stack frames of the core (bytes, budget $stack_budget a function):"
stack_report=$(cat "${objects[@]/%.o/.su}" | awk -F'\t' '{print $2 "\t" $1}' | sort -rn)
echo "$stack_report" | head -5 | sed "s|$firmware/lib/thermostat_core/src/||"
stack_over=$(echo "$stack_report" | awk -F'\t' -v budget="$stack_budget" '$1 > budget')
if [ -n "$stack_over" ]; then
  echo "stack frames over $stack_budget bytes: EXCEEDED"
  echo "$stack_over" | sed "s|$firmware/lib/thermostat_core/src/||"
  status=1
else
  echo "stack frames: all within $stack_budget bytes"
fi

# The core keeps its frame buffers inside the Thermostat object, which the
# glue allocates statically: its size is RAM (bss), not heap.
probe="$out/object_size.cpp"
printf '#include "thermostat.h"\nalignas(hearth::Thermostat) unsigned char thermostat_object[sizeof(hearth::Thermostat)];\n' >"$probe"
xtensa-lx106-elf-g++ -std=gnu++17 -Os -fno-exceptions -fno-rtti -isystem /usr/include/newlib \
  -isystem "$out/include" -I "$firmware/lib/thermostat_core/src" -c "$probe" -o "$out/object_size.o"
echo "one Thermostat object (static RAM in the glue): $(xtensa-lx106-elf-size "$out/object_size.o" | awk 'NR==2 {print $3}') bytes bss"

build="$firmware/build"
# shellcheck source=build.sh
source "$firmware/scripts/build.sh"
build_host heap_per_set >/dev/null
echo
"$build/heap_per_set" || status=1
exit "${status:-0}"
