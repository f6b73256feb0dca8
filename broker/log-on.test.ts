/** The LOG_ON handler while its signature is being checked: what arrives meanwhile, and a socket that goes meanwhile. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { idFromPublicKey, makeLogonKeys, message, parseJsonObject, parsePacket, signedLogOn, verifyLogon, type Packet } from '../protocol/index.ts';
import { resolveConfig } from './config.ts';
import { Connection, type Socket } from './connection.ts';
import { emptyStats, type BrokerContext } from './context.ts';
import { AddressLimits, ingressLimitsOf, LogonLimiter } from './limits.ts';
import { createLogger, type Logger } from './log.ts';
import { PartnerBook } from './partners.ts';
import { MemoryRegistry } from './registry.ts';
import { handleLogOn } from './handlers/log-on.ts';
import { nodeLogonCrypto, nodeSha256 } from './logon-crypto.ts';
import { routeFrame } from './router.ts';
import { WriteBatch } from './write-batch.ts';

class FakeSocket implements Socket {
  readyState: WebSocket['readyState'] = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closedWith: number | null = null;
  send(data: unknown): void {
    this.sent.push(String(data));
  }
  close(code?: number): void {
    this.closedWith = code ?? null;
  }
  terminate(): void {}
  ping(): void {}
  packets(): Packet[] {
    return this.sent.map((frame) => {
      const parsed = parsePacket(frame);
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.value;
    });
  }
}

const NONCE = 'bm9uY2Vub25jZW5vbmNlbm9uY2Vub25jZW5vbmNlbm8';
const HOST = 'hearth.example';
const connections: Connection[] = [];
afterEach(() => {
  for (const connection of connections.splice(0)) connection.dispose();
});

function connect(log: Logger = createLogger('silent')): { context: BrokerContext; connection: Connection; socket: FakeSocket } {
  const config = resolveConfig({ staticDir: null });
  const context: BrokerContext = {
    config,
    registry: new MemoryRegistry<Connection>(),
    logonLimiter: new LogonLimiter(15),
    addressLimits: new AddressLimits(config, config.maxConnections),
    partners: new PartnerBook(1000),
    ingress: ingressLimitsOf(config, 1000),
    connections: new Set(),
    log,
    stats: emptyStats(),
    writes: new WriteBatch(),
    now: () => 0,
  };
  const socket = new FakeSocket();
  const connection = new Connection(socket, context, '192.0.2.1');
  connections.push(connection);
  connection.sendChallenge({ nonce: NONCE, host: HOST });
  return { context, connection, socket };
}

const frame = (packet: object): Buffer => Buffer.from(JSON.stringify(packet));

describe('LOG_ON while its signature is verified', () => {
  it('refuses a second LOG_ON and any other packet meanwhile with a clear error, then logs on once', async () => {
    const { context, connection, socket } = connect();
    const keys = await makeLogonKeys();
    const logOn = await signedLogOn(keys, NONCE, HOST);
    routeFrame(context, connection, frame(logOn), false);
    expect(connection.state).toBe('verifying');
    routeFrame(context, connection, frame(logOn), false);
    routeFrame(context, connection, frame(message(keys.id, keys.id, 1)), false);
    expect(socket.packets().slice(1)).toEqual([
      expect.objectContaining({ packet_type: 'ERROR', code: 'bad_packet', ref: 'LOG_ON', message: expect.stringMatching(/being verified/) }),
      expect.objectContaining({ packet_type: 'ERROR', code: 'not_logged_on', ref: 'MSG', message: expect.stringMatching(/being verified/) }),
    ]);
    await vi.waitFor(() => expect(connection.state).toBe('logged_on'));
    expect(socket.packets().at(-1)).toEqual({ packet_type: 'ACK_LOG_ON', receiver: keys.id });
    expect(socket.packets().filter((packet) => packet.packet_type === 'ACK_LOG_ON')).toHaveLength(1);
    expect(context.registry.lookup(keys.id)).toBe(connection);
    expect(connection.challenge).toBeNull();
  });

  it('binds nothing and answers nothing when the socket went while the signature was checked', async () => {
    const { context, connection, socket } = connect();
    const keys = await makeLogonKeys();
    const holder = connect();
    context.registry.bind(keys.id, holder.connection);
    const decided = handleLogOn(context, connection, await signedLogOn(keys, NONCE, HOST));
    connection.dispose();
    await decided;
    expect(socket.packets().map((packet) => packet.packet_type)).toEqual(['CHALLENGE']);
    expect(context.registry.lookup(keys.id)).toBe(holder.connection);
    expect(holder.socket.closedWith).toBeNull();
  });

  it('leaves an existing binding alone until the signature has verified', async () => {
    const { context, connection, socket } = connect();
    const keys = await makeLogonKeys();
    const holder = connect();
    context.registry.bind(keys.id, holder.connection);
    const decided = handleLogOn(context, connection, await signedLogOn(keys, NONCE, HOST));
    expect(context.registry.lookup(keys.id)).toBe(holder.connection);
    await decided;
    expect(context.registry.lookup(keys.id)).toBe(connection);
    expect(socket.packets().at(-1)).toEqual({ packet_type: 'ACK_LOG_ON', receiver: keys.id });
    expect(holder.socket.closedWith).toBe(4002);
  });
});

describe('a LOG_ON handler that throws before its first await', () => {
  it('closes that connection 1011 and logs handler_failed, through the one error path, instead of rejecting unhandled', async () => {
    const lines: string[] = [];
    const { context, connection, socket } = connect(createLogger('error', (line) => lines.push(line)));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      context.addressLimits.tryLogon = () => {
        throw new Error('limiter broke');
      };
      const keys = await makeLogonKeys();
      routeFrame(context, connection, frame(await signedLogOn(keys, NONCE, HOST)), false);
      await vi.waitFor(() => expect(socket.closedWith).toBe(1011));
      expect(connection.state).toBe('closed');
      expect(lines.map((line) => parseJsonObject(line))).toEqual([
        expect.objectContaining({ level: 'error', event: 'handler_failed', message: 'limiter broke' }),
      ]);
      // A rejection nobody handles is reported after the microtasks have run: one macrotask later.
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('the logon path', () => {
  const vectors = JSON.parse(readFileSync(new URL('../protocol/vectors/logon.json', import.meta.url), 'utf8')) as {
    ids: Array<{ public_key: string; id: string }>;
    verify: Array<{ transmitter: string; public_key: string; signature: string; nonce: string; host: string; valid: boolean }>;
  };

  it("checks IDs with node:crypto's SHA-256, which derives every vector's ID as the contract does", () => {
    for (const { public_key, id } of vectors.ids) {
      const publicKey = Buffer.from(public_key, 'base64url');
      expect(idFromPublicKey(publicKey, nodeSha256)).toBe(id);
      expect(idFromPublicKey(publicKey)).toBe(id);
    }
  });

  it("decides every logon vector with node:crypto exactly as the contract's WebCrypto check does, reason included", async () => {
    for (const vector of vectors.verify) {
      const native = await verifyLogon(vector, vector.nonce, vector.host, nodeLogonCrypto);
      expect(native.ok, vector.transmitter).toBe(vector.valid);
      expect(native, vector.transmitter).toEqual(await verifyLogon(vector, vector.nonce, vector.host));
    }
  });

  it('says logged_on at debug level only', async () => {
    for (const level of ['info', 'debug'] as const) {
      const lines: string[] = [];
      const { context, connection } = connect(createLogger(level, (line) => lines.push(line)));
      const keys = await makeLogonKeys();
      routeFrame(context, connection, frame(await signedLogOn(keys, NONCE, HOST)), false);
      await vi.waitFor(() => expect(connection.state).toBe('logged_on'));
      const events = lines.map((line) => parseJsonObject(line)?.['event']);
      expect(events.includes('logged_on'), level).toBe(level === 'debug');
    }
  });
});
