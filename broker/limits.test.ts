import { describe, expect, it } from 'vitest';
import {
  addressKey,
  AddressLimits,
  clientAddress,
  FloodGuard,
  INBOUND_UNIT_BYTES,
  InboundBudget,
  LogonLimiter,
  TokenBucket,
  UnfinishedMessage,
} from './limits.ts';

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

  it('admits a cost larger than what is left, then refuses until the rate has repaid the debt', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect(bucket.take(0, 8)).toBe(true); // 3 - 8 = -5
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(500)).toBe(false); // 0: five tokens came back, none to spare
    expect(bucket.take(599)).toBe(false);
    expect(bucket.take(600)).toBe(true);
    expect(bucket.take(600)).toBe(false);
  });

  it('charges the rest of a cost after admission, into debt', () => {
    const bucket = new TokenBucket(1, 5, 0);
    expect(bucket.take(0)).toBe(true);
    bucket.charge(9); // 5 - 1 - 9 = -5
    expect(bucket.take(5_900)).toBe(false);
    expect(bucket.take(6_100)).toBe(true);
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

describe('FloodGuard with deliveries charged', () => {
  it('refuses after a broadcast was charged, and reports flooding only past the drops allowed', () => {
    const guard = new FloodGuard({ rateLimitPerSecond: 1, rateLimitBurst: 10, floodMaxDrops: 2, floodWindowMs: 1000, rateLimitNoticeMs: 0 }, 0);
    expect(guard.admit(0)).toBe('accept');
    guard.charge(299); // a BROADCAST to 300
    expect(guard.admit(1)).toBe('drop_and_notify');
    expect(guard.admit(2)).toBe('drop_and_notify');
    expect(guard.admit(3)).toBe('flooding');
    // Sparse traffic while in debt is refused, never closed: each drop falls in a new window.
    const patient = new FloodGuard({ rateLimitPerSecond: 1, rateLimitBurst: 10, floodMaxDrops: 2, floodWindowMs: 1000, rateLimitNoticeMs: 0 }, 0);
    patient.admit(0);
    patient.charge(299);
    for (let second = 1; second < 290; second += 1) expect(patient.admit(second * 1000)).not.toBe('flooding');
    expect(patient.admit(291_000)).toBe('accept');
  });

  it('says a notice is due at most once per interval', () => {
    const guard = new FloodGuard({ rateLimitPerSecond: 1, rateLimitBurst: 1, floodMaxDrops: 9, floodWindowMs: 1000, rateLimitNoticeMs: 500 }, 0);
    expect([guard.noticeDue(0), guard.noticeDue(499), guard.noticeDue(500)]).toEqual([true, false, true]);
  });
});

describe('InboundBudget', () => {
  const stranger = 'SSSSSSSSSSSSSSSSSSSSSS';
  const member = 'MMMMMMMMMMMMMMMMMMMMMM';

  it('holds strangers to the burst and rate, while an ID the receiver addressed always gets through', () => {
    const budget = new InboundBudget({ inboundPerSecond: 2, inboundBurst: 3 });
    budget.addressed(member);
    expect([1, 2, 3, 4].map(() => budget.admit(stranger, 100, 0))).toEqual([true, true, true, false]);
    expect(budget.admit(member, 100, 0)).toBe(true);
    expect(budget.admit(stranger, 100, 499)).toBe(false);
    expect(budget.admit(stranger, 100, 500)).toBe(true);
  });

  it('counts a frame as one message per started 4 KiB', () => {
    const budget = new InboundBudget({ inboundPerSecond: 1, inboundBurst: 4 });
    expect(budget.admit(stranger, 3 * INBOUND_UNIT_BYTES + 1, 0)).toBe(true); // 4 - 4 = 0
    expect(budget.admit(stranger, 1, 0)).toBe(false);
    expect(budget.admit(stranger, 1, 1000)).toBe(true);
  });

  it('remembers the 32 IDs it addressed most recently', () => {
    const budget = new InboundBudget({ inboundPerSecond: 1, inboundBurst: 1 });
    const ids = Array.from({ length: 33 }, (_, index) => `${String(index).padStart(2, '0')}AAAAAAAAAAAAAAAAAAAA`);
    for (const partner of ids.slice(0, 32)) budget.addressed(partner);
    budget.addressed(ids[0]!); // used again: now the most recent
    budget.addressed(ids[32]!); // forgets ids[1], the least recently addressed
    budget.admit(stranger, 1, 0); // uses up the strangers' one token
    expect(budget.admit(ids[0]!, 1, 0)).toBe(true);
    expect(budget.admit(ids[32]!, 1, 0)).toBe(true);
    expect(budget.admit(ids[1]!, 1, 0)).toBe(false);
  });
});

describe('AddressLimits', () => {
  it('refuses past the cap per address and in total, and counts closes back', () => {
    const limits = new AddressLimits({ maxConnectionsPerAddress: 2, logonAttemptsPerAddress: 2 }, 3);
    limits.opened('192.0.2.1');
    limits.opened('192.0.2.1');
    expect(limits.refusal('192.0.2.1')).toBe('address_full');
    expect(limits.refusal('192.0.2.2')).toBeNull();
    limits.opened('192.0.2.2');
    expect(limits.refusal('192.0.2.3')).toBe('broker_full');
    limits.closed('192.0.2.1');
    expect(limits.refusal('192.0.2.1')).toBeNull();
    limits.closed('192.0.2.1');
    limits.closed('192.0.2.2');
    expect(limits.addresses).toBe(0);
  });

  it('counts logon attempts per address per minute', () => {
    const limits = new AddressLimits({ maxConnectionsPerAddress: 2, logonAttemptsPerAddress: 2 }, 3);
    expect([limits.tryLogon('192.0.2.1', 0), limits.tryLogon('192.0.2.1', 1), limits.tryLogon('192.0.2.1', 2)]).toEqual([true, true, false]);
    expect(limits.tryLogon('192.0.2.2', 2)).toBe(true);
    expect(limits.tryLogon('192.0.2.1', 60_000)).toBe(true);
  });
});

describe('addressKey and clientAddress', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('counts %s as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('believes X-Forwarded-For only from a trusted proxy, and then only its last entry', () => {
    const trusted = new Set(['127.0.0.1']);
    expect(clientAddress('127.0.0.1', '10.0.0.1, 198.51.100.7', trusted)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:127.0.0.1', '2001:db8::1', trusted)).toBe('2001:db8:0:0::/64');
    expect(clientAddress('127.0.0.1', 'not an address', trusted)).toBe('127.0.0.1');
    expect(clientAddress('203.0.113.9', '198.51.100.7', trusted)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', undefined, trusted)).toBe('127.0.0.1');
  });
});

describe('UnfinishedMessage', () => {
  it('is overdue once the same message has been unfinished for the timeout', () => {
    const watch = new UnfinishedMessage();
    expect(watch.overdue(5, 0, 100)).toBe(false); // first seen
    expect(watch.overdue(5, 99, 100)).toBe(false);
    expect(watch.overdue(5, 100, 100)).toBe(true);
  });

  it('starts again when a message was completed between checks', () => {
    const watch = new UnfinishedMessage();
    watch.overdue(5, 0, 100);
    expect(watch.overdue(6, 150, 100)).toBe(false);
    expect(watch.overdue(6, 249, 100)).toBe(false);
    expect(watch.overdue(6, 250, 100)).toBe(true);
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
    expect(limiter.trackedKeys).toBe(1);
    limiter.sweep(60_000);
    expect(limiter.trackedKeys).toBe(0);
  });
});
