import { parseTimeZone, type TimeZoneRules } from '@protocol';

/** Seconds since the epoch of an ISO time, the thermostat's unit. */
export const utc = (iso: string) => Date.parse(iso) / 1000;

/** The rules of a POSIX TZ text the tests know to be good. */
export function zone(text: string): TimeZoneRules {
  const rules = parseTimeZone(text);
  if (rules === null) throw new Error(`not a zone: ${text}`);
  return rules;
}
