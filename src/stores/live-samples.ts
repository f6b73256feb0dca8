import { HISTORY_DAYS, isFiniteNumber, isObject, type StateMessage } from '@protocol';

/** What this app saw of a thermostat at one moment: one accepted STATE. */
export interface Sample {
  /** seconds since the epoch */
  t: number;
  temperature: number | null;
  /** what the thermostat held, as its STATE said (docs/protocol.md "Messages", STATE); null when nothing was held */
  setpoint: number | null;
  heater: boolean;
}

/** As long as the thermostat keeps its own (docs/protocol.md "History"): what the app saw fills the slots it did not record. */
export const LIVE_WINDOW_S = HISTORY_DAYS * 24 * 60 * 60;
/**
 * STATEs may come every few seconds; the chart shows 10-minute slots, so a point a minute says as much, and keeps 8
 * days of an app left open at under 12,000 samples.
 */
const MIN_SPACING_S = 60;

const isNumberOrNull = (value: unknown): value is number | null => value === null || isFiniteNumber(value);

/** Samples read back from storage: the well-formed ones. */
export function parseSamples(value: unknown): Sample[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry): Sample[] => {
    if (!isObject(entry)) return [];
    const { t, temperature, setpoint, heater } = entry;
    if (!isFiniteNumber(t) || !isNumberOrNull(temperature)) return [];
    if (!isNumberOrNull(setpoint) || typeof heater !== 'boolean') return [];
    return [{ t, temperature, setpoint, heater }];
  });
}

export function sampleOf(state: StateMessage, receivedAt: number): Sample {
  return {
    t: Math.floor(receivedAt / 1000),
    temperature: state.temperature,
    setpoint: state.setpoint,
    heater: state.heater,
  };
}

/** Appends a sample, keeping changes of heater or setpoint exactly and thinning the rest; the same list when it adds nothing. */
export function appendSample(samples: Sample[], sample: Sample): Sample[] {
  const last = samples.at(-1);
  const cutoff = sample.t - LIVE_WINDOW_S;
  const kept = samples[0] !== undefined && samples[0].t < cutoff ? samples.filter((s) => s.t >= cutoff) : samples;
  if (last !== undefined && sample.t < last.t) return kept;
  const changed = last === undefined || last.heater !== sample.heater || last.setpoint !== sample.setpoint;
  if (!changed && sample.t - last.t < MIN_SPACING_S) return kept;
  return [...kept, sample];
}
