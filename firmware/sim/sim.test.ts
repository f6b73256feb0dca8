// End to end for the simulated thermostat: the real C++ core behind the Node
// bridge, against a tiny in-test broker, driven by apps that joined with an invitation.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '@noble/ciphers/utils.js';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { pairingLinkParts, SimulatedThermostat, type ThermostatOptions } from '../../scripts/system/thermostat.ts';
import { joinOver } from './paired-app.ts';
import {
  CLOSE_CODES,
  NONCE_BYTES as CHALLENGE_NONCE_BYTES,
  ackLogOn,
  challenge,
  errorPacket,
  fromBase64url,
  logonHost,
  makeLogonKeys,
  message,
  open,
  parseMessage,
  parsePacket,
  seal,
  signedLogOn,
  start,
  toBase64url,
  verifyLogon,
  type ErrorMessage,
  type LogonKeys,
  type Message,
  type Packet,
  type RoutedPacket,
  type StateMessage,
} from '../../protocol/index.ts';

const NONCE_BYTES = 12;

/**
 * What arrived from somewhere, in order and numbered. A wait takes the first arrival that matches
 * and leaves the rest queued; it resolves the moment a matching one comes, with no polling.
 */
class Arrivals<T> {
  private readonly queued: { number: number; item: T }[] = [];
  private arrived = 0;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly what: string) {}

  /** Number of the next arrival: pass it as `since` to wait only for what comes after now. */
  get count(): number {
    return this.arrived;
  }

  add(item: T): void {
    this.queued.push({ number: this.arrived, item });
    this.arrived += 1;
    for (const wake of [...this.wakers]) wake();
  }

  /** Takes the first arrival numbered `since` or later that matches; waits for it if need be. */
  take(matches: (item: T) => boolean, { since = 0, timeoutMs = 5000 } = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      const tryTake = (): boolean => {
        try {
          const index = this.queued.findIndex((entry) => entry.number >= since && matches(entry.item));
          if (index < 0) return false;
          const [entry] = this.queued.splice(index, 1);
          resolve((entry as { item: T }).item);
        } catch (error) {
          reject(error as Error);
        }
        return true;
      };
      if (tryTake()) return;
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        const recent = this.queued.filter((entry) => entry.number >= since).map((entry) => entry.item);
        reject(new Error(`no matching ${this.what} within ${timeoutMs} ms; got ${JSON.stringify(recent).slice(0, 500)}`));
      }, timeoutMs);
      const wake = (): void => {
        if (!tryTake()) return;
        clearTimeout(timer);
        this.wakers.delete(wake);
      };
      this.wakers.add(wake);
    });
  }
}

// Layer 6 as docs/protocol.md says, just enough for this test (logon v2 included: CHALLENGE, then a LOG_ON
// signed for its nonce and the Host it was reached at); unlike the real broker, it counts logons.
class TinyBroker {
  private readonly server: WebSocketServer;
  private readonly clients = new Map<string, WebSocket>();
  logons = 0;

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on('connection', (ws, request) => {
      let loggedOnAs: string | null = null;
      const nonce = toBase64url(randomBytes(CHALLENGE_NONCE_BYTES));
      const host = (request.headers.host ?? '').toLowerCase();
      ws.send(JSON.stringify(challenge(nonce)));
      ws.on('message', (raw) => {
        const text = raw.toString();
        const parsed = parsePacket(text);
        if (!parsed.ok) {
          ws.send(JSON.stringify(errorPacket(parsed.error, parsed.message, parsed.ref === undefined ? {} : { ref: parsed.ref })));
          return;
        }
        const packet = parsed.value;
        if (packet.packet_type === 'LOG_ON') {
          void verifyLogon(packet, nonce, host).then((check) => {
            if (ws.readyState !== WebSocket.OPEN) return;
            if (!check.ok) {
              ws.send(JSON.stringify(errorPacket('bad_proof', check.message, { ref: 'LOG_ON' })));
              ws.close(CLOSE_CODES.badProof);
              return;
            }
            loggedOnAs = packet.transmitter;
            this.clients.get(loggedOnAs)?.close(CLOSE_CODES.replaced);
            this.clients.set(loggedOnAs, ws);
            this.logons += 1;
            ws.send(JSON.stringify(ackLogOn(loggedOnAs)));
          });
        } else if (packet.packet_type === 'MSG' || packet.packet_type === 'START') {
          if (packet.transmitter !== loggedOnAs) return;
          const receiver = this.clients.get(packet.receiver);
          if (receiver) receiver.send(text);
          else ws.send(JSON.stringify(errorPacket('receiver_offline', 'offline', { ref: packet.packet_type, receiver: packet.receiver })));
        }
      });
      ws.on('close', () => {
        if (loggedOnAs && this.clients.get(loggedOnAs) === ws) this.clients.delete(loggedOnAs);
      });
    });
  }

  static async start(port = 0): Promise<TinyBroker> {
    const server = new WebSocketServer({ port, host: '127.0.0.1', path: '/ws' });
    await new Promise<void>((done) => server.once('listening', () => done()));
    return new TinyBroker(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const ws of this.server.clients) ws.terminate();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

type Reply = StateMessage | ErrorMessage;
const isState = (m: Message): m is StateMessage => m.type === 'STATE';

// An app: its own logon, and layer 7 with the member key it took when it joined.
class TestApp {
  private keys: LogonKeys | null = null;
  private key: Uint8Array | null = null;
  private ws!: WebSocket;
  private readonly packets = new Arrivals<Packet>('packet');
  /** Every STATE the thermostat sent this app, replies and pushes alike, in arrival order. */
  readonly states: StateMessage[] = [];
  session = '';
  seq = 1;
  nonce = '';

  constructor(private readonly thermostatId: string) {}

  /** Connects, logs on and joins with the invitation of `link` (docs/protocol.md "Joining"). */
  static async join(port: number, link: string, name = "Ana's phone"): Promise<TestApp> {
    const app = new TestApp(pairingLinkParts(link).thermostatId);
    await app.connect(port);
    app.key = await joinOver(app.ws, app.id, link, name);
    return app;
  }

  get id(): string {
    if (this.keys === null) throw new Error('the app has no ID before it connects');
    return this.keys.id;
  }

  private get sealingKey(): Uint8Array {
    if (this.key === null) throw new Error('the app has not joined');
    return this.key;
  }

  /** Number of the next packet to arrive: pass it as `since` to wait only for later ones. */
  get packetsReceived(): number {
    return this.packets.count;
  }

  async connect(port: number): Promise<void> {
    const keys = (this.keys ??= await makeLogonKeys());
    const url = `ws://127.0.0.1:${port}/ws`;
    this.ws = new WebSocket(url);
    this.ws.on('message', (raw) => {
      const parsed = parsePacket(raw.toString());
      if (!parsed.ok) return;
      const packet = parsed.value;
      if (packet.packet_type === 'MSG' && packet.transmitter === this.thermostatId && this.key !== null) {
        const received = this.open(packet);
        if (isState(received)) this.states.push(received);
      }
      this.packets.add(packet);
    });
    await new Promise<void>((done, fail) => {
      this.ws.once('open', () => done());
      this.ws.once('error', fail);
    });
    const first = await this.packets.take((p) => p.packet_type === 'CHALLENGE');
    const nonce = first.packet_type === 'CHALLENGE' ? first.nonce : '';
    this.ws.send(JSON.stringify(await signedLogOn(keys, nonce, logonHost(url))));
    await this.packets.take((p) => p.packet_type === 'ACK_LOG_ON');
  }

  close(): void {
    this.ws.close();
  }

  /** Opens a MSG from the thermostat: it must authenticate and be a protocol message, no more. */
  open(packet: RoutedPacket): Message {
    assert(this.key !== null, 'the app has not joined');
    const opened = open(this.key, packet.packet_type, packet.transmitter, packet.receiver, packet.data);
    assert(opened.ok, `envelope did not open: ${opened.ok ? '' : opened.message}`);
    const parsed = parseMessage(opened.value);
    assert(parsed.ok, `not a protocol message: ${parsed.ok ? '' : parsed.message} in ${opened.value}`);
    // Parsing drops unknown fields; the exact checks below must see everything that was sent.
    expect(parsed.value).toEqual(JSON.parse(opened.value));
    return parsed.value;
  }

  async start(name = "Ana's phone"): Promise<StateMessage> {
    const nonce = toBase64url(randomBytes(NONCE_BYTES));
    this.nonce = nonce;
    this.seq = 1;
    const since = this.packetsReceived;
    this.ws.send(JSON.stringify(start(this.id, this.thermostatId, seal(this.sealingKey, 'START', this.id, this.thermostatId, { type: 'START', name, nonce }))));
    const state = await this.reply((m): m is StateMessage => isState(m) && m.nonce === nonce, { since });
    this.session = state.session;
    return state;
  }

  /**
   * Sends a command and waits for its answer. A reply carries nothing that tells it from a push, so
   * `isReply` can name what only the reply shows (a push may come first while the room is moving).
   */
  async command(
    type: 'SET' | 'HOME_set',
    fields: Record<string, unknown>,
    { session = this.session, isReply = (_m: StateMessage): boolean => true }: { session?: string; isReply?: (m: StateMessage) => boolean } = {},
  ): Promise<Reply> {
    this.seq += 1;
    const since = this.packetsReceived;
    const sealed = seal(this.sealingKey, 'MSG', this.id, this.thermostatId, { type, session, seq: this.seq, ...fields });
    this.ws.send(JSON.stringify(message(this.id, this.thermostatId, sealed)));
    return this.reply((m): m is Reply => m.type === 'ERROR' || (isState(m) && m.session === session && isReply(m)), { since });
  }

  /** The first message from the thermostat, in packet `since` or later, that matches. */
  async reply<T extends Message>(matches: (m: Message) => m is T, { since = 0, timeoutMs = 5000 } = {}): Promise<T> {
    const packet = await this.packets.take((p) => p.packet_type === 'MSG' && matches(this.open(p)), { since, timeoutMs });
    return this.open(packet as RoutedPacket) as T;
  }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lineExactly = (text: string): RegExp => new RegExp(`^${escapeRegExp(text)}$`);

describe('simulated thermostat', () => {
  let broker: TinyBroker;
  let stateDir: string;
  let sim: SimulatedThermostat;
  let thermostatId = '';
  const simulatorOptions = (): ThermostatOptions => ({
    brokerWsUrl: `ws://127.0.0.1:${broker.port}/ws`,
    stateDir,
    appUrl: 'http://localhost:8080/',
    speed: 60,
    name: 'vitest',
  });
  const waitForOnline = (since: number, timeoutMs = 10_000): Promise<string> =>
    sim.process.waitForLine(lineExactly(`ONLINE ${thermostatId}`), { since, timeoutMs });

  beforeAll(async () => {
    broker = await TinyBroker.start();
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-sim-'));
    // The first run may compile the simulator; start waits for the PAIR line.
    sim = await SimulatedThermostat.start(simulatorOptions());
    const match = /^http:\/\/localhost:8080\/#pair=([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(sim.pairLink);
    expect(match).not.toBeNull();
    thermostatId = match?.[1] ?? '';
    await waitForOnline(0);
  }, 190_000);

  afterAll(async () => {
    await sim?.stop();
    await broker?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('answers START, SET and HOME_set exactly per the contract', async () => {
    // The link it printed at start is an invitation: the first app joins with it.
    const app = await TestApp.join(broker.port, sim.pairLink);
    const first = await app.start();
    expect(first).toMatchObject({ type: 'STATE', seq: 1, nonce: app.nonce, target: 20, away_target: 16, hysteresis: 0.3, mode: 'auto', regime: 'home', error: null });
    expect(fromBase64url(app.session)?.length).toBeGreaterThanOrEqual(12);

    const set = await app.command('SET', { target: 22.5, mode: 'home' }, { isReply: (s) => s.target === 22.5 });
    expect(set).toMatchObject({ type: 'STATE', target: 22.5, mode: 'home', error: null });
    const rejected = await app.command('SET', { target: 40, away_target: 17 }, { isReply: (s) => s.error !== null });
    expect(rejected).toMatchObject({ target: 22.5, away_target: 16, error: 'out_of_range' });

    const home = await app.command('HOME_set', { home: false, distance: 1234.5 }, { isReply: (s) => s.members.length > 0 });
    expect(home).toHaveProperty('members', [{ id: app.id, name: "Ana's phone", home: false, distance: 1234.5, age_s: 0, source: 'app' }]);

    // seq rises by one per STATE in the session, counting the pushes that came between the replies.
    const seqs = app.states.filter((s) => s.session === app.session).map((s) => s.seq);
    expect(seqs).toEqual(seqs.map((_seq, index) => index + 1));
    const seqOf = (reply: Reply): number => (isState(reply) ? reply.seq : Number.NaN);
    expect(seqOf(set)).toBeGreaterThanOrEqual(2);
    expect(seqOf(set)).toBeLessThan(seqOf(rejected));
    expect(seqOf(rejected)).toBeLessThan(seqOf(home));

    const state = await sim.state();
    expect(state).toMatchObject({ target: 22.5, mode: 'home', regime: 'home', online: true, sessions: 1, dropped_envelopes: 0 });
    app.close();
  }, 20_000);

  it('obeys stdin commands and keeps the heater safe', async () => {
    // The thermostat pushes STATE to a live session whenever the heater or the sensor's health
    // changes: that push is the event to wait for before reading the simulator's own state.
    const watcher = await TestApp.join(broker.port, await sim.invitation(), 'Watcher');
    await watcher.start();
    const pushedState = (matches: (state: StateMessage) => boolean, since: number, timeoutMs = 10_000): Promise<StateMessage> =>
      watcher.reply((m): m is StateMessage => isState(m) && matches(m), { since, timeoutMs });

    let since = watcher.packetsReceived;
    expect(await sim.command('sensor fail')).toBe('ok sensor fail');
    await pushedState((s) => !s.sensor_ok, since);
    expect(await sim.state()).toMatchObject({ sensor_ok: false, temperature: null, humidity: null, pressure: null, heater: false });

    since = watcher.packetsReceived;
    expect(await sim.command('sensor ok')).toBe('ok sensor ok');
    expect(await sim.command('room 15')).toBe('ok room 15');
    // After the minimum off time, which `run` passes at once (the thermostat ticks through each simulated second).
    await Promise.all([pushedState((s) => s.heater, since), sim.run('10m')]);
    expect(await sim.state()).toMatchObject({ heater: true, sensor_ok: true });

    expect(await sim.command('outside 2.5')).toBe('ok outside 2.5');
    expect((await sim.state()).outside).toBe(2.5);

    since = watcher.packetsReceived;
    expect(await sim.command('sensor stuck')).toBe('ok sensor stuck');
    // Stuck is told after 10 simulated minutes of the same reading: passed at once too.
    await Promise.all([pushedState((s) => !s.sensor_ok && !s.heater, since), sim.run('11m')]);
    expect(await sim.state()).toMatchObject({ sensor_ok: false, heater: false });

    since = watcher.packetsReceived;
    expect(await sim.command('sensor ok')).toBe('ok sensor ok');
    await pushedState((s) => s.sensor_ok, since);

    // The simulated chip stops answering on the bus: the driver reports it absent.
    since = watcher.packetsReceived;
    expect(await sim.command('sensor absent')).toBe('ok sensor absent');
    await pushedState((s) => !s.sensor_ok && !s.heater, since);
    expect(await sim.state()).toMatchObject({ sensor: 'absent', sensor_ok: false, temperature: null, heater: false });

    expect(await sim.command('sensor ok')).toBe('ok sensor ok');
    expect(await sim.command('dance')).toMatch(/^error /);
    expect(await sim.command('room warm')).toMatch(/^error /);
    expect(await sim.command('sensor maybe')).toMatch(/^error /);
    watcher.close();
  }, 40_000);

  it('reboots keeping identity, members and settings; old sessions become stale', async () => {
    const app = await TestApp.join(broker.port, await sim.invitation(), 'Ben');
    await app.start();
    const logons = broker.logons;
    const since = sim.process.lineCount;
    expect(await sim.command('reboot')).toBe('ok reboot');
    await waitForOnline(since);
    expect(broker.logons).toBe(logons + 1);
    const stale = await app.command('SET', { target: 21 });
    expect(stale).toEqual({ type: 'ERROR', code: 'stale_session' });
    await app.start();
    expect(await app.command('SET', { target: 21 })).toMatchObject({ target: 21, mode: 'home', error: null });
    app.close();
  }, 20_000);

  it('goes OFFLINE when the broker goes away and comes back by itself', async () => {
    const port = broker.port;
    const sinceStop = sim.process.lineCount;
    await broker.stop();
    await sim.process.waitForLine(/^OFFLINE$/, { since: sinceStop, timeoutMs: 10_000 });
    const sinceRestart = sim.process.lineCount;
    broker = await TinyBroker.start(port);
    await waitForOnline(sinceRestart, 15_000);
  }, 20_000);

  it('stops promptly on SIGTERM and keeps identity and settings across a restart', async () => {
    const started = Date.now();
    sim.process.signal('SIGTERM');
    expect((await sim.process.exited).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
    await sim.stop();

    sim = await SimulatedThermostat.start(simulatorOptions());
    expect(sim.pairLink).toContain(`#pair=${thermostatId}.`);
    await waitForOnline(0);
    expect(await sim.state()).toMatchObject({ target: 21, mode: 'home' });

    // stdin closing must not stop it: it still answers an app afterwards (one joining with the invitation it
    // printed at this start), and is still running.
    await sim.process.closeStdin();
    const app = await TestApp.join(broker.port, sim.pairLink, 'Cleo');
    expect(await app.start()).toMatchObject({ type: 'STATE', target: 21 });
    expect(sim.process.running).toBe(true);
    app.close();
  }, 20_000);
});

// A broker host that is down in the most common way a device meets: TCP accepts, then nothing
// works (the connection is dropped before the WebSocket upgrade). Every accept is one attempt.
class RefusingHost {
  readonly attempts: number[] = [];
  private readonly wakers = new Set<() => void>();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.attempts.push(performance.now());
      socket.destroy();
      for (const wake of [...this.wakers]) wake();
    });
  }

  static async start(): Promise<RefusingHost> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    return new RefusingHost(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Resolves once `count` attempts have arrived. */
  waitForAttempts(count: number, timeoutMs: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.attempts.length < count) return false;
        clearTimeout(timer);
        this.wakers.delete(check);
        resolve(this.attempts.slice(0, count));
        return true;
      };
      const timer = setTimeout(() => {
        this.wakers.delete(check);
        const gaps = this.attempts.slice(1).map((at, index) => Math.round(at - (this.attempts[index] as number)));
        reject(new Error(`only ${this.attempts.length} of ${count} connect attempts within ${timeoutMs} ms, ${gaps.join(', ')} ms apart`));
      }, timeoutMs);
      if (!check()) this.wakers.add(check);
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

describe('simulated thermostat reconnecting', () => {
  // docs/protocol.md "Staying connected": 1 s doubling to at most 30 s, each wait drawn from
  // [delay/2, delay], in the simulator's time: at speed 20, 50 ms doubling to at most 1.5 s.
  const speed = 20;
  const ceilingsMs = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];
  let host: RefusingHost;
  let sim: SimulatedThermostat | undefined;
  let stateDir: string;

  beforeAll(async () => {
    host = await RefusingHost.start();
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-sim-reconnect-'));
    // The first run may compile the simulator; start waits for the PAIR line.
    sim = await SimulatedThermostat.start({
      brokerWsUrl: `ws://127.0.0.1:${host.port}/ws`,
      stateDir,
      appUrl: 'http://localhost:8080/',
      speed,
      name: 'vitest-reconnect',
    });
  }, 190_000);

  afterAll(async () => {
    await sim?.stop();
    await host?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('spaces failed connects by the device backoff, scaled by --speed, growing to its cap', async () => {
    const attempts = await host.waitForAttempts(ceilingsMs.length + 1, 15_000);
    const gaps = attempts.slice(1).map((at, index) => at - (attempts[index] as number));
    // Never sooner than half of each delay: the wait grows with every failed connect.
    gaps.forEach((gap, index) => {
      expect(gap, `gap ${index + 1} of ${gaps.map(Math.round).join(', ')} ms`).toBeGreaterThanOrEqual((ceilingsMs[index] as number) / 2 / speed - 2);
    });
    // And never later than the 30 s cap (1.5 s here) by more than a loaded machine's slack. The
    // simulator's old schedule (250 ms doubling to 5 s of real time, whatever the speed) waited
    // at least 2.5 s here.
    for (const gap of gaps.slice(5)) expect(gap, `gaps ${gaps.map(Math.round).join(', ')} ms`).toBeLessThan(30000 / speed + 900);
  }, 20_000);
});
