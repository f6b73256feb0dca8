/**
 * docs/protocol.md, "Logging on": a LOG_ON signs the host the client reached, and the broker checks it against the
 * `Host` of the upgrade. A broker that took any Host would let a relay at evil.example, which connects here with
 * `Host: evil.example`, log on with what its victim signed for evil.example. So the broker answers only to the
 * names it has: an upgrade whose Host is not one of them is refused before any CHALLENGE.
 */
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** Longer than any DNS name with a port; a longer Host is refused unread. */
const MAX_HOST_LENGTH = 300;
/** Without --public-hosts, a Host not in the list makes the broker look at its interfaces again, at most this often. */
const DEFAULT_HOSTS_REFRESH_MS = 30_000;

/**
 * `host[:port]` in one spelling, as WHATWG `new URL(url).host` writes it: lowercase, IPv6 in brackets and
 * compressed, international names in their xn-- form, and no port when it is 80 or 443 (the default of ws and
 * of wss, which a client leaves out of its Host). Null when `text` is not a host with an optional port.
 */
export function normalizeHost(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > MAX_HOST_LENGTH || /[\s/?#@\\]/.test(trimmed)) return null;
  let url: URL;
  try {
    url = new URL(`http://${trimmed}`);
  } catch {
    return null;
  }
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url.port === '443' ? url.hostname : url.host;
}

/** An interface address as a URL writes it: IPv6 in brackets, without its zone. */
const hostOfAddress = (address: string): string => {
  const bare = address.split('%', 1)[0] ?? address;
  return isIP(bare) === 6 ? `[${bare}]` : bare;
};

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export interface DefaultHostsSetting {
  port: number;
  /** The address the broker listens on: a specific one is among its names as well. */
  listenHost: string;
  allowedOrigins: readonly string[];
}

/**
 * What a local or LAN setup reaches the broker by, each with the port the broker listens on: localhost and the
 * loopback addresses, every address of this machine's interfaces, its host name and the `.local` name mDNS
 * gives it; and the hosts of the allowed origins.
 */
export function defaultPublicHosts(setting: DefaultHostsSetting): string[] {
  const name = hostname().toLowerCase();
  const names = ['localhost', '127.0.0.1', '[::1]', name, `${name.split('.', 1)[0] ?? name}.local`];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const entry of addresses ?? []) names.push(hostOfAddress(entry.address));
  }
  if (!WILDCARDS.has(setting.listenHost)) names.push(hostOfAddress(setting.listenHost));
  const hosts = names.map((host) => normalizeHost(`${host}:${setting.port}`));
  for (const origin of setting.allowedOrigins) {
    try {
      hosts.push(normalizeHost(new URL(origin).host));
    } catch {
      // An origin that is no URL names no host; the origin check refuses it anyway.
    }
  }
  return [...new Set(hosts.filter((host) => host !== null))];
}

/**
 * The Host names an upgrade may carry: the configured list, or the defaults, looked up when first needed (the
 * port is known only once the server listens) and again now and then.
 */
export class PublicHosts {
  private hosts: ReadonlySet<string> | null;
  private lookedUpAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly configured: readonly string[] | null,
    private readonly defaults: () => string[],
  ) {
    this.hosts = configured === null ? null : new Set(configured);
  }

  /**
   * Whether a `Host` header names this broker. Without a configured list, a miss looks at the interfaces again
   * (a laptop that changed networks has a new address), but not more often than every 30 s however many
   * foreign Hosts arrive.
   */
  accepts(hostHeader: string | undefined, now: number): boolean {
    const host = hostHeader === undefined ? null : normalizeHost(hostHeader);
    if (host === null) return false;
    if ((this.hosts ?? this.lookUp(now)).has(host)) return true;
    if (this.configured !== null || now - this.lookedUpAt < DEFAULT_HOSTS_REFRESH_MS) return false;
    return this.lookUp(now).has(host);
  }

  /** The names as they stand, looked up first if they never were. */
  list(now: number): string[] {
    return [...(this.hosts ?? this.lookUp(now))];
  }

  private lookUp(now: number): ReadonlySet<string> {
    this.hosts = new Set(this.defaults());
    this.lookedUpAt = now;
    return this.hosts;
  }
}
