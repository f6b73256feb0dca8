// End to end for the simulated thermostat: the real C++ core behind the Node
// bridge, against a tiny in-test broker, driven by an app holding the key.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gcm } from '@noble/ciphers/aes.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';

const root = resolve(import.meta.dirname, '../..');
const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const fromB64u = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));
const idOf = (secret: Uint8Array): string => b64u(sha256(secret)).slice(0, 22);
const randomBytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

type Packet = Record<string, unknown>;

// Layer 6 as PROTOCOL.md says, just enough for this test.
class TinyBroker {
  private readonly server: WebSocketServer;
  private readonly clients = new Map<string, WebSocket>();
  logons = 0;

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on('connection', (ws) => {
      let id: string | null = null;
      ws.on('message', (raw) => {
        const packet = JSON.parse(raw.toString()) as Packet;
        if (packet.packet_type === 'LOG_ON') {
          const proof = fromB64u(String(packet.proof));
          if (idOf(proof) !== packet.transmitter) {
            ws.close(4003);
            return;
          }
          id = String(packet.transmitter);
          this.clients.get(id)?.close(4002);
          this.clients.set(id, ws);
          this.logons += 1;
          ws.send(JSON.stringify({ packet_type: 'ACK_LOG_ON', receiver: id }));
        } else if (packet.packet_type === 'MSG' || packet.packet_type === 'START') {
          const to = this.clients.get(String(packet.receiver));
          if (packet.transmitter !== id) return;
          if (to) to.send(JSON.stringify(packet));
          else ws.send(JSON.stringify({ packet_type: 'ERROR', code: 'receiver_offline', message: 'offline', ref: packet.packet_type, receiver: packet.receiver }));
        }
      });
      ws.on('close', () => {
        if (id && this.clients.get(id) === ws) this.clients.delete(id);
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

// An app: its own logon, and layer 7 with the pairing key.
class TestApp {
  readonly secret = randomBytes(32);
  readonly id = idOf(this.secret);
  private ws!: WebSocket;
  private readonly inbox: Packet[] = [];
  session = '';
  seq = 1;
  nonce = '';

  constructor(
    private readonly thermostatId: string,
    private readonly key: Uint8Array,
  ) {}

  async connect(port: number): Promise<void> {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    this.ws.on('message', (raw) => this.inbox.push(JSON.parse(raw.toString()) as Packet));
    await new Promise<void>((done, fail) => {
      this.ws.once('open', () => done());
      this.ws.once('error', fail);
    });
    this.ws.send(JSON.stringify({ packet_type: 'LOG_ON', transmitter: this.id, proof: b64u(this.secret) }));
    await this.next((p) => p.packet_type === 'ACK_LOG_ON');
  }

  close(): void {
    this.ws.close();
  }

  send(packetType: 'START' | 'MSG', message: Packet): void {
    const iv = randomBytes(12);
    const aad = new TextEncoder().encode(`${packetType}|${this.id}|${this.thermostatId}`);
    const sealed = gcm(this.key, iv, aad).encrypt(new TextEncoder().encode(JSON.stringify(message)));
    const data = `v1.${b64u(iv)}.${b64u(sealed)}`;
    this.ws.send(JSON.stringify({ packet_type: packetType, transmitter: this.id, receiver: this.thermostatId, data }));
  }

  open(packet: Packet): Packet {
    const [version, iv, body] = String(packet.data).split('.');
    expect(version).toBe('v1');
    const aad = new TextEncoder().encode(`MSG|${this.thermostatId}|${this.id}`);
    const plain = gcm(this.key, fromB64u(iv ?? ''), aad).decrypt(fromB64u(body ?? ''));
    return JSON.parse(new TextDecoder().decode(plain)) as Packet;
  }

  async start(name = "Ana's phone"): Promise<Packet> {
    this.nonce = b64u(randomBytes(12));
    this.seq = 1;
    this.inbox.length = 0;
    this.send('START', { type: 'START', name, nonce: this.nonce });
    const state = await this.reply((m) => m.type === 'STATE' && m.nonce === this.nonce);
    this.session = String(state.session);
    return state;
  }

  async command(type: 'SET' | 'HOME_set', fields: Packet, session = this.session): Promise<Packet> {
    this.seq += 1;
    this.inbox.length = 0;
    this.send('MSG', { type, session, seq: this.seq, ...fields });
    return this.reply((m) => m.type === 'ERROR' || (m.type === 'STATE' && m.session === session));
  }

  async reply(match: (m: Packet) => boolean, timeoutMs = 5000): Promise<Packet> {
    const packet = await this.next((p) => p.packet_type === 'MSG' && match(this.open(p)), timeoutMs);
    return this.open(packet);
  }

  private async next(match: (p: Packet) => boolean, timeoutMs = 5000): Promise<Packet> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex(match);
      if (index >= 0) return this.inbox.splice(index, 1)[0] as Packet;
      if (Date.now() > deadline) throw new Error('no matching packet');
      await new Promise((done) => setTimeout(done, 10));
    }
  }
}

// The simulator as a child process, with its stdout as a queue of lines.
class Sim {
  readonly lines: string[] = [];
  readonly process: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;

  constructor(args: string[]) {
    this.process = spawn('bash', [join(root, 'firmware/scripts/sim.sh'), ...args], { cwd: root });
    createInterface({ input: this.process.stdout }).on('line', (line) => this.lines.push(line));
    this.process.stderr.on('data', () => {});
    this.exited = new Promise((done) => this.process.once('exit', (code) => done(code)));
  }

  async line(match: (line: string) => boolean, timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.lines.findIndex(match);
      if (index >= 0) return this.lines.splice(index, 1)[0] as string;
      if (Date.now() > deadline) throw new Error(`no such line; got ${JSON.stringify(this.lines)}`);
      await new Promise((done) => setTimeout(done, 10));
    }
  }

  async ask(command: string): Promise<string> {
    this.lines.length = 0;
    this.process.stdin.write(`${command}\n`);
    return this.line((l) => !l.startsWith('ONLINE') && !l.startsWith('OFFLINE'));
  }

  async state(): Promise<Record<string, unknown>> {
    return JSON.parse(await this.ask('state')) as Record<string, unknown>;
  }

  async until(check: (state: Record<string, unknown>) => boolean, timeoutMs = 10000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.state();
      if (check(state)) return state;
      if (Date.now() > deadline) throw new Error(`state never matched: ${JSON.stringify(state)}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }
}

describe('simulated thermostat', () => {
  let broker: TinyBroker;
  let stateDir: string;
  let sim: Sim;
  let thermostatId = '';
  let key: Uint8Array = new Uint8Array();
  const args = (): string[] => ['--broker', `ws://127.0.0.1:${broker.port}/ws`, '--state-dir', stateDir,
    '--app-url', 'http://localhost:8080/', '--speed', '60', '--name', 'vitest'];

  beforeAll(async () => {
    broker = await TinyBroker.start();
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-sim-'));
    sim = new Sim(args());
    // The first run may compile the simulator.
    const pair = await sim.line((l) => l.startsWith('PAIR '), 170_000);
    const match = /^PAIR http:\/\/localhost:8080\/#pair=([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(pair);
    expect(match).not.toBeNull();
    thermostatId = match?.[1] ?? '';
    key = fromB64u(match?.[2] ?? '');
    await sim.line((l) => l === `ONLINE ${thermostatId}`);
  }, 180_000);

  afterAll(async () => {
    sim?.process.kill('SIGKILL');
    await broker?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('answers START, SET and HOME_set exactly per the contract', async () => {
    const app = new TestApp(thermostatId, key);
    await app.connect(broker.port);
    const first = await app.start();
    expect(first).toMatchObject({ type: 'STATE', seq: 1, nonce: app.nonce, target: 20, away_target: 16, hysteresis: 0.3, mode: 'auto', regime: 'home', error: null });
    expect(fromB64u(app.session).length).toBeGreaterThanOrEqual(12);

    const set = await app.command('SET', { target: 22.5, mode: 'home' });
    expect(set).toMatchObject({ type: 'STATE', seq: 2, target: 22.5, mode: 'home', error: null });
    const rejected = await app.command('SET', { target: 40, away_target: 17 });
    expect(rejected).toMatchObject({ seq: 3, target: 22.5, away_target: 16, error: 'out_of_range' });

    const home = await app.command('HOME_set', { home: false, distance: 1234.5 });
    expect(home.members).toEqual([{ id: app.id, name: "Ana's phone", home: false, distance: 1234.5, age_s: 0 }]);

    const state = await sim.state();
    expect(state).toMatchObject({ target: 22.5, mode: 'home', regime: 'home', online: true, sessions: 1, dropped_envelopes: 0 });
    app.close();
  }, 20_000);

  it('obeys stdin commands and keeps the heater safe', async () => {
    expect(await sim.ask('sensor fail')).toBe('ok sensor fail');
    let state = await sim.until((s) => s.sensor_ok === false);
    expect(state).toMatchObject({ temperature: null, humidity: null, pressure: null, heater: false });
    expect(await sim.ask('sensor ok')).toBe('ok sensor ok');
    expect(await sim.ask('room 15')).toBe('ok room 15');
    state = await sim.until((s) => s.heater === true);  // after the minimum off time
    expect(state.sensor_ok).toBe(true);
    expect(await sim.ask('outside 2.5')).toBe('ok outside 2.5');
    expect((await sim.state()).outside).toBe(2.5);
    expect(await sim.ask('sensor stuck')).toBe('ok sensor stuck');
    await sim.until((s) => s.sensor_ok === false && s.heater === false, 20000);  // 10 simulated minutes
    expect(await sim.ask('sensor ok')).toBe('ok sensor ok');
    expect(await sim.ask('dance')).toMatch(/^error /);
    expect(await sim.ask('room warm')).toMatch(/^error /);
    expect(await sim.ask('sensor maybe')).toMatch(/^error /);
  }, 40_000);

  it('reboots keeping identity and settings; old sessions become stale', async () => {
    const app = new TestApp(thermostatId, key);
    await app.connect(broker.port);
    await app.start();
    const logons = broker.logons;
    expect(await sim.ask('reboot')).toBe('ok reboot');
    await sim.line((l) => l === `ONLINE ${thermostatId}`);
    expect(broker.logons).toBe(logons + 1);
    const stale = await app.command('SET', { target: 21 });
    expect(stale).toEqual({ type: 'ERROR', code: 'stale_session' });
    await app.start();
    expect(await app.command('SET', { target: 21 })).toMatchObject({ target: 21, mode: 'home', error: null });
    app.close();
  }, 20_000);

  it('goes OFFLINE when the broker goes away and comes back by itself', async () => {
    const port = broker.port;
    await broker.stop();
    await sim.line((l) => l === 'OFFLINE');
    broker = await TinyBroker.start(port);
    await sim.line((l) => l === `ONLINE ${thermostatId}`, 15000);
  }, 20_000);

  it('stops promptly on SIGTERM and keeps identity and settings across a restart', async () => {
    const started = Date.now();
    sim.process.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);

    sim = new Sim(args());
    expect(await sim.line((l) => l.startsWith('PAIR '))).toContain(`#pair=${thermostatId}.`);
    await sim.line((l) => l === `ONLINE ${thermostatId}`);
    expect(await sim.state()).toMatchObject({ target: 21, mode: 'home' });

    // stdin closing must not stop it.
    sim.process.stdin.end();
    await new Promise((done) => setTimeout(done, 300));
    expect(sim.process.exitCode).toBeNull();
    const app = new TestApp(thermostatId, key);
    await app.connect(broker.port);
    expect(await app.start()).toMatchObject({ type: 'STATE', target: 21 });
    app.close();
  }, 20_000);
});
