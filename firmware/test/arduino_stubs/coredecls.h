// Stand-in for <coredecls.h> of the ESP8266 Arduino core 3.1.2 (cores/esp8266/coredecls.h):
// the time callbacks only. Signatures copied from that header; see README.md.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <functional>

extern "C" {
bool sntp_set_timezone_in_seconds(int32_t timezone);
}

using BoolCB = std::function<void(bool)>;
using TrivialCB = std::function<void()>;

// Called (from loop(), as a scheduled function) after every settimeofday(); the BoolCB's
// argument is true when SNTP set the time (time.cpp: lwIP's settimeofday with 0xFeedC0de).
void settimeofday_cb(BoolCB&& cb);
void settimeofday_cb(const BoolCB& cb);
void settimeofday_cb(const TrivialCB& cb);
