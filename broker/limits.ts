/** Rate limits and caps. Every one takes `now` in milliseconds so that the tests drive the clock. */
import { isIP } from 'node:net';
import type { ClientId } from '../protocol/index.ts';
import type { BrokerConfig } from './config.ts';

/**
 * A token bucket that may go into debt: it admits while at least one token is left and is then charged
 * whatever the admitted thing turned out to cost, even below zero. Refusals follow until the rate has
 * repaid the debt, so a cost known only after admission (a broadcast's receivers) is still paid in full.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Admits and charges `cost` when at least one token is left; otherwise refuses and charges nothing. */
  take(now: number, cost = 1): boolean {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= cost;
    return true;
  }

  /** Charges what an admitted frame cost beyond the token `take` already took. */
  charge(cost: number): void {
    this.tokens -= cost;
  }
}

/**
 * The config's rate settings, read straight from the one config object every connection shares.
 * floodMaxDrops: drops within one window beyond which the client is flooding and is closed with 4029.
 * rateLimitNoticeMs: at most one rate_limited ERROR per this interval; answering every drop would amplify a flood.
 */
export type FloodPolicy = Pick<BrokerConfig, 'rateLimitPerSecond' | 'rateLimitBurst' | 'floodMaxDrops' | 'floodWindowMs' | 'rateLimitNoticeMs'>;

export type Admission = 'accept' | 'drop' | 'drop_and_notify' | 'flooding';

/**
 * Per-connection sending rate, in deliveries: a token bucket (every frame takes one token on arrival, and a
 * BROADCAST or MULTICAST is charged the rest of its receivers once routed), plus the decision when dropping
 * turns into closing. It is the bucket itself rather than holding one, and shares the config object, because
 * every connection carries one: an idle broker holds thousands of these.
 */
export class FloodGuard extends TokenBucket {
  private windowStart: number;
  private dropsInWindow = 0;
  private lastNotice = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly policy: FloodPolicy,
    now: number,
  ) {
    super(policy.rateLimitPerSecond, policy.rateLimitBurst, now);
    this.windowStart = now;
  }

  admit(now: number): Admission {
    if (this.take(now)) return 'accept';
    if (now - this.windowStart >= this.policy.floodWindowMs) {
      this.windowStart = now;
      this.dropsInWindow = 0;
    }
    this.dropsInWindow += 1;
    if (this.dropsInWindow > this.policy.floodMaxDrops) return 'flooding';
    return this.noticeDue(now) ? 'drop_and_notify' : 'drop';
  }

  /** True at most once per rateLimitNoticeMs: whether a drop of this sender's packet is worth an ERROR. */
  noticeDue(now: number): boolean {
    if (now - this.lastNotice < this.policy.rateLimitNoticeMs) return false;
    this.lastNotice = now;
    return true;
  }
}

/**
 * Frames a receiver takes from senders it has not itself addressed, in units of this many bytes: the
 * thermostat's cost of a frame (TLS, JSON, AES-GCM) grows with its size, and it reads at most 4 KiB.
 */
export const INBOUND_UNIT_BYTES = 4096;
/** A thermostat has at most 8 apps (docs/protocol.md, "Sessions and replay"); room for a few more devices. */
const MAX_PARTNERS = 32;

export type InboundPolicy = Pick<BrokerConfig, 'inboundPerSecond' | 'inboundBurst'>;

/**
 * What one receiver takes in (docs/protocol.md, "Limits"). The IDs it has itself sent a unicast to (its
 * partners: a thermostat's apps, an app's thermostat) are held only by their own send rate. Everyone else
 * shares one bucket, so a crowd of fresh IDs can use up that bucket but never silence a partner: a stranger
 * cannot become one, because the thermostat answers only envelopes that decrypt under its key.
 * Both parts are made on first use: most receivers never hear from a stranger.
 */
export class InboundBudget {
  private strangers: TokenBucket | null = null;
  private partners: Set<ClientId> | null = null;

  constructor(private readonly policy: InboundPolicy) {}

  /** The receiver sent a unicast to `id`: from now on it hears from `id` freely. The longest unused is forgotten past the cap. */
  addressed(id: ClientId): void {
    const partners = (this.partners ??= new Set());
    if (partners.delete(id)) {
      partners.add(id);
      return;
    }
    if (partners.size >= MAX_PARTNERS) {
      const oldest = partners.values().next();
      if (oldest.done !== true) partners.delete(oldest.value);
    }
    partners.add(id);
  }

  /** Whether a frame of `bytes` from `sender` may be delivered now. */
  admit(sender: ClientId, bytes: number, now: number): boolean {
    if (this.partners?.has(sender) === true) return true;
    this.strangers ??= new TokenBucket(this.policy.inboundPerSecond, this.policy.inboundBurst, now);
    return this.strangers.take(now, Math.max(1, Math.ceil(bytes / INBOUND_UNIT_BYTES)));
  }
}

const MINUTE_MS = 60_000;

/** Events per key per minute, in a sliding window: successful logons per ID, logon attempts per address. */
export class PerMinuteLimiter<Key extends string> {
  private readonly recent = new Map<Key, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Records an event and returns true, or returns false (recording nothing) when the key is over its limit. */
  tryAcquire(key: Key, now: number): boolean {
    const times = (this.recent.get(key) ?? []).filter((time) => now - time < MINUTE_MS);
    if (times.length >= this.perMinute) {
      this.recent.set(key, times);
      return false;
    }
    times.push(now);
    this.recent.set(key, times);
    return true;
  }

  /** Forgets keys with no event in the last minute, so the map stays as small as the set of recent keys. */
  sweep(now: number): void {
    for (const [key, times] of this.recent) {
      if (times.every((time) => now - time >= MINUTE_MS)) this.recent.delete(key);
    }
  }

  get trackedKeys(): number {
    return this.recent.size;
  }
}

/** Successful logons per ID per minute, so a flapping device cannot churn the registry. */
export class LogonLimiter extends PerMinuteLimiter<ClientId> {}

export type ConnectionRefusal = 'address_full' | 'broker_full';

export type AdmissionPolicy = Pick<BrokerConfig, 'maxConnectionsPerAddress' | 'logonAttemptsPerAddress'>;

/**
 * Caps per client address (see clientAddress) and in total: connections held, and logon attempts per minute,
 * counted whether or not they succeed so that an attacker without a key cannot churn either.
 */
export class AddressLimits {
  private readonly connections = new Map<string, number>();
  private total = 0;
  private readonly logons: PerMinuteLimiter<string>;

  constructor(
    private readonly policy: AdmissionPolicy,
    /** Connections the broker holds at most: the configured cap, or fewer when open files run out first. */
    readonly capacity: number,
  ) {
    this.logons = new PerMinuteLimiter(policy.logonAttemptsPerAddress);
  }

  /** Why a new connection from `address` would be refused, or null when it may come in. */
  refusal(address: string): ConnectionRefusal | null {
    if (this.total >= this.capacity) return 'broker_full';
    if ((this.connections.get(address) ?? 0) >= this.policy.maxConnectionsPerAddress) return 'address_full';
    return null;
  }

  opened(address: string): void {
    this.total += 1;
    this.connections.set(address, (this.connections.get(address) ?? 0) + 1);
  }

  closed(address: string): void {
    this.total -= 1;
    const count = (this.connections.get(address) ?? 1) - 1;
    if (count > 0) this.connections.set(address, count);
    else this.connections.delete(address);
  }

  /** Records a LOG_ON from `address`; false when the address is over its attempts for the minute. */
  tryLogon(address: string, now: number): boolean {
    return this.logons.tryAcquire(address, now);
  }

  sweep(now: number): void {
    this.logons.sweep(now);
  }

  get addresses(): number {
    return this.connections.size;
  }
}

/**
 * The address the per-address caps count: IPv4 as it is (also when mapped into IPv6), IPv6 by its /64,
 * because one subscriber commonly gets a whole /64 and could otherwise take a fresh address per connection.
 */
export function addressKey(address: string): string {
  const plain = unmapped(address);
  if (isIP(plain) !== 6) return plain;
  const groups = ipv6Groups(plain);
  return groups === null ? plain : `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address in lowercase hex without leading zeros, or null when it is none. */
function ipv6Groups(address: string): string[] | null {
  const bare = address.split('%', 1)[0] ?? '';
  const halves = bare.split('::');
  if (halves.length > 2) return null;
  const expand = (part: string | undefined): string[] => {
    if (part === undefined || part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [group];
      // An IPv4 tail (e.g. 64:ff9b::192.0.2.1) is two groups.
      const bytes = group.split('.').map(Number);
      return [((bytes[0] ?? 0) * 256 + (bytes[1] ?? 0)).toString(16), ((bytes[2] ?? 0) * 256 + (bytes[3] ?? 0)).toString(16)];
    });
  };
  const head = expand(halves[0]);
  const tail = expand(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return null;
  return groups.map((group) => parseInt(group, 16).toString(16));
}

/**
 * The key the per-address caps count (see addressKey) for the TCP peer, or, when the peer is a trusted
 * reverse proxy, for the last address that proxy put in X-Forwarded-For (the entries before it are whatever
 * the client chose to send).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trustedProxies: ReadonlySet<string>): string {
  const direct = unmapped(peer ?? 'unknown');
  if (forwardedFor === undefined || !trustedProxies.has(direct)) return addressKey(direct);
  const last = forwardedFor.split(',').at(-1)?.trim() ?? '';
  return addressKey(isIP(last) === 0 ? direct : last);
}

/** An IPv4 address as itself, also when the dual-stack socket reports it mapped into IPv6 (::ffff:192.0.2.1). */
export const unmapped = (address: string): string => /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1] ?? address;

/**
 * Watches one connection's message under way: under way at two checks with no message completed between them
 * means the same message has been unfinished at least the time between the checks (messages come one after
 * another; only control frames may come between a message's fragments).
 */
export class UnfinishedMessage {
  private since: number | null = null;
  private completedAtCheck = 0;

  /** Called at each check while a message is under way; true once it has been unfinished for `timeoutMs`. */
  overdue(completed: number, now: number, timeoutMs: number): boolean {
    if (this.since === null || completed !== this.completedAtCheck) {
      this.since = now;
      this.completedAtCheck = completed;
      return false;
    }
    return now - this.since >= timeoutMs;
  }
}
