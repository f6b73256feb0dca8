/** The broker serves the app, so by default it is the same origin's /ws. */
export function defaultBrokerUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

/** The broker this app talks to, and so the one a thermostat it sets up is told to use: the person's choice or the default. */
export function brokerUrlOf(preferences: { brokerUrl: string | null }, loc?: Pick<Location, 'protocol' | 'host'>): string {
  return preferences.brokerUrl ?? defaultBrokerUrl(loc);
}

/** A broker address the user typed: ws:// or wss:// only, else a message saying what to fix. */
export function validateBrokerUrl(text: string): string | null {
  if (text.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'That is not a broker address; one looks like wss://example.org/ws.';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return 'The broker address must start with ws:// or wss://.';
  return null;
}

/** IPv6 hosts as URL writes them that mean "this computer": ::1, ::, and IPv4-mapped 127.0.0.0/8 and 0.0.0.0. */
const LOCAL_ONLY_IPV6 = /^\[(?:::1|::|::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}|::ffff:0:0)\]$/;

/**
 * The host of `url` when only the computer that opens it can reach it, else null (also for text that is not a
 * URL): `localhost` and `*.localhost`, 127.0.0.0/8, ::1, and the unspecified 0.0.0.0 and ::. A thermostat told
 * such a broker, or a phone handed such an app address, looks for the server in itself. The host is read the way
 * the browser reads it (URL: case, a trailing dot, IPv4 written as 127.1 or 0x7f000001, IPv6 spelled out).
 */
export function localOnlyHost(url: string): string | null {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return null;
  }
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === 'localhost' || name.endsWith('.localhost')) return hostname;
  if (LOCAL_ONLY_IPV6.test(name)) return hostname;
  // URL has already turned every IPv4 spelling into a dotted quad.
  if (/^127\.\d+\.\d+\.\d+$/.test(name) || name === '0.0.0.0') return hostname;
  return null;
}

/**
 * Where the broker's OwnTracks ingress listens (docs/protocol.md, "The ingress"): the broker URL with `ws://` made
 * `http://` and `wss://` made `https://`, and a final `/ws` (or `/`) taken off, keeping host, port and any path
 * prefix a reverse proxy serves it under (`wss://example.org/hearth/ws` gives `https://example.org/hearth`). No user,
 * query or fragment. null for text that is not a ws:// or wss:// URL, or whose prefix has an empty segment (`//`).
 */
export function brokerIngressBase(brokerUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(brokerUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  const path = url.pathname;
  const prefix = path.endsWith('/ws') ? path.slice(0, -'/ws'.length) : path.endsWith('/') ? path.slice(0, -1) : path;
  if (prefix !== '' && !/^(?:\/[^/]+)+$/.test(prefix)) return null;
  return `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.host}${prefix}`;
}
