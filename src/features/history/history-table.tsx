import { useId, useState } from 'react';
import { formatTemperature } from '@/lib/format';
import type { Slot } from './history-series';
import { durationText, type HistoryTimes } from './history-time';

/** At most this many rows, so the table stays readable: slots are grouped into longer steps until they fit. */
export const MAX_TABLE_ROWS = 48;
const DAY_S = 86_400;
const STEPS = [
  { seconds: 600, words: 'every 10 minutes' },
  { seconds: 1800, words: 'every 30 minutes' },
  { seconds: 3600, words: 'every hour' },
  { seconds: 3 * 3600, words: 'every 3 hours' },
  { seconds: 6 * 3600, words: 'every 6 hours' },
  { seconds: 86_400, words: 'every day' },
] as const;

export interface HistoryTableRow {
  /** UTC start of the first slot in the row's stretch. */
  start: number;
  time: string;
  temperature: string;
  setpoint: string;
  heating: string;
}

const NO_RECORD = 'no record';

/**
 * The chart as rows of a table, oldest first: each row a step of the thermostat's wall clock (10 minutes, or longer so
 * there are at most MAX_TABLE_ROWS), with the mean temperature, the last set point and the heating in it.
 */
export function historyTableRows(
  slots: readonly { start: number; slot: Slot | null }[],
  times: HistoryTimes,
): { step: string; rows: HistoryTableRow[] } {
  let grouped: { wallStart: number; start: number; slots: Slot[] }[] = [];
  let step: string = STEPS[0].words;
  for (const { seconds, words } of STEPS) {
    // Steps are the wall clock's: a slot belongs to the step its local time is in, and the step is named by that local
    // time itself, so a day that changes its clock neither splits a step nor names it with the other offset.
    const stepOf = (utc: number) => {
      const wall = times.wall(utc);
      return wall - (((wall % seconds) + seconds) % seconds);
    };
    const groups = new Map<number, { start: number; slots: Slot[] }>();
    for (const { start, slot } of slots) {
      const group = groups.get(stepOf(start)) ?? { start, slots: [] };
      if (slot !== null) group.slots.push(slot);
      groups.set(stepOf(start), group);
    }
    grouped = [...groups].map(([wallStart, group]) => ({ wallStart, ...group }));
    step = words;
    if (grouped.length <= MAX_TABLE_ROWS) break;
  }
  const dayOf = (wall: number) => Math.floor(wall / DAY_S);
  const oneDay = grouped.every(({ wallStart }) => dayOf(wallStart) === dayOf(grouped[0]?.wallStart ?? wallStart));
  const rows = grouped.map(({ wallStart, start, slots: known }) => {
    const temperatures = known.flatMap((slot) => (slot.temperature === null ? [] : [slot.temperature]));
    const setpoint = known.findLast((slot) => slot.setpoint !== null)?.setpoint ?? null;
    const mean = temperatures.length === 0 ? null : temperatures.reduce((sum, t) => sum + t, 0) / temperatures.length;
    return {
      start,
      time: oneDay ? times.ofWall.time(wallStart) : times.ofWall.dayAndTime(wallStart),
      temperature: mean === null ? NO_RECORD : formatTemperature(mean),
      setpoint: setpoint === null ? NO_RECORD : formatTemperature(setpoint),
      heating: known.length === 0 ? NO_RECORD : durationText(known.reduce((sum, slot) => sum + slot.heater_s, 0)),
    };
  });
  return { step, rows };
}

export interface HistoryTableProps {
  slots: readonly { start: number; slot: Slot | null }[];
  times: HistoryTimes;
  /** "last 6 hours" */
  phrase: string;
}

/** The chart's alternative for those who cannot see it or want the numbers: a table, shown on request. */
export function HistoryTable({ slots, times, phrase }: HistoryTableProps) {
  const [shown, setShown] = useState(false);
  const tableId = useId();
  return (
    <div className="history-table-toggle">
      <button type="button" className="button" aria-expanded={shown} aria-controls={tableId} onClick={() => setShown((now) => !now)}>
        {shown ? 'Hide table' : 'Show as table'}
      </button>
      <div id={tableId} className="history-table-frame" hidden={!shown}>
        {shown ? <Rows slots={slots} times={times} phrase={phrase} /> : null}
      </div>
    </div>
  );
}

function Rows({ slots, times, phrase }: HistoryTableProps) {
  const { step, rows } = historyTableRows(slots, times);
  return (
    <table className="history-table">
      <caption>
        Mean temperature, set point and heating, {phrase}, {step}
      </caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Temperature</th>
          <th scope="col">Set point</th>
          <th scope="col">Heating</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.start}>
            <th scope="row">{row.time}</th>
            <td>{row.temperature}</td>
            <td>{row.setpoint}</td>
            <td>{row.heating}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
