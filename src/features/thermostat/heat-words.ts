import type { HeatReason, SetpointSource, StateMessage } from '@protocol';
import { formatTemperature } from '@/lib/format';
import { momentText, type ThermostatZone } from './thermostat-time';

/** Where the held temperature comes from, in the hero's words (docs/protocol.md "Messages", STATE). */
const SOURCE_WORDS: Record<SetpointSource, string> = {
  comfort: 'comfort',
  away: 'away',
  frost: 'frost protection',
  none: 'none',
  schedule: 'schedule',
  boost: 'boost',
  manual: 'held by hand',
};

/** Why the heater is on or off, completing "Heater on: …" or "Heater off: …". */
const REASON_WORDS: Record<HeatReason, string> = {
  boot: 'just started',
  no_reading: 'sensor failed',
  frost: 'frost protection',
  below_band: 'below the set temperature',
  above_band: 'above the set temperature',
  in_band: 'within the switching band',
  min_on_hold: 'held on for the minimum run',
  min_off_hold: 'held off for the minimum pause',
  heating_limit: 'resting after 4 h of heating, until a fresh reading',
};

/** "Holding 16.0 °C · away", or what holds nothing: the heater is held off for want of a good reading. */
export function heldPhrase(state: Pick<StateMessage, 'setpoint' | 'setpoint_source'>): string {
  if (state.setpoint_source === 'none' || state.setpoint === null) return 'Holding nothing: heater held off';
  return `Holding ${formatTemperature(state.setpoint)} · ${SOURCE_WORDS[state.setpoint_source]}`;
}

/** "Heater on: frost protection", "Heater off: sensor failed". */
export function heaterPhrase(state: Pick<StateMessage, 'heater' | 'heat_reason'>): string {
  return `Heater ${state.heater ? 'on' : 'off'}: ${REASON_WORDS[state.heat_reason]}`;
}

/**
 * What comes next (docs/protocol.md "What comes next"): "Next: 21.0 °C at 22:00 · schedule"; null when nothing is
 * due. Without a clock the thermostat runs no schedule or override and knows nothing to come: it says so.
 */
export function nextPhrase(state: Pick<StateMessage, 'time' | 'next'>, zone: ThermostatZone, nowUtc: number): string | null {
  if (state.time === null) return 'The thermostat does not know the time yet: no schedule, boost or away-until runs until it does.';
  if (state.next === null) return null;
  return `Next: ${formatTemperature(state.next.setpoint)} at ${momentText(zone, state.next.at, nowUtc)} · ${SOURCE_WORDS[state.next.source]}`;
}

/** "Boost to 23.0 °C until 15:30". */
export function boostPhrase(boost: NonNullable<StateMessage['boost']>, zone: ThermostatZone, nowUtc: number): string {
  return `Boost to ${formatTemperature(boost.setpoint)} until ${momentText(zone, boost.until, nowUtc)}`;
}

/** "Held at 22.0 °C until 22:00"; with no end (the schedule is not running) it holds until changed. */
export function manualPhrase(manual: NonNullable<StateMessage['manual']>, zone: ThermostatZone, nowUtc: number): string {
  const until = manual.until === null ? 'changed' : momentText(zone, manual.until, nowUtc);
  return `Held at ${formatTemperature(manual.setpoint)} until ${until}`;
}

/** "Away until Sun 18:00, warming up from 16:30". */
export function awayUntilPhrase(awayUntil: NonNullable<StateMessage['away_until']>, zone: ThermostatZone, nowUtc: number): string {
  const away = `Away until ${momentText(zone, awayUntil.until, nowUtc)}`;
  if (awayUntil.preheat_minutes === 0) return away;
  return `${away}, warming up from ${momentText(zone, awayUntil.until - awayUntil.preheat_minutes * 60, nowUtc, awayUntil.until)}`;
}
