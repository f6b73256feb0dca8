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
 * Whether `state` shows each field of a SET in force (false when the SET lacks it). A boost shows as a boost at its
 * set point (its end is the thermostat's clock plus the minutes, which the app cannot know to the second), an
 * away-until as the very moment and pre-heat asked for, a hold as its set point.
 */
const SHOWN: Record<keyof SetFields, (pending: SetFields, state: StateMessage) => boolean> = {
  target: ({ target }, state) => target !== undefined && sameTemperature(target, state.target),
  away_target: ({ away_target }, state) => away_target !== undefined && sameTemperature(away_target, state.away_target),
  hysteresis: ({ hysteresis }, state) => hysteresis !== undefined && sameTemperature(hysteresis, state.hysteresis),
  mode: ({ mode }, state) => mode !== undefined && mode === state.mode,
  time_zone: ({ time_zone }, state) => time_zone !== undefined && time_zone === state.time_zone,
  schedule: ({ schedule }, state) => schedule !== undefined && sameSchedule(schedule, state.schedule),
  manual: ({ manual }, state) =>
    manual === null ? state.manual === null : manual !== undefined && state.manual !== null && sameTemperature(manual, state.manual.setpoint),
  boost: ({ boost }, state) =>
    boost === null ? state.boost === null : boost !== undefined && state.boost !== null && sameTemperature(boost.setpoint, state.boost.setpoint),
  away_until: ({ away_until }, state) =>
    away_until === null
      ? state.away_until === null
      : away_until !== undefined &&
        state.away_until !== null &&
        state.away_until.until === away_until.until &&
        state.away_until.preheat_minutes === away_until.preheat_minutes,
};

const FIELDS = Object.keys(SHOWN) as (keyof SetFields)[];

/**
 * The fields of `pending` that `state` does not show in force yet (`pending` itself when it shows none), or null
 * when it shows them all. Each field is judged on its own and, once a STATE has shown it, is done with: what changes
 * it afterwards (a later SET, a boost running out) can neither keep it pending nor have it sent, and applied, again.
 */
export function unconfirmedBy(pending: SetFields, state: StateMessage): SetFields | null {
  const shown = FIELDS.filter((field) => SHOWN[field](pending, state));
  if (shown.length === 0) return pending;
  const left: SetFields = { ...pending };
  for (const field of shown) delete left[field];
  return FIELDS.some((field) => left[field] !== undefined) ? left : null;
}

/**
 * What is pending once `sent` goes out after `pending`. docs/protocol.md "Messages" (SET, step 5): a SET that changes
 * `schedule`, `time_zone` or `mode` without carrying `manual` ends a hold, so a hold still pending is no longer wanted;
 * kept, it would wait for a STATE that cannot show it, and a repeat would bring back the hold the person ended. Whether
 * the SET changes them the app cannot know; dropping the hold when it does not costs at most its repeat.
 */
export function withSet(pending: SetFields | null, sent: SetFields): SetFields {
  const endsHold = sent.manual === undefined && (sent.schedule !== undefined || sent.time_zone !== undefined || sent.mode !== undefined);
  const { manual, ...rest } = pending ?? {};
  return { ...rest, ...(endsHold || manual === undefined ? {} : { manual }), ...sent };
}
