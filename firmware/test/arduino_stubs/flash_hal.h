// Stand-in for the ESP8266 core's <flash_hal.h> (3.1.2): the file system's place in flash,
// from linker symbols. The chip's pointers are 32-bit; the detour through uintptr_t only
// lets the 64-bit host compile the same uint32_t expression.
#pragma once
#include <stdint.h>

extern "C" uint32_t _FS_start;
extern "C" uint32_t _FS_block;
#define FS_PHYS_ADDR ((uint32_t)(uintptr_t)(&_FS_start) - 0x40200000)
#define FS_PHYS_BLOCK ((uint32_t)(uintptr_t)(&_FS_block))
