import { HISTORY_INTERVAL_S } from '@protocol';
import { formatTemperature } from '@/lib/format';
import type { HistoryTimes } from './history-time';

type Column = ArrayLike<number | null | undefined>;

/**
 * The slot the legend shows: the one under the cursor, or, with no cursor on the chart, the last slot anything is
 * known of, so the legend says the latest values instead of a row of dashes.
 */
export function legendIndex(data: readonly Column[], cursor: number | null): number | null {
  if (cursor !== null) return cursor;
  const length = data[0]?.length ?? 0;
  for (let index = length - 1; index >= 0; index -= 1) {
    if (data.slice(1).some((column) => column[index] != null)) return index;
  }
  return null;
}

const NO_RECORD = 'no record';

/** The legend's words for each line of the chart, at one slot. */
export function legendTexts(times: HistoryTimes) {
  return {
    time: (utc: number | null | undefined) => (utc == null ? NO_RECORD : times.dayAndTime(utc)),
    temperature: (value: number | null | undefined) => (value == null ? NO_RECORD : formatTemperature(value)),
    /** The heater's share of the slot: "6 of 10 min". */
    heater: (share: number | null | undefined) =>
      share == null ? NO_RECORD : `${Math.round((share * HISTORY_INTERVAL_S) / 60)} of ${HISTORY_INTERVAL_S / 60} min`,
  };
}
