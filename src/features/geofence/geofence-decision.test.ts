import { describe, expect, it } from 'vitest';
import { awayMargin, decide, judgeFix, MAX_FIX_AGE_MS, REPORT_INTERVAL_MS, shouldReport, type Decision } from './geofence-decision';

const KM = 1000;

describe('decide', () => {
  it.each<[string, Decision | null, number, number, number, Decision | null]>([
    // what, previous, distance, accuracy, radius, expected
    ['well inside', null, 2 * KM, 50, 10 * KM, 'home'],
    ['inside with the accuracy circle just touching the fence', null, 9_900, 100, 10 * KM, 'home'],
    ['inside but the accuracy circle crosses the fence: no decision yet', null, 9_950, 100, 10 * KM, null],
    ['inside but vague keeps away', 'away', 9_500, 600, 10 * KM, 'away'],
    ['just outside the fence keeps home', 'home', 10_200, 50, 10 * KM, 'home'],
    ['outside within the margin (500 m for 10 km) keeps home', 'home', 10_400, 0, 10 * KM, 'home'],
    ['exactly at fence + margin keeps home', 'home', 10_500, 0, 10 * KM, 'home'],
    ['past fence + margin is away', 'home', 10_501, 0, 10 * KM, 'away'],
    ['past fence + margin but the accuracy reaches back in keeps home', 'home', 10_800, 400, 10 * KM, 'home'],
    ['far away', null, 50 * KM, 1_500, 10 * KM, 'away'],
    ['large radius: the margin is 5 % (5 km for 100 km)', 'home', 104 * KM, 0, 100 * KM, 'home'],
    ['large radius: past 5 % is away', 'home', 105_001, 0, 100 * KM, 'away'],
    ['small radius: the margin is at least 500 m', 'home', 1_450, 0, 1 * KM, 'home'],
    ['small radius: past 500 m is away', 'home', 1_501, 0, 1 * KM, 'away'],
    ['coming back: inside the fence but vague keeps away', 'away', 800, 300, 1 * KM, 'away'],
    ['coming back: accuracy circle inside is home', 'away', 800, 200, 1 * KM, 'home'],
  ])('%s', (_what, previous, distance, accuracy, radius, expected) => {
    expect(decide(previous, distance, accuracy, radius)).toBe(expected);
  });

  it('has the margin of the issue: max(500 m, 5 % of the radius)', () => {
    expect(awayMargin(1 * KM)).toBe(500);
    expect(awayMargin(10 * KM)).toBe(500);
    expect(awayMargin(20 * KM)).toBe(1 * KM);
  });

  it('never flaps on a noisy walk across the boundary: one change out, one change back', () => {
    const radius = 1 * KM;
    // A phone's jitter: distances wander across the fence while the accuracy swings.
    const walkOut: [number, number][] = [
      [400, 30], [800, 60], [950, 120], [1040, 80], [960, 150], [1120, 60], [990, 100], [1260, 90],
      [1180, 40], [1420, 120], [1340, 70], [1560, 100], [1490, 50], [1760, 60], [1680, 150], [2100, 40], [2600, 30],
    ];
    const walkBack: [number, number][] = [
      [2200, 40], [1700, 150], [1440, 100], [1620, 60], [1200, 120], [1010, 80], [1080, 40], [940, 150], [990, 30],
      [880, 140], [700, 60], [300, 30],
    ];
    let decision: Decision | null = null;
    const changes: Decision[] = [];
    for (const [distance, accuracy] of [...walkOut, ...walkBack]) {
      const next = decide(decision, distance, accuracy, radius);
      if (next !== decision && next !== null) changes.push(next);
      decision = next;
    }
    expect(changes).toEqual(['home', 'away', 'home']);
  });

  it('never flaps when standing still at the boundary with random noise', () => {
    const radius = 10 * KM;
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const [start, standingAt] of [['home', 10_000], ['away', 10_300], ['home', 9_800]] as const) {
      let decision: Decision | null = start;
      for (let i = 0; i < 1000; i++) {
        const noise = (random() - 0.5) * 400;
        decision = decide(decision, standingAt + noise, 20 + random() * 300, radius);
        expect(decision).toBe(start);
      }
    }
  });
});

describe('judgeFix', () => {
  const now = 1_000_000_000;
  it.each([
    [2000, now, true],
    [2001, now, false],
    [Number.NaN, now, false],
    [50, now - MAX_FIX_AGE_MS, true],
    [50, now - MAX_FIX_AGE_MS - 1, false],
  ])('accuracy %s m, taken %s: usable %s', (accuracy, timestamp, usable) => {
    expect(judgeFix(accuracy, timestamp, now).usable).toBe(usable);
  });

  it('names why a fix is ignored', () => {
    expect(judgeFix(5000, now, now)).toEqual({ usable: false, reason: 'inaccurate' });
    expect(judgeFix(50, now - 10 * 60_000, now)).toEqual({ usable: false, reason: 'stale' });
  });
});

describe('shouldReport', () => {
  const at = 1_000_000;
  const last = { decision: 'away' as const, distance: 5_000, at };
  it('reports the first decision and every change', () => {
    expect(shouldReport(null, 'home', 0, at)).toBe(true);
    expect(shouldReport(last, 'home', 5_000, at + 1)).toBe(true);
  });
  it('while unchanged, reports when the distance moved by more than 10 %', () => {
    expect(shouldReport(last, 'away', 5_500, at + 1)).toBe(false);
    expect(shouldReport(last, 'away', 5_501, at + 1)).toBe(true);
    expect(shouldReport(last, 'away', 4_499, at + 1)).toBe(true);
  });
  it('while unchanged and near home, ignores wobble under 100 m', () => {
    const home = { decision: 'home' as const, distance: 20, at };
    expect(shouldReport(home, 'home', 110, at + 1)).toBe(false);
    expect(shouldReport(home, 'home', 121, at + 1)).toBe(true);
  });
  it('while unchanged, reports again after 5 minutes', () => {
    expect(shouldReport(last, 'away', 5_000, at + REPORT_INTERVAL_MS - 1)).toBe(false);
    expect(shouldReport(last, 'away', 5_000, at + REPORT_INTERVAL_MS)).toBe(true);
  });
});
