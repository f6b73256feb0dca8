import type { SetFields, StateMessage, WeekSchedule } from '@protocol';

/** STATE holds temperatures as the thermostat stored them (an older firmware in hundredths): a tenth is near enough. */
const TEMPERATURE_TOLERANCE = 0.01;

const sameTemperature = (a: number, b: number) => Math.abs(a - b) < TEMPERATURE_TOLERANCE;

function sameSchedule(a: WeekSchedule, b: WeekSchedule): boolean {
  return (
    a.length === b.length &&
    a.every((day, index) => {
      const other = b[index];
      return (
        other !== undefined &&
        day.length === other.length &&
        day.every(([minute, celsius], point) => {
          const [otherMinute, otherCelsius] = other[point] ?? [Number.NaN, Number.NaN];
          return minute === otherMinute && sameTemperature(celsius, otherCelsius);
        })
      );
    })
  );
}

/**
 * True when `state` shows every field of the SET in force, so that the app stops saying "Sending…". A boost shows
 * as a boost at its set point (its end is the thermostat's clock plus the minutes, which the app cannot know to
 * the second), an away-until as the very moment and pre-heat asked for, a hold as its set point.
 */
export function confirmedBy(pending: SetFields, state: StateMessage): boolean {
  const { target, away_target, hysteresis, mode, time_zone, schedule, manual, boost, away_until } = pending;
  return (
    (target === undefined || sameTemperature(target, state.target)) &&
    (away_target === undefined || sameTemperature(away_target, state.away_target)) &&
    (hysteresis === undefined || sameTemperature(hysteresis, state.hysteresis)) &&
    (mode === undefined || mode === state.mode) &&
    (time_zone === undefined || time_zone === state.time_zone) &&
    (schedule === undefined || sameSchedule(schedule, state.schedule)) &&
    (manual === undefined || (manual === null ? state.manual === null : state.manual !== null && sameTemperature(manual, state.manual.setpoint))) &&
    (boost === undefined || (boost === null ? state.boost === null : state.boost !== null && sameTemperature(boost.setpoint, state.boost.setpoint))) &&
    (away_until === undefined ||
      (away_until === null
        ? state.away_until === null
        : state.away_until !== null && state.away_until.until === away_until.until && state.away_until.preheat_minutes === away_until.preheat_minutes))
  );
}
