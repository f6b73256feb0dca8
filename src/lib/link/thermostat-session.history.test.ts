import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HistoryMessage } from '@protocol';
import { HISTORY_ANSWER_TIMEOUT_MS, HISTORY_ROUND_MS } from './history-fetcher';
import { mergePages, pageOf, pagesToAsk, type HistoryPage } from './history-pages';
import { pass } from './testing/fake-time';
import { testSession, type SessionWire } from './testing/test-session';
import { TestThermostat } from './testing/test-thermostat';

/** Wednesday 2026-12-02 15:00:30 UTC: in the afternoon page, so all 16 pages exist. */
const NOW_S = 1_796_169_600 + 15 * 3600 + 30;
const DAY_START = 1_796_169_600;
const FIRST_PAGE = DAY_START - 7 * 86_400;
async function setUp() {
  const thermostat = new TestThermostat();
  thermostat.setClock(NOW_S);
  const histories: HistoryMessage[] = [];
  // What the store does: keeps the pages and says which are missing by the thermostat's clock.
  const pages: Record<number, HistoryPage> = {};
  const { session, wire, me } = testSession(thermostat, {
    memberName: 'Ana',
    thermostat: { id: thermostat.id, key: thermostat.key, joined: true, verified: true },
    events: {
      history: (history, receivedAt) => {
        histories.push(history);
        const page = pageOf(history, receivedAt);
        if (page !== null) pages[page.from] = mergePages(pages[page.from], page);
      },
      historyWanted: () => pagesToAsk(thermostat.time ?? 0, pages),
    },
  });
  // The thermostat on screen: its session fetches its history.
  session.setHistoryWanted(true);
  const asked = () => thermostat.received.filter((m) => m.type === 'HISTORY_get').map((m) => (m.body as { from: number }).from);
  return { thermostat, wire, me, session, histories, pages, asked };
}

/** Lets `ms` pass as a thermostat pushing a STATE every minute would, so the session stays up. */
async function passWithPushes(ms: number, wire: SessionWire, thermostat: TestThermostat, app: string): Promise<void> {
  for (let left = ms; left > 0; left -= 60_000) {
    await pass(Math.min(60_000, left));
    wire.push(thermostat.stateTo(app));
  }
  await pass();
}

const pageFroms = (count: number, first = FIRST_PAGE) => Array.from({ length: count }, (_, index) => first + index * 43_200);

describe('ThermostatSession and the thermostat’s history', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW_S * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('once the session is up asks for the 16 pages, oldest first, one at a time, and hands each answer on', async () => {
    const { wire, session, thermostat, histories, asked } = await setUp();
    thermostat.history.set(DAY_START + 600, { temperature: 20.5, setpoint: 21, heater_s: 300 });
    wire.linkUp();
    await pass();
    expect(asked()).toEqual(pageFroms(16));
    const seqs = thermostat.received.filter((m) => m.type === 'HISTORY_get').map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 16 }, (_, index) => index + 2));
    expect(histories.map((h) => h.from)).toEqual(pageFroms(16));
    expect(histories[14]?.heater_s.slice(0, 2)).toEqual([null, 300]);
    session.stop();
  });

  it('every 10 minutes asks again only for the page still in progress', async () => {
    const { session, asked, wire, thermostat, me } = await setUp();
    wire.linkUp();
    await pass();
    expect(asked()).toHaveLength(16);
    await passWithPushes(HISTORY_ROUND_MS, wire, thermostat, me);
    expect(asked().slice(16)).toEqual([DAY_START + 43_200]);
    session.stop();
  });

  it('takes a HISTORY only in the current session with a seq above the last, like a STATE', async () => {
    const { session, thermostat, wire, me, histories } = await setUp();
    wire.linkUp();
    await pass();
    const count = histories.length;
    const replay = thermostat.historyTo(me, DAY_START);
    wire.push(replay);
    await pass();
    expect(histories).toHaveLength(count + 1);
    wire.push(replay); // the same seq again
    wire.push(thermostat.historyTo(me, DAY_START, { session: 'c2Vzc2lvbi1udW1iZXItOTk' }));
    const older = thermostat.historyTo(me, DAY_START);
    wire.push(thermostat.stateTo(me));
    await pass();
    wire.push(older); // its seq is below the STATE's, which came first
    await pass();
    expect(histories).toHaveLength(count + 1);
    session.stop();
  });

  it('asks once more after 5 s of silence, then waits for the next round; a new session asks afresh', async () => {
    const { session, thermostat, asked, wire, me } = await setUp();
    thermostat.loseHistoryGets = 2;
    wire.linkUp();
    await pass();
    expect(asked()).toEqual(pageFroms(1));
    await pass(HISTORY_ANSWER_TIMEOUT_MS);
    expect(asked()).toEqual([...pageFroms(1), ...pageFroms(1)]);
    await passWithPushes(HISTORY_ROUND_MS - HISTORY_ANSWER_TIMEOUT_MS - 1, wire, thermostat, me);
    expect(asked()).toHaveLength(2);
    await pass(1);
    expect(asked()).toHaveLength(2 + 16);
    // A reboot: the thermostat forgets the session; the app STARTs again and the new session asks for the page in progress.
    thermostat.reboot();
    session.sendSettings({ target: 22 });
    await pass();
    expect(asked().slice(18)).toEqual([DAY_START + 43_200]);
    session.stop();
  });

  it('asks for nothing while the thermostat does not know the time, and for its pages as soon as it does', async () => {
    const { wire, session, thermostat, asked } = await setUp();
    thermostat.clock = null;
    wire.linkUp();
    await pass(HISTORY_ANSWER_TIMEOUT_MS);
    expect(asked()).toEqual([]);
    // The app's own clock goes with every SET: now the thermostat records, and the app asks without waiting for the round.
    session.sendSettings({ target: 22 });
    await pass();
    expect(thermostat.stateMessage().clock).toBe('app');
    expect(asked()).toEqual(pageFroms(16));
    session.stop();
  });
});
