import { utcOffsetSeconds } from '@protocol';
import { hourMinuteText, twoDigits } from '@/lib/time-zone/clock-text';
import type { ThermostatZone } from './thermostat-time';

// A time the person types for the thermostat's wall (away-until, hold until): only the override dialogs read one,
// so this stays out of the first paint's chunk.

const DAY_S = 86_400;

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
