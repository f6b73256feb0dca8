// A member's Node app paired with a simulated thermostat through the real broker, for the simulator's end-to-end
// tests: it logs on, opens a session with START, sends sealed MSGs and waits for what the thermostat answers.
// Every message the thermostat sends must be one the contract's parser takes.
import { randomBytes } from 'node:crypto';
import { TestClient } from '../../broker/integration/client.ts';
import type { RunningBroker } from '../../broker/server.ts';
import type { SimulatedThermostat } from '../../scripts/system-thermostat.ts';
import {
  fromBase64url,
  message,
  open,
  parseMessage,
  parsePacket,
  seal,
  start,
  toBase64url,
  HISTORY_INTERVAL_S,
  HISTORY_PAGE_SLOTS,
  type HistoryMessage,
  type Message,
  type StateMessage,
} from '../../protocol/index.ts';

const ANSWER_TIMEOUT_MS = 10_000;

export class PairedApp {
  private session = '';
  private seq = 1;
  private readonly waiters = new Set<(received: Message) => void>();

  private constructor(
    private readonly client: TestClient,
    private readonly thermostat: SimulatedThermostat,
    private readonly key: Uint8Array,
    private readonly name: string,
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

  /** Pairs with the key of the thermostat's pairing link and opens a session named `name`. */
  static async pair(broker: Pick<RunningBroker, 'wsUrl'>, thermostat: SimulatedThermostat, name: string): Promise<PairedApp> {
    const key = fromBase64url(thermostat.keyText);
    if (key === null) throw new Error(`the pairing link carries no key: ${thermostat.pairLink}`);
    const app = new PairedApp(await TestClient.logOn(broker.wsUrl), thermostat, key, name);
    await app.start();
    return app;
  }

  /** START: a new session (after a reboot the thermostat knows none); resolves with the STATE answering it. */
  async start(): Promise<StateMessage> {
    const nonce = toBase64url(randomBytes(16));
    const answer = this.next((m): m is StateMessage => m.type === 'STATE' && m.nonce === nonce, 'answering START');
    const id = this.client.id;
    this.client.send(start(id, this.thermostat.id, seal(this.key, 'START', id, this.thermostat.id, { type: 'START', name: this.name, nonce })));
    const state = await answer;
    this.session = state.session;
    this.seq = 1;
    return state;
  }

  /**
   * Sends a message of `type` with `fields` in the session with the next seq; resolves with the first message
   * of the session that `isAnswer` recognises.
   */
  async request<Answer extends Message>(
    type: string,
    fields: Record<string, unknown>,
    isAnswer: (received: Message) => received is Answer,
  ): Promise<Answer> {
    this.seq += 1;
    const seq = this.seq;
    const what = `answering ${type} ${seq}`;
    const answer = this.next((m): m is Answer => 'session' in m && m.session === this.session && isAnswer(m), what);
    const id = this.client.id;
    this.client.send(message(id, this.thermostat.id, seal(this.key, 'MSG', id, this.thermostat.id, { type, session: this.session, seq, ...fields })));
    return answer;
  }

  close(): Promise<unknown> {
    return this.client.close();
  }

  private next<Answer extends Message>(matches: (received: Message) => received is Answer, what: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`nothing ${what} within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      const waiter = (received: Message): void => {
        if (!matches(received)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(received);
      };
      this.waiters.add(waiter);
    });
  }
}

const DAY_S = 86_400;

/** The 8 UTC days a thermostat keeps (docs/protocol.md "History"), as lists of slots from the start of the oldest. */
export interface KeptHistory {
  from: number;
  heater_s: (number | null)[];
  temperature: (number | null)[];
  /** The thermostat's clock when it answered the last page. */
  answeredAt: number;
}

/** Reads the 8 days a thermostat keeps, up to `now`, page by page with HISTORY_get in `app`'s session. */
export async function keptHistory(app: PairedApp, now: number): Promise<KeptHistory> {
  const kept: KeptHistory = { from: (Math.floor(now / DAY_S) - 7) * DAY_S, heater_s: [], temperature: [], answeredAt: now };
  for (let page = kept.from; page <= now; page += HISTORY_PAGE_SLOTS * HISTORY_INTERVAL_S) {
    const answer = await app.request('HISTORY_get', { from: page }, (m): m is HistoryMessage => m.type === 'HISTORY');
    if (answer.from !== page) throw new Error(`HISTORY_get from ${page} was answered from ${answer.from}`);
    if (answer.time === null) throw new Error('the thermostat lost its clock');
    kept.answeredAt = answer.time;
    kept.heater_s.push(...answer.heater_s);
    kept.temperature.push(...answer.temperature);
  }
  return kept;
}
