import { describe, expect, it } from 'vitest';
import type { Slot } from './history-series';
import { chartLabel } from './history-words';

const T0 = Date.parse('2026-12-02T06:00:00Z') / 1000;
const slot = (index: number, changes: Partial<Slot> = {}): { slot: Slot } => ({
  slot: { start: T0 + index * 600, temperature: 20, setpoint: 21, heater_s: 0, source: 'thermostat', ...changes },
});

describe('chartLabel', () => {
  it('sums the chart up: what it shows over which stretch, the temperature’s range and the heating', () => {
    const slots = [slot(0, { temperature: 19.24, heater_s: 600 }), { slot: null }, slot(2, { temperature: 21.4, heater_s: 600 }), slot(3, { heater_s: 100 })];
    expect(chartLabel(slots, 'last 6 hours')).toBe('Temperature, set point and heater on-time, last 6 hours: 19.2 to 21.4 °C, heating 22 min');
    const long = Array.from({ length: 13 }, (_, index) => slot(index, { heater_s: 600 }));
    expect(chartLabel(long, 'last 3 hours')).toBe('Temperature, set point and heater on-time, last 3 hours: 20.0 °C, heating 2 h 10 min');
  });

  it('says when there was no heating, no temperature, or nothing at all', () => {
    expect(chartLabel([slot(0)], 'last 30 minutes')).toBe('Temperature, set point and heater on-time, last 30 minutes: 20.0 °C, no heating');
    expect(chartLabel([slot(0, { temperature: null, heater_s: 60 })], 'last 30 minutes')).toBe(
      'Temperature, set point and heater on-time, last 30 minutes: no temperature read, heating 1 min',
    );
    expect(chartLabel([{ slot: null }], 'last 24 hours')).toBe('Temperature, set point and heater on-time, last 24 hours: nothing recorded');
  });
});
