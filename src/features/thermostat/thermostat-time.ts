import { localParts, parseTimeZone, type LocalParts, type TimeZoneRules } from '@protocol';
import { hourMinuteText } from '@/lib/time-zone/clock-text';

/** The thermostat's local time, which its schedule and overrides run on (docs/protocol.md "Time zones"). */
export interface ThermostatZone {
  rules: TimeZoneRules;
  /** False when the thermostat has no time zone: its times are then shown, and read, as UTC. */
  known: boolean;
}

const UTC_RULES: TimeZoneRules = { stdOffset: 0, dst: null };

/** The zone a STATE's `time_zone` names; UTC, said so, when it names none (a STATE's zone is one the contract allows). */
export function thermostatZone(timeZone: string | null): ThermostatZone {
  const rules = timeZone === null ? null : parseTimeZone(timeZone);
  return rules === null ? { rules: UTC_RULES, known: false } : { rules, known: true };
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const DAY_S = 86_400;

const clockText = (parts: LocalParts) => hourMinuteText(parts.hour, parts.minute);
const dayNumber = (parts: LocalParts) => Date.UTC(parts.year, parts.month - 1, parts.day) / 1000 / DAY_S;

/**
 * A moment as the household reads it on the thermostat's wall: "22:00" today, "Sun 18:00" within the coming
 * week, "Sun 14 Dec 18:00" beyond it (a weekday alone would name two days), with " UTC" when no zone is set.
 * `sameDayAs`: a moment already named in the same sentence; on its day the time alone says enough.
 */
export function momentText(zone: ThermostatZone, utc: number, nowUtc: number, sameDayAs?: number): string {
  const at = localParts(zone.rules, utc);
  const days = dayNumber(at) - dayNumber(localParts(zone.rules, nowUtc));
  const named = sameDayAs !== undefined && dayNumber(at) === dayNumber(localParts(zone.rules, sameDayAs));
  const day =
    days === 0 || named ? '' : days > 0 && days < 7 ? `${WEEKDAYS[at.weekday]} ` : `${WEEKDAYS[at.weekday]} ${at.day} ${MONTHS[at.month - 1]} `;
  return `${day}${clockText(at)}${zone.known ? '' : ' UTC'}`;
}
