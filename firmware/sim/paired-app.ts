// A member's Node app paired with a simulated thermostat through the real broker, for the simulator's end-to-end
// tests: it logs on, joins with an invitation (docs/protocol.md "Joining"), opens a session with START under its
// member key, sends sealed MSGs and waits for what the thermostat answers. Every message the thermostat sends
// must be one the contract's parser takes.
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { TestClient } from '../../broker/integration/client.ts';
import type { RunningBroker } from '../../broker/server.ts';
import { pairingLinkParts, type PairingLinkParts, type SimulatedThermostat } from '../../scripts/system/thermostat.ts';
import {
  answersJoin,
  joinMessage,
  makeJoinKeyPair,
  memberKeyFrom,
  message,
  open,
  parseMessage,
  parsePacket,
  seal,
  start,
  toBase64url,
  HISTORY_INTERVAL_S,
  HISTORY_PAGE_SLOTS,
  type ClientId,
  type ErrorMessage,
  type HistoryMessage,
  type JoinKeyPair,
  type Message,
  type Packet,
  type RoutedPacket,
  type StateMessage,
  type WelcomeMessage,
} from '../../protocol/index.ts';

const ANSWER_TIMEOUT_MS = 10_000;
/** "Joining": an app that gets no WELCOME within 5 s sends its JOIN again, once. */
const JOIN_RESEND_MS = 5_000;

/** What answers a JOIN: the WELCOME, or the ERROR `full` when the thermostat has 8 members. */
export type JoinAnswer = WelcomeMessage | (ErrorMessage & { code: 'full'; nonce: string });

/**
 * One JOIN (docs/protocol.md "Joining"): the START packet that carries it, sealed under the invitation secret of a
 * pairing link, and the member key the thermostat's WELCOME gives. Any connection logged on as `appId` can send it.
 */
export class Join {
  private constructor(
    readonly invitation: PairingLinkParts,
    private readonly appId: ClientId,
    private readonly keyPair: JoinKeyPair,
    private readonly nonce: string,
    /** The START packet carrying the JOIN, to send as it is (again, if no answer comes). */
    readonly packet: RoutedPacket,
  ) {}

  static async begin(link: string, appId: ClientId, name: string): Promise<Join> {
    const invitation = pairingLinkParts(link);
    const keyPair = await makeJoinKeyPair();
    const nonce = toBase64url(randomBytes(16));
    const join = joinMessage(name, nonce, keyPair.publicKey);
    const packet = start(appId, invitation.thermostatId, seal(invitation.secret, 'START', appId, invitation.thermostatId, join));
    return new Join(invitation, appId, keyPair, nonce, packet);
  }

  /** The thermostat's answer to this JOIN when `packet` carries it (sealed under the invitation); otherwise null. */
  answer(packet: Packet): JoinAnswer | null {
    if (packet.packet_type !== 'MSG' || packet.transmitter !== this.invitation.thermostatId || packet.receiver !== this.appId) return null;
    const opened = open(this.invitation.secret, 'MSG', packet.transmitter, packet.receiver, packet.data);
    if (!opened.ok) return null;
    const received = parseMessage(opened.value);
    if (!received.ok) throw new Error(`the thermostat answered a JOIN with what the contract does not allow: ${received.message} in ${opened.value}`);
    return answersJoin(received.value, this.nonce) ? received.value : null;
  }

  /** The member key both ends work out from a WELCOME; throws for the ERROR `full` or a point off the curve. */
  async memberKey(answer: JoinAnswer): Promise<Uint8Array> {
    if (answer.type === 'ERROR') throw new Error('the thermostat has 8 members and answered the JOIN with full');
    const key = await memberKeyFrom(this.keyPair.privateKey, answer.public_key, this.invitation.secret, this.invitation.thermostatId, this.appId);
    if (key === null) throw new Error(`the WELCOME's point is not on P-256: ${answer.public_key}`);
    return key;
  }
}

/**
 * Joins with the invitation of `link` over `socket`, a connection logged on as `appId`: sends the JOIN, once more
 * after 5 s without an answer, and resolves with the member key; rejects when the thermostat does not answer (it
 * drops a JOIN under an invitation that is used, expired or unknown) or is full.
 */
export async function joinOver(socket: WebSocket, appId: ClientId, link: string, name: string): Promise<Uint8Array> {
  const join = await Join.begin(link, appId, name);
  const answer = await new Promise<JoinAnswer>((resolve, reject) => {
    const resend = setTimeout(() => socket.send(JSON.stringify(join.packet)), JOIN_RESEND_MS);
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the thermostat did not answer the JOIN with ${link} within ${ANSWER_TIMEOUT_MS} ms`));
    }, ANSWER_TIMEOUT_MS);
    const onMessage = (raw: unknown): void => {
      const parsed = parsePacket(String(raw));
      if (!parsed.ok) return;
      try {
        const answered = join.answer(parsed.value);
        if (answered === null) return;
        finish();
        resolve(answered);
      } catch (error) {
        finish();
        reject(error as Error);
      }
    };
    const finish = (): void => {
      clearTimeout(resend);
      clearTimeout(timer);
      socket.off('message', onMessage);
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify(join.packet));
  });
  return join.memberKey(answer);
}

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

  /**
   * Joins the thermostat as a member named `name`, with the invitation of `link` (by default a new one from its
   * console), and opens a session under the member key.
   */
  static async pair(broker: Pick<RunningBroker, 'wsUrl'>, thermostat: SimulatedThermostat, name: string, link?: string): Promise<PairedApp> {
    const invitation = link ?? (await thermostat.invitation());
    const client = await TestClient.logOn(broker.wsUrl);
    try {
      const key = await joinOver(client.socket, client.id, invitation, name);
      const app = new PairedApp(client, thermostat, key, name);
      await app.start();
      return app;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** The app's ID: its member ID on the thermostat. */
  get id(): ClientId {
    return this.client.id;
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
    const answer = this.next((m): m is Answer => 'session' in m && m.session === this.session && isAnswer(m), `answering ${type} ${this.seq + 1}`);
    this.send(type, fields);
    return answer;
  }

  /** Sends a message of `type` with `fields` in the session with the next seq, and waits for nothing. */
  send(type: string, fields: Record<string, unknown>): void {
    this.seq += 1;
    const id = this.client.id;
    this.client.send(message(id, this.thermostat.id, seal(this.key, 'MSG', id, this.thermostat.id, { type, session: this.session, seq: this.seq, ...fields })));
  }

  /** Sends a JOIN with the invitation of `link` from this app's connection, and waits for nothing. */
  async sendJoin(link: string): Promise<void> {
    this.client.send((await Join.begin(link, this.client.id, this.name)).packet);
  }

  /** The first message from the thermostat, from now on, that `matches` (under the member key, in any session). */
  next<Answer extends Message>(matches: (received: Message) => received is Answer, what: string): Promise<Answer> {
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

  close(): Promise<unknown> {
    return this.client.close();
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
