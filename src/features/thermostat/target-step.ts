import { SETTING_RANGES } from '@protocol';

/** Taps move the target by half a degree, on the half-degree grid, within the thermostat's range. */
export const TARGET_STEP = 0.5;

/**
 * A run of taps within this pause becomes one SET. Short, because the confirmed value is what the person
 * waits to see. Keys send nothing by themselves: Enter sends, leaving the control sends, Escape drops it.
 */
export const SET_DEBOUNCE_MS = 350;

/** PageUp and PageDown move to the next whole degree. */
export const PAGE_STEP = 1;

const EPSILON = 1e-9;

export function stepTarget(value: number, direction: 1 | -1, step = TARGET_STEP): number {
  const units = value / step;
  const next = direction === 1 ? (Math.floor(units + EPSILON) + 1) * step : (Math.ceil(units - EPSILON) - 1) * step;
  return clampTarget(next);
}

export function clampTarget(value: number): number {
  const { min, max } = SETTING_RANGES.target;
  return Math.round(Math.min(max, Math.max(min, value)) * 10) / 10;
}
