import { describe, expect, it } from 'vitest';
import { MIN_TIME_S, type HistoryMessage } from '@protocol';
import { HISTORY_MAX_PAGES, HISTORY_PAGE_S, mergePages, pageOf, pagesToAsk, thermostatClock, type HistoryPage } from './history-pages';

/** Wednesday 2026-12-02 00:00 UTC. */
const DAY = 1_796_169_600;
const page = (from: number, time: number, heater_s: (number | null)[] = [0]): HistoryPage => ({
  from,
  time,
  receivedAt: 0,
  temperature: heater_s.map((s) => (s === null ? null : 20)),
  setpoint: heater_s.map((s) => (s === null ? null : 21)),
  heater_s,
});

describe('pagesToAsk', () => {
  it('asks for the 16 pages of the UTC day in progress and the 7 before, oldest first, up to the one the clock is in', () => {
    const afternoon = DAY + 15 * 3600;
    const asked = pagesToAsk(afternoon, {});
    expect(asked).toHaveLength(HISTORY_MAX_PAGES);
    expect(asked[0]).toBe(DAY - 7 * 86_400);
    expect(asked.at(-1)).toBe(DAY + HISTORY_PAGE_S);
    expect(asked.every((from, index) => index === 0 || from - (asked[index - 1] ?? 0) === HISTORY_PAGE_S)).toBe(true);
  });

  it('before noon the page the clock is in is the morning one: 15 pages', () => {
    const asked = pagesToAsk(DAY + 3600, {});
    expect(asked).toHaveLength(15);
    expect(asked.at(-1)).toBe(DAY);
  });

  it('skips final pages and asks again for one answered while its slots were still running', () => {
    const now = DAY + 15 * 3600;
    const first = DAY - 7 * 86_400;
    const pages = {
      [first]: page(first, first + HISTORY_PAGE_S),
      [first + HISTORY_PAGE_S]: page(first + HISTORY_PAGE_S, first + HISTORY_PAGE_S + 600),
      [DAY + HISTORY_PAGE_S]: page(DAY + HISTORY_PAGE_S, DAY + 14 * 3600),
    };
    const asked = pagesToAsk(now, pages);
    expect(asked[0]).toBe(first + HISTORY_PAGE_S);
    expect(asked).not.toContain(first);
    expect(asked.at(-1)).toBe(DAY + HISTORY_PAGE_S);
    expect(asked).toHaveLength(15);
  });

  it('asks for no page before the earliest time HISTORY_get allows', () => {
    const asked = pagesToAsk(MIN_TIME_S + 2 * 86_400, {});
    expect(asked[0]).toBe(MIN_TIME_S);
    expect(asked).toHaveLength(5);
  });
});

describe('thermostatClock', () => {
  it('counts on from the last STATE, and is null while the thermostat does not know the time', () => {
    expect(thermostatClock({ state: { time: DAY }, receivedAt: 1_000_000 }, 1_061_500)).toBe(DAY + 61);
    expect(thermostatClock({ state: { time: null }, receivedAt: 1_000_000 }, 1_061_500)).toBeNull();
    expect(thermostatClock(undefined, 0)).toBeNull();
  });
});

describe('pageOf and mergePages', () => {
  const history = (changes: Partial<HistoryMessage>): HistoryMessage => ({
    type: 'HISTORY',
    session: 'AAAAAAAAAAAAAAAAAAAAAA',
    seq: 2,
    time: DAY + 1200,
    from: DAY,
    interval_s: 600,
    temperature: [20, 20.5, 21],
    setpoint: [21, 21, 21],
    heater_s: [600, 300, 10],
    ...changes,
  });

  it('keeps nothing from an answer given without a clock, or for a from that is no page start', () => {
    expect(pageOf(history({ time: null, temperature: [], setpoint: [], heater_s: [] }), 5)).toBeNull();
    expect(pageOf(history({ from: DAY + 600 }), 5)).toBeNull();
    expect(pageOf(history({}), 5)).toMatchObject({ from: DAY, time: DAY + 1200, receivedAt: 5, heater_s: [600, 300, 10] });
  });

  it('the newer answer wins where it recorded a slot; a slot it lost keeps the earlier record', () => {
    const older = page(DAY, DAY + 1800, [600, 300, 200]);
    const newer = page(DAY, DAY + 3000, [600, null, 400, 0, 0]);
    expect(mergePages(older, newer).heater_s).toEqual([600, 300, 400, 0, 0]);
    expect(mergePages(older, newer).time).toBe(DAY + 3000);
  });
});
