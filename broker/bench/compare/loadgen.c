/*
 * The load generator of `npm run bench:compare` (run.ts builds it with the system cc and OpenSSL's libcrypto).
 * One thread, one epoll loop, non-blocking sockets: it writes pre-encoded client frames (masked with the all-zero
 * key, which RFC 6455 allows, so a frame is encoded once), reads only what it must (frame headers, a packet type,
 * a timestamp) and speaks, per target:
 *   hearth  CHALLENGE -> LOG_ON signed with logon v2 (ECDSA P-256 over "hearth-logon-v2|<nonce>|<host>"; OpenSSL,
 *           whose assembly P-256 signs several times faster than BearSSL's portable code, so a storm is not
 *           bounded by the generator's signing)
 *           -> ACK_LOG_ON; MSG frames addressed by ID (docs/protocol.md)
 *   mqtt    MQTT 3.1.1 over WebSocket: CONNECT -> CONNACK, SUBSCRIBE c/<id> -> SUBACK; PUBLISH QoS 0 to c/<peer>
 *   relay   binary frames: the first is the client's 22-byte ID (answered "OK"); then <22-byte receiver ID><data>
 * Modes (every loop is bounded by time or count):
 *   saturate  N pairs, each sender keeps WINDOW messages in flight; prints forwarded msgs/s
 *   latency   N pairs at a fixed total rate, each message stamped; prints p50/p99/p99.9 of send-to-receive
 * With --receiver-port the receivers of the pairs connect to that port and the senders to <port>: two broker
 * nodes of a cluster, every pair split across them (bench:cluster). With --announce, saturate prints
 * {"event":"measuring"} when its measured window opens, so the caller can read the servers' CPU over just that window.
 *   idle      W warm connections, then (after a line on stdin) a storm of C connects+logons with a bounded number
 *             in flight; prints the storm's rate, holds the connections until the next line or EOF
 * Every result is one JSON line on stdout; the generator's own CPU time is part of it, so the caller can show
 * that the generator was not the bottleneck.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ID_LEN 22
#define DATA_LEN 100
#define STAMP_LEN 16
#define WINDOW 400
#define BATCH 50
#define READ_BUF (256 * 1024)
#define STDIN_TAG 0xffffffffu

enum target { HEARTH, MQTT, RELAY };
enum state { CONNECTING, HANDSHAKE, AWAIT_CHALLENGE, LOGGING_ON, SUBSCRIBING, READY, CLOSED };

typedef struct {
  unsigned char *data;
  size_t len, cap;
} buffer;

typedef struct {
  int fd;
  enum state state;
  int events;
  buffer in, out, mqtt;
  size_t out_off;
  char id[ID_LEN + 1];
  int port; /* the broker port it connects to; its Host and logon text name it */
  EVP_PKEY *key;
  unsigned char pub[65];
  int pair;        /* -1 when not in a pair */
  int is_receiver;
  long long sent, delivered; /* per pair, kept on the sender */
} conn;

static enum target target;
static int port, receiver_port, epfd, source_count = 250;
static conn *conns;
static int conn_count;
static long long received_total, errors_total, closed_total, failed_total, ready_total;
/* Connections that logged on or closed: what connect_all waits for. */
static long long settled_total;
static int measuring, stopped, recording;
static const unsigned char *frame_template; /* per pair frames are built from this shape */
static size_t stamp_in_frame, stamp_in_payload;
static uint64_t *latencies;
static size_t latency_count, latency_cap;
static EVP_MD_CTX *sign_context;

static void die(const char *what) {
  fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double cpu_seconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void append(buffer *b, const void *data, size_t len) {
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + len) cap *= 2;
    b->data = realloc(b->data, cap);
    if (!b->data) die("realloc");
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

static void release(buffer *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static void base64url(const unsigned char *in, size_t len, char *out) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0, i = 0;
  for (; i + 2 < len; i += 3) {
    unsigned v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
    out[o++] = alphabet[v & 63];
  }
  if (len - i == 1) {
    unsigned v = in[i] << 16;
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
  } else if (len - i == 2) {
    unsigned v = in[i] << 16 | in[i + 1] << 8;
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
  }
  out[o] = 0;
}

/* A client frame: FIN + opcode, mask bit with the all-zero key, payload unchanged. */
static size_t encode_frame(unsigned char *out, int opcode, const void *payload, size_t len) {
  size_t h = 0;
  out[h++] = 0x80 | opcode;
  if (len < 126) out[h++] = 0x80 | len;
  else {
    out[h++] = 0x80 | 126;
    out[h++] = len >> 8;
    out[h++] = len & 0xff;
  }
  memset(out + h, 0, 4);
  h += 4;
  memcpy(out + h, payload, len);
  return h + len;
}

static void set_events(conn *c, int events) {
  if (c->events == events || c->fd < 0) return;
  struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)(c - conns)};
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
  c->events = events;
}

static void close_conn(conn *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  if (c->state == READY) ready_total--;
  else settled_total++;
  c->state = CLOSED;
  closed_total++;
  release(&c->in);
  release(&c->out);
  release(&c->mqtt);
}

static void flush(conn *c) {
  while (c->out_off < c->out.len) {
    ssize_t n = write(c->fd, c->out.data + c->out_off, c->out.len - c->out_off);
    if (n < 0) {
      if (errno == EAGAIN) break;
      close_conn(c);
      return;
    }
    c->out_off += n;
  }
  if (c->out_off == c->out.len) {
    c->out.len = c->out_off = 0;
    set_events(c, EPOLLIN);
  } else set_events(c, EPOLLIN | EPOLLOUT);
}

static void send_bytes(conn *c, const void *data, size_t len) {
  if (c->fd < 0) return;
  append(&c->out, data, len);
  if (!(c->events & EPOLLOUT)) flush(c);
}

static void send_frame(conn *c, int opcode, const void *payload, size_t len) {
  unsigned char frame[1024];
  if (len + 8 > sizeof frame) return;
  send_bytes(c, frame, encode_frame(frame, opcode, payload, len));
}

/* A logon v2 identity: a P-256 key pair; the ID is the first 22 characters of base64url(SHA-256(public key)). */
static void make_identity(conn *c) {
  c->key = EVP_EC_gen("P-256");
  size_t length = 0;
  if (!c->key || !EVP_PKEY_get_octet_string_param(c->key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, c->pub, sizeof c->pub, &length) ||
      length != 65)
    die("P-256 key generation");
  unsigned char digest[32];
  if (!EVP_Digest(c->pub, 65, digest, NULL, EVP_sha256(), NULL)) die("SHA-256");
  char encoded[64];
  base64url(digest, 32, encoded);
  memcpy(c->id, encoded, ID_LEN);
  c->id[ID_LEN] = 0;
}

static void open_conn(conn *c, int index) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) die("socket (raise the open-file limit)");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  struct sockaddr_in source = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001 + index % source_count)};
  if (bind(c->fd, (struct sockaddr *)&source, sizeof source) < 0) die("bind");
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(c->port), .sin_addr.s_addr = htonl(0x7f000001)};
  if (connect(c->fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS) {
    failed_total++;
    settled_total++;
    close(c->fd);
    c->fd = -1;
    c->state = CLOSED;
    return;
  }
  c->state = CONNECTING;
  c->events = EPOLLOUT;
  struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)index};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl add");
}

static void send_upgrade(conn *c) {
  char request[512];
  int n = snprintf(request, sizeof request,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s\r\n",
                   target == HEARTH ? "/ws" : "/", c->port, target == MQTT ? "Sec-WebSocket-Protocol: mqtt\r\n" : "");
  c->state = HANDSHAKE;
  set_events(c, EPOLLIN);
  send_bytes(c, request, n);
}

static void mqtt_connect(conn *c) {
  unsigned char packet[64];
  size_t n = 0;
  packet[n++] = 0x10;
  packet[n++] = 10 + 2 + ID_LEN;
  memcpy(packet + n, "\0\4MQTT\4\2\0\0", 10); /* level 4, clean session, keep-alive 0 */
  n += 10;
  packet[n++] = 0;
  packet[n++] = ID_LEN;
  memcpy(packet + n, c->id, ID_LEN);
  n += ID_LEN;
  send_frame(c, 0x2, packet, n);
}

static void mqtt_subscribe(conn *c) {
  unsigned char packet[64];
  size_t n = 0;
  packet[n++] = 0x82;
  packet[n++] = 2 + 2 + 2 + ID_LEN + 1;
  packet[n++] = 0;
  packet[n++] = 1; /* packet id */
  packet[n++] = 0;
  packet[n++] = 2 + ID_LEN;
  memcpy(packet + n, "c/", 2);
  memcpy(packet + n + 2, c->id, ID_LEN);
  n += 2 + ID_LEN;
  packet[n++] = 0; /* QoS 0 */
  c->state = SUBSCRIBING;
  send_frame(c, 0x2, packet, n);
}

static void logged_on(conn *c) {
  c->state = READY;
  ready_total++;
  settled_total++;
}

static void hearth_log_on(conn *c, const unsigned char *payload, size_t len) {
  const char *key = "\"nonce\":\"";
  const unsigned char *at = memmem(payload, len, key, strlen(key));
  if (!at) {
    errors_total++;
    return;
  }
  at += strlen(key);
  const unsigned char *end = memchr(at, '"', payload + len - at);
  if (!end || end - at > 100) {
    errors_total++;
    return;
  }
  char text[256];
  int text_len = snprintf(text, sizeof text, "hearth-logon-v2|%.*s|127.0.0.1:%d", (int)(end - at), (const char *)at, c->port);
  unsigned char der[80], signature[64];
  size_t der_length = sizeof der;
  EVP_MD_CTX_reset(sign_context);
  if (!EVP_DigestSignInit(sign_context, NULL, EVP_sha256(), NULL, c->key) ||
      !EVP_DigestSign(sign_context, der, &der_length, (const unsigned char *)text, text_len))
    die("sign");
  /* OpenSSL writes DER; logon v2 takes r || s, 32 bytes each (IEEE P1363). */
  const unsigned char *cursor = der;
  ECDSA_SIG *parsed = d2i_ECDSA_SIG(NULL, &cursor, der_length);
  if (!parsed || BN_bn2binpad(ECDSA_SIG_get0_r(parsed), signature, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(parsed), signature + 32, 32) != 32)
    die("signature encoding");
  ECDSA_SIG_free(parsed);
  char pub64[96], sig64[96], packet[400];
  base64url(c->pub, 65, pub64);
  base64url(signature, 64, sig64);
  int n = snprintf(packet, sizeof packet,
                   "{\"packet_type\":\"LOG_ON\",\"transmitter\":\"%s\",\"public_key\":\"%s\",\"signature\":\"%s\"}", c->id,
                   pub64, sig64);
  c->state = LOGGING_ON;
  send_frame(c, 0x1, packet, n);
}

static uint64_t read_stamp(const unsigned char *at) {
  uint64_t value = 0;
  for (int i = 0; i < STAMP_LEN; i++) {
    unsigned char d = at[i];
    value = value << 4 | (d <= '9' ? d - '0' : d - 'a' + 10);
  }
  return value;
}

static void write_stamp(unsigned char *at, uint64_t value) {
  static const char hex[] = "0123456789abcdef";
  for (int i = STAMP_LEN - 1; i >= 0; i--, value >>= 4) at[i] = hex[value & 15];
}

static void pump(conn *sender);

/* One forwarded message arrived at a receiver; `data` points at its 100 bytes. */
static void delivered(conn *c, const unsigned char *data) {
  if (c->pair < 0) return;
  conn *sender = &conns[c->pair * 2];
  sender->delivered++;
  if (measuring) received_total++;
  if (recording) {
    if (latency_count == latency_cap) {
      latency_cap = latency_cap ? latency_cap * 2 : 65536;
      latencies = realloc(latencies, latency_cap * sizeof *latencies);
      if (!latencies) die("realloc");
    }
    latencies[latency_count++] = now_ns() - read_stamp(data);
  }
  if (frame_template && sender->sent - sender->delivered <= WINDOW / 2) pump(sender);
}

static void on_mqtt_packets(conn *c, const unsigned char *payload, size_t len) {
  append(&c->mqtt, payload, len);
  size_t at = 0;
  while (at + 2 <= c->mqtt.len) {
    size_t remaining = 0, header = 1;
    int shift = 0, complete = 0;
    while (at + header < c->mqtt.len && header <= 4) {
      unsigned char b = c->mqtt.data[at + header++];
      remaining |= (size_t)(b & 127) << shift;
      shift += 7;
      if (!(b & 128)) {
        complete = 1;
        break;
      }
    }
    if (!complete || at + header + remaining > c->mqtt.len) break;
    const unsigned char *packet = c->mqtt.data + at;
    const unsigned char *body = packet + header;
    switch (packet[0] >> 4) {
    case 2: /* CONNACK */
      if (remaining >= 2 && body[1] == 0) mqtt_subscribe(c);
      else errors_total++;
      break;
    case 9: /* SUBACK */
      if (c->state == SUBSCRIBING) logged_on(c);
      break;
    case 3: { /* PUBLISH, QoS 0 */
      size_t topic = (size_t)body[0] << 8 | body[1];
      if (2 + topic + DATA_LEN <= remaining) delivered(c, body + 2 + topic);
      break;
    }
    default:
      break;
    }
    at += header + remaining;
  }
  memmove(c->mqtt.data, c->mqtt.data + at, c->mqtt.len - at);
  c->mqtt.len -= at;
}

static void on_message(conn *c, int opcode, const unsigned char *payload, size_t len) {
  if (opcode == 0x9) {
    send_frame(c, 0xA, payload, len);
    return;
  }
  if (opcode == 0x8) {
    close_conn(c);
    return;
  }
  switch (target) {
  case HEARTH:
    if (c->state == READY) {
      if (len > stamp_in_payload + STAMP_LEN && memcmp(payload, "{\"packet_type\":\"MSG\"", 20) == 0) delivered(c, payload + stamp_in_payload);
      else errors_total++;
    } else if (c->state == AWAIT_CHALLENGE) hearth_log_on(c, payload, len);
    else if (c->state == LOGGING_ON) {
      if (memmem(payload, len, "ACK_LOG_ON", 10)) logged_on(c);
      else {
        if (errors_total++ == 0) fprintf(stderr, "loadgen: logon refused: %.*s\n", (int)(len > 200 ? 200 : len), payload);
      }
    }
    break;
  case MQTT:
    on_mqtt_packets(c, payload, len);
    break;
  case RELAY:
    if (c->state == READY) {
      if (len == ID_LEN + DATA_LEN) delivered(c, payload + ID_LEN);
    } else if (c->state == LOGGING_ON && len == 2) logged_on(c);
    break;
  }
}

static void after_upgrade(conn *c) {
  if (target == MQTT) {
    c->state = LOGGING_ON;
    mqtt_connect(c);
  } else if (target == RELAY) {
    c->state = LOGGING_ON;
    send_frame(c, 0x2, c->id, ID_LEN);
  }
  else c->state = AWAIT_CHALLENGE; /* Hearth sends its CHALLENGE on its own. */
}

/* Parses whole frames from `data`; returns how many bytes were consumed. */
static size_t on_bytes(conn *c, const unsigned char *data, size_t len) {
  size_t at = 0;
  if (c->state == HANDSHAKE) {
    const unsigned char *end = memmem(data, len, "\r\n\r\n", 4);
    if (!end) return 0;
    if (len < 12 || memcmp(data + 9, "101", 3) != 0) {
      fprintf(stderr, "loadgen: upgrade refused: %.40s\n", data);
      failed_total++;
      close_conn(c);
      return len;
    }
    at = end + 4 - data;
    after_upgrade(c);
  }
  while (c->fd >= 0 && len - at >= 2) {
    int opcode = data[at] & 0x0f;
    size_t length = data[at + 1] & 0x7f, start = at + 2;
    if (length == 126) {
      if (len - at < 4) break;
      length = (size_t)data[at + 2] << 8 | data[at + 3];
      start = at + 4;
    } else if (length == 127) {
      if (len - at < 10) break;
      length = 0;
      for (int i = 0; i < 8; i++) length = length << 8 | data[at + 2 + i];
      start = at + 10;
    }
    if (len - start < length) break;
    on_message(c, opcode, data + start, length);
    at = start + length;
  }
  return at;
}

static void on_readable(conn *c) {
  static unsigned char chunk[READ_BUF];
  for (;;) {
    ssize_t n = read(c->fd, chunk, sizeof chunk);
    if (n == 0 || (n < 0 && errno != EAGAIN)) {
      close_conn(c);
      return;
    }
    if (n < 0) return;
    if (c->in.len == 0) {
      size_t used = on_bytes(c, chunk, n);
      if (c->fd >= 0 && used < (size_t)n) append(&c->in, chunk + used, n - used);
    } else {
      append(&c->in, chunk, n);
      size_t used = on_bytes(c, c->in.data, c->in.len);
      if (c->fd < 0) return;
      memmove(c->in.data, c->in.data + used, c->in.len - used);
      c->in.len -= used;
    }
    if (c->fd < 0 || n < (ssize_t)sizeof chunk) return;
  }
}

static void on_event(uint32_t index, uint32_t events) {
  conn *c = &conns[index];
  if (c->fd < 0) return;
  if (c->state == CONNECTING) {
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error) {
      failed_total++;
      close_conn(c);
      return;
    }
    send_upgrade(c);
    return;
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(c);
  if (c->fd >= 0 && (events & EPOLLOUT)) flush(c);
}

static void poll_once(int timeout_ms) {
  struct epoll_event events[512];
  int n = epoll_wait(epfd, events, 512, timeout_ms);
  if (n < 0 && errno != EINTR) die("epoll_wait");
  for (int i = 0; i < n; i++) {
    if (events[i].data.u32 == STDIN_TAG) continue;
    on_event(events[i].data.u32, events[i].events);
  }
}

/* --- pairs --- */

static unsigned char *pair_frames; /* per pair: one encoded frame */
static size_t frame_size;

static void build_pair_frames(int pairs) {
  unsigned char data[DATA_LEN];
  memset(data, 'x', DATA_LEN);
  unsigned char payload[512];
  frame_size = 0;
  for (int p = 0; p < pairs; p++) {
    conn *sender = &conns[p * 2], *receiver = &conns[p * 2 + 1];
    size_t n = 0;
    if (target == HEARTH) {
      n = snprintf((char *)payload, sizeof payload, "{\"packet_type\":\"MSG\",\"transmitter\":\"%s\",\"receiver\":\"%s\",\"data\":\"",
                   sender->id, receiver->id);
      stamp_in_payload = n;
      memcpy(payload + n, data, DATA_LEN);
      n += DATA_LEN;
      memcpy(payload + n, "\"}", 2);
      n += 2;
    } else if (target == MQTT) {
      payload[n++] = 0x30;
      payload[n++] = 2 + 2 + ID_LEN + DATA_LEN;
      payload[n++] = 0;
      payload[n++] = 2 + ID_LEN;
      memcpy(payload + n, "c/", 2);
      memcpy(payload + n + 2, receiver->id, ID_LEN);
      n += 2 + ID_LEN;
      stamp_in_payload = n;
      memcpy(payload + n, data, DATA_LEN);
      n += DATA_LEN;
    } else {
      memcpy(payload, receiver->id, ID_LEN);
      n = ID_LEN;
      stamp_in_payload = n;
      memcpy(payload + n, data, DATA_LEN);
      n += DATA_LEN;
    }
    unsigned char frame[600];
    size_t size = encode_frame(frame, target == HEARTH ? 0x1 : 0x2, payload, n);
    if (!pair_frames) {
      frame_size = size;
      pair_frames = malloc(size * pairs);
      stamp_in_frame = size - n + stamp_in_payload;
    }
    memcpy(pair_frames + p * frame_size, frame, size);
  }
}

static void pump(conn *sender) {
  if (stopped || sender->fd < 0) return;
  int p = sender->pair;
  const unsigned char *frame = pair_frames + p * frame_size;
  while (sender->sent - sender->delivered < WINDOW) {
    unsigned char batch[BATCH * 600];
    for (int i = 0; i < BATCH; i++) memcpy(batch + i * frame_size, frame, frame_size);
    send_bytes(sender, batch, BATCH * frame_size);
    sender->sent += BATCH;
  }
}

/* Opens conns[first, first + count) with at most `in_flight` not yet logged on; gives up after a minute. */
static void connect_all(int first, int count, int in_flight) {
  int next = first, end = first + count;
  long long base = settled_total;
  uint64_t deadline = now_ns() + 60000000000ull;
  while (settled_total - base < count && now_ns() < deadline) {
    while (next < end && (next - first) - (settled_total - base) < in_flight) {
      open_conn(&conns[next], next);
      next++;
    }
    poll_once(100);
  }
}

static int arg_int(int argc, char **argv, const char *name, int fallback) {
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) return atoi(argv[i + 1]);
  return fallback;
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double percentile_ms(double fraction) {
  if (latency_count == 0) return -1;
  size_t index = (size_t)(latency_count * fraction);
  if (index >= latency_count) index = latency_count - 1;
  return latencies[index] / 1e6;
}

static void run_for(uint64_t until) {
  for (uint64_t now = now_ns(); now < until; now = now_ns()) poll_once((int)((until - now) / 1000000) + 1);
}

static void wait_for_line(void) {
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: loadgen hearth|mqtt|relay saturate|latency|idle <port> [--pairs N] [--rate R] [--conns N] [--warm N]\n"
                    "       [--in-flight N] [--warmup-ms N] [--duration-ms N] [--sources N] [--receiver-port P] [--announce 1]\n");
    return 64;
  }
  target = strcmp(argv[1], "hearth") == 0 ? HEARTH : strcmp(argv[1], "mqtt") == 0 ? MQTT : RELAY;
  const char *mode = argv[2];
  port = atoi(argv[3]);
  int pairs = arg_int(argc, argv, "--pairs", 50);
  int rate = arg_int(argc, argv, "--rate", 10000);
  int count = arg_int(argc, argv, "--conns", 10000);
  int warm = arg_int(argc, argv, "--warm", 20);
  int in_flight = arg_int(argc, argv, "--in-flight", 100);
  int warmup_ms = arg_int(argc, argv, "--warmup-ms", 1000);
  int duration_ms = arg_int(argc, argv, "--duration-ms", 5000);
  source_count = arg_int(argc, argv, "--sources", 250);
  receiver_port = arg_int(argc, argv, "--receiver-port", port);
  int announce = arg_int(argc, argv, "--announce", 0);

  sign_context = EVP_MD_CTX_new();
  if (!sign_context) die("EVP_MD_CTX_new");
  epfd = epoll_create1(0);
  if (epfd < 0) die("epoll_create1");

  int is_idle = strcmp(mode, "idle") == 0;
  conn_count = is_idle ? warm + count : pairs * 2;
  conns = calloc(conn_count, sizeof *conns);
  if (!conns) die("calloc");
  for (int i = 0; i < conn_count; i++) {
    conns[i].fd = -1;
    conns[i].pair = is_idle ? -1 : i / 2;
    conns[i].is_receiver = i % 2;
    conns[i].port = !is_idle && conns[i].is_receiver ? receiver_port : port;
    make_identity(&conns[i]);
  }

  if (is_idle) {
    connect_all(0, warm, in_flight);
    printf("{\"event\":\"warm\",\"ready\":%lld,\"failed\":%lld}\n", ready_total, failed_total + errors_total);
    fflush(stdout);
    wait_for_line();
    long long ready_before = ready_total;
    double cpu = cpu_seconds();
    uint64_t started = now_ns();
    connect_all(warm, count, in_flight);
    double seconds = (now_ns() - started) / 1e9;
    printf("{\"event\":\"storm\",\"ready\":%lld,\"failed\":%lld,\"seconds\":%.4f,\"per_second\":%.1f,\"cpu\":%.3f}\n",
           ready_total - ready_before, failed_total + errors_total, seconds, (ready_total - ready_before) / seconds,
           (cpu_seconds() - cpu) / seconds);
    fflush(stdout);
    /* Holds the connections (answering pings) until told to stop. */
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = STDIN_TAG};
    epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ev);
    for (;;) {
      struct epoll_event events[512];
      int n = epoll_wait(epfd, events, 512, -1);
      for (int i = 0; i < n; i++) {
        if (events[i].data.u32 == STDIN_TAG) {
          printf("{\"event\":\"stopped\",\"ready\":%lld}\n", ready_total);
          return 0;
        }
        on_event(events[i].data.u32, events[i].events);
      }
    }
  }

  connect_all(0, conn_count, in_flight);
  if (ready_total < conn_count) {
    fprintf(stderr, "loadgen: only %lld of %d connections logged on\n", ready_total, conn_count);
    return 1;
  }
  build_pair_frames(pairs);
  uint64_t started = now_ns();
  if (strcmp(mode, "saturate") == 0) {
    frame_template = pair_frames;
    for (int p = 0; p < pairs; p++) pump(&conns[p * 2]);
    run_for(started + warmup_ms * 1000000ull);
    if (announce) {
      printf("{\"event\":\"measuring\"}\n");
      fflush(stdout);
    }
    double cpu = cpu_seconds();
    uint64_t from = now_ns();
    measuring = 1;
    run_for(from + duration_ms * 1000000ull);
    measuring = 0;
    stopped = 1;
    double seconds = (now_ns() - from) / 1e9;
    printf("{\"event\":\"saturate\",\"received\":%lld,\"seconds\":%.4f,\"per_second\":%.1f,\"errors\":%lld,\"closed\":%lld,\"cpu\":%.3f,\"cpu_total\":%.3f}\n",
           received_total, seconds, received_total / seconds, errors_total, closed_total, (cpu_seconds() - cpu) / seconds, cpu_seconds());
    return 0;
  }
  /* latency: each pair sends at rate/pairs per second, due messages every millisecond, each stamped when written. */
  double per_pair_per_ns = (double)rate / pairs / 1e9;
  uint64_t ends = started + (warmup_ms + duration_ms) * 1000000ull;
  long long sent = 0;
  double cpu = 0;
  measuring = 1;
  for (uint64_t now = now_ns(); now < ends; now = now_ns()) {
    if (!recording && now - started >= warmup_ms * 1000000ull) {
      recording = 1;
      cpu = cpu_seconds();
    }
    long long due = (long long)((now - started) * per_pair_per_ns);
    /* What is due for one sender in this tick goes out in one write, as a client's socket would coalesce it. */
    for (int p = 0; p < pairs; p++) {
      conn *sender = &conns[p * 2];
      if (sender->sent >= due || sender->fd < 0) continue;
      uint64_t stamp = now_ns();
      for (; sender->sent < due; sender->sent++) {
        append(&sender->out, pair_frames + p * frame_size, frame_size);
        write_stamp(sender->out.data + sender->out.len - frame_size + stamp_in_frame, stamp);
        sent++;
      }
      if (!(sender->events & EPOLLOUT)) flush(sender);
    }
    poll_once(1);
  }
  recording = 0;
  run_for(now_ns() + 200000000ull); /* the last messages in flight */
  qsort(latencies, latency_count, sizeof *latencies, compare_u64);
  printf("{\"event\":\"latency\",\"sent\":%lld,\"received\":%lld,\"samples\":%zu,\"p50\":%.4f,\"p99\":%.4f,\"p999\":%.4f,\"errors\":%lld,"
         "\"cpu\":%.3f,\"cpu_total\":%.3f}\n",
         sent, received_total, latency_count, percentile_ms(0.5), percentile_ms(0.99), percentile_ms(0.999), errors_total,
         (cpu_seconds() - cpu) / (duration_ms / 1000.0), cpu_seconds());
  return 0;
}
