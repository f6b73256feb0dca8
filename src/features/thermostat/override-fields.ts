import { BOOST_MINUTES, isTime, MAX_AWAY_AHEAD_S, MAX_PREHEAT_MINUTES, SETTING_RANGES, type SetFields } from '@protocol';
import { parseTemperatureText } from '@/lib/temperature-text';
import { clampTarget } from './target-step';
import type { ThermostatZone } from './thermostat-time';
import { parseInputValue, utcOfLocal } from './typed-time';

/** The boost lengths offered, in minutes. */
export const BOOST_CHOICES = [30, 60, 120, 180] as const;
/** The warm-ups offered before an away-until ends, in minutes. */
export const PREHEAT_CHOICES = [0, 30, 60, 120] as const;

/** "30 min", "1 h", "2 h"; "None" for no time at all. */
export const minutesText = (minutes: number) => (minutes === 0 ? 'None' : minutes < 60 ? `${minutes} min` : `${minutes / 60} h`);

export type Checked = { ok: true; fields: SetFields } | { ok: false; problem: string };

const { min: TARGET_MIN, max: TARGET_MAX } = SETTING_RANGES.target;

/** The boost a person is offered first: two degrees above what is held, within the thermostat's range. */
export const defaultBoostSetpoint = (held: number | null, target: number) => clampTarget((held ?? target) + 2);

/** A boost as the contract allows it (docs/protocol.md "Messages", SET `boost`), from what was typed. */
export function boostFields(text: string, minutes: number): Checked {
  const setpoint = parseTemperatureText(text);
  if (setpoint === null) return { ok: false, problem: `The boost temperature must be ${TARGET_MIN} to ${TARGET_MAX} °C, in steps of 0.1 °C.` };
  if (!Number.isInteger(minutes) || minutes < BOOST_MINUTES.min || minutes > BOOST_MINUTES.max) {
    return { ok: false, problem: `A boost lasts ${BOOST_MINUTES.min} to ${BOOST_MINUTES.max} minutes.` };
  }
  return { ok: true, fields: { boost: { setpoint, minutes } } };
}

/**
 * An away-until from the date and time typed in the thermostat's local time (docs/protocol.md "Messages", SET
 * `away_until`): later than now, at most 366 days ahead, and a time the thermostat's wall shows. `keptUntil`: the
 * until the thermostat already has, sent unchanged when the text shown for it was left as it was.
 */
export function awayUntilFields(zone: ThermostatZone, text: string, preheatMinutes: number, nowUtc: number, keptUntil?: number): Checked {
  const local = parseInputValue(text);
  if (local === null) return { ok: false, problem: 'Enter the date and time you will be back.' };
  const until = keptUntil ?? utcOfLocal(zone, local);
  if (until === null) return { ok: false, problem: 'The clocks go forward then, so that time never comes. Choose another.' };
  if (until <= nowUtc) return { ok: false, problem: 'Choose a time that is still to come.' };
  if (until > nowUtc + MAX_AWAY_AHEAD_S || !isTime(until)) return { ok: false, problem: 'Choose a time at most 366 days ahead.' };
  if (!Number.isInteger(preheatMinutes) || preheatMinutes < 0 || preheatMinutes > MAX_PREHEAT_MINUTES) {
    return { ok: false, problem: `The warm-up lasts 0 to ${MAX_PREHEAT_MINUTES} minutes.` };
  }
  return { ok: true, fields: { away_until: { until, preheat_minutes: preheatMinutes } } };
}
