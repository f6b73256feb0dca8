/**
 * A node's two connections to Redis: one for commands (SPUBLISH, the logon counters), one held in subscriber mode.
 * ioredis reconnects both with backoff. Nothing is queued while Redis is away: a command then fails at once, so
 * cross-node traffic is answered (receiver_offline) instead of delivered late, and nothing sent twice after a
 * reconnect. The channels this node wants are kept here, and all of them are subscribed again once Redis is back.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.ts';
import { WriteBatch } from '../write-batch.ts';

const BACKOFF_FIRST_MS = 100;
const BACKOFF_MOST_MS = 2_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** A Redis that holds a command this long is treated as away for it: a logon is then not held up to its timeout, and a subscription is asked for again. */
const COMMAND_TIMEOUT_MS = 2_000;
/** Channels per SSUBSCRIBE when subscribing again after a reconnect: one reply per channel, in bounded commands. */
const RESUBSCRIBE_BATCH = 1_000;

/**
 * Counts a logon of the ID within a fixed window that starts at its first logon, and, unless that is over the
 * limit, hands out the next logon generation: one counter for every ID, so that a later logon anywhere has a
 * larger one and no per-ID key outlives its window. KEYS: the ID's logon counter, the generation. ARGV: window ms, limit.
 */
const CLAIM_SCRIPT = `
local logons = redis.call('INCR', KEYS[1])
if logons == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if logons > tonumber(ARGV[2]) then return 0 end
return redis.call('INCR', KEYS[2])`;

/** Raises the generation to at least ARGV[1]: after a Redis that lost its data, no new logon is numbered below a held one. */
const RAISE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`;

/**
 * Records that KEYS[1]'s ID addressed ARGV[1] at ARGV[2] (ms), for ARGV[3] ms; past ARGV[4] partners the one
 * addressed longest ago goes. Per ID, not per node: the book follows a client to whichever node it logs on to.
 */
const PARTNER_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[4]) then
  local entries = redis.call('HGETALL', KEYS[1])
  local oldest, oldestAt = nil, nil
  for i = 1, #entries, 2 do
    local at = tonumber(entries[i + 1])
    if oldestAt == nil or at == nil or at < oldestAt then oldest, oldestAt = entries[i], at end
  end
  redis.call('HDEL', KEYS[1], oldest)
end
return 0`;

const GENERATION_KEY = 'hearth:logon-generation';
const partnersKey = (id: string): string => `hearth:{${id}}:partners`;
const logonsKey = (id: string): string => `hearth:{${id}}:logons`;

export const backoffMs = (attempt: number): number => Math.min(BACKOFF_MOST_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt - 1));

export class RedisLink {
  private readonly publishes = new WriteBatch();
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  /**
   * Every channel is sharded (SSUBSCRIBE), BROADCAST's and the nodes' own too: ioredis leaves subscriber mode when
   * an SUNSUBSCRIBE reply counts no sharded channel left, even while plain ones are held, and then misreads their messages.
   */
  private readonly wanted = new Set<string>();
  /** Subscriptions asked for on the current connection, settled once Redis confirmed them; forgotten when it drops. */
  private readonly subscribed = new Map<string, Promise<void>>();
  private available = false;
  private everConnected = false;
  /** The outage is logged once, however many attempts and connections fail in it. */
  private outageSaid = false;
  private closing = false;
  private readonly availableWaiters: Array<() => void> = [];

  constructor(
    url: string,
    private readonly log: Logger,
    private readonly onMessage: (channel: string, payload: Buffer) => void,
    /** Once Redis is reachable again and every wanted channel is subscribed. */
    private readonly onRestored: () => void,
  ) {
    const options: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: backoffMs,
    };
    this.commands = new Redis(url, { ...options, connectionName: 'hearth-broker' });
    this.subscriber = new Redis(url, { ...options, connectionName: 'hearth-broker-subscriber' });
    // Redis forgets a connection's subscriptions with it.
    this.subscriber.on('close', () => this.subscribed.clear());
    for (const connection of [this.commands, this.subscriber]) {
      connection.on('ready', () => void this.whenReady());
      connection.on('close', () => this.lost());
      // ioredis reports every failed attempt; lost() says it once per outage.
      connection.on('error', () => undefined);
    }
    this.subscriber.on('smessageBuffer', (channel: Buffer, payload: Buffer) => this.onMessage(channel.toString('latin1'), payload));
  }

  /** Connected, with every wanted channel subscribed: cross-node traffic can flow. */
  get isAvailable(): boolean {
    return this.available;
  }

  /** Resolves once cross-node traffic can flow (at once if it can now). */
  whenAvailable(): Promise<void> {
    if (this.available) return Promise.resolve();
    return new Promise((resolve) => this.availableWaiters.push(resolve));
  }

  /**
   * Subscribes (SSUBSCRIBE) and keeps the channel across reconnects until dropped; resolves once Redis confirmed
   * it, rejects while Redis is away (it is subscribed when Redis is back all the same).
   */
  want(channel: string): Promise<void> {
    this.wanted.add(channel);
    const pending = this.subscribed.get(channel);
    if (pending !== undefined) return pending;
    if (this.subscriber.status !== 'ready') return Promise.reject(new Error('redis unavailable'));
    const subscription = this.subscriber.ssubscribe(channel).then(() => undefined);
    this.remember(channel, subscription);
    return subscription;
  }

  drop(channel: string): void {
    if (!this.wanted.delete(channel)) return;
    this.subscribed.delete(channel);
    if (this.subscriber.status !== 'ready') return;
    this.subscriber.sunsubscribe(channel).catch(() => undefined);
  }

  /** SPUBLISH: how many nodes got it. Rejects at once while Redis is away. */
  async publish(channel: string, payload: Buffer): Promise<number> {
    // As for clients' sockets (write-batch.ts): the SPUBLISHes of one turn leave in one writev, not one each.
    if (this.commands.status === 'ready') this.publishes.hold(this.commands.stream);
    return Number(await this.commands.spublish(channel, payload));
  }

  /** The next logon generation for `id`, or null when the ID is over `limit` logons in `windowMs` across the cluster. */
  async claimLogon(id: string, limit: number, windowMs: number): Promise<number | null> {
    const generation = Number(await this.commands.eval(CLAIM_SCRIPT, 2, logonsKey(id), GENERATION_KEY, windowMs, limit));
    return generation > 0 ? generation : null;
  }

  async recordPartner(from: string, to: string, at: number, ttlMs: number, most: number): Promise<void> {
    await this.commands.eval(PARTNER_SCRIPT, 1, partnersKey(from), to, at, ttlMs, most);
  }

  /** The partners recorded for `id`, as Redis holds them: field (an ID) → when addressed (ms), both unchecked. */
  async partnersOf(id: string): Promise<Record<string, string>> {
    return this.commands.hgetall(partnersKey(id));
  }

  /** Commands on this connection run in order: a claim sent after this is numbered above `generation`. */
  async raiseGeneration(generation: number): Promise<void> {
    await this.commands.eval(RAISE_SCRIPT, 1, GENERATION_KEY, generation);
  }

  /** A generation without counting a logon: for logons a node took while Redis was away. */
  async nextGeneration(): Promise<number> {
    return Number(await this.commands.incr(GENERATION_KEY));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.available = false;
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  private remember(channel: string, subscription: Promise<void>): void {
    this.subscribed.set(channel, subscription);
    // A subscription that failed (Redis went away meanwhile) is asked for again when Redis is back.
    subscription.catch(() => {
      if (this.subscribed.get(channel) === subscription) this.subscribed.delete(channel);
    });
  }

  private async whenReady(): Promise<void> {
    if (this.commands.status !== 'ready' || this.subscriber.status !== 'ready' || this.available) return;
    try {
      await this.resubscribe();
    } catch {
      return; // Gone again; the next 'ready' tries anew.
    }
    if (this.available || this.commands.status !== 'ready' || this.subscriber.status !== 'ready') return;
    this.available = true;
    this.log.info('redis_connected', { channels: this.wanted.size, again: this.everConnected });
    this.everConnected = true;
    this.outageSaid = false;
    this.onRestored();
    for (const resolve of this.availableWaiters.splice(0)) resolve();
  }

  private async resubscribe(): Promise<void> {
    const channels = [...this.wanted].filter((channel) => !this.subscribed.has(channel));
    const batches: Array<Promise<void>> = [];
    for (let start = 0; start < channels.length; start += RESUBSCRIBE_BATCH) {
      const batch = channels.slice(start, start + RESUBSCRIBE_BATCH);
      const subscription = this.subscriber.ssubscribe(...batch).then(() => undefined);
      for (const channel of batch) this.remember(channel, subscription);
      batches.push(subscription);
    }
    await Promise.all(batches);
  }

  /** Either connection dropped or could not connect. */
  private lost(): void {
    this.available = false;
    if (this.closing || this.outageSaid) return;
    this.outageSaid = true;
    this.log.warn('redis_unavailable', { message: 'cross-node traffic is refused until Redis is back; same-node clients are served' });
  }
}
