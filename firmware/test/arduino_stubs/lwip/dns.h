// Stand-in for lwIP 2 <lwip/dns.h> as the ESP8266 core 3.1.2 builds it
// (tools/sdk/lwip2/include: lwip/dns.h, lwip/err.h, lwip/ip_addr.h with
// LWIP_IPV6=0, arch/cc.h types). Only the asynchronous name lookup.
#pragma once
#include <stdint.h>

typedef uint8_t u8_t;
typedef int8_t s8_t;
typedef uint32_t u32_t;

typedef s8_t err_t;
typedef enum {
  ERR_OK = 0,
  ERR_MEM = -1,
  ERR_BUF = -2,
  ERR_TIMEOUT = -3,
  ERR_RTE = -4,
  ERR_INPROGRESS = -5,
  ERR_VAL = -6,
  ERR_WOULDBLOCK = -7,
  ERR_USE = -8,
  ERR_ALREADY = -9,
  ERR_ISCONN = -10,
  ERR_CONN = -11,
  ERR_IF = -12,
  ERR_ABRT = -13,
  ERR_RST = -14,
  ERR_CLSD = -15,
  ERR_ARG = -16
} err_enum_t;

struct ip4_addr {
  u32_t addr;
};
typedef struct ip4_addr ip4_addr_t;
typedef ip4_addr_t ip_addr_t;

#ifdef __cplusplus
extern "C" {
#endif
// ipaddr is NULL when the name could not be found.
typedef void (*dns_found_callback)(const char* name, const ip_addr_t* ipaddr, void* callback_arg);
// ERR_OK: `addr` holds the answer (an address, or a name lwIP has cached);
// ERR_INPROGRESS: `found` will be called; anything else: no lookup.
err_t dns_gethostbyname(const char* hostname, ip_addr_t* addr, dns_found_callback found, void* callback_arg);
#ifdef __cplusplus
}
#endif
