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

/** How long the thermostat trusts a member's report (docs/protocol.md "Members"): older ones say nothing of who is home. */
const REPORT_TRUSTED_S = 12 * 3600;

/** Why the regime is what it is, in the order of "Which set point holds": row 3 (away-until) before row 4 (the mode). */
type RegimeReason =
  | { kind: 'away-until'; until: number }
  | { kind: 'warming-up'; until: number }
  | { kind: 'mode'; mode: 'home' | 'away' }
  | { kind: 'everyone-away' }
  | { kind: 'home'; names: string[] }
  | { kind: 'no-report'; anyMember: boolean };

function regimeReasonOf(state: ReasonFields): RegimeReason {
  const awayUntil = state.away_until;
  // Rows 1 to 3 need the clock: without it an away-until does not run.
  if (awayUntil !== null && state.time !== null && state.time < awayUntil.until) {
    const warmingFrom = awayUntil.until - awayUntil.preheat_minutes * 60;
    if (state.time < warmingFrom) return { kind: 'away-until', until: awayUntil.until };
    // From the warm-up on, reports from before it no longer count: in auto the house is home until someone reports.
    if (state.mode === 'auto' && state.regime === 'home') return { kind: 'warming-up', until: awayUntil.until };
  }
  if (state.mode !== 'auto') return { kind: 'mode', mode: state.mode };
  if (state.regime === 'away') return { kind: 'everyone-away' };
  const names = state.members.filter((member) => member.home && member.age_s < REPORT_TRUSTED_S).map((member) => member.name);
  return names.length > 0 ? { kind: 'home', names } : { kind: 'no-report', anyMember: state.members.length > 0 };
}

function regimeWords(reason: RegimeReason, zone: ThermostatZone, nowUtc: number): string {
  switch (reason.kind) {
    case 'away-until':
      return `away until ${momentText(zone, reason.until, nowUtc)}`;
    case 'warming-up':
      return `warming up for your return at ${momentText(zone, reason.until, nowUtc)}`;
    case 'mode':
      return `mode ${reason.mode === 'home' ? 'Home' : 'Away'}, set by hand`;
    case 'everyone-away':
      return 'everyone is away';
    case 'home':
      return `${reason.names.join(', ')} ${reason.names.length === 1 ? 'is' : 'are'} home`;
    case 'no-report':
      return reason.anyMember ? 'no report from the last 12 h says everyone is away' : 'no one has reported yet';
  }
}

/** Whether the away rows (3 and 4) apply: the lower of the home set point and the away temperature holds. */
const awayApplies = (state: ReasonFields, reason: RegimeReason) => reason.kind === 'away-until' || state.regime === 'away';

/**
 * Why the thermostat holds what it holds, after "Which set point holds": "Using the away temperature: everyone is
 * away", "Boost until 18:30", "Following the schedule", "Warming up for your return at 18:00".
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
      return `Using the away temperature: ${regimeWords(regimeReasonOf(state), zone, nowUtc)}`;
    case 'comfort':
    case 'schedule': {
      const what = state.setpoint_source === 'comfort' ? 'Using the comfort temperature' : 'Following the schedule';
      const reason = regimeReasonOf(state);
      if (reason.kind === 'warming-up') return `Warming up for your return at ${momentText(zone, reason.until, nowUtc)}`;
      // Away holds the lower of the two: a home set point at or below the away temperature holds even then.
      return awayApplies(state, reason) ? `${what}: it is no warmer than the away temperature` : `${what}: ${regimeWords(reason, zone, nowUtc)}`;
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
