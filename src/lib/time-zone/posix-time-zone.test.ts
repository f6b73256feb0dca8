import { describe, expect, it, vi } from 'vitest';
import { parseTimeZone, utcOffsetSeconds } from '@protocol';
import { posixTimeZoneFor } from './posix-time-zone';

const HOUR_S = 3600;
const TWO_YEARS_S = 2 * 365 * 24 * HOUR_S;

/** Intl's offset read another way than the code under test reads it: the `longOffset` name ("GMT+13:45", "GMT"). */
const longOffsetFormats = new Map<string, Intl.DateTimeFormat>();
function longOffsetSeconds(zone: string, utc: number): number {
  let format = longOffsetFormats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    longOffsetFormats.set(zone, format);
  }
  const name = format
    .formatToParts(utc * 1000)
    .find((part) => part.type === 'timeZoneName')?.value;
  const found = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (found === null) throw new Error(`unexpected offset name ${name}`);
  if (found[1] === undefined) return 0;
  const seconds = Number(found[2]) * HOUR_S + Number(found[3]) * 60;
  return found[1] === '-' ? -seconds : seconds;
}

/** Checks the text's offsets against Intl every hour for two years and to the second around every change. */
function expectSameOffsetsAsIntl(zone: string, text: string, from: number): number {
  const rules = parseTimeZone(text);
  expect(rules, text).not.toBeNull();
  if (rules === null) return 0;
  let changes = 0;
  let previous = longOffsetSeconds(zone, from);
  for (let hour = from; hour <= from + TWO_YEARS_S; hour += HOUR_S) {
    const offset = longOffsetSeconds(zone, hour);
    expect(utcOffsetSeconds(rules, hour), `${zone} at ${new Date(hour * 1000).toISOString()}`).toBe(offset);
    if (offset !== previous) {
      changes += 1;
      let low = hour - HOUR_S;
      let high = hour;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (longOffsetSeconds(zone, middle) === previous) low = middle;
        else high = middle;
      }
      expect([utcOffsetSeconds(rules, low), utcOffsetSeconds(rules, high)], `${zone} change at ${new Date(high * 1000).toISOString()}`).toEqual([previous, offset]);
    }
    previous = offset;
  }
  return changes;
}

const WINTER = new Date('2026-12-02T05:32:00Z');
const SUMMER = new Date('2027-07-14T22:10:30Z');

describe('posixTimeZoneFor', () => {
  it.each([
    ['Europe/Berlin', 4],
    ['Europe/London', 4],
    ['Europe/Dublin', 4],
    ['America/New_York', 4],
    ['Australia/Sydney', 4],
    ['Pacific/Chatham', 4],
    ['America/Sao_Paulo', 0],
    ['Asia/Kolkata', 0],
    ['UTC', 0],
  ])('derives rules for %s that give Intl’s offsets for two years (%i changes)', (zone, expectedChanges) => {
    const text = posixTimeZoneFor(zone, WINTER);
    expect(text, zone).not.toBeNull();
    if (text === null) return;
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(64);
    expect(expectSameOffsetsAsIntl(zone, text, Math.floor(WINTER.getTime() / 1000))).toBe(expectedChanges);
    // The current rules are the same whichever season they are read in.
    expect(posixTimeZoneFor(zone, SUMMER)).toBe(text);
  }, 20_000);

  it('gives a zone without changes no DST part', () => {
    for (const zone of ['Asia/Kolkata', 'America/Sao_Paulo', 'UTC']) expect(posixTimeZoneFor(zone, WINTER)).not.toContain(',');
  });

  it('names a zone by the letters Intl gives, or by its offset in digits', () => {
    // The names are labels; what they say is read from Intl here too, not typed.
    const kolkata = posixTimeZoneFor('Asia/Kolkata', WINTER) ?? '';
    expect(kolkata.startsWith('<+0530>')).toBe(true);
    const chatham = posixTimeZoneFor('Pacific/Chatham', WINTER) ?? '';
    expect(chatham.startsWith('<+1245>')).toBe(true);
    expect(chatham).toContain('<+1345>');
    const newYork = posixTimeZoneFor('America/New_York', WINTER) ?? '';
    const shortName = (utc: number) =>
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'short' })
        .formatToParts(utc)
        .find((part) => part.type === 'timeZoneName')?.value ?? '';
    expect(newYork.startsWith(`${shortName(Date.UTC(2027, 0, 15))}5${shortName(Date.UTC(2027, 6, 15))},`)).toBe(true);
  });

  it('refuses a zone Intl does not know', () => {
    expect(posixTimeZoneFor('Mars/Olympus_Mons', WINTER)).toBeNull();
    expect(posixTimeZoneFor('', WINTER)).toBeNull();
  });

  it('gives null when no POSIX rule reproduces the zone (Morocco leaves +01 for Ramadan, by the moon)', () => {
    // Guard: the check means something only while Intl shows Casablanca with more than one change a year.
    const from = Math.floor(WINTER.getTime() / 1000);
    const offsets = new Set<number>();
    for (let day = 0; day < 730; day += 1) offsets.add(longOffsetSeconds('Africa/Casablanca', from + day * 24 * HOUR_S));
    expect(offsets.size).toBeGreaterThan(1);
    expect(posixTimeZoneFor('Africa/Casablanca', WINTER)).toBeNull();
  });
});

describe('posixTimeZoneFor, cheap enough to run while a card renders', () => {
  it.each(['Europe/Berlin', 'Australia/Sydney', 'Pacific/Chatham'])('reads Intl at most 1,500 times to derive %s', (zone) => {
    // A day no other test derives in, so that the cache of derived texts does not answer.
    const unseenDay = new Date('2033-03-09T12:00:00Z');
    const formats = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      expect(posixTimeZoneFor(zone, unseenDay)).not.toBeNull();
      expect(formats.mock.calls.length).toBeLessThanOrEqual(1_500);
    } finally {
      formats.mockRestore();
    }
  });
});

describe('posixTimeZoneFor, derived once a day', () => {
  it('asks Intl once for a zone on a UTC day, and again on another day', () => {
    const morning = new Date('2031-05-06T01:00:00Z');
    const evening = new Date('2031-05-06T23:00:00Z');
    const nextDay = new Date('2031-05-07T01:00:00Z');
    const formats = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      const text = posixTimeZoneFor('Europe/Paris', morning);
      expect(formats).toHaveBeenCalled();
      formats.mockClear();
      expect(posixTimeZoneFor('Europe/Paris', evening)).toBe(text);
      expect(formats).not.toHaveBeenCalled();
      expect(posixTimeZoneFor('Europe/Paris', nextDay)).toBe(text);
      expect(formats).toHaveBeenCalled();
    } finally {
      formats.mockRestore();
    }
  });
});
