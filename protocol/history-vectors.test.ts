/**
 * protocol/vectors/history.json: the pages its scenarios expect are HISTORYs the app takes, and what
 * "Messages" says of a page's shape (from, length, time) follows from each scenario's steps. The
 * thermostat's tests replay the same steps through its history log.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMessageValue } from './message-readers.ts';
import { HISTORY_DAYS, HISTORY_INTERVAL_S, HISTORY_PAGE_SLOTS } from './messages.ts';
import { historyVectors, messageVectors, type HistoryPageVector, type HistoryScenarioVector } from './vectors/index.ts';
import { makeHistoryVectors } from './vectors/make-history-vectors.ts';

const DAY_S = 86_400;

interface AskedPage {
  scenario: string;
  /** The request's from. */
  request: number;
  /** The clock when it was asked; null while unknown. */
  clock: number | null;
  /** The earliest time the clock has shown in the scenario so far, if it was ever known. */
  earliestClock: number | null;
  expect: HistoryPageVector;
}

/** Walks a scenario's steps, following only the clock, and gives every page asked with the clock it was asked at. */
function pagesOf(scenario: HistoryScenarioVector): AskedPage[] {
  let clock: number | null = null;
  let earliestClock: number | null = null;
  const pages: AskedPage[] = [];
  for (const step of scenario.steps) {
    if (step.kind === 'clock') {
      clock = step.clock;
      earliestClock = Math.min(step.clock, earliestClock ?? step.clock);
    } else if (step.kind === 'at') {
      if (clock === null || step.at < clock) throw new Error(`${scenario.why}: time runs to ${step.at} from ${String(clock)}`);
      clock = step.at;
    } else if (step.kind === 'reboot') {
      clock = null;
    } else if (step.kind === 'page') {
      pages.push({ scenario: scenario.why, request: step.page, clock, earliestClock, expect: step.expect });
    }
  }
  return pages;
}

const asked = historyVectors.scenarios.flatMap(pagesOf);
const slotStart = (utc: number): number => utc - (utc % HISTORY_INTERVAL_S);

describe('the scenarios of protocol/vectors/history.json', () => {
  it('are what make-history-vectors.ts writes, byte for byte', () => {
    const file = readFileSync(fileURLToPath(new URL('./vectors/history.json', import.meta.url)), 'utf8');
    expect(makeHistoryVectors()).toBe(file);
  });

  it('cover what "History" describes', () => {
    const names = historyVectors.scenarios.map((scenario) => scenario.why).join('\n');
    for (const topic of ['slot edges', 'half away from zero', "day's end", 'hourly write', 'jumping back', 'back within the slot', 'jumping forward', 'whole day', 'yesterday', 'eight UTC days', 'damaged', 'cannot be read', 'future', 'clock unknown']) {
      expect(names).toContain(topic);
    }
    expect(historyVectors.scenarios.length).toBeGreaterThanOrEqual(10);
    expect(asked.some((page) => page.expect.temperature.length === HISTORY_PAGE_SLOTS)).toBe(true);
  });

  it.each(asked)('$scenario: a page from $request is a HISTORY the app takes', ({ expect: page }) => {
    const message = { type: 'HISTORY', session: messageVectors.session, seq: 2, ...page };
    expect(parseMessageValue(message)).toEqual({ ok: true, value: message });
  });

  it.each(asked)('$scenario: a page from $request has the slots "Messages" gives it at its clock', ({ request, clock, expect: page }) => {
    expect(page.time).toBe(clock);
    expect(page.from).toBe(slotStart(request));
    const slots = clock === null || page.from > clock ? 0 : Math.min(HISTORY_PAGE_SLOTS, (slotStart(clock) - page.from) / HISTORY_INTERVAL_S + 1);
    expect(page.temperature).toHaveLength(slots);
    expect(page.setpoint).toHaveLength(slots);
    expect(page.heater_s).toHaveLength(slots);
  });

  it.each(asked)('$scenario: a page from $request has nothing where nothing can have been recorded', ({ clock, earliestClock, expect: page }) => {
    page.heater_s.forEach((heater, index) => {
      const slot = page.from + index * HISTORY_INTERVAL_S;
      const unrecorded = [page.temperature[index], page.setpoint[index], heater];
      // An unrecorded slot is null in all three; a recorded one always knows its heater's seconds.
      if (heater === null) expect(unrecorded, `slot ${slot}`).toEqual([null, null, null]);
      // Slots over before the clock ever showed their time, and in a day older than the 8 kept.
      const tooOld = clock !== null && Math.floor(slot / DAY_S) <= Math.floor(clock / DAY_S) - HISTORY_DAYS;
      if (earliestClock === null || slot + HISTORY_INTERVAL_S <= earliestClock || tooOld) expect(unrecorded, `slot ${slot}`).toEqual([null, null, null]);
    });
  });
});
