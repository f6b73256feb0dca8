import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeLogonKeys, type HistoryMessage } from '@protocol';
import { HISTORY_ANSWER_TIMEOUT_MS, HISTORY_ROUND_MS } from './history-fetcher';
import { mergePages, pageOf, pagesToAsk, type HistoryPage } from './history-pages';
import type { FakeBroker } from './testing/fake-broker';
import { fakeBroker, forgetBrokers, pass } from './testing/fake-time';
import { testClient } from './testing/test-client';
import { TestThermostat } from './testing/test-thermostat';

/** Wednesday 2026-12-02 15:00:30 UTC: in the afternoon page, so all 16 pages exist. */
const NOW_S = 1_796_169_600 + 15 * 3600 + 30;
const DAY_START = 1_796_169_600;
const FIRST_PAGE = DAY_START - 7 * 86_400;
async function setUp() {
  const thermostat = new TestThermostat();
  thermostat.setClock(NOW_S);
  const broker = fakeBroker(thermostat);
  const identity = await makeLogonKeys();
  const histories: HistoryMessage[] = [];
  // What the store does: keeps the pages and says which are missing by the thermostat's clock.
  const pages: Record<number, HistoryPage> = {};
  const client = testClient(broker, {
    identity,
    memberName: 'Ana',
    thermostat: { id: thermostat.id, key: thermostat.key, joined: true, verified: true },
    events: {
      history: (_id, history, receivedAt) => {
        histories.push(history);
        const page = pageOf(history, receivedAt);
        if (page !== null) pages[page.from] = mergePages(pages[page.from], page);
      },
      historyWanted: () => pagesToAsk(thermostat.time ?? 0, pages),
    },
  });
  const asked = () => thermostat.received.filter((m) => m.type === 'HISTORY_get').map((m) => (m.body as { from: number }).from);
  return { thermostat, broker, identity, client, histories, pages, asked };
}

/** Lets `ms` pass as a thermostat pushing a STATE every minute would, so the session stays up. */
async function passWithPushes(ms: number, broker: FakeBroker, thermostat: TestThermostat, app: string): Promise<void> {
  for (let left = ms; left > 0; left -= 60_000) {
    await pass(Math.min(60_000, left));
    broker.push(thermostat.stateTo(app));
  }
  await pass();
}

const pageFroms = (count: number, first = FIRST_PAGE) => Array.from({ length: count }, (_, index) => first + index * 43_200);

describe('ConnectionClient and the thermostat’s history', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW_S * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
    forgetBrokers();
  });

  it('once the session is up asks for the 16 pages, oldest first, one at a time, and hands each answer on', async () => {
    const { client, thermostat, histories, asked } = await setUp();
    thermostat.history.set(DAY_START + 600, { temperature: 20.5, setpoint: 21, heater_s: 300 });
    client.start();
    await pass();
    expect(asked()).toEqual(pageFroms(16));
    const seqs = thermostat.received.filter((m) => m.type === 'HISTORY_get').map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 16 }, (_, index) => index + 2));
    expect(histories.map((h) => h.from)).toEqual(pageFroms(16));
    expect(histories[14]?.heater_s.slice(0, 2)).toEqual([null, 300]);
    client.stop();
  });

  it('every 10 minutes asks again only for the page still in progress', async () => {
    const { client, asked, broker, thermostat, identity } = await setUp();
    client.start();
    await pass();
    expect(asked()).toHaveLength(16);
    await passWithPushes(HISTORY_ROUND_MS, broker, thermostat, identity.id);
    expect(asked().slice(16)).toEqual([DAY_START + 43_200]);
    client.stop();
  });

  it('takes a HISTORY only in the current session with a seq above the last, like a STATE', async () => {
    const { client, thermostat, broker, identity, histories } = await setUp();
    client.start();
    await pass();
    const count = histories.length;
    const replay = thermostat.historyTo(identity.id, DAY_START);
    broker.push(replay);
    await pass();
    expect(histories).toHaveLength(count + 1);
    broker.push(replay); // the same seq again
    broker.push(thermostat.historyTo(identity.id, DAY_START, { session: 'c2Vzc2lvbi1udW1iZXItOTk' }));
    const older = thermostat.historyTo(identity.id, DAY_START);
    broker.push(thermostat.stateTo(identity.id));
    await pass();
    broker.push(older); // its seq is below the STATE's, which came first
    await pass();
    expect(histories).toHaveLength(count + 1);
    client.stop();
  });

  it('asks once more after 5 s of silence, then waits for the next round; a new session asks afresh', async () => {
    const { client, thermostat, asked, broker, identity } = await setUp();
    thermostat.loseHistoryGets = 2;
    client.start();
    await pass();
    expect(asked()).toEqual(pageFroms(1));
    await pass(HISTORY_ANSWER_TIMEOUT_MS);
    expect(asked()).toEqual([...pageFroms(1), ...pageFroms(1)]);
    await passWithPushes(HISTORY_ROUND_MS - HISTORY_ANSWER_TIMEOUT_MS - 1, broker, thermostat, identity.id);
    expect(asked()).toHaveLength(2);
    await pass(1);
    expect(asked()).toHaveLength(2 + 16);
    // A reboot: the thermostat forgets the session; the app STARTs again and the new session asks for the page in progress.
    thermostat.reboot();
    client.sendSettings({ target: 22 });
    await pass();
    expect(asked().slice(18)).toEqual([DAY_START + 43_200]);
    client.stop();
  });

  it('asks for nothing while the thermostat does not know the time, and for its pages as soon as it does', async () => {
    const { client, thermostat, asked } = await setUp();
    thermostat.clock = null;
    client.start();
    await pass(HISTORY_ANSWER_TIMEOUT_MS);
    expect(asked()).toEqual([]);
    // The app's own clock goes with every SET: now the thermostat records, and the app asks without waiting for the round.
    client.sendSettings({ target: 22 });
    await pass();
    expect(thermostat.stateMessage().clock).toBe('app');
    expect(asked()).toEqual(pageFroms(16));
    client.stop();
  });
});
