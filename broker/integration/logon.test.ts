/**
 * Logon v2 over real sockets (docs/protocol.md, "Logging on"): what a broker, proxy or log sees of a logon
 * cannot be used to log on again, and a relay cannot pass on a logon live: the broker answers only to its own
 * names, and the signature covers the name the client reached.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  fromBase64url,
  idFromPublicKey,
  makeLogonKeys,
  parseJsonObject,
  parsePacket,
  signedLogOn,
  toBase64url,
  type LogOnPacket,
} from '../../protocol/index.ts';
import type { RunningBroker } from '../server.ts';
import { TestClient } from './client.ts';
import { expectError, expectRoutes, startTestBroker } from './helpers.ts';

let broker: RunningBroker;
let alice: TestClient;

beforeAll(async () => {
  broker = await startTestBroker({ logonLimitPerMinute: 1000 });
  alice = await TestClient.logOn(broker.wsUrl);
});

afterAll(async () => {
  await broker.close();
});

async function expectRefused(client: TestClient, packet: object): Promise<void> {
  client.send(packet);
  expectError(await client.next(), 'bad_proof', { ref: 'LOG_ON' });
  expect((await client.closed).code).toBe(4003);
}

const bytes = (text: string): Uint8Array => fromBase64url(text) ?? new Uint8Array();

describe('CHALLENGE', () => {
  it('is the first frame on every connection, with a fresh 32-byte base64url nonce', async () => {
    const [first, second] = await Promise.all([TestClient.open(broker.wsUrl), TestClient.open(broker.wsUrl)]);
    for (const client of [first, second]) {
      expect(parseJsonObject(client.rawFrames[0]!)).toEqual({ packet_type: 'CHALLENGE', nonce: client.nonce });
      expect(bytes(client.nonce!)).toHaveLength(32);
    }
    expect(first.nonce).not.toBe(second.nonce);
    await Promise.all([first.close(), second.close()]);
  });
});

describe('LOG_ON v2', () => {
  it('logs on with a key pair whose signature covers this connection’s nonce and host', async () => {
    const client = await TestClient.open(broker.wsUrl);
    const packet = await client.signedLogOn();
    expect(client.host).toBe(`127.0.0.1:${broker.port}`);
    client.send(packet);
    expect(await client.next()).toEqual({ packet_type: 'ACK_LOG_ON', receiver: client.id });
    await expectRoutes(client, alice);
    await client.close();
  });

  it('a captured LOG_ON replayed on a new connection is bad_proof/4003, and the device keeps its logon', async () => {
    const device = await TestClient.open(broker.wsUrl);
    const captured = await device.signedLogOn();
    device.send(captured);
    await device.next();
    const attacker = await TestClient.open(broker.wsUrl);
    await expectRefused(attacker, captured);
    await expectRoutes(alice, device);
    await expectRoutes(device, alice);

    // Replaying once the device is gone does not work either: the proof was only ever good for that nonce.
    await device.close();
    const later = await TestClient.open(broker.wsUrl);
    await expectRefused(later, captured);
  });

  it('refuses a LOG_ON signed for another host than the one the client reached', async () => {
    const client = await TestClient.open(broker.wsUrl);
    await expectRefused(client, await signedLogOn(client.keys, client.nonce!, 'hearth.example'));
  });

  it('compares hosts as the client reached the broker: a LOG_ON signed for 127.0.0.1 fails over localhost', async () => {
    const viaLocalhost = await TestClient.open(`ws://localhost:${broker.port}/ws`);
    expect(viaLocalhost.host).toBe(`localhost:${broker.port}`);
    await expectRefused(viaLocalhost, await signedLogOn(viaLocalhost.keys, viaLocalhost.nonce!, `127.0.0.1:${broker.port}`));
    const signedRight = await TestClient.open(`ws://LOCALHOST:${broker.port}/ws`);
    await signedRight.logOnAs();
    await signedRight.close();
  });

  it('refuses a LOG_ON signed for another connection’s nonce', async () => {
    const [client, other] = await Promise.all([TestClient.open(broker.wsUrl), TestClient.open(broker.wsUrl)]);
    await expectRefused(client, await signedLogOn(client.keys, other.nonce!, client.host));
    await other.logOnAs();
    await other.close();
  });

  it('refuses a LOG_ON whose transmitter is not the ID of its public key', async () => {
    const client = await TestClient.open(broker.wsUrl);
    await expectRefused(client, { ...(await client.signedLogOn()), transmitter: alice.id });
  });

  it('refuses a LOG_ON signed by another key than the one it presents', async () => {
    const client = await TestClient.open(broker.wsUrl);
    const other = await makeLogonKeys();
    const signature = (await client.signedLogOn(other)).signature;
    await expectRefused(client, { ...(await client.signedLogOn()), signature });
  });

  const withKey = (packet: LogOnPacket, key: Uint8Array): LogOnPacket => ({
    ...packet,
    public_key: toBase64url(key),
    transmitter: idFromPublicKey(key),
  });
  const malformed: Array<[string, (packet: LogOnPacket) => LogOnPacket]> = [
    ['a signature that is not base64url', (p) => ({ ...p, signature: `${p.signature.slice(1)}!` })],
    ['a padded signature', (p) => ({ ...p, signature: `${p.signature}==` })],
    ['a 63-byte signature', (p) => ({ ...p, signature: toBase64url(bytes(p.signature).slice(0, 63)) })],
    ['an empty signature', (p) => ({ ...p, signature: '' })],
    ['a public key that is not base64url', (p) => ({ ...p, public_key: `${p.public_key.slice(1)}*` })],
    ['a 64-byte public key (its ID)', (p) => withKey(p, bytes(p.public_key).slice(0, 64))],
    ['a compressed public key (its ID)', (p) => withKey(p, Uint8Array.of(2, ...bytes(p.public_key).slice(1, 33)))],
    ['an off-curve public key (its ID)', (p) => withKey(p, Uint8Array.from(bytes(p.public_key), (b, i) => (i === 64 ? b ^ 1 : b)))],
    ['a 200-character public key', (p) => ({ ...p, public_key: 'A'.repeat(200) })],
  ];
  it.each(malformed)('%s is bad_proof/4003', async (_why, mutate) => {
    const client = await TestClient.open(broker.wsUrl);
    await expectRefused(client, mutate(await client.signedLogOn()));
  });

  const unreadable: Array<[string, (packet: LogOnPacket) => object]> = [
    ['no signature', ({ signature: _signature, ...rest }) => rest],
    ['a number as public_key', (p) => ({ ...p, public_key: 65 })],
    ['a list as signature', (p) => ({ ...p, signature: [p.signature] })],
    ['a 201-character public key', (p) => ({ ...p, public_key: 'A'.repeat(201) })],
    ['a 201-character signature', (p) => ({ ...p, signature: 'A'.repeat(201) })],
    ['the v1 proof field instead', ({ packet_type, transmitter }) => ({ packet_type, transmitter, proof: 'A'.repeat(43) })],
  ];
  it.each(unreadable)('%s is bad_packet: the connection stays and can still log on', async (_why, mutate) => {
    const client = await TestClient.open(broker.wsUrl);
    client.send(mutate(await client.signedLogOn()));
    expectError(await client.next(), 'bad_packet', { ref: 'LOG_ON' });
    await client.logOnAs();
    await expectRoutes(client, alice);
    await client.close();
  });

  it('no failed logon under a bound ID disturbs its connection', async () => {
    const device = await TestClient.open(broker.wsUrl);
    const captured = await device.signedLogOn(device.keys, ['device-theme']);
    device.send(captured);
    await device.next();
    const attempts: object[] = [
      captured,
      { ...captured, signature: toBase64url(new Uint8Array(64)) },
      { ...captured, signature: toBase64url(bytes(captured.signature).slice(0, 63)) },
      { ...captured, public_key: alice.keys.publicKey },
    ];
    for (const attempt of attempts) await expectRefused(await TestClient.open(broker.wsUrl), attempt);
    const malformed = await TestClient.open(broker.wsUrl);
    malformed.send({ ...captured, signature: 7 });
    expectError(await malformed.next(), 'bad_packet');
    await malformed.close();

    await expectRoutes(alice, device);
    alice.send({ packet_type: 'MSG', transmitter: alice.id, receiver: 'MULTICAST', theme: 'device-theme', data: 'still here' });
    expect(await device.next()).toMatchObject({ data: 'still here' });
    expect(broker.stats().loggedOn).toBeGreaterThanOrEqual(2);
    await device.close();
  });
});

/** The HTTP status of an upgrade with this Host header, or 101 once the CHALLENGE came. */
function upgradeWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { Host: host } });
    socket.once('message', (data) => {
      const first = parsePacket(String(data));
      socket.close();
      if (first.ok && first.value.packet_type === 'CHALLENGE') resolve(101);
      else reject(new Error(`the first frame was not a CHALLENGE: ${String(data)}`));
    });
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

describe('the Host an upgrade names', () => {
  it('refuses a relay, which connects with its own name as Host, with 421 before any CHALLENGE', async () => {
    // As /tmp/rev/relay.mts did: the victim signs for evil.example, the relay hands that on with Host: evil.example.
    expect(await upgradeWithHost(broker.wsUrl, 'evil.example')).toBe(421);
    expect(await upgradeWithHost(broker.wsUrl, `evil.example:${broker.port}`)).toBe(421);
    await expectRoutes(alice, alice);
  });

  it.each([
    ['localhost with the port', (port: number) => `localhost:${port}`],
    ['127.0.0.1 with the port', (port: number) => `127.0.0.1:${port}`],
    ['[::1] with the port, however written', (port: number) => `[0:0:0:0:0:0:0:1]:${port}`],
    ['the machine’s name with the port', (port: number) => `${hostname()}:${port}`],
    ['its .local name, in capitals', (port: number) => `${hostname().split('.')[0]!.toUpperCase()}.LOCAL:${port}`],
  ])('answers by default to %s', async (_what, host) => {
    expect(await upgradeWithHost(broker.wsUrl, host(broker.port))).toBe(101);
  });

  it.each([
    ['a loopback name without the port', () => '127.0.0.1'],
    ['another port', (port: number) => `localhost:${port + 1}`],
    ['a name that only begins like ours', (port: number) => `localhost.evil.example:${port}`],
    ['our name with more after it', (port: number) => `localhost:${port}@evil.example`],
  ])('refuses %s', async (_what, host) => {
    expect(await upgradeWithHost(broker.wsUrl, host(broker.port))).toBe(421);
  });

  it('answers to exactly the --public-hosts when given, and logs on for a client that reached it by one', async () => {
    const named = await startTestBroker({ publicHosts: ['Hearth.Example', 'hearth.example:8443'] });
    try {
      expect(await upgradeWithHost(named.wsUrl, `127.0.0.1:${named.port}`)).toBe(421);
      expect(await upgradeWithHost(named.wsUrl, 'hearth.example:443')).toBe(101);
      expect(await upgradeWithHost(named.wsUrl, 'HEARTH.example:8443')).toBe(101);
      const client = await TestClient.open(named.wsUrl, { headers: { Host: 'hearth.example' } });
      client.send(await signedLogOn(client.keys, client.nonce!, 'hearth.example'));
      expect(await client.next()).toEqual({ packet_type: 'ACK_LOG_ON', receiver: client.id });
      await client.close();
    } finally {
      await named.close();
    }
  });

  it('answers by default to the hosts of --allowed-origins', async () => {
    const withOrigin = await startTestBroker({ allowedOrigins: ['https://app.example.org'] });
    try {
      expect(await upgradeWithHost(withOrigin.wsUrl, 'app.example.org')).toBe(101);
      expect(await upgradeWithHost(withOrigin.wsUrl, 'other.example.org')).toBe(421);
    } finally {
      await withOrigin.close();
    }
  });
});
