import { describe, expect, it } from 'vitest';
import { thermostatZone } from './thermostat-time';
import { inputValueOf, parseInputValue, utcOfLocal } from './typed-time';

const utc = (text: string) => Date.parse(text) / 1000;
const CET = thermostatZone('CET-1CEST,M3.5.0,M10.5.0/3');
const NO_ZONE = thermostatZone(null);

describe('utcOfLocal: a time typed on the thermostat’s wall', () => {
  it('reads standard and summer time with their own offsets', () => {
    expect(utcOfLocal(CET, { year: 2026, month: 12, day: 6, hour: 18, minute: 0 })).toBe(utc('2026-12-06T17:00:00Z'));
    expect(utcOfLocal(CET, { year: 2026, month: 7, day: 1, hour: 18, minute: 0 })).toBe(utc('2026-07-01T16:00:00Z'));
    expect(utcOfLocal(NO_ZONE, { year: 2026, month: 12, day: 6, hour: 18, minute: 0 })).toBe(utc('2026-12-06T18:00:00Z'));
  });

  it('refuses a time the clocks skip in spring', () => {
    expect(utcOfLocal(CET, { year: 2026, month: 3, day: 29, hour: 2, minute: 30 })).toBeNull();
    expect(utcOfLocal(CET, { year: 2026, month: 3, day: 29, hour: 3, minute: 0 })).toBe(utc('2026-03-29T01:00:00Z'));
  });

  it('takes the first of a time shown twice in autumn', () => {
    expect(utcOfLocal(CET, { year: 2026, month: 10, day: 25, hour: 2, minute: 30 })).toBe(utc('2026-10-25T00:30:00Z'));
    expect(utcOfLocal(CET, { year: 2026, month: 10, day: 25, hour: 3, minute: 0 })).toBe(utc('2026-10-25T02:00:00Z'));
  });
});

describe('the date-time input’s value', () => {
  it('round-trips', () => {
    const local = { year: 2026, month: 3, day: 9, hour: 7, minute: 5 };
    expect(inputValueOf(local)).toBe('2026-03-09T07:05');
    expect(parseInputValue('2026-03-09T07:05')).toEqual(local);
    expect(parseInputValue('2026-03-09T07:05:00')).toEqual(local);
  });

  it.each(['', '2026-02-30T10:00', '2026-13-01T10:00', '2026-03-09T24:00', '2026-03-09T07:05:30', '2026-03-09 07:05'])('refuses %j', (text) => {
    expect(parseInputValue(text)).toBeNull();
  });
});
