import type { HistoryTimes } from './history-time';

const DAY_S = 86_400;
/** Room kept between two neighbouring labels of the time axis, in CSS pixels. */
export const LABEL_GAP_PX = 16;
/** The axes' font: the labels are measured in the font they are drawn in. */
export const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
/** The most days measured: the chart spans a week at most; a wider scale is a fault, not a reason to loop. */
const MOST_DAYS = 32;

/** A label's width in CSS pixels. */
export type Measure = (text: string) => number;

/**
 * The least room between two ticks of the time axis (uPlot's `space`): the widest label the axis may write between `min`
 * and `max`, and a gap, so neighbouring labels never touch however narrow the chart. A label's widest line is a day's
 * name ("Wed 30 Dec") or a time ("12:00 PM"); each day of the range is measured, since their names differ in width.
 */
export function timeAxisSpace(times: Pick<HistoryTimes, 'time' | 'day'>, measure: Measure, min: number, max: number): number {
  let widest = Math.max(measure(times.time(min)), measure(times.time(max)));
  for (let day = 0, at = min; day < MOST_DAYS && at < max + DAY_S; day += 1, at += DAY_S) {
    widest = Math.max(widest, measure(times.day(Math.min(at, max))));
  }
  return Math.ceil(widest) + LABEL_GAP_PX;
}

/** The temperature axis's width (uPlot's `size`): its widest label and the gap to the plot, no wider. */
export function valueAxisSize(labels: readonly string[] | null | undefined, measure: Measure, gap: number): number {
  const widest = (labels ?? []).reduce((most, label) => Math.max(most, measure(label)), 0);
  return Math.ceil(widest) + gap;
}
