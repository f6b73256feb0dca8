/**
 * docs/protocol.md, "Limits": senders pay per delivery, receivers take a bounded share from strangers, and
 * connections, logons and unfinished messages are capped per address and in total. Over real sockets; time is
 * driven by the config (tiny refill rates, short deadlines) and every wait is on an event.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { message, signedLogOn, start } from '../../protocol/index.ts';
import type { BrokerConfig } from '../config.ts';
import type { RunningBroker } from '../server.ts';
import { TestClient } from './client.ts';
import { expectError, expectRoutes, startTestBroker } from './helpers.ts';

const running: RunningBroker[] = [];
const opened: TestClient[] = [];
const rawSockets: Socket[] = [];

async function broker(config: Partial<BrokerConfig>): Promise<RunningBroker> {
  const started = await startTestBroker(config);
  running.push(started);
  return started;
}

async function open(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const client = await TestClient.open(url, options);
  opened.push(client);
  return client;
}

async function logOn(url: string, themes?: string[], options: ClientOptions = {}): Promise<TestClient> {
  const client = await open(url, options);
  await client.logOnAs(client.keys, themes);
  return client;
}

afterEach(async () => {
  for (const socket of rawSockets.splice(0)) socket.destroy();
  await Promise.all(opened.splice(0).map((client) => client.close()));
  await Promise.all(running.splice(0).map((started) => started.close()));
});

/** One token comes back every 1000 s: nothing a slow machine does during a test refills a bucket. */
const NO_REFILL = 0.001;
const PLENTY = 1_000_000;

/** A TCP socket from `localAddress` (any of 127.0.0.0/8 on Linux) that sends nothing; `closed` settles when the broker cuts it. */
async function idleSocket(port: number, localAddress: string): Promise<{ socket: Socket; closed: Promise<unknown> }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  rawSockets.push(socket);
  socket.on('error', () => undefined);
  // Reads (and drops) what the broker says, such as a 408, so that its close is seen.
  socket.resume();
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  return { socket, closed };
}

/** The status and Retry-After of a refused upgrade, or 101 when it was accepted (and then closed). */
function upgrade(url: string, options: ClientOptions = {}): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101 });
    });
    socket.once('unexpected-response', (_request, response) => {
      const retryAfter = response.headers['retry-after'];
      resolve({ status: response.statusCode ?? 0, ...(retryAfter === undefined ? {} : { retryAfter }) });
      response.resume();
    });
    socket.once('error', reject);
  });
}

describe('senders pay per delivery', () => {
  const config = {
    rateLimitPerSecond: NO_REFILL,
    rateLimitBurst: 7,
    floodMaxDrops: PLENTY,
    rateLimitNoticeMs: 60_000,
    inboundPerSecond: PLENTY,
    inboundBurst: PLENTY,
  };

  it.each(['BROADCAST', 'MULTICAST'] as const)('a %s to 4 receivers costs the sender 4 tokens', async (receiver) => {
    const { wsUrl } = await broker(config);
    const sender = await logOn(wsUrl); // 7 - 1 = 6 tokens
    const receivers = await Promise.all([1, 2, 3, 4].map(() => logOn(wsUrl, ['news'])));
    const packet = receiver === 'BROADCAST' ? message(sender.id, 'BROADCAST', 'all') : { ...message(sender.id, 'MULTICAST', 'all'), theme: 'news' };
    sender.send(packet); // 6 - 4 = 2
    for (const peer of receivers) expect(await peer.next()).toMatchObject({ data: 'all' });
    const [first] = receivers as [TestClient];
    sender.send(message(sender.id, first.id, 'paid')); // 2 - 1 = 1
    sender.send(message(sender.id, first.id, 'paid too')); // 1 - 1 = 0
    sender.send(message(sender.id, first.id, 'over')); // refused
    expectError(await sender.next(), 'rate_limited');
    expect(await first.next()).toMatchObject({ data: 'paid' });
    expect(await first.next()).toMatchObject({ data: 'paid too' });
    // The refusal above came after the broker had handled 'over': what first gets next is this, not 'over'.
    await expectRoutes(receivers[1]!, first);
  });

  it('lets a broadcast larger than the burst go out whole, then refuses until it is paid for', async () => {
    const { wsUrl } = await broker({ ...config, rateLimitBurst: 3 });
    const sender = await logOn(wsUrl); // 3 - 1 = 2
    const receivers = await Promise.all([1, 2, 3, 4, 5].map(() => logOn(wsUrl)));
    sender.send(message(sender.id, 'BROADCAST', 'big')); // 2 - 5 = -3: in debt
    for (const peer of receivers) expect(await peer.next()).toMatchObject({ data: 'big' });
    sender.send(message(sender.id, receivers[0]!.id, 'in debt'));
    expectError(await sender.next(), 'rate_limited');
    await expectRoutes(receivers[1]!, receivers[0]!);
  });
});

describe("a receiver's inbound budget", () => {
  /** A broker whose receivers get `inboundBurst` messages from strangers and never more, and a thermostat whose member is one. */
  async function thermostatWithMember(inboundBurst: number, rateLimitNoticeMs: number) {
    const started = await broker({
      inboundPerSecond: NO_REFILL,
      inboundBurst,
      rateLimitPerSecond: PLENTY,
      rateLimitBurst: PLENTY,
      rateLimitNoticeMs,
    });
    const thermostat = await logOn(started.wsUrl);
    const member = await logOn(started.wsUrl);
    // The thermostat answers its members, and only them: that is what makes the member one.
    thermostat.send(message(thermostat.id, member.id, 'STATE'));
    expect(await member.next()).toMatchObject({ data: 'STATE' });
    return { started, thermostat, member };
  }

  it('holds many fresh IDs to the budget while a member the receiver talks to still gets through', async () => {
    const { started, thermostat, member } = await thermostatWithMember(3, 60_000);

    const refused: number[] = [];
    for (let index = 0; index < 6; index += 1) {
      const stranger = await logOn(started.wsUrl);
      stranger.send(message(stranger.id, thermostat.id, `stranger ${index}`));
      // Everything the broker said about that message has arrived once the stranger's own echo has.
      const answers = await stranger.barrier();
      if (answers.some((packet) => packet.packet_type === 'ERROR' && packet.code === 'rate_limited' && packet.receiver === thermostat.id)) {
        refused.push(index);
      }
    }
    expect(refused).toEqual([3, 4, 5]);
    expect(started.stats().droppedOverInboundBudget).toBe(3);

    member.send(message(member.id, thermostat.id, 'SET'));
    const heard = [await thermostat.next(), await thermostat.next(), await thermostat.next(), await thermostat.next()];
    expect(heard.map((packet) => (packet.packet_type === 'MSG' ? packet.data : packet.packet_type))).toEqual([
      'stranger 0',
      'stranger 1',
      'stranger 2',
      'SET',
    ]);
  });

  it("keeps a receiver's partners across its reconnect, so strangers spending its budget cannot keep its apps out", async () => {
    const { started, thermostat, member } = await thermostatWithMember(2, 0);
    // The thermostat's link drops and it comes back, with the same key, on a new connection.
    await thermostat.close();
    const back = await open(started.wsUrl);
    await back.logOnAs(thermostat.keys);

    const stranger = await logOn(started.wsUrl);
    for (const data of ['one', 'two', 'three']) stranger.send(message(stranger.id, thermostat.id, data));
    expect(await stranger.barrier()).toEqual([expect.objectContaining({ code: 'rate_limited', receiver: thermostat.id })]);
    member.send(start(member.id, thermostat.id, 'hello again'));
    expect(await member.barrier()).toEqual([]);
    const heard = [await back.next(), await back.next(), await back.next()];
    expect(heard.map((packet) => (packet.packet_type === 'MSG' || packet.packet_type === 'START' ? packet.data : packet.packet_type))).toEqual([
      'one',
      'two',
      'hello again',
    ]);
  });

  it('holds broadcasts from strangers to it as well', async () => {
    const started = await broker({ inboundPerSecond: NO_REFILL, inboundBurst: 1, rateLimitPerSecond: PLENTY, rateLimitBurst: PLENTY });
    const thermostat = await logOn(started.wsUrl);
    const stranger = await logOn(started.wsUrl);
    stranger.send(message(stranger.id, 'BROADCAST', 'one'));
    stranger.send(message(stranger.id, 'BROADCAST', 'two'));
    await stranger.barrier();
    expect(started.stats().droppedOverInboundBudget).toBe(1);
    expect(await thermostat.next()).toMatchObject({ data: 'one' });
    await expectRoutes(thermostat, thermostat);
  });
});

describe('connection caps', () => {
  it('refuses a connection over the cap per address with 429 and Retry-After, leaving other addresses alone', async () => {
    const started = await broker({ maxConnectionsPerAddress: 2, logonTimeoutMs: 7_000 });
    const first = await open(started.wsUrl);
    await open(started.wsUrl);
    expect(await upgrade(started.wsUrl)).toEqual({ status: 429, retryAfter: '7' });
    const elsewhere = await logOn(started.wsUrl, undefined, { localAddress: '127.0.0.2' });
    await expectRoutes(elsewhere, elsewhere);
    await first.close();
    await vi.waitFor(() => expect(started.stats().connections).toBe(2));
    expect((await upgrade(started.wsUrl)).status).toBe(101);
    expect(started.stats().connectionsRefused).toBe(1);
  });

  it('counts the address a trusted proxy forwards, and ignores X-Forwarded-For from anyone else', async () => {
    // Written as a dual-stack socket may report it: the same address as the peer's 127.0.0.1.
    const proxied = await broker({ maxConnectionsPerAddress: 1, trustedProxies: ['::ffff:127.0.0.1'] });
    const viaProxy = (address: string): ClientOptions => ({ headers: { 'X-Forwarded-For': `10.9.9.9, ${address}` } });
    await open(proxied.wsUrl, viaProxy('198.51.100.1'));
    expect((await upgrade(proxied.wsUrl, viaProxy('198.51.100.1'))).status).toBe(429);
    expect((await upgrade(proxied.wsUrl, viaProxy('198.51.100.2'))).status).toBe(101);

    // No proxy is trusted unless named: a same-host forwarder (ssh -L, socat) passes what clients write.
    const direct = await broker({ maxConnectionsPerAddress: 1 });
    await open(direct.wsUrl, viaProxy('198.51.100.1'));
    expect((await upgrade(direct.wsUrl, viaProxy('198.51.100.2'))).status).toBe(429);
  });

  it('refuses a connection over the total with 503 and Retry-After, from any address', async () => {
    const started = await broker({ maxConnections: 3, logonTimeoutMs: 10_000 });
    const first = await logOn(started.wsUrl);
    await open(started.wsUrl);
    await open(started.wsUrl, { localAddress: '127.0.0.2' });
    expect(await upgrade(started.wsUrl)).toEqual({ status: 503, retryAfter: '10' });
    expect((await upgrade(started.wsUrl, { localAddress: '127.0.0.3' })).status).toBe(503);
    await expectRoutes(first, first);
    await first.close();
    await vi.waitFor(() => expect(started.stats().connections).toBe(2));
    expect((await upgrade(started.wsUrl, { localAddress: '127.0.0.3' })).status).toBe(101);
  });
});

describe('sockets per address', () => {
  it('cuts raw sockets past the cap of one address as they connect, while a client from another address gets through', async () => {
    // Node itself would take 20 + 32 sockets before closing new ones: the 60 below would fill that.
    const started = await broker({ maxConnections: 20, maxConnectionsPerAddress: 4, requestTimeoutMs: 60_000 });
    const idle = await Promise.all(Array.from({ length: 60 }, () => idleSocket(started.port, '127.0.0.9')));
    const client = await logOn(started.wsUrl, undefined, { localAddress: '127.0.0.2' });
    await expectRoutes(client, client);
    // Each address holds its 4 WebSockets and 8 more sockets for loading the app; the rest are cut.
    await vi.waitFor(() => expect(idle.filter(({ socket }) => socket.closed)).toHaveLength(60 - 4 - 8));
    expect(started.stats().socketsRefused).toBe(48);
  });

  it('counts the sockets of one IPv4 address mapped into IPv6 with the same address', async () => {
    const started = await broker({ host: '::', maxConnectionsPerAddress: 1 });
    const port = started.port;
    await Promise.all(Array.from({ length: 12 }, () => idleSocket(port, '127.0.0.5')));
    await vi.waitFor(() => expect(started.stats().socketsRefused).toBe(12 - 1 - 8));
  });

  it('gives the place of a closed socket back to its address', async () => {
    const started = await broker({ maxConnectionsPerAddress: 1 });
    // The cap of one address: 1 WebSocket and 8 more sockets.
    const first = await Promise.all(Array.from({ length: 9 }, () => idleSocket(started.port, '127.0.0.6')));
    expect(started.stats().socketAddresses).toBe(1);
    for (const { socket } of first) socket.destroy();
    await vi.waitFor(() => expect(started.stats().socketAddresses).toBe(0));
    const again = await Promise.all(Array.from({ length: 9 }, () => idleSocket(started.port, '127.0.0.6')));
    expect(started.stats().socketsRefused).toBe(0);
    expect(again.filter(({ socket }) => socket.closed)).toHaveLength(0);
  });

  it('exempts a trusted proxy, which carries everyone', async () => {
    const started = await broker({ maxConnectionsPerAddress: 1, trustedProxies: ['127.0.0.3'] });
    const viaProxy = (index: number): ClientOptions => ({ localAddress: '127.0.0.3', headers: { 'X-Forwarded-For': `198.51.100.${index}` } });
    await Promise.all(Array.from({ length: 12 }, (_, index) => open(started.wsUrl, viaProxy(index))));
    expect(started.stats()).toMatchObject({ connections: 12, socketsRefused: 0 });
  });

  it('closes a socket that sends no request within the request timeout, and keeps WebSockets past it', async () => {
    const started = await broker({ requestTimeoutMs: 200, pingIntervalMs: 50 });
    const client = await logOn(started.wsUrl);
    const idle = await idleSocket(started.port, '127.0.0.4');
    await idle.closed;
    // Eight pings are 400 ms: twice the request timeout.
    await client.pinged(8);
    await expectRoutes(client, client);
  });
});

describe('logons per address', () => {
  it('counts every LOG_ON, good or bad, and refuses past the limit with rate_limited and 4029', async () => {
    const started = await broker({ logonAttemptsPerAddress: 3 });
    const good = await logOn(started.wsUrl);
    const forger = await open(started.wsUrl);
    forger.send(await signedLogOn(forger.keys, forger.nonce!, 'elsewhere.example'));
    expectError(await forger.next(), 'bad_proof');
    await logOn(started.wsUrl);
    const fourth = await open(started.wsUrl);
    fourth.send(await fourth.signedLogOn());
    expectError(await fourth.next(), 'rate_limited', { ref: 'LOG_ON' });
    expect((await fourth.closed).code).toBe(4029);
    // Another address logs on as usual, and those already on stay on.
    const elsewhere = await logOn(started.wsUrl, undefined, { localAddress: '127.0.0.2' });
    await expectRoutes(elsewhere, good);
  });
});

/** A WebSocket opened by hand, to send frames the ws client will not: a header without its payload. */
async function rawWebSocket(port: number): Promise<{ socket: Socket; closeCode: Promise<number | null> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  let received = Buffer.alloc(0);
  const closeCode = new Promise<number | null>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // A server close frame: 0x88, length, then the code.
      const at = received.indexOf(Buffer.from([0x88]), received.indexOf('\r\n\r\n') + 4);
      if (at >= 0 && received.length >= at + 4) resolve(received.readUInt16BE(at + 2));
    });
    socket.once('close', () => resolve(null));
  });
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (received.includes('\r\n\r\n')) resolve();
      else socket.once('data', check);
    };
    check();
  });
  return { socket, closeCode };
}

describe('unfinished and oversized messages', () => {
  it('closes 4008 a connection whose fragmented message is unfinished at the deadline, and frees what it held', async () => {
    // Long enough for the held bytes to be seen before the deadline however busy the machine is.
    const started = await broker({ messageTimeoutMs: 1_000 });
    const bystander = await logOn(started.wsUrl);
    const slow = await logOn(started.wsUrl);
    slow.socket.send('x'.repeat(5_000), { fin: false });
    await vi.waitFor(() => expect(started.stats().heldMessageBytes).toBe(5_000));
    // Meanwhile a client that finishes its fragmented messages is kept, and they are routed whole.
    const text = JSON.stringify(message(bystander.id, bystander.id, 'in three parts'));
    bystander.socket.send(text.slice(0, 10), { fin: false });
    bystander.socket.send(text.slice(10, 20), { fin: false });
    bystander.socket.send(text.slice(20), { fin: true });
    expect(await bystander.next()).toMatchObject({ data: 'in three parts' });
    expect((await slow.closed).code).toBe(4008);
    await vi.waitFor(() => expect(started.stats()).toMatchObject({ connections: 1, heldMessageBytes: 0, unfinishedMessagesClosed: 1 }));
    await expectRoutes(bystander, bystander);
  });

  it('closes 4008 a connection that sends a frame header and never its payload, before logon too', async () => {
    const started = await broker({ messageTimeoutMs: 200, logonTimeoutMs: 60_000 });
    const { socket, closeCode } = await rawWebSocket(started.port);
    socket.write(Buffer.from([0x81, 0x80 | 100, 1, 2, 3, 4])); // 100 bytes announced, none sent
    expect(await closeCode).toBe(4008);
    socket.destroy();
    await vi.waitFor(() => expect(started.stats().connections).toBe(0));
  });

  it('counts, logs and cuts a connection closed for an unfinished message once, however long its close handshake takes', async () => {
    // Checks every 25 ms: the old sweep counted the same connection again at each until the cut, 1.5 s later.
    const started = await broker({ messageTimeoutMs: 100, closeGraceMs: 1_500, logonTimeoutMs: 60_000 });
    const { socket, closeCode } = await rawWebSocket(started.port);
    const gone = once(socket, 'close');
    socket.write(Buffer.from([0x81, 0x80 | 100, 1, 2, 3, 4]));
    expect(await closeCode).toBe(4008);
    // The peer never answers the close frame: the broker cuts the socket after the grace period.
    await gone;
    await vi.waitFor(() => expect(started.stats().connections).toBe(0));
    expect(started.stats().unfinishedMessagesClosed).toBe(1);
  });

  it('closes 1009 as soon as a fragmented message passes the size cap, without waiting for its end', async () => {
    const started = await broker({ maxFrameBytes: 1024, maxMessageBytes: 2048 });
    const bystander = await logOn(started.wsUrl);
    const client = await logOn(started.wsUrl);
    client.socket.send('y'.repeat(1000), { fin: false });
    client.socket.send('y'.repeat(1000), { fin: false });
    client.socket.send('y'.repeat(1000), { fin: false });
    expect((await client.closed).code).toBe(1009);
    await vi.waitFor(() => expect(started.stats().connections).toBe(1));
    await expectRoutes(bystander, bystander);
  });

  it('closes 1008 a message cut into more than 64 fragments', async () => {
    const { wsUrl } = await broker({});
    const client = await logOn(wsUrl);
    for (let index = 0; index < 65; index += 1) client.socket.send('z', { fin: false });
    expect((await client.closed).code).toBe(1008);
  });
});
