// Issue 11, the thermostat's history, end to end in the simulator: a Node app pairs through the real broker,
// the simulated world runs 7 days at once (`run 7d`), and the app reads the 8 days the thermostat kept with
// HISTORY_get, 12 hours a page: every page is a HISTORY the contract's validator takes, every slot since the
// clock was first known is recorded, the one before is not, and the heater's hours per day are what a room
// losing heat to a 5 °C outside needs. After a reboot the days stored in flash are all still there.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../broker/integration/helpers.ts';
import { TestClient } from '../../broker/integration/client.ts';
import type { RunningBroker } from '../../broker/server.ts';
import { SimulatedThermostat } from '../../scripts/system-thermostat.ts';
import {
  HISTORY_INTERVAL_S,
  HISTORY_PAGE_SLOTS,
  fromBase64url,
  message,
  open,
  parseMessage,
  parsePacket,
  seal,
  start,
  toBase64url,
  type HistoryMessage,
  type Message,
} from '../../protocol/index.ts';

const START_TIME = '2026-12-01T06:00Z';
const START_S = Date.parse(START_TIME) / 1000;
const DAY_S = 86_400;

/** A member's app: logged on to the broker, in a session, asking for history. */
class HistoryApp {
  private session = '';
  private seq = 1;
  private readonly waiters = new Set<(received: Message) => void>();

  private constructor(
    private readonly client: TestClient,
    private readonly thermostat: SimulatedThermostat,
    private readonly key: Uint8Array,
  ) {
    client.socket.on('message', (raw) => {
      const parsed = parsePacket(raw.toString());
      if (!parsed.ok || parsed.value.packet_type !== 'MSG' || parsed.value.transmitter !== thermostat.id) return;
      const opened = open(key, 'MSG', parsed.value.transmitter, parsed.value.receiver, parsed.value.data);
      if (!opened.ok) return;
      const received = parseMessage(opened.value);
      if (!received.ok) throw new Error(`the thermostat sent what the contract does not allow: ${received.message} in ${opened.value}`);
      for (const waiter of [...this.waiters]) waiter(received.value);
    });
  }

  static async pair(broker: RunningBroker, thermostat: SimulatedThermostat): Promise<HistoryApp> {
    const key = fromBase64url(thermostat.keyText);
    if (key === null) throw new Error(`the pairing link carries no key: ${thermostat.pairLink}`);
    const app = new HistoryApp(await TestClient.logOn(broker.wsUrl), thermostat, key);
    await app.start();
    return app;
  }

  /** START: a new session (after a reboot the thermostat knows none). */
  async start(): Promise<void> {
    const nonce = toBase64url(randomBytes(16));
    const answer = this.next((m) => m.type === 'STATE' && m.nonce === nonce, 'answering START');
    const id = this.client.id;
    this.client.send(start(id, this.thermostat.id, seal(this.key, 'START', id, this.thermostat.id, { type: 'START', name: 'History test', nonce })));
    const state = await answer;
    if (state.type !== 'STATE') throw new Error('START was not answered by a STATE');
    this.session = state.session;
    this.seq = 1;
  }

  private next(matches: (received: Message) => boolean, what: string, timeoutMs = 10_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`nothing ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (received: Message): void => {
        if (!matches(received)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(received);
      };
      this.waiters.add(waiter);
    });
  }

  /** HISTORY_get; resolves with the HISTORY answering it. */
  async history(from: number): Promise<HistoryMessage> {
    this.seq += 1;
    const seq = this.seq;
    const answer = this.next((m) => m.type === 'HISTORY' && m.session === this.session, `answering HISTORY_get ${seq}`);
    const id = this.client.id;
    const body = { type: 'HISTORY_get', session: this.session, seq, from };
    this.client.send(message(id, this.thermostat.id, seal(this.key, 'MSG', id, this.thermostat.id, body)));
    return (await answer) as HistoryMessage;
  }

  /** The 8 days the thermostat keeps, page by page, as one list of slots from the start of the oldest. */
  async eightDays(now: number): Promise<{ from: number; heater: (number | null)[]; temperature: (number | null)[] }> {
    const from = (Math.floor(now / DAY_S) - 7) * DAY_S;
    const heater: (number | null)[] = [];
    const temperature: (number | null)[] = [];
    for (let page = from; page <= now; page += HISTORY_PAGE_SLOTS * HISTORY_INTERVAL_S) {
      const answer = await this.history(page);
      expect(answer.from).toBe(page);
      expect(answer.time).not.toBeNull();
      heater.push(...answer.heater_s);
      temperature.push(...answer.temperature);
    }
    return { from, heater, temperature };
  }

  close(): Promise<unknown> {
    return this.client.close();
  }
}

describe('a week of history in the simulated thermostat', () => {
  let broker: RunningBroker;
  let stateDir: string;
  let thermostat: SimulatedThermostat;
  let app: HistoryApp;

  beforeAll(async () => {
    broker = await startTestBroker({});
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-history-week-'));
    // The first start may compile the simulator; start waits for the PAIR line.
    thermostat = await SimulatedThermostat.start({
      brokerWsUrl: broker.wsUrl,
      appUrl: 'http://localhost:8080/',
      stateDir,
      speed: 1,
      name: 'history-week',
      startTime: START_TIME,
    });
    await thermostat.waitForOnline(0, 30_000);
    app = await HistoryApp.pair(broker, thermostat);
  }, 190_000);

  afterAll(async () => {
    await app?.close();
    await thermostat?.stop();
    await broker?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('records 7 days in a few seconds and keeps them in flash across a reboot', async () => {
    await thermostat.control('outside 5');
    const began = Date.now();
    await thermostat.run('7d');
    const took = Date.now() - began;
    console.log(`run 7d took ${took} ms of real time`);
    const state = await thermostat.state();
    const now = state.time;
    if (now === null) throw new Error('the thermostat has no clock after run 7d');
    expect(now - START_S).toBeGreaterThanOrEqual(7 * DAY_S);

    const days = await app.eightDays(now);
    const firstSlot = Math.floor(START_S / HISTORY_INTERVAL_S) * HISTORY_INTERVAL_S;
    const index = (at: number): number => (at - days.from) / HISTORY_INTERVAL_S;
    // 8 days up to the slot the clock is in.
    expect(days.heater).toHaveLength(index(Math.floor(now / HISTORY_INTERVAL_S) * HISTORY_INTERVAL_S) + 1);
    // Nothing before the clock was first known (the thermostat was not running); every slot since.
    expect(days.heater.slice(0, index(firstSlot)).every((s) => s === null)).toBe(true);
    expect(days.heater.slice(index(firstSlot)).every((s) => s !== null)).toBe(true);
    expect(days.temperature.slice(index(firstSlot)).every((t) => t !== null && t > 18 && t < 22)).toBe(true);
    // Each whole day: the room at 20 °C loses about 0.15 °C a minute to 5 °C outside, the heater gives 0.75:
    // on about a sixth of the time, 4 hours a day.
    for (let day = Math.floor(START_S / DAY_S) + 1; day < Math.floor(now / DAY_S); day += 1) {
      const slots = days.heater.slice(index(day * DAY_S), index((day + 1) * DAY_S));
      const hours = slots.reduce<number>((sum, s) => sum + (s ?? 0), 0) / 3600;
      expect(hours, `heating hours on day ${new Date(day * DAY_S * 1000).toISOString().slice(0, 10)}`).toBeGreaterThan(2);
      expect(hours).toBeLessThan(8);
    }

    // A power cut: the days in flash stay; at most the hour in progress is lost.
    const since = thermostat.process.lineCount;
    await thermostat.control('reboot');
    await thermostat.waitForOnline(since, 30_000);
    await app.start();
    const after = await app.eightDays(now);
    const lastHour = Math.floor(now / 3600) * 3600;
    expect(after.heater.slice(0, index(lastHour))).toEqual(days.heater.slice(0, index(lastHour)));
  }, 120_000);
});
