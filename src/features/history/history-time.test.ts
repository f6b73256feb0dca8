import { describe, expect, it } from 'vitest';
import { utc, zone } from './testing/zones';
import { durationText, historyTimes, lastPhrase } from './history-time';

const BERLIN = zone('CET-1CEST,M3.5.0,M10.5.0/3');
/** Wednesday 2 December 2026, 12:05 UTC: 13:05 in Berlin. */
const NOON = utc('2026-12-02T12:05:00Z');

describe('historyTimes', () => {
  it('says the thermostat’s wall clock in the browser’s locale: day before month and a 24-hour clock under en-GB', () => {
    const times = historyTimes(BERLIN, 'en-GB');
    expect(times.time(NOON)).toBe('13:05');
    expect(times.day(NOON)).toBe('Wed 2 Dec');
    expect(times.dayAndTime(NOON)).toBe('Wed 2 Dec, 13:05');
  });

  it('says the same instant the American way under en-US', () => {
    const times = historyTimes(BERLIN, 'en-US');
    expect(times.time(NOON)).toBe('1:05 PM');
    expect(times.day(NOON)).toBe('Wed, Dec 2');
    expect(times.dayAndTime(NOON)).toBe('Wed, Dec 2, 1:05 PM');
  });

  it('follows the thermostat’s summer time', () => {
    expect(historyTimes(BERLIN, 'en-GB').time(utc('2026-07-01T12:05:00Z'))).toBe('14:05');
  });

  it('labels the time axis with the time, and the day under the first tick and where a new day starts', () => {
    const times = historyTimes(BERLIN, 'en-GB');
    const ticks = [utc('2026-12-02T21:00:00Z'), utc('2026-12-02T22:00:00Z'), utc('2026-12-02T23:00:00Z'), utc('2026-12-03T00:00:00Z')];
    expect(times.axisLabels(ticks, 3600)).toEqual(['22:00\nWed 2 Dec', '23:00', '00:00\nThu 3 Dec', '01:00']);
    expect(historyTimes(BERLIN, 'en-US').axisLabels(ticks.slice(0, 2), 3600)).toEqual(['10:00 PM\nWed, Dec 2', '11:00 PM']);
  });

  it('labels ticks a day or more apart with the day only', () => {
    const days = [utc('2026-11-30T23:00:00Z'), utc('2026-12-01T23:00:00Z')];
    expect(historyTimes(BERLIN, 'en-GB').axisLabels(days, 86_400)).toEqual(['Tue 1 Dec', 'Wed 2 Dec']);
  });
});

describe('durationText', () => {
  it('says hours and minutes to the minute', () => {
    expect(durationText(7800)).toBe('2 h 10 min');
    expect(durationText(2700)).toBe('45 min');
    expect(durationText(10_800)).toBe('3 h');
    expect(durationText(20)).toBe('0 min');
  });
});

describe('lastPhrase', () => {
  it('rounds up to minutes under two hours, to hours under two days, and to days beyond', () => {
    expect(lastPhrase(1800)).toBe('last 30 minutes');
    expect(lastPhrase(2820)).toBe('last 47 minutes');
    expect(lastPhrase(6 * 3600 - 60)).toBe('last 6 hours');
    expect(lastPhrase(86_400)).toBe('last 24 hours');
    expect(lastPhrase(7 * 86_400)).toBe('last 7 days');
  });
});
