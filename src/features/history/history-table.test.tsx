import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { utc, zone } from './testing/zones';
import type { Slot } from './history-series';
import { HistoryTable, historyTableRows, MAX_TABLE_ROWS } from './history-table';
import { historyTimes } from './history-time';

const BERLIN = zone('CET-1CEST,M3.5.0,M10.5.0/3');
const known = (start: number, changes: Partial<Slot> = {}) => ({
  start,
  slot: { start, temperature: 20, setpoint: 21, heater_s: 0, source: 'thermostat', ...changes } satisfies Slot,
});
/** Slots every 10 minutes from `from` for `count` slots, each made by `make`. */
const series = (from: number, count: number, make: (start: number, index: number) => { start: number; slot: Slot | null }) =>
  Array.from({ length: count }, (_, index) => make(from + index * 600, index));

describe('historyTableRows', () => {
  const T0 = utc('2026-12-02T11:30:00Z'); // 12:30 in Berlin

  it('gives one row per 10-minute slot for a short stretch, times on the thermostat’s clock in the browser’s locale', () => {
    const slots = [known(T0, { temperature: 19.5, heater_s: 600 }), { start: T0 + 600, slot: null }, known(T0 + 1200, { setpoint: null, heater_s: 240 })];
    expect(historyTableRows(slots, historyTimes(BERLIN, 'en-GB'))).toEqual({
      step: 'every 10 minutes',
      rows: [
        { start: T0, time: '12:30', temperature: '19.5 °C', setpoint: '21.0 °C', heating: '10 min' },
        { start: T0 + 600, time: '12:40', temperature: 'no record', setpoint: 'no record', heating: 'no record' },
        { start: T0 + 1200, time: '12:50', temperature: '20.0 °C', setpoint: 'no record', heating: '4 min' },
      ],
    });
    expect(historyTableRows(slots, historyTimes(BERLIN, 'en-US')).rows.map((row) => row.time)).toEqual(['12:30 PM', '12:40 PM', '12:50 PM']);
  });

  it('groups a day into hours of the thermostat’s clock, with the mean temperature, the last set point and the heating of each', () => {
    // From 11:00 UTC (12:00 in Berlin) yesterday to now: 145 slots.
    const from = utc('2026-12-01T11:00:00Z');
    const slots = series(from, 145, (start, index) => known(start, { temperature: 18 + (index % 6), setpoint: index % 6 === 5 ? 22 : 21, heater_s: 100 }));
    const { step, rows } = historyTableRows(slots, historyTimes(BERLIN, 'en-GB'));
    expect(step).toBe('every hour');
    expect(rows).toHaveLength(25);
    expect(rows[0]).toEqual({ start: from, time: 'Tue 1 Dec, 12:00', temperature: '20.5 °C', setpoint: '22.0 °C', heating: '10 min' });
    expect(rows.at(-1)).toMatchObject({ time: 'Wed 2 Dec, 12:00', temperature: '18.0 °C', setpoint: '21.0 °C', heating: '2 min' });
  });

  it('never gives more than its bound of rows, even for a week', () => {
    const from = utc('2026-11-25T11:00:00Z');
    const { step, rows } = historyTableRows(series(from, 7 * 144 + 1, (start) => known(start)), historyTimes(BERLIN, 'en-GB'));
    expect(rows.length).toBeLessThanOrEqual(MAX_TABLE_ROWS);
    expect(step).toBe('every 6 hours');
    // Steps start at the thermostat's midnight, 06:00, 12:00 and 18:00.
    expect(rows.slice(0, 2).map((row) => row.time)).toEqual(['Wed 25 Nov, 12:00', 'Wed 25 Nov, 18:00']);
  });
});

describe('historyTableRows on a day the thermostat’s clock changes', () => {
  const times = historyTimes(BERLIN, 'en-GB');
  /** Every slot recorded, each with a minute of heating, so a row's heating counts its slots. */
  const week = (from: number, days: number) => series(from, days * 144, (start) => known(start, { heater_s: 60 }));
  const around = (rows: { time: string; heating: string }[], time: string) => {
    const index = rows.findIndex((row) => row.time === time);
    return rows.slice(index - 1, index + 2).map((row) => [row.time, row.heating]);
  };

  it('keeps the short night of March in one 6-hour step named by its own local time', () => {
    // Thursday 26 March 00:00 in Berlin; clocks go from 02:00 to 03:00 on Sunday 29 March.
    const { step, rows } = historyTableRows(week(utc('2026-03-25T23:00:00Z'), 7), times);
    expect(step).toBe('every 6 hours');
    // 7 × 24 h of slots end at 01:00 on the Thursday after a day of 23 hours.
    expect(rows.map((row) => row.time).slice(-2)).toEqual(['Wed 1 Apr, 18:00', 'Thu 2 Apr, 00:00']);
    expect(rows).toHaveLength(29);
    expect(around(rows, 'Sun 29 Mar, 00:00')).toEqual([
      ['Sat 28 Mar, 18:00', '36 min'],
      ['Sun 29 Mar, 00:00', '30 min'],
      ['Sun 29 Mar, 06:00', '36 min'],
    ]);
  });

  it('keeps the long night of October in one 6-hour step named by its own local time', () => {
    // Thursday 22 October 00:00 in Berlin; clocks go from 03:00 back to 02:00 on Sunday 25 October.
    const { rows } = historyTableRows(week(utc('2026-10-21T22:00:00Z'), 7), times);
    expect(rows.map((row) => row.time)).toHaveLength(new Set(rows.map((row) => row.time)).size);
    expect(around(rows, 'Sun 25 Oct, 00:00')).toEqual([
      ['Sat 24 Oct, 18:00', '36 min'],
      ['Sun 25 Oct, 00:00', '42 min'],
      ['Sun 25 Oct, 06:00', '36 min'],
    ]);
  });

  it('gives each local day one row over two weeks, however long the day', () => {
    const march = historyTableRows(week(utc('2026-03-22T23:00:00Z'), 14), times);
    expect(march.step).toBe('every day');
    expect(march.rows.map((row) => row.time).slice(-2)).toEqual(['Sun 5 Apr, 00:00', 'Mon 6 Apr, 00:00']);
    expect(march.rows).toHaveLength(15);
    expect(around(march.rows, 'Sun 29 Mar, 00:00')).toEqual([
      ['Sat 28 Mar, 00:00', '2 h 24 min'],
      ['Sun 29 Mar, 00:00', '2 h 18 min'],
      ['Mon 30 Mar, 00:00', '2 h 24 min'],
    ]);
    const october = historyTableRows(week(utc('2026-10-18T22:00:00Z'), 14), times);
    expect(around(october.rows, 'Sun 25 Oct, 00:00')).toEqual([
      ['Sat 24 Oct, 00:00', '2 h 24 min'],
      ['Sun 25 Oct, 00:00', '2 h 30 min'],
      ['Mon 26 Oct, 00:00', '2 h 24 min'],
    ]);
  });
});

describe('HistoryTable', () => {
  it('shows the table only when asked, for screen readers as for anyone', async () => {
    const T0 = utc('2026-12-02T11:30:00Z');
    render(<HistoryTable slots={[known(T0, { temperature: 19.5 }), known(T0 + 600)]} times={historyTimes(BERLIN, 'en-GB')} phrase="last 30 minutes" />);
    expect(screen.queryByRole('table')).toBeNull();
    const toggle = screen.getByRole('button', { name: 'Show as table' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');

    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(toggle).toHaveAccessibleName('Hide table');
    const table = screen.getByRole('table', { name: 'Mean temperature, set point and heating, last 30 minutes, every 10 minutes' });
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['Time', 'Temperature', 'Set point', 'Heating'],
      ['12:30', '19.5 °C', '21.0 °C', '0 min'],
      ['12:40', '20.0 °C', '21.0 °C', '0 min'],
    ]);
    expect(within(table).getByRole('rowheader', { name: '12:30' })).toBeInTheDocument();

    await userEvent.click(toggle);
    expect(screen.queryByRole('table')).toBeNull();
  });
});
