import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { resolveConfig, type BrokerConfig } from './config.ts';
import { Connection, type Socket } from './connection.ts';
import { emptyStats, type BrokerContext } from './context.ts';
import { AddressLimits, ingressLimitsOf, LogonLimiter } from './limits.ts';
import { createLogger } from './log.ts';
import { PartnerBook } from './partners.ts';
import { MemoryRegistry } from './registry.ts';
import { routeFrame } from './router.ts';
import { WriteBatch } from './write-batch.ts';

class FakeSocket implements Socket {
  readyState: WebSocket['readyState'] = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closedWith: number | null = null;
  terminated = false;
  send(data: unknown): void {
    this.sent.push(String(data));
  }
  close(code?: number): void {
    this.closedWith = code ?? null;
  }
  terminate(): void {
    this.terminated = true;
  }
  ping(): void {}
}

const connections: Connection[] = [];
afterEach(() => {
  for (const connection of connections.splice(0)) connection.dispose();
});

function setup(
  config: Partial<BrokerConfig> = {},
  clock = { now: 0 },
): { context: BrokerContext; connect: () => [Connection, FakeSocket] } {
  const resolved = resolveConfig({ staticDir: null, ...config });
  const context: BrokerContext = {
    config: resolved,
    registry: new MemoryRegistry<Connection>(),
    logonLimiter: new LogonLimiter(15),
    addressLimits: new AddressLimits(resolved, resolved.maxConnections),
    partners: new PartnerBook(1000),
    ingress: ingressLimitsOf(resolved, 1000),
    connections: new Set(),
    log: createLogger('silent'),
    stats: emptyStats(),
    writes: new WriteBatch(),
    now: () => clock.now,
  };
  return {
    context,
    connect: () => {
      const socket = new FakeSocket();
      const connection = new Connection(socket, context, '192.0.2.1');
      connections.push(connection);
      return [connection, socket];
    },
  };
}

describe('Connection.sendFrame', () => {
  it('drops and counts frames past the buffered-bytes ceiling, keeping the connection', () => {
    const { context, connect } = setup({ maxBufferedBytes: 100 });
    const [connection, socket] = connect();
    expect(connection.sendFrame('x'.repeat(60))).toBe(true);
    socket.bufferedAmount = 60;
    expect(connection.sendFrame('x'.repeat(60))).toBe(false);
    expect(socket.sent).toHaveLength(1);
    expect(context.stats.droppedToSlowReceivers).toBe(1);
    expect(socket.terminated).toBe(false);
  });

  it('terminates instead when so configured', () => {
    const { connect } = setup({ maxBufferedBytes: 100, slowReceiver: 'terminate' });
    const [connection, socket] = connect();
    socket.bufferedAmount = 100;
    connection.sendFrame('x');
    expect(socket.terminated).toBe(true);
  });
});

describe('routeFrame', () => {
  it('sends the ERROR before closing for faults that close, and ignores frames afterwards', () => {
    const { context, connect } = setup({ maxFrameBytes: 10 });
    const [connection, socket] = connect();
    routeFrame(context, connection, Buffer.alloc(11), false);
    expect(socket.sent.map((frame) => JSON.parse(frame) as unknown)).toEqual([
      { packet_type: 'ERROR', code: 'too_large', message: 'frames are at most 10 bytes' },
    ]);
    expect(socket.closedWith).toBe(1009);
    routeFrame(context, connection, Buffer.from('garbage'), false);
    expect(socket.sent).toHaveLength(1);
  });

  it('rejects everything but LOG_ON before logon', () => {
    const { context, connect } = setup();
    const [connection, socket] = connect();
    routeFrame(context, connection, Buffer.from('{"packet_type":"SUBSCRIBE","theme":"a"}'), false);
    expect(JSON.parse(socket.sent[0]!)).toMatchObject({ code: 'not_logged_on', ref: 'SUBSCRIBE' });
    expect(connection.state).toBe('awaiting_logon');
    expect(socket.closedWith).toBeNull();
  });
});

describe('rate state of an idle connection', () => {
  const policy = { rateLimitPerSecond: 10, rateLimitBurst: 2, floodMaxDrops: 3, floodWindowMs: 10_000, rateLimitNoticeMs: 1_000 };
  const subscribe = Buffer.from('{"packet_type":"SUBSCRIBE","theme":"a"}');

  it('is made at the first frame and forgotten once quiet, and a connection that floods is still closed across it', () => {
    const clock = { now: 0 };
    const { context, connect } = setup(policy, clock);
    const [connection, socket] = connect();
    expect(connection.holdsRateState).toBe(false);
    routeFrame(context, connection, subscribe, false);
    expect(connection.holdsRateState).toBe(true);
    // Refilled (2 tokens at 10/s) after 100 ms; the notice interval has not passed since no notice was sent.
    connection.forgetIdleState((clock.now = 100));
    expect(connection.holdsRateState).toBe(false);

    // A burst of 2, then drops: the first drop is told (rate_limited), the window holds the rest.
    for (let frame = 0; frame < 4; frame += 1) routeFrame(context, connection, subscribe, false);
    expect(socket.sent.filter((sent) => sent.includes('"rate_limited"'))).toHaveLength(1);
    // Refilled after 200 ms, but the window's drops and the notice are recent: kept.
    connection.forgetIdleState((clock.now += 200));
    expect(connection.holdsRateState).toBe(true);
    for (let frame = 0; frame < 4; frame += 1) routeFrame(context, connection, subscribe, false);
    expect(socket.closedWith).toBe(4029);
  });
});
