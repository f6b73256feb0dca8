import { describe, expect, it } from 'vitest';
import { momentText, thermostatZone } from './thermostat-time';

const utc = (text: string) => Date.parse(text) / 1000;
const CET = thermostatZone('CET-1CEST,M3.5.0,M10.5.0/3');
const NEW_YORK = thermostatZone('EST5EDT,M3.2.0,M11.1.0');
const NO_ZONE = thermostatZone(null);
// A Wednesday morning in Berlin.
const NOW = utc('2026-12-02T08:00:00Z');

describe('momentText: a moment on the thermostat’s wall', () => {
  it.each([
    ['today, as a time alone', CET, '2026-12-02T21:00:00Z', '22:00'],
    ['after local midnight, by its weekday, though it is still today in UTC', CET, '2026-12-02T23:30:00Z', 'Thu 00:30'],
    ['within the week, by its weekday', CET, '2026-12-06T17:00:00Z', 'Sun 18:00'],
    ['a week ahead, with its date', CET, '2026-12-09T17:00:00Z', 'Wed 9 Dec 18:00'],
    ['in the thermostat’s zone, whatever the browser’s', NEW_YORK, '2026-12-02T21:00:00Z', '16:00'],
    ['in UTC, said so, when the thermostat has no zone', NO_ZONE, '2026-12-02T21:00:00Z', '21:00 UTC'],
  ])('%s', (_name, zone, at, text) => {
    expect(momentText(zone, utc(at), NOW)).toBe(text);
  });

  it('leaves out the day of a moment on the day of one already named', () => {
    expect(momentText(CET, utc('2026-12-06T15:00:00Z'), NOW, utc('2026-12-06T17:00:00Z'))).toBe('16:00');
    expect(momentText(CET, utc('2026-12-05T22:00:00Z'), NOW, utc('2026-12-06T01:00:00Z'))).toBe('Sat 23:00');
  });
});
