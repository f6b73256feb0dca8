// Stand-in for the ESP8266 core's <StackThunk.h> (cores/esp8266/StackThunk.h, 3.1.2). The real
// make_stack_thunk emits an assembly trampoline named thunk_<fn> that runs <fn> on BearSSL's
// own stack; here it only checks that <fn> exists.
#pragma once
#include <stdint.h>

extern "C" {
extern void stack_thunk_add_ref();
extern void stack_thunk_del_ref();
extern uint32_t stack_thunk_get_refcnt();
extern uint32_t stack_thunk_get_max_usage();
}

#define make_stack_thunk(fcnToThunk) static_assert(sizeof(&fcnToThunk) != 0, "make_stack_thunk needs a function")
