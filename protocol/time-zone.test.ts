import { describe, expect, it } from 'vitest';
import { localParts, nextOffsetChange, parseTimeZone, scheduleTime, utcOffsetSeconds, type TimeZoneRules } from './time-zone.ts';

const utc = (iso: string): number => Date.parse(iso) / 1000;
function rules(text: string): TimeZoneRules {
  const parsed = parseTimeZone(text);
  if (parsed === null) throw new Error(`${text} is refused`);
  return parsed;
}

describe('parseTimeZone', () => {
  it('turns the POSIX sign round: CET-1 is an hour ahead of UTC', () => {
    expect(rules('CET-1').stdOffset).toBe(3600);
    expect(rules('EST5').stdOffset).toBe(-5 * 3600);
    expect(rules('<+0530>-5:30').stdOffset).toBe(5.5 * 3600);
  });

  it('takes the DST offset as an hour ahead of standard time when it is left out, and as given otherwise', () => {
    expect(rules('CET-1CEST,M3.5.0,M10.5.0/3').dst?.offset).toBe(7200);
    expect(rules('IST-1GMT0,M10.5.0,M3.5.0/1').dst?.offset).toBe(0);
  });

  it('takes the rule times as given, 02:00 when left out', () => {
    expect(rules('CET-1CEST,M3.5.0,M10.5.0/3').dst).toMatchObject({ start: { month: 3, week: 5, weekday: 0, time: 7200 }, end: { time: 3 * 3600 } });
    expect(rules('AAA0BBB,M3.5.0/-1:30,M10.5.0/167').dst).toMatchObject({ start: { time: -5400 }, end: { time: 167 * 3600 } });
  });

  it('refuses what "Time zones" does not allow', () => {
    for (const text of ['CET-1CEST', 'CET-1CEST,J87,J300', 'UTC0 ', 'utc', 'A'.repeat(65), 'ABC-1:60']) expect(parseTimeZone(text), text).toBeNull();
  });
});

describe('utcOffsetSeconds and nextOffsetChange', () => {
  it('runs DST outside start to end in a southern zone', () => {
    const sydney = rules('AEST-10AEDT,M10.1.0,M4.1.0/3');
    expect(utcOffsetSeconds(sydney, utc('2027-01-15T00:00:00Z'))).toBe(11 * 3600);
    expect(utcOffsetSeconds(sydney, utc('2027-07-15T00:00:00Z'))).toBe(10 * 3600);
    // First Sunday of April 2027 is the 4th: 03:00 AEDT is 16:00Z the day before.
    expect(nextOffsetChange(sydney, utc('2027-01-15T00:00:00Z'))).toBe(utc('2027-04-03T16:00:00Z'));
  });

  it('takes week 5 as the last such day, in a month with only four', () => {
    // February 2026 has four Sundays, the last on the 22nd.
    expect(nextOffsetChange(rules('AAA0BBB,M2.5.0,M10.5.0'), utc('2026-01-01T00:00:00Z'))).toBe(utc('2026-02-22T02:00:00Z'));
  });

  it('lets a rule time run days past its day', () => {
    // The last Sunday of March 2026 is the 29th; 167 h later is Saturday 4 April, 23:00 standard time (UTC).
    expect(nextOffsetChange(rules('AAA0BBB,M3.5.0/167,M10.5.0'), utc('2026-03-01T00:00:00Z'))).toBe(utc('2026-04-04T23:00:00Z'));
  });

  it('has no change without DST', () => {
    expect(nextOffsetChange(rules('UTC0'), utc('2026-01-01T00:00:00Z'))).toBeNull();
    expect(utcOffsetSeconds(rules('<-03>3'), utc('2026-01-01T00:00:00Z'))).toBe(-3 * 3600);
  });
});

describe('localParts', () => {
  it('counts weekdays from Monday', () => {
    expect(localParts(rules('UTC0'), utc('2026-11-30T12:00:00Z'))).toEqual({ year: 2026, month: 11, day: 30, hour: 12, minute: 0, second: 0, weekday: 0 });
    expect(localParts(rules('CET-1CEST,M3.5.0,M10.5.0/3'), utc('2026-12-06T23:30:00Z')).weekday).toBe(0);
  });
});

describe('scheduleTime', () => {
  const zones = ['CET-1CEST,M3.5.0,M10.5.0/3', 'IST-1GMT0,M10.5.0,M3.5.0/1', '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0', 'AEST-10AEDT,M10.1.0,M4.1.0/3'];

  it('never goes back, second by second across every change of 2026 and 2027', () => {
    for (const text of zones) {
      const zone = rules(text);
      for (let change = nextOffsetChange(zone, utc('2026-01-01T00:00:00Z')); change !== null && change < utc('2028-01-01T00:00:00Z'); change = nextOffsetChange(zone, change)) {
        let before = scheduleTime(zone, change - 2);
        for (let second = change - 1; second <= change + 3602; second += 1) {
          const now = scheduleTime(zone, second);
          expect(now - before, `${text} at ${second}`).toBeGreaterThanOrEqual(0);
          before = now;
        }
      }
    }
  });

  it('stands still through a repeated hour and jumps over a skipped one', () => {
    const berlin = rules('CET-1CEST,M3.5.0,M10.5.0/3');
    const local = (iso: string): number => utc(`${iso}Z`);
    expect(scheduleTime(berlin, utc('2027-10-31T00:59:59Z'))).toBe(local('2027-10-31T02:59:59'));
    expect(scheduleTime(berlin, utc('2027-10-31T01:00:00Z'))).toBe(local('2027-10-31T02:59:59'));
    expect(scheduleTime(berlin, utc('2027-10-31T01:59:59Z'))).toBe(local('2027-10-31T02:59:59'));
    expect(scheduleTime(berlin, utc('2027-10-31T02:00:00Z'))).toBe(local('2027-10-31T03:00:00'));
    expect(scheduleTime(berlin, utc('2027-03-28T00:59:59Z'))).toBe(local('2027-03-28T01:59:59'));
    expect(scheduleTime(berlin, utc('2027-03-28T01:00:00Z'))).toBe(local('2027-03-28T03:00:00'));
  });
});
