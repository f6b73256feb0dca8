import { localParts, parseTimeZone, utcOffsetSeconds, type LocalParts, type TimeZoneRules } from '@protocol';
import { hourMinuteText, twoDigits } from '@/lib/time-zone/clock-text';

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

export interface LocalDateTime {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/**
 * The UTC second at which the thermostat's wall shows `local`: the first of a time shown twice when the clocks go
 * back (as a switch point in the repeated stretch happens on its first pass, "The weekly schedule"), and null for a
 * time never shown when they go forward, which the person is asked to change rather than have it moved for them.
 */
export function utcOfLocal(zone: ThermostatZone, local: LocalDateTime): number | null {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute) / 1000;
  // A zone's offset changes at most twice a year: the offsets in force a day either side are all it can have here.
  const offsets = new Set([-DAY_S, 0, DAY_S].map((shift) => utcOffsetSeconds(zone.rules, wall + shift)));
  const candidates = [...offsets].map((offset) => wall - offset).filter((utc) => utcOffsetSeconds(zone.rules, utc) + utc === wall);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/** `local` as an `<input type="datetime-local">` value: "2026-12-06T18:00". */
export function inputValueOf(parts: LocalDateTime): string {
  return `${String(parts.year).padStart(4, '0')}-${twoDigits(parts.month)}-${twoDigits(parts.day)}T${hourMinuteText(parts.hour, parts.minute)}`;
}

/** An `<input type="datetime-local">` value (seconds, if the browser adds them, must be 0), or null. */
export function parseInputValue(text: string): LocalDateTime | null {
  const found = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::00(?:\.0+)?)?$/.exec(text);
  if (found === null) return null;
  const [year, month, day, hour, minute] = found.slice(1).map(Number) as [number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute));
  // Date.UTC rolls 31 April over into May: a date that rolls over is not a date.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return { year, month, day, hour, minute };
}
