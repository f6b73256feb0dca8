/** The OwnTracks ingress (docs/protocol.md, "The ingress" and "RELAY") against the real broker, with thermostats logged on over WebSockets. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { message, owntracksIngressPath, relayPacket, start, type ClientId, type Packet } from '../../protocol/index.ts';
import { relayVectors } from '../../protocol/vectors/index.ts';
import type { BrokerConfig } from '../config.ts';
import { CONTENT_SECURITY_POLICY } from '../http-headers.ts';
import type { RunningBroker } from '../server.ts';
import { TestClient } from './client.ts';
import { expectError, expectRoutes, startTestBroker } from './helpers.ts';

const running: RunningBroker[] = [];
const clients: TestClient[] = [];

async function broker(config: Partial<BrokerConfig> = {}): Promise<RunningBroker> {
  const started = await startTestBroker({ pingIntervalMs: 60_000, ...config });
  running.push(started);
  return started;
}

async function thermostat(started: RunningBroker): Promise<TestClient> {
  const client = await TestClient.logOn(started.wsUrl);
  clients.push(client);
  return client;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(running.splice(0).map((started) => started.close()));
});

/** IDs that never log on: the member ID in a URL proves nothing, so the phone needs no connection. */
const MEMBER = 'GGXACDHnP37iP8E8stD1iL';
const OTHER_MEMBER = '6dJCrkykZadkdwfxaPEkQ-';
const OFFLINE = 'k2Jd9-aQpL0xWm7Zr4Ty1B';
const goodBody = relayVectors.bodies.find((vector) => vector.status === 200 && vector.why.includes('Android'))!;
const iosBody = relayVectors.bodies.find((vector) => vector.status === 200 && vector.why.includes('iOS'))!;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface PostOptions {
  method?: string;
  headers?: Record<string, string>;
  localAddress?: string;
}

function post(started: RunningBroker, path: string, body: Uint8Array | string = goodBody.bytes, options: PostOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: started.port, path, method: options.method ?? 'POST', headers: options.headers, localAddress: options.localAddress, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    request.on('error', reject);
    request.end(options.method === 'GET' || options.method === 'HEAD' ? undefined : body);
  });
}

const pathFor = (...thermostats: ClientId[]): string => owntracksIngressPath(MEMBER, thermostats);

/** Every HTTP answer of the broker carries its security headers (docs/protocol.md, "Transport"); a few stand for all. */
function expectSecurityHeaders(answer: Answer): void {
  expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['cache-control']).toBe('no-store');
}

function expectDelivered(answer: Answer): void {
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.body).toBe('[]');
  expectSecurityHeaders(answer);
}

function expectRefused(answer: Answer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(JSON.parse(answer.body)).toEqual({ error: expect.any(String) });
  expectSecurityHeaders(answer);
}

/** Everything that reached `client` until now: a barrier proves the broker has handled what came before. */
async function received(client: TestClient): Promise<Packet[]> {
  return client.barrier();
}

describe('delivery', () => {
  it('answers 200 [] and hands the thermostat the RELAY: the body data, the member along, the _id dropped', async () => {
    const started = await broker();
    const home = await thermostat(started);
    const answer = await post(started, pathFor(home.id));
    expectDelivered(answer);
    expect(await home.next()).toEqual(relayPacket(home.id, MEMBER, goodBody.data!));
    expect(home.rawFrames.at(-1)).toBe(JSON.stringify(relayPacket(home.id, MEMBER, goodBody.data!)));
    expect(home.rawFrames.at(-1)).not.toContain('_id');
  });

  it("reads iOS's escaped slashes: the RELAY carries the data unescaped", async () => {
    const started = await broker();
    const home = await thermostat(started);
    expectDelivered(await post(started, pathFor(home.id), iosBody.bytes));
    expect(await home.next()).toEqual(relayPacket(home.id, MEMBER, iosBody.data!));
  });

  it('fans out to every thermostat named, each with its own receiver', async () => {
    const started = await broker();
    const [first, second] = [await thermostat(started), await thermostat(started)];
    expectDelivered(await post(started, pathFor(first.id, second.id)));
    expect(await first.next()).toEqual(relayPacket(first.id, MEMBER, goodBody.data!));
    expect(await second.next()).toEqual(relayPacket(second.id, MEMBER, goodBody.data!));
  });

  it('answers 200 when one of two is online, and delivers to that one', async () => {
    const started = await broker();
    const online = await thermostat(started);
    expectDelivered(await post(started, pathFor(OFFLINE, online.id)));
    expect(await online.next()).toEqual(relayPacket(online.id, MEMBER, goodBody.data!));
  });

  it('answers 503 with Retry-After: 60 when no thermostat named is online', async () => {
    const started = await broker();
    const bystander = await thermostat(started);
    const answer = await post(started, pathFor(OFFLINE));
    expectRefused(answer, 503);
    expect(answer.headers['retry-after']).toBe('60');
    expect(await received(bystander)).toEqual([]);
  });

  it('answers every case of relay.json with its status, delivering exactly the 200s', async () => {
    const started = await broker();
    const home = await thermostat(started);
    for (const vector of relayVectors.bodies) {
      const answer = await post(started, pathFor(home.id), vector.bytes);
      if (vector.status === 200) {
        expectDelivered(answer);
        expect(await home.next(), vector.why).toEqual(relayPacket(home.id, MEMBER, vector.data!));
      } else {
        expectRefused(answer, vector.status);
      }
    }
    expect(await received(home)).toEqual([]);
  });

  it('tells a plaintext body why it was refused', async () => {
    const started = await broker();
    const home = await thermostat(started);
    const answer = await post(started, pathFor(home.id), '{"_type":"location","lat":52.09,"lon":5.12,"tst":1767344459}');
    expectRefused(answer, 400);
    expect(JSON.parse(answer.body).error).toMatch(/not encrypted/);
  });
});

describe('the request line', () => {
  it.each(['GET', 'HEAD', 'PUT', 'OPTIONS'])('answers %s with 405 and Allow: POST', async (method) => {
    const started = await broker();
    const home = await thermostat(started);
    const answer = await post(started, pathFor(home.id), '', { method });
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('POST');
    expect(await received(home)).toEqual([]);
  });

  it('answers every path of relay.json under /presence/owntracks/ that names no household with 404, and the rest as ingress URLs', async () => {
    const started = await broker();
    for (const vector of relayVectors.paths) {
      const answer = await post(started, vector.path);
      // The named thermostats are not online: a path that parses gets as far as that. Outside the prefix is
      // the rest of the broker, which takes no POST.
      const expected = vector.result !== null ? 503 : vector.path.startsWith('/presence/owntracks/') ? 404 : 405;
      expect(answer.status, vector.why).toBe(expected);
    }
  });

  it('keeps the rest of the broker as it was: other POSTs are 405, GET /healthz is served', async () => {
    const started = await broker();
    expect((await post(started, '/healthz')).status).toBe(405);
    expect((await post(started, '/presence')).status).toBe(405);
    expect((await post(started, '/healthz', '', { method: 'GET' })).status).toBe(200);
  });

  it('answers whatever Host it is asked by, as the app files are served', async () => {
    const started = await broker();
    const home = await thermostat(started);
    expectDelivered(await post(started, pathFor(home.id), goodBody.bytes, { headers: { Host: 'elsewhere.example' } }));
    expect(await home.next()).toMatchObject({ packet_type: 'RELAY' });
  });
});

/** A raw HTTP exchange, to send what http.request will not: a lying Content-Length, a half-sent body, a bad chunk. */
class RawRequest {
  private readonly socket: Socket;
  private text = '';
  private readonly waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  readonly closed: Promise<void>;

  constructor(port: number, localAddress?: string) {
    this.socket = connect({ port, host: '127.0.0.1', localAddress });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.text += chunk;
      for (const waiter of [...this.waiters]) {
        if (!waiter.pattern.test(this.text)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /** Resolves once what came back matches `pattern`. */
  until(pattern: RegExp): Promise<void> {
    if (pattern.test(this.text)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  /** The status of the first final (not 1xx) answer, once the socket has closed. */
  async statusOnClose(): Promise<number> {
    await this.closed;
    return Number(/^HTTP\/1\.1 ([2-5]\d\d)/m.exec(this.text)?.[1] ?? 0);
  }

  get received(): string {
    return this.text;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const head = (path: string, headers: string): string => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`;
const CONTINUE = /^HTTP\/1\.1 100 Continue\r\n\r\n/;

describe('bounds on the body', () => {
  it('answers a declared Content-Length over 4096 with 413 at once, reading none of it, and closes', async () => {
    const started = await broker();
    const home = await thermostat(started);
    const raw = new RawRequest(started.port);
    raw.write(head(pathFor(home.id), 'Content-Length: 1000000\r\n'));
    raw.write('x'.repeat(100));
    expect(await raw.statusOnClose()).toBe(413);
    expect(raw.received).toMatch(/Connection: close/i);
    expect(await received(home)).toEqual([]);
  });

  it('stops reading a chunked body at 4096 bytes with 413, without waiting for the rest', async () => {
    const started = await broker();
    const home = await thermostat(started);
    const raw = new RawRequest(started.port);
    raw.write(head(pathFor(home.id), 'Transfer-Encoding: chunked\r\n'));
    for (let index = 0; index < 5; index += 1) raw.write(`400\r\n${' '.repeat(0x400)}\r\n`);
    // The body never ends: the answer comes from the size alone.
    expect(await raw.statusOnClose()).toBe(413);
    expect(await received(home)).toEqual([]);
  });

  it('bounds a Content-Length that lies low the same way: what follows is a new request, not more body', async () => {
    const started = await broker();
    const home = await thermostat(started);
    const raw = new RawRequest(started.port);
    const body = Buffer.from(goodBody.bytes);
    raw.write(head(pathFor(home.id), `Content-Length: ${body.length}\r\n`));
    raw.write(body);
    expect(await home.next()).toEqual(relayPacket(home.id, MEMBER, goodBody.data!));
    raw.write('x'.repeat(8000));
    await raw.closed;
    expect(raw.received).toMatch(/^HTTP\/1\.1 200 [^]*HTTP\/1\.1 400 /);
    expect(await received(home)).toEqual([]);
  });

  it('answers 503 with Retry-After: 1 when the body does not arrive within the message deadline, closes, and delivers nothing', async () => {
    const started = await broker({ messageTimeoutMs: 200 });
    const home = await thermostat(started);
    const raw = new RawRequest(started.port);
    raw.write(head(pathFor(home.id), 'Content-Length: 4000\r\n'));
    raw.write('{"_type":"encrypted",');
    // OwnTracks drops a message on any 4xx: a phone on a poor link must send it again instead.
    expect(await raw.statusOnClose()).toBe(503);
    expect(raw.received).toMatch(/\r\nRetry-After: 1\r\n/i);
    expect(raw.received).toMatch(/\r\nConnection: close\r\n/i);
    expect(await received(home)).toEqual([]);
  });

  it('lets a client that aborts mid-body go, and goes on serving', async () => {
    const started = await broker();
    const home = await thermostat(started);
    const raw = new RawRequest(started.port);
    raw.write(head(pathFor(home.id), 'Content-Length: 4000\r\n'));
    raw.write('{"_type":"encrypted",');
    raw.destroy();
    await raw.closed;
    expectDelivered(await post(started, pathFor(home.id)));
    expect(await home.next()).toEqual(relayPacket(home.id, MEMBER, goodBody.data!));
    expect(await received(home)).toEqual([]);
  });
});

describe('rates', () => {
  // One token per 1000 s: a busy machine taking a second between two requests must not refill a bucket.
  const slow = { rateLimitPerSecond: 0.001, rateLimitBurst: 2 };

  const expectRateLimited = (answer: Answer): void => {
    expectRefused(answer, 503);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
  };

  it('holds a member to its rate toward a thermostat from any address: 503 with Retry-After in seconds', async () => {
    const started = await broker(slow);
    const [home, cabin] = [await thermostat(started), await thermostat(started)];
    expectDelivered(await post(started, pathFor(home.id), goodBody.bytes, { localAddress: '127.0.0.2' }));
    expectDelivered(await post(started, pathFor(home.id), goodBody.bytes, { localAddress: '127.0.0.3' }));
    const third = await post(started, pathFor(home.id), goodBody.bytes, { localAddress: '127.0.0.4' });
    expectRateLimited(third);
    expect(Number(third.headers['retry-after'])).toBe(1000);
    // Naming that thermostat among others is over the rate too, and reaches none of them.
    expectRateLimited(await post(started, pathFor(cabin.id, home.id), goodBody.bytes, { localAddress: '127.0.0.4' }));
    // Another member from that address still gets through, and so does the member toward another thermostat.
    expectDelivered(await post(started, owntracksIngressPath(OTHER_MEMBER, [home.id]), goodBody.bytes, { localAddress: '127.0.0.4' }));
    expectDelivered(await post(started, pathFor(cabin.id), goodBody.bytes, { localAddress: '127.0.0.5' }));
    expect((await received(home)).map((packet) => packet.packet_type === 'RELAY' && packet.member)).toEqual([MEMBER, MEMBER, OTHER_MEMBER]);
    expect(await received(cabin)).toEqual([relayPacket(cabin.id, MEMBER, goodBody.data!)]);
  });

  it("spends nothing of the member's rate when a stranger names the member with thermostats of its own", async () => {
    const started = await broker({ rateLimitPerSecond: 0.001, rateLimitBurst: 8 });
    const home = await thermostat(started);
    // Any client logged on over WebSockets can play a thermostat: the stranger brings 8 of them, from two addresses.
    const decoys: TestClient[] = [];
    for (let index = 0; index < 8; index += 1) decoys.push(await thermostat(started));
    const decoyPath = pathFor(...decoys.map((decoy) => decoy.id));
    expectDelivered(await post(started, decoyPath, goodBody.bytes, { localAddress: '127.0.0.2' }));
    expectDelivered(await post(started, decoyPath, goodBody.bytes, { localAddress: '127.0.0.3' }));
    expectDelivered(await post(started, pathFor(home.id), goodBody.bytes, { localAddress: '127.0.0.4' }));
    expect(await home.next()).toEqual(relayPacket(home.id, MEMBER, goodBody.data!));
  });

  it('holds an address to its rate across members', async () => {
    const started = await broker(slow);
    const home = await thermostat(started);
    const members = ['GGXACDHnP37iP8E8stD1iL', '6dJCrkykZadkdwfxaPEkQ-', 'Qn8vC3hX_eUo5sGf2AiKj7'];
    expectDelivered(await post(started, owntracksIngressPath(members[0]!, [home.id]), goodBody.bytes, { localAddress: '127.0.0.2' }));
    expectDelivered(await post(started, owntracksIngressPath(members[1]!, [home.id]), goodBody.bytes, { localAddress: '127.0.0.2' }));
    expectRateLimited(await post(started, owntracksIngressPath(members[2]!, [home.id]), goodBody.bytes, { localAddress: '127.0.0.2' }));
    expectDelivered(await post(started, owntracksIngressPath(members[2]!, [home.id]), goodBody.bytes, { localAddress: '127.0.0.3' }));
  });

  it('charges the address for every body it reads, however answered: junk and a request for no one online are held to its rate', async () => {
    const started = await broker(slow);
    const home = await thermostat(started);
    const junk = '{"_type":"encrypted","data":"not base64!"}';
    const from = (localAddress: string): PostOptions => ({ localAddress });
    expectRefused(await post(started, pathFor(home.id), junk, from('127.0.0.2')), 400);
    expectRefused(await post(started, pathFor(OFFLINE), goodBody.bytes, from('127.0.0.2')), 503);
    const over = await post(started, pathFor(home.id), junk, from('127.0.0.2'));
    expectRateLimited(over);
    expect(Number(over.headers['retry-after'])).toBe(1000);
    expectRateLimited(await post(started, pathFor(home.id), goodBody.bytes, from('127.0.0.2')));
    // Another address is answered as before, and the member's rate toward the thermostat was not touched.
    expectRefused(await post(started, pathFor(home.id), junk, from('127.0.0.3')), 400);
    expectDelivered(await post(started, pathFor(home.id), goodBody.bytes, from('127.0.0.3')));
    expect(await received(home)).toEqual([relayPacket(home.id, MEMBER, goodBody.data!)]);
  });

  it('counts a delivery per thermostat reached: a fan-out to two uses a burst of two', async () => {
    const started = await broker(slow);
    const [first, second] = [await thermostat(started), await thermostat(started)];
    expectDelivered(await post(started, pathFor(first.id, second.id)));
    expectRateLimited(await post(started, pathFor(first.id, second.id)));
  });

  it('charges nothing for a thermostat that is offline', async () => {
    const started = await broker(slow);
    const online = await thermostat(started);
    expectDelivered(await post(started, pathFor(OFFLINE, online.id)));
    expectDelivered(await post(started, pathFor(OFFLINE, online.id)));
    expectRateLimited(await post(started, pathFor(OFFLINE, online.id)));
  });

  it("counts the address a trusted proxy names in X-Forwarded-For, and ignores anyone else's", async () => {
    const started = await broker({ ...slow, trustedProxies: ['127.0.0.5'] });
    const home = await thermostat(started);
    const member = (index: number): string => owntracksIngressPath(['GGXACDHnP37iP8E8stD1iL', '6dJCrkykZadkdwfxaPEkQ-', 'Qn8vC3hX_eUo5sGf2AiKj7'][index]!, [home.id]);
    const viaProxy = (client: string): PostOptions => ({ localAddress: '127.0.0.5', headers: { 'X-Forwarded-For': `203.0.113.9, ${client}` } });
    expectDelivered(await post(started, member(0), goodBody.bytes, viaProxy('198.51.100.1')));
    expectDelivered(await post(started, member(1), goodBody.bytes, viaProxy('198.51.100.1')));
    expectRateLimited(await post(started, member(2), goodBody.bytes, viaProxy('198.51.100.1')));
    expectDelivered(await post(started, member(2), goodBody.bytes, viaProxy('198.51.100.2')));
    const spoofing = (client: string): PostOptions => ({ localAddress: '127.0.0.6', headers: { 'X-Forwarded-For': client } });
    expectDelivered(await post(started, member(0), goodBody.bytes, spoofing('198.51.100.3')));
    expectDelivered(await post(started, member(1), goodBody.bytes, spoofing('198.51.100.4')));
    expectRateLimited(await post(started, member(2), goodBody.bytes, spoofing('198.51.100.5')));
  });

  it("draws on the thermostat's budget for strangers, even when the member is its partner", async () => {
    const started = await broker({ inboundPerSecond: 0.001, inboundBurst: 2 });
    const home = await thermostat(started);
    const app = await thermostat(started);
    // The thermostat addresses the member's app: the app is its partner over WebSockets.
    home.send(message(home.id, app.id, 'hello'));
    await app.next();
    const path = owntracksIngressPath(app.id, [home.id]);
    expectDelivered(await post(started, path));
    expectDelivered(await post(started, path));
    const refused = await post(started, path);
    expectRefused(refused, 503);
    // One frame per 1000 s: the thermostat takes the next in 1000 s.
    expect(refused.headers['retry-after']).toBe('1000');
    expect(await received(home)).toHaveLength(2);
    // The partner's own START still passes freely: the ingress spent the strangers' budget only.
    app.send(start(app.id, home.id, 'v1.session'));
    expect(await home.next()).toMatchObject({ packet_type: 'START', transmitter: app.id });
    expect(started.stats().droppedOverInboundBudget).toBe(1);
  });

  it("answers 503 with Retry-After when an online thermostat named refused it, the others named having got it", async () => {
    const started = await broker({ inboundPerSecond: 0.5, inboundBurst: 1 });
    const [busy, free] = [await thermostat(started), await thermostat(started)];
    expectDelivered(await post(started, pathFor(busy.id)));
    const refused = await post(started, pathFor(busy.id, free.id, OFFLINE));
    expectRefused(refused, 503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(await received(busy)).toHaveLength(1);
    expect(await received(free)).toEqual([relayPacket(free.id, MEMBER, goodBody.data!)]);
  });
});

describe('requests in progress', () => {
  const PROXY = '127.0.0.5';
  const CLIENT = '198.51.100.1';

  /** A request through the trusted proxy whose body is still to come, once the broker has taken it in (its 100 Continue). */
  async function bodyAwaited(started: RunningBroker, path: string, client: string, framing = `Content-Length: ${goodBody.bytes.length}`): Promise<RawRequest> {
    const raw = new RawRequest(started.port, PROXY);
    raw.write(head(path, `X-Forwarded-For: ${client}\r\nExpect: 100-continue\r\n${framing}\r\n`));
    await raw.until(CONTINUE);
    return raw;
  }

  function refusedUnread(started: RunningBroker, path: string, client: string): RawRequest {
    const raw = new RawRequest(started.port, PROXY);
    raw.write(head(path, `X-Forwarded-For: ${client}\r\nExpect: 100-continue\r\nContent-Length: ${goodBody.bytes.length}\r\n`));
    return raw;
  }

  it('holds at most 8 of one client address, also through a trusted proxy, and counts every end of one out', async () => {
    const started = await broker({ trustedProxies: [PROXY] });
    const home = await thermostat(started);
    const held: RawRequest[] = [];
    held.push(await bodyAwaited(started, pathFor(home.id), CLIENT, 'Transfer-Encoding: chunked'));
    for (let index = 1; index < 8; index += 1) held.push(await bodyAwaited(started, pathFor(home.id), CLIENT));

    const ninth = refusedUnread(started, pathFor(home.id), CLIENT);
    expect(await ninth.statusOnClose()).toBe(503);
    // Every request in progress ends by the message deadline (10 s).
    expect(ninth.received).toMatch(/\r\nRetry-After: 10\r\n/i);
    expect(ninth.received).not.toMatch(/100 Continue/);
    // Another client behind the same proxy is not held up.
    const other = await bodyAwaited(started, pathFor(home.id), '198.51.100.2');
    other.write(goodBody.bytes);
    await other.until(/ 200 OK/);

    held[1]!.write(goodBody.bytes);
    await held[1]!.until(/ 200 OK/);
    held[2]!.destroy();
    held[0]!.write('zz\r\n'); // not a chunk size: a parse error ends it
    await vi.waitFor(() => expect(started.stats().ingressRequestsInProgress).toBe(5));
    for (let index = 0; index < 3; index += 1) held.push(await bodyAwaited(started, pathFor(home.id), CLIENT));
    expect(await refusedUnread(started, pathFor(home.id), CLIENT).statusOnClose()).toBe(503);

    for (const raw of [...held, other]) raw.destroy();
    await vi.waitFor(() => expect(started.stats().ingressRequestsInProgress).toBe(0));
  });

  it('counts out a request whose body timed out', async () => {
    const started = await broker({ trustedProxies: [PROXY], messageTimeoutMs: 200 });
    const home = await thermostat(started);
    const held: RawRequest[] = [];
    for (let index = 0; index < 8; index += 1) held.push(await bodyAwaited(started, pathFor(home.id), CLIENT));
    for (const raw of held) expect(await raw.statusOnClose()).toBe(503);
    const next = await bodyAwaited(started, pathFor(home.id), CLIENT);
    next.write(goodBody.bytes);
    await next.until(/ 200 OK/);
    expect(await home.next()).toEqual(relayPacket(home.id, MEMBER, goodBody.data!));
  });
});

describe('Expect: 100-continue', () => {
  const expecting = (started: RunningBroker, request: string): RawRequest => {
    const raw = new RawRequest(started.port);
    raw.write(request);
    return raw;
  };

  it('refuses what the head tells before sending 100 Continue, so that no refused body is sent', async () => {
    const started = await broker({ rateLimitPerSecond: 0.001, rateLimitBurst: 2 });
    const home = await thermostat(started);
    const cases: Array<{ request: string; status: number }> = [
      { request: head(pathFor(home.id), 'Expect: 100-continue\r\nContent-Length: 5000\r\n'), status: 413 },
      { request: head('/presence/owntracks/nobody', 'Expect: 100-continue\r\nContent-Length: 300\r\n'), status: 404 },
      { request: `PUT ${pathFor(home.id)} HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 300\r\n\r\n`, status: 405 },
    ];
    expectDelivered(await post(started, pathFor(home.id)));
    expectDelivered(await post(started, pathFor(home.id)));
    // The member is over its rate toward that thermostat now.
    cases.push({ request: head(pathFor(home.id), 'Expect: 100-continue\r\nContent-Length: 300\r\n'), status: 503 });
    for (const { request, status } of cases) {
      const raw = expecting(started, request);
      expect(await raw.statusOnClose(), request).toBe(status);
      expect(raw.received, request).not.toMatch(/100 Continue/);
    }
    expect(await received(home)).toHaveLength(2);
  });

  it('sends 100 Continue to a request it takes, then delivers its body; the rest of the broker answers as before', async () => {
    const started = await broker();
    const home = await thermostat(started);
    const raw = expecting(started, head(pathFor(home.id), `Expect: 100-continue\r\nConnection: close\r\nContent-Length: ${goodBody.bytes.length}\r\n`));
    await raw.until(CONTINUE);
    raw.write(goodBody.bytes);
    expect(await raw.statusOnClose()).toBe(200);
    expect(await home.next()).toEqual(relayPacket(home.id, MEMBER, goodBody.data!));
    const health = expecting(started, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    expect(await health.statusOnClose()).toBe(200);
  });
});

describe('the WebSocket side', () => {
  it('answers a client that sends RELAY with bad_packet and keeps it', async () => {
    const started = await broker();
    const client = await thermostat(started);
    const peer = await thermostat(started);
    client.send(relayPacket(peer.id, MEMBER, goodBody.data!));
    expectError(await client.next(), 'bad_packet', { ref: 'RELAY' });
    expect(await received(peer)).toEqual([]);
    await expectRoutes(client, peer);
  });
});

describe('the log', () => {
  it('names the outcome, the member and the thermostats, never the body', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const started = await broker({ logLevel: 'debug' });
    const home = await thermostat(started);
    expectDelivered(await post(started, pathFor(home.id)));
    const plaintext = '{"_type":"location","lat":52.0908,"lon":5.1215,"tst":1767344459,"tid":"zz"}';
    expectRefused(await post(started, pathFor(home.id), plaintext), 400);
    expectRefused(await post(started, pathFor(OFFLINE)), 503);
    await home.next();
    const ingress = lines.filter((line) => line.includes('owntracks_ingress')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(ingress).toEqual([
      expect.objectContaining({ outcome: 'delivered', member: MEMBER, thermostats: home.id }),
      expect.objectContaining({ outcome: 'bad_body', detail: 'not_encrypted', member: MEMBER, thermostats: home.id }),
      expect.objectContaining({ outcome: 'thermostats_offline', member: MEMBER, thermostats: OFFLINE }),
    ]);
    const everything = lines.join('');
    for (const secret of [goodBody.data!, goodBody.data!.slice(0, 24), '0571e18d', '52.0908', 'location']) expect(everything).not.toContain(secret);
  });
});
