import { describe, expect, it } from 'vitest';
import { utc, zone } from './testing/zones';
import type { HistoryPage } from '@/lib/link/history-pages';
import type { Sample } from '@/stores/live-samples';
import { chartSpan, heatingDays, liveSlots, mergeHistory, MIN_CHART_SPAN_S, slotsBetween, type Slot } from './history-series';

const UTC = zone('UTC0');
/** 2026-12-02 00:00 UTC, a page start. */
const DAY = utc('2026-12-02T00:00:00Z');
const sample = (t: number, changes: Partial<Sample> = {}): Sample => ({ t, temperature: 19, setpoint: 18, heater: false, ...changes });

function page(time: number, heater_s: (number | null)[]): HistoryPage {
  return {
    from: DAY,
    time,
    receivedAt: 0,
    temperature: heater_s.map((s) => (s === null ? null : 21)),
    setpoint: heater_s.map((s) => (s === null ? null : 21.5)),
    heater_s,
  };
}

describe('liveSlots', () => {
  it('counts the heater on from each sample to the next, but never longer than the app could know', () => {
    const slots = liveSlots([sample(DAY, { heater: true }), sample(DAY + 60, { heater: true }), sample(DAY + 120), sample(DAY + 1200, { heater: true })], DAY + 3000);
    expect(slots.get(DAY)).toMatchObject({ heater_s: 120, temperature: 19, source: 'app' });
    expect(slots.has(DAY + 600)).toBe(false);
    expect(slots.get(DAY + 1200)?.heater_s).toBe(150);
  });
});

describe('mergeHistory', () => {
  const pages = { [DAY]: page(DAY + 2400 + 30, [600, 300, 0, null, 120]) };
  const seen = [
    sample(DAY + 610, { heater: true, temperature: 25 }),
    sample(DAY + 1810, { heater: true, temperature: 26 }),
    sample(DAY + 2410, { temperature: 27 }),
  ];

  it('takes the thermostat’s samples where it recorded a slot that had ended, whatever the app saw', () => {
    const merged = mergeHistory(pages, seen, DAY + 2500);
    expect(merged.get(DAY)).toEqual<Slot>({ start: DAY, temperature: 21, setpoint: 21.5, heater_s: 600, source: 'thermostat' });
    expect(merged.get(DAY + 600)).toMatchObject({ heater_s: 300, temperature: 21, source: 'thermostat' });
  });

  it('fills a slot the thermostat did not record, and the slot in progress, with what the app saw', () => {
    const merged = mergeHistory(pages, seen, DAY + 2500);
    expect(merged.get(DAY + 1800)).toMatchObject({ temperature: 26, heater_s: 150, source: 'app' });
    expect(merged.get(DAY + 2400)).toMatchObject({ temperature: 27, heater_s: 0, source: 'app' });
  });

  it('keeps the thermostat’s part of the slot in progress when the app saw nothing of it, and leaves gaps as gaps', () => {
    const merged = mergeHistory(pages, [], DAY + 2500);
    expect(merged.get(DAY + 2400)).toMatchObject({ heater_s: 120, source: 'thermostat' });
    expect(merged.has(DAY + 1800)).toBe(false);
    expect(slotsBetween(merged, DAY, DAY + 2500).map((s) => s.slot?.source ?? null)).toEqual(['thermostat', 'thermostat', 'thermostat', null, 'thermostat']);
  });
});

/** Every slot from `from` to `to` heated for `heater_s`, as the thermostat recorded them. */
function heated(from: number, to: number, heater_s = 600): Map<number, Slot> {
  const slots = new Map<number, Slot>();
  for (let start = from; start < to; start += 600) slots.set(start, { start, temperature: 20, setpoint: 21, heater_s, source: 'thermostat' });
  return slots;
}

describe('heatingDays', () => {
  it('counts the 25 hours of the day the clocks go back, in the thermostat’s zone, with today so far', () => {
    const now = utc('2026-10-27T12:05:00Z');
    const days = heatingDays(heated(utc('2026-10-19T00:00:00Z'), now + 600), zone('CET-1CEST,M3.5.0,M10.5.0/3'), now);
    expect(days.map((d) => `${d.date}/${d.month}`)).toEqual(['20/10', '21/10', '22/10', '23/10', '24/10', '25/10', '26/10', '27/10']);
    expect(days.map((d) => d.heating_s / 3600)).toEqual([24, 24, 24, 24, 24, 25, 24, 13 + 1 / 6]);
    expect(days.map((d) => d.today)).toEqual([false, false, false, false, false, false, false, true]);
    expect(days[5]).toMatchObject({ slots: 150, fromThermostat: 150, fromApp: 0, weekday: 6 });
  });

  it('counts 23 hours for the day the clocks go forward', () => {
    const now = utc('2026-03-30T06:00:00Z');
    const days = heatingDays(heated(utc('2026-03-20T00:00:00Z'), now), zone('CET-1CEST,M3.5.0,M10.5.0/3'), now, 2);
    expect(days.map((d) => [d.date, d.heating_s / 3600])).toEqual([
      [28, 24],
      [29, 23],
      [30, 8],
    ]);
  });

  it('splits at the thermostat’s local midnight, not UTC’s; and in UTC when it has no zone', () => {
    const history = new Map<number, Slot>([
      [utc('2026-12-01T18:20:00Z'), { start: utc('2026-12-01T18:20:00Z'), temperature: 20, setpoint: 21, heater_s: 600, source: 'thermostat' }],
      [utc('2026-12-01T18:30:00Z'), { start: utc('2026-12-01T18:30:00Z'), temperature: 20, setpoint: 21, heater_s: 300, source: 'app' }],
    ]);
    const now = utc('2026-12-02T09:00:00Z');
    const india = heatingDays(history, zone('<+0530>-5:30'), now, 1);
    expect(india.map((d) => [d.date, d.heating_s, d.fromThermostat, d.fromApp])).toEqual([
      [1, 600, 1, 0],
      [2, 300, 0, 1],
    ]);
    const inUtc = heatingDays(history, UTC, now, 1);
    expect(inUtc.map((d) => [d.date, d.heating_s])).toEqual([
      [1, 900],
      [2, 0],
    ]);
    expect(inUtc[1]?.slots).toBe(55);
  });
});

describe('chartSpan', () => {
  const now = DAY + 6 * 3600;
  const dayAgo = now - 86_400;

  it('spans from the first slot anything is known of to now, so a few hours fill the chart', () => {
    const history = heated(DAY, now + 600);
    expect(chartSpan(slotsBetween(history, dayAgo, now), dayAgo, now)).toEqual({ from: DAY, to: now });
  });

  it('spans at least half an hour: 6 minutes of history are a point near now, not the whole chart', () => {
    const justStarted = now - 360;
    const history = new Map<number, Slot>([[justStarted - (justStarted % 600), { start: justStarted - (justStarted % 600), temperature: 20, setpoint: 21, heater_s: 0, source: 'app' }]]);
    expect(MIN_CHART_SPAN_S).toBe(1800);
    expect(chartSpan(slotsBetween(history, dayAgo, now), dayAgo, now)).toEqual({ from: now - 1800, to: now });
  });

  it('starts the slots listed and the span at the same bound: the first slot that starts in the period', () => {
    const from = dayAgo + 300;
    const history = heated(dayAgo - 600, now + 600);
    const slots = slotsBetween(history, from, now);
    expect(slots[0]?.start).toBe(dayAgo + 600);
    expect(chartSpan(slots, from, now)).toEqual({ from: dayAgo + 600, to: now });
  });

  it('spans the whole period when nothing is known of it, and never reaches back before it', () => {
    expect(chartSpan(slotsBetween(new Map(), dayAgo, now), dayAgo, now)).toEqual({ from: dayAgo, to: now });
    const week = heated(now - 7 * 86_400, now + 600);
    expect(chartSpan(slotsBetween(week, dayAgo, now), dayAgo, now)).toEqual({ from: dayAgo, to: now });
  });
});
