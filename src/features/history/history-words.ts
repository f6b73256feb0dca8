import { parseTimeZone, type TimeZoneRules } from '@protocol';
import { formatTemperature } from '@/lib/format';
import type { HeatingDay, Slot } from './history-series';
import { durationText, type HistoryTimes } from './history-time';

const DAY_S = 86_400;
const SLOT_HOURS = 1 / 6;

/** The thermostat's days: its zone (docs/protocol.md "Time zones"), or UTC, said so, when it has none. */
export interface HistoryZone {
  rules: TimeZoneRules;
  known: boolean;
}

const UTC_RULES: TimeZoneRules = { stdOffset: 0, dst: null };

export function historyZone(timeZone: string | null | undefined): HistoryZone {
  const rules = timeZone === null || timeZone === undefined ? null : parseTimeZone(timeZone);
  return rules === null ? { rules: UTC_RULES, known: false } : { rules, known: true };
}

/** "Mon 30 Nov" in the browser's locale, as the chart names days, or "Today so far". */
export const dayLabel = (day: HeatingDay, times: HistoryTimes): string => (day.today ? 'Today so far' : times.ofWall.day(day.day * DAY_S));

/** "Mon" in the browser's locale, or "Today": a day's bar. */
export const weekdayLabel = (day: HeatingDay, times: HistoryTimes): string => (day.today ? 'Today' : times.ofWall.weekday(day.day * DAY_S));

/** Hours to a tenth: "3.5 h". */
export const hoursText = (seconds: number): string => `${(seconds / 3600).toFixed(1)} h`;

const count = (slots: number) => Number((slots * SLOT_HOURS).toFixed(1));

/** Whose record a day's hours come from, and how much of the day either has: "the thermostat and this app (20.5 of 24 h)". */
export function recordedBy(day: HeatingDay): string {
  const sources = [...(day.fromThermostat > 0 ? ['the thermostat'] : []), ...(day.fromApp > 0 ? ['this app'] : [])];
  if (sources.length === 0) return 'no record';
  const recorded = day.fromThermostat + day.fromApp;
  return recorded >= day.slots ? sources.join(' and ') : `${sources.join(' and ')} (${count(recorded)} of ${count(day.slots)} h)`;
}

function temperatureRange(temperatures: readonly number[]): string {
  if (temperatures.length === 0) return 'No temperature was read.';
  const [lowest, highest] = [Math.min(...temperatures), Math.max(...temperatures)];
  return lowest === highest ? `Temperature ${formatTemperature(lowest)} throughout.` : `Temperature from ${formatTemperature(lowest)} to ${formatTemperature(highest)}.`;
}

/**
 * The chart in words, for those who cannot see it and as its description: what was recorded and by whom, the range of
 * the temperature and the heating over the period.
 */
export function historySummary(slots: readonly { slot: Slot | null }[], period: string): string {
  const known = slots.flatMap(({ slot }) => (slot === null ? [] : [slot]));
  if (known.length === 0) return `Nothing recorded in the ${period} yet.`;
  const fromThermostat = known.filter((slot) => slot.source === 'thermostat').length;
  const fromApp = known.length - fromThermostat;
  const temperatures = known.flatMap((slot) => (slot.temperature === null ? [] : [slot.temperature]));
  const heating = known.reduce((sum, slot) => sum + slot.heater_s, 0);
  const parts = [
    `In the ${period}: ${count(fromThermostat)} h from the thermostat, ${count(fromApp)} h seen by this app, ${count(slots.length - known.length)} h with no record.`,
    temperatureRange(temperatures),
    `Heating ${hoursText(heating)}.`,
  ];
  return parts.join(' ');
}

/** What the chart's lines are, over the stretch shown: "Temperature, set point and heater on-time, last 6 hours". */
export const chartTitle = (phrase: string): string => `Temperature, set point and heater on-time, ${phrase}`;

/**
 * The chart's name, which sums it up: "Temperature, set point and heater on-time, last 6 hours: 19.2 to 21.4 °C,
 * heating 2 h 10 min".
 */
export function chartLabel(slots: readonly { slot: Slot | null }[], phrase: string): string {
  const known = slots.flatMap(({ slot }) => (slot === null ? [] : [slot]));
  if (known.length === 0) return `${chartTitle(phrase)}: nothing recorded`;
  const temperatures = known.flatMap((slot) => (slot.temperature === null ? [] : [slot.temperature]));
  const heating_s = known.reduce((sum, slot) => sum + slot.heater_s, 0);
  const heating = heating_s === 0 ? 'no heating' : `heating ${durationText(heating_s)}`;
  if (temperatures.length === 0) return `${chartTitle(phrase)}: no temperature read, ${heating}`;
  const [lowest, highest] = [Math.min(...temperatures), Math.max(...temperatures)];
  const range = lowest.toFixed(1) === highest.toFixed(1) ? formatTemperature(lowest) : `${lowest.toFixed(1)} to ${formatTemperature(highest)}`;
  return `${chartTitle(phrase)}: ${range}, ${heating}`;
}
