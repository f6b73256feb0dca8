import { describe, expect, it } from 'vitest';
import {
  AddressCounts,
  addressGroups,
  addressKey,
  AddressLimits,
  canonicalAddress,
  clientAddress,
  FloodGuard,
  INBOUND_UNIT_BYTES,
  InboundBudget,
  LogonLimiter,
  RateBook,
  RequestsInProgress,
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
  it('holds strangers to the burst, then the rate', () => {
    const budget = new InboundBudget({ inboundPerSecond: 2, inboundBurst: 3 });
    expect([1, 2, 3, 4].map(() => budget.admit(100, 0))).toEqual([true, true, true, false]);
    expect(budget.admit(100, 499)).toBe(false);
    expect(budget.admit(100, 500)).toBe(true);
  });

  it('says how long until a stranger is admitted again', () => {
    const budget = new InboundBudget({ inboundPerSecond: 2, inboundBurst: 1 });
    expect(budget.msUntilAdmitted(0)).toBe(0);
    budget.admit(100, 0);
    expect(budget.msUntilAdmitted(0)).toBe(500);
    expect(budget.msUntilAdmitted(400)).toBeCloseTo(100);
  });

  it('counts a frame as one message per started 4 KiB', () => {
    const budget = new InboundBudget({ inboundPerSecond: 1, inboundBurst: 4 });
    expect(budget.admit(3 * INBOUND_UNIT_BYTES + 1, 0)).toBe(true); // 4 - 4 = 0
    expect(budget.admit(1, 0)).toBe(false);
    expect(budget.admit(1, 1000)).toBe(true);
  });
});

const caps = { maxConnectionsPerAddress: 2, maxConnectionsPer56: 3, maxConnectionsPer48: 4, logonAttemptsPerAddress: 2 };

describe('AddressLimits', () => {
  it('refuses past the cap per address and in total, and counts closes back', () => {
    const limits = new AddressLimits(caps, 3);
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

  it('caps the /64s of one IPv6 /56 together, and those of one /48', () => {
    const limits = new AddressLimits(caps, 100);
    // Three /64s of 2001:db8:1:a00::/56, one address each.
    for (const address of ['2001:db8:1:a00::1', '2001:db8:1:a01::1', '2001:db8:1:aff::1']) {
      expect(limits.refusal(addressKey(address))).toBeNull();
      limits.opened(addressKey(address));
    }
    expect(limits.refusal(addressKey('2001:db8:1:a42::1'))).toBe('address_full');
    // Another /56 of the same /48 has room for one more: the /48 holds 4.
    expect(limits.refusal(addressKey('2001:db8:1:b00::1'))).toBeNull();
    limits.opened(addressKey('2001:db8:1:b00::1'));
    expect(limits.refusal(addressKey('2001:db8:1:c00::1'))).toBe('address_full');
    // Another /48 is not touched.
    expect(limits.refusal(addressKey('2001:db8:2::1'))).toBeNull();
    limits.closed(addressKey('2001:db8:1:a01::1'));
    expect(limits.refusal(addressKey('2001:db8:1:a42::1'))).toBeNull();
    for (const address of ['2001:db8:1:a00::1', '2001:db8:1:aff::1', '2001:db8:1:b00::1']) limits.closed(addressKey(address));
    expect(limits.addresses).toBe(0);
  });

  it('counts logon attempts per address per minute', () => {
    const limits = new AddressLimits(caps, 3);
    expect([limits.tryLogon('192.0.2.1', 0), limits.tryLogon('192.0.2.1', 1), limits.tryLogon('192.0.2.1', 2)]).toEqual([true, true, false]);
    expect(limits.tryLogon('192.0.2.2', 2)).toBe(true);
    expect(limits.tryLogon('192.0.2.1', 60_000)).toBe(true);
  });
});

describe('AddressCounts', () => {
  it('holds one IPv6 /56 to its cap however many /64s it uses, and a /48 to its own', () => {
    const counts = new AddressCounts({ perAddress: 1, per56: 4, per48: 16 });
    const admitted = (keys: string[]): number => {
      let added = 0;
      for (const key of keys) {
        if (counts.full(key)) continue;
        counts.add(key);
        added += 1;
      }
      return added;
    };
    // Every /64 of 2001:db8:7:3400::/56, then the first /64 of every /56 in 2001:db8:7::/48.
    expect(admitted(Array.from({ length: 256 }, (_, index) => addressKey(`2001:db8:7:${(0x3400 + index).toString(16)}::1`)))).toBe(4);
    expect(admitted(Array.from({ length: 256 }, (_, index) => addressKey(`2001:db8:7:${(index * 256).toString(16)}::1`)))).toBe(12);
    expect(counts.full(addressKey('2001:db8:8::1'))).toBe(false);
  });
});

describe('RequestsInProgress', () => {
  it('holds a key to its cap, counts each request out once however often told, and then forgets the key', () => {
    const inProgress = new RequestsInProgress({ perAddress: 2, per56: 8, per48: 32 });
    const [first, second] = [inProgress.start('192.0.2.1'), inProgress.start('192.0.2.1')];
    expect(inProgress.start('192.0.2.1')).toBeNull();
    expect(inProgress.start('192.0.2.2')).not.toBeNull();
    first!();
    first!();
    expect(inProgress.size).toBe(2);
    expect(inProgress.start('192.0.2.1')).not.toBeNull();
    expect(inProgress.start('192.0.2.1')).toBeNull();
    second!();
    expect(inProgress.size).toBe(2);
  });

  it('forgets every key and prefix once their requests have ended', () => {
    const inProgress = new RequestsInProgress({ perAddress: 1, per56: 2, per48: 4 });
    const ends = ['2001:db8:7:3400::1', '2001:db8:7:3401::1', '2001:db8:7:3402::1'].map((address) => inProgress.start(addressKey(address)));
    expect(ends.map((end) => end !== null)).toEqual([true, true, false]);
    for (const end of ends) end?.();
    expect(inProgress.size).toBe(0);
    expect(inProgress.addresses).toBe(0);
  });
});

describe('addressKey, addressGroups, canonicalAddress and clientAddress', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('counts %s as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('puts a /64 in its /56 and /48, and an IPv4 address alone', () => {
    expect(addressGroups(addressKey('2001:db8:1:abcd::1'))).toEqual(['2001:db8:1:abcd::/64', '2001:db8:1:ab00::/56', '2001:db8:1::/48']);
    expect(addressGroups(addressKey('2001:db8::1'))).toEqual(['2001:db8:0:0::/64', '2001:db8:0:0::/56', '2001:db8:0::/48']);
    expect(addressGroups('192.0.2.1')).toEqual(['192.0.2.1']);
  });

  it.each([
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:7f00:1', '127.0.0.1'],
    ['2001:DB8::0001', '2001:db8:0:0:0:0:0:1'],
  ])('spells %s and %s alike', (written, reported) => {
    expect(canonicalAddress(written)).toBe(canonicalAddress(reported));
  });

  it('believes X-Forwarded-For only from a trusted proxy, and then only its last entry', () => {
    const trusted = new Set([canonicalAddress('127.0.0.1')]);
    expect(clientAddress('127.0.0.1', '10.0.0.1, 198.51.100.7', trusted)).toEqual({ key: '198.51.100.7', unforwarded: false });
    expect(clientAddress('::ffff:127.0.0.1', '2001:db8::1', trusted)).toEqual({ key: '2001:db8:0:0::/64', unforwarded: false });
    expect(clientAddress('203.0.113.9', '198.51.100.7', trusted)).toEqual({ key: '203.0.113.9', unforwarded: false });
    expect(clientAddress('203.0.113.9', undefined, trusted)).toEqual({ key: '203.0.113.9', unforwarded: false });
  });

  it('says when a trusted proxy named no client, and counts the proxy then', () => {
    const trusted = new Set([canonicalAddress('0:0:0:0:0:0:0:1')]);
    expect(clientAddress('::1', undefined, trusted)).toEqual({ key: '0:0:0:0::/64', unforwarded: true });
    expect(clientAddress('::1', 'not an address', trusted)).toEqual({ key: '0:0:0:0::/64', unforwarded: true });
    expect(clientAddress('::1', '198.51.100.7', trusted)).toEqual({ key: '198.51.100.7', unforwarded: false });
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

describe('RateBook', () => {
  it('admits a key it has never charged, and stores nothing for asking', () => {
    const book = new RateBook<string>(20, 40, 100);
    expect(book.msUntilAdmitted('198.51.100.1', 0)).toBe(0);
    expect(book.size).toBe(0);
  });

  it('charges per key into debt and says how long until the key is admitted again', () => {
    const book = new RateBook<string>(20, 2, 100);
    book.charge('a', 0, 1);
    expect(book.msUntilAdmitted('a', 0)).toBe(0);
    book.charge('a', 0, 3);
    // Two tokens of debt, and one more to be admitted: three at 20 a second.
    expect(book.msUntilAdmitted('a', 0)).toBe(150);
    expect(book.msUntilAdmitted('a', 100)).toBe(50);
    expect(book.msUntilAdmitted('a', 150)).toBe(0);
    expect(book.msUntilAdmitted('b', 0)).toBe(0);
  });

  it('forgets at the sweep only the buckets full again', () => {
    const book = new RateBook<string>(20, 2, 100);
    book.charge('a', 0, 1);
    book.charge('b', 0, 2);
    book.sweep(49);
    expect(book.size).toBe(2);
    book.sweep(50);
    expect(book.size).toBe(1);
    expect(book.msUntilAdmitted('b', 60)).toBe(0);
    book.sweep(99);
    expect(book.size).toBe(1);
    book.sweep(100);
    expect(book.size).toBe(0);
  });

  it('holds at most maxKeys: sweeps early, then forgets the key charged first', () => {
    const book = new RateBook<string>(1, 1, 2);
    book.charge('a', 0, 1);
    book.charge('b', 0, 1);
    book.charge('c', 0, 1);
    expect(book.size).toBe(2);
    expect(book.msUntilAdmitted('a', 0)).toBe(0);
    expect(book.msUntilAdmitted('c', 0)).toBe(1000);
    book.charge('d', 2000, 1);
    // b and c were full again, so the early sweep made room without forgetting anyone in debt.
    expect(book.size).toBe(1);
  });
});
