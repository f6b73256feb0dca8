import { describe, expect, it } from 'vitest';
import { EMPTY_SCHEDULE, nextSwitchPoint, scheduleRuns, scheduleSetpointAt, SCHEDULE_DAYS, type WeekSchedule } from './schedule.ts';
import { nextOffsetChange, parseTimeZone, scheduleTime, type TimeZoneRules } from './time-zone.ts';

const utc = (iso: string): number => Date.parse(iso) / 1000;

/** The rules of a zone text the test needs to be allowed: a refused one fails the test here, not later. */
function zone(text: string): TimeZoneRules {
  const rules = parseTimeZone(text);
  if (rules === null) throw new Error(`the contract refuses the zone ${text}`);
  return rules;
}

const BERLIN = zone('CET-1CEST,M3.5.0,M10.5.0/3');
const WEEK: WeekSchedule = [[[390, 21], [510, 17]], [], [], [], [], [[480, 21.5], [1380, 17]], [[1439, 16]]];

describe('scheduleSetpointAt', () => {
  it('has nothing to say without switch points', () => {
    expect(EMPTY_SCHEDULE).toHaveLength(SCHEDULE_DAYS);
    expect(scheduleSetpointAt(EMPTY_SCHEDULE, BERLIN, utc('2026-12-01T12:00:00Z'))).toBeNull();
    expect(nextSwitchPoint(EMPTY_SCHEDULE, BERLIN, utc('2026-12-01T12:00:00Z'))).toBeNull();
  });

  it("keeps Sunday's 23:59 point into Monday until Monday's first", () => {
    expect(scheduleSetpointAt(WEEK, BERLIN, utc('2026-11-30T05:29:59Z'))).toBe(16);
    expect(scheduleSetpointAt(WEEK, BERLIN, utc('2026-11-30T05:30:00Z'))).toBe(21);
  });
});

describe('nextSwitchPoint', () => {
  it('gives the next point after one that has just been reached', () => {
    expect(nextSwitchPoint(WEEK, BERLIN, utc('2026-11-30T05:30:00Z'))).toBe(utc('2026-11-30T07:30:00Z'));
    expect(nextSwitchPoint(WEEK, BERLIN, utc('2026-11-30T05:29:59Z'))).toBe(utc('2026-11-30T05:30:00Z'));
  });

  it('finds a lone point a week on', () => {
    const lone: WeekSchedule = [[], [], [[720, 19]], [], [], [], []];
    expect(nextSwitchPoint(lone, BERLIN, utc('2026-12-02T11:00:00Z'))).toBe(utc('2026-12-09T11:00:00Z'));
  });

  it('gives the first second at which schedule time reaches the point, at many moments through a year', () => {
    for (let at = utc('2027-01-01T00:00:00Z'); at < utc('2028-01-01T00:00:00Z'); at += 7 * 3600 + 1234) {
      const next = nextSwitchPoint(WEEK, BERLIN, at);
      if (next === null) return expect.fail('no next switch point');
      expect(next).toBeGreaterThan(at);
      const setpointBefore = scheduleSetpointAt(WEEK, BERLIN, next - 1);
      // Nothing was reached between `at` and the second before `next`: the set point then is still the one at `at`.
      expect(setpointBefore).toBe(scheduleSetpointAt(WEEK, BERLIN, at));
      expect(scheduleTime(BERLIN, next)).toBeGreaterThan(scheduleTime(BERLIN, next - 1));
    }
  });
});

describe('nextSwitchPoint across the longest jump back the grammar allows', () => {
  // Offsets run to ±24:59:59, so local time may jump back two days: schedule time stands still for 48 hours.
  const FAR = zone('AAA-24BBB24,M3.5.0,M10.5.0');
  const DAILY: WeekSchedule = [[[0, 10]], [[0, 11]], [[0, 12]], [[0, 13]], [[0, 14]], [[0, 15]], [[0, 16]]];

  it('finds the first switch point after the standstill, not a day too soon', () => {
    const jump = nextOffsetChange(FAR, utc('2027-03-26T00:00:00Z'));
    if (jump === null) return expect.fail('no change of offset');
    expect(nextSwitchPoint(DAILY, FAR, jump)).toBe(jump + 252_000);
    for (const at of [jump - 3600, jump - 1, jump, jump + 3600, jump + 100_000]) {
      const next = nextSwitchPoint(DAILY, FAR, at);
      if (next === null) return expect.fail('no next switch point');
      expect(scheduleSetpointAt(DAILY, FAR, next - 1)).toBe(scheduleSetpointAt(DAILY, FAR, at));
      expect(scheduleSetpointAt(DAILY, FAR, next)).not.toBe(scheduleSetpointAt(DAILY, FAR, at));
    }
  });
});

describe('scheduleRuns', () => {
  const ONE_POINT: WeekSchedule = [[[390, 21]], [], [], [], [], [], []];
  it('runs only with a clock, an allowed zone and a switch point', () => {
    expect(scheduleRuns(1_796_108_400, 'UTC0', ONE_POINT)).toBe(true);
    expect(scheduleRuns(null, 'UTC0', ONE_POINT)).toBe(false);
    expect(scheduleRuns(1_796_108_400, null, ONE_POINT)).toBe(false);
    expect(scheduleRuns(1_796_108_400, 'Not a zone', ONE_POINT)).toBe(false);
    expect(scheduleRuns(1_796_108_400, 'UTC0', EMPTY_SCHEDULE)).toBe(false);
  });
});
