import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HeatingDays } from './heating-days';
import type { HeatingDay } from './history-series';
import { historyTimes } from './history-time';
import { historyZone } from './history-words';

/** Tuesday 1 December 2026 and the day after, today. */
const DAYS: HeatingDay[] = [
  { day: 20_788, year: 2026, month: 12, date: 1, weekday: 1, today: false, heating_s: 7200, slots: 144, fromThermostat: 144, fromApp: 0 },
  { day: 20_789, year: 2026, month: 12, date: 2, weekday: 2, today: true, heating_s: 0, slots: 72, fromThermostat: 72, fromApp: 0 },
];

describe('HeatingDays', () => {
  it('names the days in the browser’s locale, as the chart does', () => {
    const berlin = historyZone('CET-1CEST,M3.5.0,M10.5.0/3');
    render(<HeatingDays days={DAYS} zoneKnown times={historyTimes(berlin.rules, 'de-DE')} />);
    const table = screen.getByRole('table', { name: 'Heating hours per day' });
    expect(within(table).getByRole('rowheader', { name: 'Di., 1. Dez.' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Heating hours per day, as bars: Di., 1. Dez. 2.0 h, Today so far 0.0 h' })).toBeInTheDocument();
    expect(screen.getByText('Di')).toBeInTheDocument();
  });
});
