import { describe, expect, it } from 'vitest';
import { FloodGuard, LogonLimiter, TokenBucket } from './limits.ts';

const id = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('TokenBucket', () => {
  it('allows the burst, then the rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(10_000)).toBe(true);
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([true, true, false]);
  });
});

describe('FloodGuard', () => {
  const policy = { rateLimitPerSecond: 1, rateLimitBurst: 1, floodMaxDrops: 3, floodWindowMs: 1000, rateLimitNoticeMs: 500 };

  it('notifies at most once per interval and reports flooding past the drops allowed in a window', () => {
    const guard = new FloodGuard(policy, 0);
    expect(guard.admit(0)).toBe('accept');
    expect(guard.admit(1)).toBe('drop_and_notify');
    expect(guard.admit(2)).toBe('drop');
    expect(guard.admit(3)).toBe('drop');
    expect(guard.admit(4)).toBe('flooding');
  });

  it('starts a new window, so sparse drops never add up to flooding', () => {
    const guard = new FloodGuard(policy, 0);
    guard.admit(0);
    for (let second = 0; second < 10; second += 1) {
      const now = (second + 1) * 1000;
      expect(guard.admit(now)).toBe('accept');
      expect(guard.admit(now)).not.toBe('flooding');
    }
  });
});

describe('LogonLimiter', () => {
  it('allows the limit per minute per ID, not counting refusals', () => {
    const limiter = new LogonLimiter(2);
    expect(limiter.tryAcquire(id, 0)).toBe(true);
    expect(limiter.tryAcquire(id, 1)).toBe(true);
    expect(limiter.tryAcquire(id, 2)).toBe(false);
    expect(limiter.tryAcquire('BBBBBBBBBBBBBBBBBBBBBB', 2)).toBe(true);
    expect(limiter.tryAcquire(id, 59_999)).toBe(false);
    expect(limiter.tryAcquire(id, 60_000)).toBe(true);
  });

  it('sweeps IDs with no recent logon', () => {
    const limiter = new LogonLimiter(2);
    limiter.tryAcquire(id, 0);
    limiter.sweep(59_999);
    expect(limiter.trackedIds).toBe(1);
    limiter.sweep(60_000);
    expect(limiter.trackedIds).toBe(0);
  });
});
