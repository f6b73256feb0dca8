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
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= cost;
    return true;
  }

  /** How long until `take` would admit: 0 when it would now. */
  msUntilAdmitted(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.ratePerSecond;
  }

  /** Refilled to its burst: the state a new bucket starts in, so one that is full may be forgotten. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.last = now;
    }
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

  /** Full, no drops in a window still open, no notice that would be held back: a new FloodGuard would act the same. */
  isIdle(now: number): boolean {
    return (
      this.isFull(now) &&
      (this.dropsInWindow === 0 || now - this.windowStart >= this.policy.floodWindowMs) &&
      now - this.lastNotice >= this.policy.rateLimitNoticeMs
    );
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

export type InboundPolicy = Pick<BrokerConfig, 'inboundPerSecond' | 'inboundBurst'>;

/**
 * What one receiver takes in from strangers (docs/protocol.md, "Limits"): every sender that is not one of its
 * partners (partners.ts) shares this one bucket, so a crowd of fresh IDs can use it up but never silence a
 * partner. Made on first use: most receivers never hear from a stranger.
 */
export class InboundBudget {
  private strangers: TokenBucket | null = null;

  constructor(private readonly policy: InboundPolicy) {}

  /** Whether a frame of `bytes` from a stranger may be delivered now. */
  admit(bytes: number, now: number): boolean {
    this.strangers ??= new TokenBucket(this.policy.inboundPerSecond, this.policy.inboundBurst, now);
    return this.strangers.take(now, Math.max(1, Math.ceil(bytes / INBOUND_UNIT_BYTES)));
  }

  /** How long until a frame from a stranger would be admitted: 0 when it would now. */
  msUntilAdmitted(now: number): number {
    return this.strangers?.msUntilAdmitted(now) ?? 0;
  }

  /** As a new budget starts: one that is may be forgotten. */
  isFull(now: number): boolean {
    return this.strangers?.isFull(now) ?? true;
  }
}

/**
 * One token bucket per key (a client address, an ID named in a URL), made on the first charge: asking about a key
 * never stores it. A bucket full again is forgotten at the sweep, losing nothing; past `maxKeys` the sweep runs
 * early, and if every bucket is still in use the one made longest ago is forgotten.
 */
export class RateBook<Key extends string> {
  private readonly buckets = new Map<Key, TokenBucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxKeys: number,
  ) {}

  /** How long until `key` may be admitted: 0 when it may now. */
  msUntilAdmitted(key: Key, now: number): number {
    return this.buckets.get(key)?.msUntilAdmitted(now) ?? 0;
  }

  /** Charges `key` what an admitted thing cost, even into debt (TokenBucket). */
  charge(key: Key, now: number, cost: number): void {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) this.makeRoom(now);
      bucket = new TokenBucket(this.ratePerSecond, this.burst, now);
      this.buckets.set(key, bucket);
    }
    // The caller admitted it at msUntilAdmitted; take refills first, and a bucket emptied meanwhile still pays.
    if (!bucket.take(now, cost)) bucket.charge(cost);
  }

  sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private makeRoom(now: number): void {
    this.sweep(now);
    if (this.buckets.size < this.maxKeys) return;
    const oldest = this.buckets.keys().next();
    if (oldest.done !== true) this.buckets.delete(oldest.value);
  }
}

/**
 * The OwnTracks ingress's bounds (docs/protocol.md, "The ingress"): a WebSocket client's rate per client address and
 * per pair of member ID and thermostat (memberThermostatKey), and the requests of one address in progress.
 */
export interface IngressLimits {
  readonly byAddress: RateBook<string>;
  readonly byMemberAndThermostat: RateBook<string>;
  readonly inProgress: RequestsInProgress;
}

/** Requests of one client address the ingress reads at once; its /56 and /48 are capped as connections are (AddressCaps). */
export const INGRESS_REQUESTS_PER_ADDRESS = 8;

export const ingressLimitsOf = (config: Pick<BrokerConfig, 'rateLimitPerSecond' | 'rateLimitBurst'>, maxKeys: number): IngressLimits => ({
  byAddress: new RateBook(config.rateLimitPerSecond, config.rateLimitBurst, maxKeys),
  byMemberAndThermostat: new RateBook(config.rateLimitPerSecond, config.rateLimitBurst, maxKeys),
  inProgress: new RequestsInProgress({
    perAddress: INGRESS_REQUESTS_PER_ADDRESS,
    per56: 4 * INGRESS_REQUESTS_PER_ADDRESS,
    per48: 16 * INGRESS_REQUESTS_PER_ADDRESS,
  }),
});

/** The key of a member's rate toward one thermostat: a stranger naming the member with other thermostats spends none of it. */
export const memberThermostatKey = (member: ClientId, thermostat: ClientId): string => `${member}/${thermostat}`;

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
    // concat, not push: push grows the array's store to 17 slots, and an idle fleet keeps one per ID for a minute.
    this.recent.set(key, times.concat(now));
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

/**
 * Most held at once per address key (see addressKey) and, for IPv6, per /56 and per /48 around its /64: one
 * customer is commonly given a whole /56 or /48, and could otherwise hold the per-/64 cap 256 or 65,536 times.
 */
export interface AddressCaps {
  readonly perAddress: number;
  readonly per56: number;
  readonly per48: number;
}

export const addressCapsOf = (config: Pick<BrokerConfig, 'maxConnectionsPerAddress' | 'maxConnectionsPer56' | 'maxConnectionsPer48'>): AddressCaps => ({
  perAddress: config.maxConnectionsPerAddress,
  per56: config.maxConnectionsPer56,
  per48: config.maxConnectionsPer48,
});

const SLASH_64 = /^([0-9a-f]{1,4}):([0-9a-f]{1,4}):([0-9a-f]{1,4}):([0-9a-f]{1,4})::\/64$/;

/** The address key followed by the wider IPv6 prefixes it lies in (its /56, then its /48); an IPv4 key alone. */
export function addressGroups(key: string): [string] | [string, string, string] {
  const match = SLASH_64.exec(key);
  if (match === null) return [key];
  const [first = '', second = '', third = '', fourth = '0'] = match.slice(1);
  const slash56 = (parseInt(fourth, 16) & 0xff00).toString(16);
  return [key, `${first}:${second}:${third}:${slash56}::/56`, `${first}:${second}:${third}::/48`];
}

/** Things held per address key, with the nested IPv6 caps of AddressCaps. */
export class AddressCounts {
  private readonly counts = new Map<string, number>();
  private readonly capsByLevel: readonly [number, number, number];

  constructor(caps: AddressCaps) {
    this.capsByLevel = [caps.perAddress, caps.per56, caps.per48];
  }

  /** Whether one more for `key` would pass its cap, or its /56's or /48's. */
  full(key: string): boolean {
    return addressGroups(key).some((group, level) => (this.counts.get(group) ?? 0) >= (this.capsByLevel[level] ?? 0));
  }

  add(key: string): void {
    for (const group of addressGroups(key)) this.counts.set(group, (this.counts.get(group) ?? 0) + 1);
  }

  remove(key: string): void {
    for (const group of addressGroups(key)) {
      const count = (this.counts.get(group) ?? 1) - 1;
      if (count > 0) this.counts.set(group, count);
      else this.counts.delete(group);
    }
  }

  /** Keys and prefixes with something held, so a test can see that everything was counted back. */
  get size(): number {
    return this.counts.size;
  }
}

/**
 * Requests in progress per client address key, with AddressCounts' nested IPv6 caps. A key is held only while it
 * has one in progress, so the map is never larger than the sockets the server holds, and needs no sweep.
 */
export class RequestsInProgress {
  private readonly counts: AddressCounts;
  private inProgress = 0;

  constructor(caps: AddressCaps) {
    this.counts = new AddressCounts(caps);
  }

  /** Counts a request of `key` in, or returns null when that would pass a cap; the function returned counts it out, once. */
  start(key: string): (() => void) | null {
    if (this.counts.full(key)) return null;
    this.counts.add(key);
    this.inProgress += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.counts.remove(key);
      this.inProgress -= 1;
    };
  }

  /** Requests in progress now. */
  get size(): number {
    return this.inProgress;
  }

  /** Keys and prefixes held: 0 once every request has ended. */
  get addresses(): number {
    return this.counts.size;
  }
}

export type AdmissionPolicy = Pick<
  BrokerConfig,
  'maxConnectionsPerAddress' | 'maxConnectionsPer56' | 'maxConnectionsPer48' | 'logonAttemptsPerAddress'
>;

/**
 * Caps per client address (see clientAddress) and in total: connections held, and logon attempts per minute,
 * counted whether or not they succeed so that an attacker without a key cannot churn either.
 */
export class AddressLimits {
  private readonly connections: AddressCounts;
  private total = 0;
  private readonly logons: PerMinuteLimiter<string>;

  constructor(
    policy: AdmissionPolicy,
    /** Connections the broker holds at most: the configured cap, or fewer when open files run out first. */
    readonly capacity: number,
  ) {
    this.connections = new AddressCounts(addressCapsOf(policy));
    this.logons = new PerMinuteLimiter(policy.logonAttemptsPerAddress);
  }

  /** Why a new connection from `address` would be refused, or null when it may come in. */
  refusal(address: string): ConnectionRefusal | null {
    if (this.total >= this.capacity) return 'broker_full';
    if (this.connections.full(address)) return 'address_full';
    return null;
  }

  opened(address: string): void {
    this.total += 1;
    this.connections.add(address);
  }

  closed(address: string): void {
    this.total -= 1;
    this.connections.remove(address);
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
 * One spelling per address, so that configured addresses compare equal to what sockets report: IPv4 dotted,
 * also when mapped into IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1); IPv6 as its eight groups in lowercase hex
 * without leading zeros or zone (0:0:0:0:0:0:0:1 for ::1). Anything else is returned as it is.
 */
export function canonicalAddress(address: string): string {
  const plain = unmapped(address.trim());
  if (isIP(plain.split('%', 1)[0] ?? '') !== 6) return plain;
  const groups = ipv6Groups(plain);
  if (groups === null) return plain;
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
    const high = parseInt(groups[6] ?? '0', 16);
    const low = parseInt(groups[7] ?? '0', 16);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return groups.join(':');
}

/**
 * The address the per-address caps count: IPv4 as it is (also when mapped into IPv6), IPv6 by its /64,
 * because one subscriber commonly gets a whole /64 and could otherwise take a fresh address per connection
 * (its /56 and /48 are capped as well: addressGroups).
 */
export function addressKey(address: string): string {
  return keyOfCanonical(canonicalAddress(address));
}

/** addressKey of an address already in canonicalAddress form: the hot paths have canonicalised it once. */
export function keyOfCanonical(canonical: string): string {
  if (isIP(canonical) !== 6) return canonical;
  return `${canonical.split(':').slice(0, 4).join(':')}::/64`;
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

export interface ClientAddress {
  /** What the per-address caps count it under (addressKey). */
  readonly key: string;
  /** The peer is a trusted proxy that named no client in X-Forwarded-For, so the proxy itself is counted. */
  readonly unforwarded: boolean;
}

/**
 * The client address of a request: the TCP peer, or, when the peer is a trusted reverse proxy (its address in
 * canonicalAddress form), the last address that proxy put in X-Forwarded-For. The entries before it are
 * whatever the client chose to send.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trustedProxies: ReadonlySet<string>): ClientAddress {
  const direct = canonicalAddress(peer ?? 'unknown');
  if (!trustedProxies.has(direct)) return { key: keyOfCanonical(direct), unforwarded: false };
  const last = forwardedFor?.split(',').at(-1)?.trim() ?? '';
  return isIP(last) === 0 ? { key: keyOfCanonical(direct), unforwarded: true } : { key: addressKey(last), unforwarded: false };
}

/** An IPv4 address as itself, also when the dual-stack socket reports it mapped into IPv6 (::ffff:192.0.2.1). */
const unmapped = (address: string): string => /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1] ?? address;

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
