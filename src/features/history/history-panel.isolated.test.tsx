import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pagesToAsk } from '@/lib/link/history-pages';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { appStore } from '@/stores/app-store';
import { HistoryPanel } from './history-panel';
import type { HistoryChartProps } from './history-chart';

vi.mock('./history-chart', () => ({
  // uPlot draws on a canvas jsdom lacks; the slots it is given are what matters here.
  default: ({ slots, from, to }: HistoryChartProps) => (
    <div data-testid="chart">
      {slots.filter((s) => s.slot !== null).length} of {slots.length} slots from {new Date(from * 1000).toISOString()} to {new Date(to * 1000).toISOString()}
    </div>
  ),
}));

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const utc = (iso: string) => Date.parse(iso) / 1000;
/** Wednesday 2026-12-02 12:00 UTC, 13:00 in Berlin. */
const NOW = utc('2026-12-02T12:00:00Z');

/** A thermostat in Berlin that recorded every slot of its 8 days, heating 2 hours on Tuesday morning. */
function thermostatWithHistory(): TestThermostat {
  const thermostat = new TestThermostat();
  thermostat.setClock(NOW);
  thermostat.timeZone = 'CET-1CEST,M3.5.0,M10.5.0/3';
  for (let start = utc('2026-11-25T00:00:00Z'); start <= NOW; start += 600) {
    thermostat.history.set(start, { temperature: 20, setpoint: 21, heater_s: 0 });
  }
  for (let start = utc('2026-12-01T06:00:00Z'); start < utc('2026-12-01T08:00:00Z'); start += 600) {
    thermostat.history.set(start, { temperature: 19, setpoint: 21, heater_s: 600 });
  }
  return thermostat;
}

const rowTexts = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));

describe('HistoryPanel', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
    // The store takes a thermostat's STATE and HISTORY only while it is paired.
    appStore.getState().addThermostat({ id: ID, key: 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs', name: 'Home' });
  });
  afterEach(() => vi.useRealTimers());

  it('shows the thermostat’s record over 7 days, with heating hours per local day in a table', async () => {
    const thermostat = thermostatWithHistory();
    appStore.getState().receiveState(ID, thermostat.stateMessage(), NOW * 1000);
    for (const from of pagesToAsk(NOW, {})) appStore.getState().receiveHistory(ID, thermostat.historyMessage(from), NOW * 1000);
    render(<HistoryPanel thermostatId={ID} locale="en-GB" />);

    const region = screen.getByRole('region', { name: 'History' });
    expect(within(region).getByRole('radio', { name: '7 days' })).toBeChecked();
    expect(within(region).getByText(/From the thermostat’s own record/)).toBeInTheDocument();
    const chart = within(region).getByRole('img', { name: 'Temperature, set point and heater on-time, last 7 days: 19.0 to 20.5 °C, heating 2 h' });
    expect(chart).toHaveAccessibleDescription(
      // The slot in progress is what this app saw of it: the STATE at 12:00.
      'In the last 7 days: 168 h from the thermostat, 0.2 h seen by this app, 0 h with no record. Temperature from 19.0 °C to 20.5 °C. Heating 2.0 h.',
    );
    expect(await within(region).findByTestId('chart')).toHaveTextContent('1009 of 1009 slots from 2026-11-25T12:00:00.000Z to 2026-12-02T12:00:00.000Z');

    const table = within(region).getByRole('table', { name: 'Heating hours per day' });
    expect(rowTexts(table)).toEqual([
      ['Day', 'Heating', 'Recorded by'],
      // Berlin's Wednesday began at 23:00 UTC, an hour before the thermostat's oldest day.
      ['Wed 25 Nov', '0.0 h', 'the thermostat (23 of 24 h)'],
      ['Thu 26 Nov', '0.0 h', 'the thermostat'],
      ['Fri 27 Nov', '0.0 h', 'the thermostat'],
      ['Sat 28 Nov', '0.0 h', 'the thermostat'],
      ['Sun 29 Nov', '0.0 h', 'the thermostat'],
      ['Mon 30 Nov', '0.0 h', 'the thermostat'],
      ['Tue 1 Dec', '2.0 h', 'the thermostat'],
      ['Today so far', '0.0 h', 'the thermostat and this app'],
    ]);
    expect(within(region).getByRole('img', { name: /^Heating hours per day, as bars: Wed 25 Nov 0\.0 h, .* Tue 1 Dec 2\.0 h, Today so far 0\.0 h$/ })).toBeInTheDocument();
  });

  it('switches to the last 24 hours', async () => {
    const thermostat = thermostatWithHistory();
    appStore.getState().receiveState(ID, thermostat.stateMessage(), NOW * 1000);
    for (const from of pagesToAsk(NOW, {})) appStore.getState().receiveHistory(ID, thermostat.historyMessage(from), NOW * 1000);
    render(<HistoryPanel thermostatId={ID} locale="en-GB" />);
    await userEvent.setup({ advanceTimers: vi.advanceTimersByTime }).click(screen.getByRole('radio', { name: '24 hours' }));
    expect(screen.getByRole('radio', { name: '24 hours' })).toBeChecked();
    expect(screen.getByRole('img', { name: 'Temperature, set point and heater on-time, last 24 hours: 20.0 to 20.5 °C, no heating' })).toHaveAccessibleDescription(
      'In the last 24 hours: 24 h from the thermostat, 0.2 h seen by this app, 0 h with no record. Temperature from 20.0 °C to 20.5 °C. Heating 0.0 h.',
    );
  });

  it('says so while the thermostat does not know the time, and shows what this app saw in UTC days', () => {
    const thermostat = new TestThermostat();
    appStore.getState().receiveState(ID, thermostat.stateMessage(), NOW * 1000);
    appStore.getState().restoreLiveSamples(ID, [
      { t: NOW - 300, temperature: 18, setpoint: 21, heater: true },
      { t: NOW - 200, temperature: 18.2, setpoint: 21, heater: true },
    ]);
    render(<HistoryPanel thermostatId={ID} locale="en-GB" />);
    expect(screen.getByText(/The thermostat does not know the time yet/)).toBeInTheDocument();
    expect(screen.getByText(/in UTC days: the thermostat has no time zone/)).toBeInTheDocument();
    const rows = rowTexts(screen.getByRole('table', { name: 'Heating hours per day' }));
    expect(rows.at(-1)).toEqual(['Today so far', '0.1 h', 'this app (0.3 of 12.2 h)']);
    expect(rows[1]).toEqual(['Wed 25 Nov', '0.0 h', 'no record']);
  });

  it('fits the chart to a few minutes of history, at least half an hour, and offers it as a table', async () => {
    const thermostat = new TestThermostat();
    appStore.getState().restoreLiveSamples(ID, [
      { t: NOW - 300, temperature: 18, setpoint: 21, heater: true },
      { t: NOW - 200, temperature: 18.2, setpoint: 21, heater: true },
    ]);
    appStore.getState().receiveState(ID, thermostat.stateMessage(), NOW * 1000);
    render(<HistoryPanel thermostatId={ID} locale="en-GB" />);
    const chart = screen.getByRole('img', { name: 'Temperature, set point and heater on-time, last 30 minutes: 18.1 to 20.5 °C, heating 4 min' });
    expect(chart).toHaveAccessibleDescription(/^In the last 30 minutes: /);
    expect(screen.getByText('Temperature, set point and heater on-time, last 30 minutes')).toBeInTheDocument();
    expect(await screen.findByTestId('chart')).toHaveTextContent('2 of 4 slots from 2026-12-02T11:30:00.000Z to 2026-12-02T12:00:00.000Z');

    await userEvent.setup({ advanceTimers: vi.advanceTimersByTime }).click(screen.getByRole('button', { name: 'Show as table' }));
    const table = screen.getByRole('table', { name: 'Mean temperature, set point and heating, last 30 minutes, every 10 minutes' });
    // The thermostat has no zone yet: its clock is UTC's.
    expect(rowTexts(table)).toEqual([
      ['Time', 'Temperature', 'Set point', 'Heating'],
      ['11:30', 'no record', 'no record', 'no record'],
      ['11:40', 'no record', 'no record', 'no record'],
      ['11:50', '18.1 °C', '21.0 °C', '4 min'],
      // The STATE the app has just had.
      ['12:00', '20.5 °C', '21.0 °C', '0 min'],
    ]);
  });
});
