// Stand-in for lwIP 2 <lwip/apps/sntp.h> as the ESP8266 core 3.1.2 builds it
// (tools/sdk/lwip2/include: lwip/apps/sntp.h with its lwipopts.h: SNTP_SERVER_DNS 1,
// SNTP_MAX_SERVERS 3, SNTP_GET_SERVERS_FROM_DHCP from LWIP_DHCP_GET_NTP_SRV 1).
#pragma once
#include <stdint.h>

typedef uint8_t u8_t;

#define SNTP_OPMODE_POLL 0
#define SNTP_OPMODE_LISTENONLY 1

#ifdef __cplusplus
extern "C" {
#endif
void sntp_setoperatingmode(u8_t operating_mode);
u8_t sntp_getoperatingmode(void);
void sntp_init(void);
void sntp_stop(void);
u8_t sntp_enabled(void);
void sntp_setservername(u8_t idx, const char* server);
const char* sntp_getservername(u8_t idx);
// With 1, the NTP servers a DHCP answer names (option 42; lwIP asks for at most
// LWIP_DHCP_MAX_NTP_SERVERS = 1) replace every server set before (lwIP's dhcp_set_ntp_servers).
void sntp_servermode_dhcp(int set_servers_from_dhcp);
#ifdef __cplusplus
}
#endif
