/** Rate limits. Every one takes `now` in milliseconds so that the tests drive the clock. */
import type { ClientId } from '../protocol/index.ts';
import type { BrokerConfig } from './config.ts';

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

  take(now: number): boolean {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
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
 * Per-connection message rate: a token bucket, plus the decision when dropping turns into closing.
 * It is the bucket itself rather than holding one, and shares the config object, because every connection
 * carries one: an idle broker holds thousands of these.
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
    if (now - this.lastNotice < this.policy.rateLimitNoticeMs) return 'drop';
    this.lastNotice = now;
    return 'drop_and_notify';
  }
}

const MINUTE_MS = 60_000;

/** Successful logons per ID per minute, so a flapping device cannot churn the registry. */
export class LogonLimiter {
  private readonly recent = new Map<ClientId, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Records a logon and returns true, or returns false (recording nothing) when the ID is over its limit. */
  tryAcquire(id: ClientId, now: number): boolean {
    const times = (this.recent.get(id) ?? []).filter((time) => now - time < MINUTE_MS);
    if (times.length >= this.perMinute) {
      this.recent.set(id, times);
      return false;
    }
    times.push(now);
    this.recent.set(id, times);
    return true;
  }

  /** Forgets IDs with no logon in the last minute, so the map stays as small as the set of recent IDs. */
  sweep(now: number): void {
    for (const [id, times] of this.recent) {
      if (times.every((time) => now - time >= MINUTE_MS)) this.recent.delete(id);
    }
  }

  get trackedIds(): number {
    return this.recent.size;
  }
}
