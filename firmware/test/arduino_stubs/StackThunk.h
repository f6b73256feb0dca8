// Stand-in for the ESP8266 core's <StackThunk.h> (3.1.2). The real make_stack_thunk emits an
// assembly trampoline named thunk_<fn>; here it only checks that <fn> exists.
#pragma once

extern "C" void stack_thunk_add_ref();

#define make_stack_thunk(fcnToThunk) static_assert(sizeof(&fcnToThunk) != 0, "make_stack_thunk needs a function")
