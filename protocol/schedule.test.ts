import { describe, expect, it } from 'vitest';
import { EMPTY_SCHEDULE, nextSwitchPoint, scheduleSetpointAt, SCHEDULE_DAYS, type WeekSchedule } from './schedule.ts';
import { parseTimeZone, scheduleTime, type TimeZoneRules } from './time-zone.ts';

const utc = (iso: string): number => Date.parse(iso) / 1000;
const BERLIN = parseTimeZone('CET-1CEST,M3.5.0,M10.5.0/3') as TimeZoneRules;
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
