/** Broker settings: defaults, and the command line and environment that override them. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isIP } from 'node:net';
import { canonicalAddress } from './limits.ts';
import { isLogLevel, type LogLevel } from './log.ts';
import { normalizeHost } from './public-hosts.ts';

export type SlowReceiverPolicy = 'drop' | 'terminate';

export interface BrokerConfig {
  port: number;
  host: string;
  /** Directory of the built app; null serves no files. */
  staticDir: string | null;
  /** Browser origins allowed besides the broker's own; connections without `Origin` (devices) are always allowed. */
  allowedOrigins: string[];
  /**
   * The `host[:port]` names clients reach the broker by (public-hosts.ts, normalizeHost); an upgrade with another
   * Host is refused with 421. Null: localhost, this machine's addresses and names, and the allowed origins' hosts.
   */
  publicHosts: string[] | null;
  maxFrameBytes: number;
  /** Most bytes of one message (all its fragments) read before closing 1009; between maxFrameBytes and this, too_large is said first. */
  maxMessageBytes: number;
  /** Time from a message's first byte to its last; an unfinished message past it closes the connection (4008). */
  messageTimeoutMs: number;
  logonTimeoutMs: number;
  /** A socket's TLS handshake, and each HTTP request's headers, must be complete within this; also the keep-alive idle time. */
  requestTimeoutMs: number;
  pingIntervalMs: number;
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  floodMaxDrops: number;
  floodWindowMs: number;
  rateLimitNoticeMs: number;
  /** What one receiver takes per second from senders it has not addressed itself, in frames of up to 4 KiB. */
  inboundPerSecond: number;
  inboundBurst: number;
  logonLimitPerMinute: number;
  /** LOG_ON packets per client address per minute, counted whether they succeed or not. */
  logonAttemptsPerAddress: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** Connections per IPv6 /56, all its /64s together. */
  maxConnectionsPer56: number;
  /** Connections per IPv6 /48. */
  maxConnectionsPer48: number;
  /** Peers whose X-Forwarded-For names the client address: the reverse proxy in front, if any. */
  trustedProxies: string[];
  maxSubscriptions: number;
  maxBufferedBytes: number;
  slowReceiver: SlowReceiverPolicy;
  /** How long a closing socket may take to finish the close handshake before it is cut. */
  closeGraceMs: number;
  tlsCert: string | null;
  tlsKey: string | null;
  logLevel: LogLevel;
  /** redis:// or rediss:// URL: the broker is one node of a cluster routing through it (cluster/); null is a single process. */
  redis: string | null;
}

/** Unless set, the IPv6 /56 and /48 caps are these many times --max-connections-per-ip. */
const CONNECTIONS_PER_56_PER_ADDRESS = 4;
const CONNECTIONS_PER_48_PER_ADDRESS = 16;

export const DEFAULTS: Readonly<BrokerConfig> = {
  port: 8080,
  host: '0.0.0.0',
  staticDir: null,
  allowedOrigins: [],
  publicHosts: null,
  maxFrameBytes: 16 * 1024,
  maxMessageBytes: 2 * 16 * 1024,
  messageTimeoutMs: 10_000,
  logonTimeoutMs: 10_000,
  // A few round trips, and the thermostat's TLS handshake (an ECDHE and a signature check on an ESP8266), fit in it.
  requestTimeoutMs: 5_000,
  pingIntervalMs: 30_000,
  rateLimitPerSecond: 20,
  rateLimitBurst: 40,
  floodMaxDrops: 200,
  floodWindowMs: 10_000,
  rateLimitNoticeMs: 1_000,
  // docs/protocol.md, "Limits": an ESP8266 takes about 7 ms (plain ws) to 26 ms (wss) to open and drop a
  // hostile 4 KiB frame; 5 a second keeps that under a seventh of its CPU, 10 at once is a household's apps.
  inboundPerSecond: 5,
  inboundBurst: 10,
  logonLimitPerMinute: 15,
  logonAttemptsPerAddress: 60,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 32,
  maxConnectionsPer56: CONNECTIONS_PER_56_PER_ADDRESS * 32,
  maxConnectionsPer48: CONNECTIONS_PER_48_PER_ADDRESS * 32,
  // None: a same-host TCP forwarder (ssh -L, socat, stunnel) would otherwise let every client name its own address.
  trustedProxies: [],
  maxSubscriptions: 64,
  maxBufferedBytes: 1024 * 1024,
  slowReceiver: 'drop',
  closeGraceMs: 500,
  tlsCert: null,
  tlsKey: null,
  logLevel: 'info',
  redis: null,
};

/**
 * From SIGTERM or SIGINT to exit (main.ts), whether or not every client has finished its close handshake: the
 * README promises 2 s, less a margin for the runtime. deploy/systemd's TimeoutStopSec is held above it.
 */
export const EXIT_DEADLINE_MS = 1800;

/** `dist/` when it exists, so a built app is served without a flag. */
export const defaultStaticDir = (): string | null => (existsSync('dist') ? 'dist' : null);

export function resolveConfig(overrides: Partial<BrokerConfig>): BrokerConfig {
  const config: BrokerConfig = {
    ...DEFAULTS,
    staticDir: defaultStaticDir(),
    maxMessageBytes: MESSAGE_BYTES_PER_FRAME_BYTE * (overrides.maxFrameBytes ?? DEFAULTS.maxFrameBytes),
    maxConnectionsPer56: CONNECTIONS_PER_56_PER_ADDRESS * (overrides.maxConnectionsPerAddress ?? DEFAULTS.maxConnectionsPerAddress),
    maxConnectionsPer48: CONNECTIONS_PER_48_PER_ADDRESS * (overrides.maxConnectionsPerAddress ?? DEFAULTS.maxConnectionsPerAddress),
    ...overrides,
  };
  if ((config.tlsCert === null) !== (config.tlsKey === null)) throw new Error('--tls-cert and --tls-key go together');
  if (config.maxMessageBytes < config.maxFrameBytes) throw new Error('--max-message-bytes must be at least --max-frame-bytes');
  return config;
}

/** Unless set, --max-message-bytes is this many times --max-frame-bytes: room to say too_large before closing. */
const MESSAGE_BYTES_PER_FRAME_BYTE = 2;

type Kind = 'port' | 'count' | 'text' | 'list' | 'hosts' | 'addresses' | 'slow' | 'level' | 'path' | 'redis';

interface OptionSpec {
  key: keyof BrokerConfig;
  flag: string;
  kind: Kind;
  help: string;
  /** The environment variable, when not envName(flag). */
  env?: string;
}

const OPTIONS: readonly OptionSpec[] = [
  { key: 'port', flag: 'port', kind: 'port', help: 'TCP port; 0 picks a free one' },
  { key: 'host', flag: 'host', kind: 'text', help: 'address to listen on' },
  { key: 'staticDir', flag: 'static', kind: 'path', help: 'directory of the built app (default dist/ when it exists)' },
  { key: 'allowedOrigins', flag: 'allowed-origins', kind: 'list', help: 'comma-separated browser origins allowed besides our own' },
  { key: 'publicHosts', flag: 'public-hosts', kind: 'hosts', help: 'comma-separated host[:port] names clients reach the broker by; other Hosts get 421' },
  { key: 'maxFrameBytes', flag: 'max-frame-bytes', kind: 'count', help: 'largest frame accepted' },
  { key: 'maxMessageBytes', flag: 'max-message-bytes', kind: 'count', help: 'most bytes of one message, fragments included, read before closing 1009' },
  { key: 'messageTimeoutMs', flag: 'message-timeout-ms', kind: 'count', help: 'close (4008) a connection whose message is unfinished this long; answer 503 to an OwnTracks body not in by then' },
  { key: 'logonTimeoutMs', flag: 'logon-timeout-ms', kind: 'count', help: 'close (4001) a connection without LOG_ON after this' },
  { key: 'requestTimeoutMs', flag: 'request-timeout-ms', kind: 'count', help: 'close a socket whose TLS handshake or request headers take longer, or idle this long between requests' },
  { key: 'pingIntervalMs', flag: 'ping-interval-ms', kind: 'count', help: 'heartbeat; two unanswered pings terminate' },
  { key: 'rateLimitPerSecond', flag: 'rate-limit', kind: 'count', help: 'deliveries per second per connection (a BROADCAST to n costs n); per address and per member and thermostat at the OwnTracks ingress' },
  { key: 'rateLimitBurst', flag: 'rate-burst', kind: 'count', help: 'token bucket size per connection, and at the OwnTracks ingress' },
  { key: 'floodMaxDrops', flag: 'flood-max-drops', kind: 'count', help: 'dropped packets per window before closing 4029' },
  { key: 'floodWindowMs', flag: 'flood-window-ms', kind: 'count', help: 'window for --flood-max-drops' },
  { key: 'rateLimitNoticeMs', flag: 'rate-notice-ms', kind: 'count', help: 'at most one rate_limited ERROR per this interval' },
  { key: 'inboundPerSecond', flag: 'inbound-limit', kind: 'count', help: 'frames per second a receiver takes from IDs it has not addressed' },
  { key: 'inboundBurst', flag: 'inbound-burst', kind: 'count', help: 'token bucket size for --inbound-limit' },
  { key: 'logonLimitPerMinute', flag: 'logon-limit', kind: 'count', help: 'successful logons per ID per minute' },
  { key: 'logonAttemptsPerAddress', flag: 'logon-limit-per-ip', kind: 'count', help: 'LOG_ON attempts per IP address (IPv6: per /64) per minute' },
  { key: 'maxConnections', flag: 'max-connections', kind: 'count', help: 'connections in total (fewer if open files run out first)' },
  { key: 'maxConnectionsPerAddress', flag: 'max-connections-per-ip', kind: 'count', help: 'connections per IP address (IPv6: per /64); its sockets of any kind, 8 more' },
  { key: 'maxConnectionsPer56', flag: 'max-connections-per-56', kind: 'count', help: 'connections per IPv6 /56' },
  { key: 'maxConnectionsPer48', flag: 'max-connections-per-48', kind: 'count', help: 'connections per IPv6 /48' },
  { key: 'trustedProxies', flag: 'trusted-proxies', kind: 'addresses', help: 'addresses of the reverse proxies whose X-Forwarded-For gives the client address' },
  { key: 'maxSubscriptions', flag: 'max-subscriptions', kind: 'count', help: 'themes per connection' },
  { key: 'maxBufferedBytes', flag: 'max-buffered-bytes', kind: 'count', help: 'unsent bytes per connection before messages to it are dropped' },
  { key: 'slowReceiver', flag: 'slow-receiver', kind: 'slow', help: 'drop | terminate: what happens past --max-buffered-bytes' },
  { key: 'closeGraceMs', flag: 'close-grace-ms', kind: 'count', help: 'wait for a close handshake before cutting the socket' },
  { key: 'tlsCert', flag: 'tls-cert', kind: 'path', help: 'PEM certificate: serve https and wss' },
  { key: 'tlsKey', flag: 'tls-key', kind: 'path', help: 'PEM private key for --tls-cert' },
  { key: 'logLevel', flag: 'log-level', kind: 'level', help: 'debug | info | warn | error' },
  { key: 'redis', flag: 'redis', kind: 'redis', help: 'redis:// or rediss:// URL: run as one node of several sharing this Redis (or Valkey)', env: 'BROKER_REDIS_URL' },
];

export const envName = (flag: string): string => `BROKER_${flag.toUpperCase().replaceAll('-', '_')}`;
const envOf = (spec: OptionSpec): string => spec.env ?? envName(spec.flag);

function parseValue(spec: OptionSpec, text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const bad = (what: string) => ({ ok: false as const, message: `--${spec.flag} (${envOf(spec)}) must be ${what}, not ${JSON.stringify(text)}` });
  switch (spec.kind) {
    case 'port': {
      const port = Number(text);
      return /^\d+$/.test(text) && port <= 65535 ? { ok: true, value: port } : bad('a port number');
    }
    case 'count': {
      const count = Number(text);
      return /^\d+$/.test(text) && count >= 1 && Number.isSafeInteger(count) ? { ok: true, value: count } : bad('a positive integer');
    }
    case 'list':
      return { ok: true, value: listItems(text) };
    case 'hosts': {
      const hosts = listItems(text).map(normalizeHost);
      if (hosts.length === 0 || hosts.includes(null)) return bad('host or host:port names separated by commas');
      return { ok: true, value: hosts };
    }
    case 'addresses': {
      const addresses = listItems(text);
      if (!addresses.every((address) => isIP(address) !== 0)) return bad('IP addresses separated by commas');
      return { ok: true, value: addresses.map(canonicalAddress) };
    }
    case 'slow':
      return text === 'drop' || text === 'terminate' ? { ok: true, value: text } : bad('drop or terminate');
    case 'level':
      return isLogLevel(text) && text !== 'silent' ? { ok: true, value: text } : bad('debug, info, warn or error');
    case 'path':
      return { ok: true, value: text === '' ? null : text };
    case 'text':
      return text === '' ? bad('non-empty') : { ok: true, value: text };
    case 'redis':
      return isRedisUrl(text) ? { ok: true, value: text } : bad('a redis:// or rediss:// URL');
  }
}

function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const listItems = (text: string): string[] => text.split(',').map((item) => item.trim()).filter((item) => item !== '');

export type CommandLine =
  | { ok: true; help: true }
  | { ok: true; help: false; config: Partial<BrokerConfig> }
  | { ok: false; message: string };

/** Flags win over environment variables, which win over the defaults. */
export function parseCommandLine(args: readonly string[], env: Readonly<Record<string, string | undefined>>): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(OPTIONS.map((spec) => [spec.flag, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  if (parsed.values['help'] === true) return { ok: true, help: true };
  const flags = new Map(Object.entries(parsed.values));
  const config: Partial<BrokerConfig> = {};
  for (const spec of OPTIONS) {
    const flagValue = flags.get(spec.flag);
    const text = typeof flagValue === 'string' ? flagValue : env[envOf(spec)];
    if (text === undefined) continue;
    const value = parseValue(spec, text);
    if (!value.ok) return value;
    Object.assign(config, { [spec.key]: value.value });
  }
  return { ok: true, help: false, config };
}

/** Defaults that depend on another option or on the machine, as --help and the README say them. */
const DERIVED_DEFAULTS = new Map<keyof BrokerConfig, string>([
  ['staticDir', 'dist/ if present'],
  ['publicHosts', 'localhost, 127.0.0.1, [::1], this machine’s addresses, name and name.local, with the port; the hosts of --allowed-origins'],
  ['maxMessageBytes', `${MESSAGE_BYTES_PER_FRAME_BYTE} × --max-frame-bytes`],
  ['maxConnectionsPer56', `${CONNECTIONS_PER_56_PER_ADDRESS} × --max-connections-per-ip`],
  ['maxConnectionsPer48', `${CONNECTIONS_PER_48_PER_ADDRESS} × --max-connections-per-ip`],
]);

/** One row per option, as both --help and the README's table show it. */
function optionRows(): Array<{ flag: string; env: string; fallback: string; help: string }> {
  return OPTIONS.map((spec) => {
    const value = DEFAULTS[spec.key];
    const fallback = DERIVED_DEFAULTS.get(spec.key) ?? (value === null || (Array.isArray(value) && value.length === 0) ? 'none' : String(value));
    return { flag: `--${spec.flag}`, env: envOf(spec), fallback, help: spec.help };
  });
}

export function helpText(): string {
  const rows = optionRows();
  const flagWidth = Math.max(...rows.map((row) => row.flag.length));
  const envWidth = Math.max(...rows.map((row) => row.env.length));
  return [
    'Usage: npm run broker -- [options]',
    '',
    'The thermostat broker: WebSocket /ws, GET /healthz, the OwnTracks ingress (POST /presence/owntracks/<member ID>/<thermostat ID>…)',
    'and the built app on one port.',
    'Every option can also be set by the environment variable beside it; flags win.',
    '',
    ...rows.map((row) => `  ${row.flag.padEnd(flagWidth)} ${row.env.padEnd(envWidth)} ${row.help} [${row.fallback}]`),
    `  ${'--help'.padEnd(flagWidth)} ${''.padEnd(envWidth)} this text`,
    '',
  ].join('\n');
}

/** The README's table of options: the same rows as --help, so that config.test.ts can hold the two identical. */
export function markdownOptionTable(): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  return [
    '| flag | environment | default | what |',
    '|---|---|---|---|',
    ...optionRows().map((row) => `| \`${row.flag}\` | \`${row.env}\` | ${cell(row.fallback)} | ${cell(row.help)} |`),
  ].join('\n');
}
