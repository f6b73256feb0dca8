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

/** Why the heater is on or off, after "Heating: " or "Not heating: " (docs/protocol.md "Messages", STATE's `heat_reason`). */
const REASON_WORDS: Record<Exclude<HeatReason, 'below_band' | 'above_band' | 'in_band'>, string> = {
  boot: 'the thermostat has just started',
  no_reading: 'no good reading from the sensor',
  frost: 'frost protection, the room is below 5 °C',
  min_on_hold: 'kept on for its minimum run of 1 minute',
  min_off_hold: 'kept off for its minimum pause of 1 minute',
  heating_limit: 'resting after 4 h of heating, until a fresh reading',
};

/** "Holding 16.0 °C · away", or what holds nothing: the heater is held off for want of a good reading. */
export function heldPhrase(state: Pick<StateMessage, 'setpoint' | 'setpoint_source'>): string {
  if (state.setpoint_source === 'none' || state.setpoint === null) return 'Holding nothing: heater held off';
  return `Holding ${formatTemperature(state.setpoint)} · ${SOURCE_WORDS[state.setpoint_source]}`;
}

/** "0.4 °C below the set point", "at the set point"; null without a reading or a set point. */
export function distancePhrase(temperature: number | null, setpoint: number | null): string | null {
  if (temperature === null || setpoint === null) return null;
  const tenths = Math.round((temperature - setpoint) * 10);
  if (tenths === 0) return 'at the set point';
  return `${(Math.abs(tenths) / 10).toFixed(1)} °C ${tenths < 0 ? 'below' : 'above'} the set point`;
}

/** "Heating: 0.4 °C below the set point", "Not heating: no good reading from the sensor". */
export function heatingPhrase(state: Pick<StateMessage, 'heater' | 'heat_reason' | 'temperature' | 'setpoint' | 'hysteresis'>): string {
  const lead = state.heater ? 'Heating' : 'Not heating';
  const distance = distancePhrase(state.temperature, state.setpoint);
  switch (state.heat_reason) {
    case 'below_band':
      return `${lead}: ${distance ?? 'below the set point'}`;
    case 'above_band':
      return `${lead}: ${distance ?? 'above the set point'}`;
    case 'in_band':
      // Inside the margin the heater keeps doing what it did: the distance alone would not explain it.
      return `${lead}: ${distance === null ? '' : `${distance}, `}within the switching margin of ${formatTemperature(state.hysteresis)}`;
    default:
      return `${lead}: ${REASON_WORDS[state.heat_reason]}`;
  }
}

type ReasonFields = Pick<StateMessage, 'setpoint_source' | 'mode' | 'regime' | 'members' | 'time' | 'boost' | 'manual' | 'away_until'>;

/** Why the regime is what it is: by hand, an away-until, or who the thermostat believes is home. */
function regimeWhy(state: ReasonFields, zone: ThermostatZone, nowUtc: number): string {
  if (state.mode !== 'auto') return `mode ${state.mode === 'home' ? 'Home' : 'Away'}, set by hand`;
  const awayUntil = state.away_until;
  if (awayUntil !== null && state.time !== null && state.time < awayUntil.until - awayUntil.preheat_minutes * 60) {
    return `away until ${momentText(zone, awayUntil.until, nowUtc)}`;
  }
  const home = state.members.filter((member) => member.home).map((member) => member.name);
  if (state.regime === 'away') return 'everyone is away';
  if (home.length > 0) return `${home.join(', ')} ${home.length === 1 ? 'is' : 'are'} home`;
  return state.members.length === 0 ? 'no one has reported yet' : 'no recent report says everyone is away';
}

/**
 * Why the thermostat holds what it holds, after "Which set point holds": "Using the away temperature: everyone is
 * away", "Boost until 18:30", "Following the schedule".
 */
export function setpointReasonPhrase(state: ReasonFields, zone: ThermostatZone, nowUtc: number): string {
  switch (state.setpoint_source) {
    case 'boost':
      return state.boost === null ? 'Boost' : `Boost until ${momentText(zone, state.boost.until, nowUtc)}`;
    case 'manual':
      return `Held by hand until ${state.manual === null || state.manual.until === null ? 'changed' : momentText(zone, state.manual.until, nowUtc)}`;
    case 'frost':
      return 'Frost protection: the room is below 5 °C';
    case 'none':
      return 'No good reading from the sensor: the heater is held off';
    case 'away':
      return `Using the away temperature: ${regimeWhy(state, zone, nowUtc)}`;
    case 'comfort':
    case 'schedule': {
      const what = state.setpoint_source === 'comfort' ? 'Using the comfort temperature' : 'Following the schedule';
      const why = regimeWhy(state, zone, nowUtc);
      // Away holds the lower of the two: a home set point at or below the away temperature holds even then.
      return state.regime === 'away' || why.startsWith('away until') ? `${what}: it is no warmer than the away temperature` : `${what}: ${why}`;
    }
  }
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
