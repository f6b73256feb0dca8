// Stand-in for the ESP8266 core's <flash_hal.h> (cores/esp8266/flash_hal.h, 3.1.2): the file
// system's place in flash, from linker symbols. The chip's pointers are 32 bits; the detour
// through uintptr_t only lets this 64-bit host compile the same uint32_t expressions.
#pragma once
#include <stdint.h>

extern "C" uint32_t _FS_start;
extern "C" uint32_t _FS_end;
extern "C" uint32_t _FS_page;
extern "C" uint32_t _FS_block;
#define FS_start ((uint32_t)(uintptr_t)&_FS_start)
#define FS_end ((uint32_t)(uintptr_t)&_FS_end)
#define FS_page ((uint32_t)(uintptr_t)&_FS_page)
#define FS_block ((uint32_t)(uintptr_t)&_FS_block)
#define FS_PHYS_ADDR ((uint32_t)FS_start - 0x40200000)
#define FS_PHYS_SIZE ((uint32_t)(FS_end - FS_start))
#define FS_PHYS_PAGE ((uint32_t)FS_page)
#define FS_PHYS_BLOCK ((uint32_t)FS_block)
