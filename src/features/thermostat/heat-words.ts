import type { HeatReason, SetpointSource, StateMessage } from '@protocol';
import { formatTemperature } from '@/lib/format';

/** Where the held temperature comes from, in the hero's words (docs/protocol.md "Messages", STATE). */
const SOURCE_WORDS: Record<SetpointSource, string> = {
  comfort: 'comfort',
  away: 'away',
  frost: 'frost protection',
  none: 'none',
  schedule: 'schedule',
  boost: 'boost',
  manual: 'set by hand',
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
