/**
 * Layer 6 over real sockets: logon, takeover, routing and every ERROR a client can provoke, on one broker and on
 * nodes sharing Redis with consecutive clients on different nodes (topologies.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogonKeys, message } from '../../protocol/index.ts';
import { TestClient } from './client.ts';
import { expectError, expectRoutes } from './helpers.ts';
import { TOPOLOGIES, type Topology } from './topologies.ts';

describe.each(TOPOLOGIES)('%s', (name, startTopology) => {
  /** Clauses that hold within one connection's node, and cost seconds of waiting, run on one broker only. */
  const oneBroker = name === 'one broker';
  let topology: Topology;
  let alice: TestClient;
  let bob: TestClient;
  /** The next client's node. */
  const at = (): string => topology.next();

  beforeAll(async () => {
    topology = await startTopology({
      // Long enough for a signed logon on a loaded machine, short enough to wait out in the 4001 test.
      logonTimeoutMs: 1000,
      pingIntervalMs: 50,
      rateLimitPerSecond: 10_000,
      rateLimitBurst: 10_000,
      maxSubscriptions: 4,
    });
    alice = await TestClient.logOn(at());
    bob = await TestClient.logOn(at());
  });

  afterAll(async () => {
    await topology.close();
  });

  describe('LOG_ON', () => {
    it('answers ACK_LOG_ON naming the ID and counts the logon in /healthz', async () => {
      const client = await TestClient.open(at());
      client.send(await client.signedLogOn());
      expect(await client.next()).toEqual({ packet_type: 'ACK_LOG_ON', receiver: client.id });
      const health = (await (await fetch(`${topology.nodes[0]!.url}/healthz`)).json()) as unknown;
      expect(health).toMatchObject({ status: 'ok' });
      expect(topology.nodes.reduce((sum, node) => sum + node.stats().loggedOn, 0)).toBeGreaterThanOrEqual(3);
      await client.close();
    });

    it('a failed logon under a bound ID leaves the binding alone', async () => {
      const intruder = await TestClient.open(at());
      intruder.send({ ...(await intruder.signedLogOn()), transmitter: bob.id });
      expectError(await intruder.next(), 'bad_proof');
      await intruder.closed;
      await expectRoutes(alice, bob);
    });

    it('a malformed LOG_ON is bad_packet, keeps the connection and does not log on', async () => {
      const client = await TestClient.open(at());
      client.send({ packet_type: 'LOG_ON', transmitter: client.id });
      expectError(await client.next(), 'bad_packet', { ref: 'LOG_ON' });
      client.send(message(client.id, alice.id, 1));
      expectError(await client.next(), 'not_logged_on', { ref: 'MSG' });
      await client.logOnAs();
      await expectRoutes(client, alice);
      await client.close();
    });

    it('a malformed LOG_ON for a bound ID leaves the binding alone', async () => {
      const client = await TestClient.open(at());
      client.send({ packet_type: 'LOG_ON', transmitter: bob.id, public_key: 42, signature: 'x' });
      expectError(await client.next(), 'bad_packet', { ref: 'LOG_ON' });
      await expectRoutes(alice, bob);
      await client.close();
    });

    it('a second LOG_ON on a logged-on connection is bad_packet and changes nothing', async () => {
      alice.send(await alice.signedLogOn());
      expectError(await alice.next(), 'bad_packet', { ref: 'LOG_ON' });
      await expectRoutes(alice, bob);
      await expectRoutes(bob, alice);
    });

    it.runIf(oneBroker)('closes 4001 when no LOG_ON arrives in time', async () => {
      const client = await TestClient.open(at());
      expect((await client.closed).code).toBe(4001);
    });

    it.runIf(oneBroker)('does not close a logged-on connection at the logon timeout', async () => {
      const client = await TestClient.logOn(at());
      // 30 pings at 50 ms is well past the 1000 ms logon timeout.
      await client.pinged(30);
      await expectRoutes(client, alice);
      await client.close();
    });

    it('a newer logon of the same ID replaces the older connection with 4002', async () => {
      const older = await TestClient.logOn(at());
      const newer = await TestClient.open(at());
      await newer.logOnAs(older.keys);
      expect((await older.closed).code).toBe(4002);
      // The older connection is gone; its close must not have unbound the newer one.
      alice.send(message(alice.id, older.id, 'to the newer'));
      expect(await newer.next()).toMatchObject({ packet_type: 'MSG', data: 'to the newer' });
      await newer.close();
    });

    it('the replaced connection stops receiving broadcasts and multicasts', async () => {
      const older = await TestClient.logOn(at(), ['replaced-theme']);
      const newer = await TestClient.open(at());
      await newer.logOnAs(older.keys, ['replaced-theme']);
      await older.closed;
      alice.send(message(alice.id, 'MULTICAST', 'once', 'replaced-theme'));
      expect(await newer.next()).toMatchObject({ data: 'once' });
      expect(await newer.barrier()).toEqual([]);
      await newer.close();
    });

    it('subscribes to the themes listed in LOG_ON', async () => {
      const listener = await TestClient.logOn(at(), ['logon-theme']);
      alice.send(message(alice.id, 'MULTICAST', 'hello', 'logon-theme'));
      expect(await listener.next()).toMatchObject({ packet_type: 'MSG', receiver: 'MULTICAST', theme: 'logon-theme', data: 'hello' });
      await listener.close();
    });

    it('refuses more themes in LOG_ON than a connection may hold, as bad_packet without logging on', async () => {
      const client = await TestClient.open(at());
      client.send(await client.signedLogOn(client.keys, ['a', 'b', 'c', 'd', 'e']));
      expectError(await client.next(), 'bad_packet', { ref: 'LOG_ON' });
      client.send({ packet_type: 'SUBSCRIBE', theme: 'a' });
      expectError(await client.next(), 'not_logged_on');
      await client.close();
    });
  });

  describe('routing', () => {
    it('forwards a unicast MSG byte for byte, unknown fields and spacing included', async () => {
      const frame = `{ "packet_type":"MSG","receiver":"${bob.id}", "transmitter":"${alice.id}","extra":[1,2],"data":{"z":1,"a":[true,null]} }`;
      alice.send(frame);
      await bob.next();
      expect(bob.rawFrames.at(-1)).toBe(frame);
    });

    it('forwards START like a unicast MSG', async () => {
      const frame = JSON.stringify({ packet_type: 'START', transmitter: alice.id, receiver: bob.id, data: 'v1.iv.ct' });
      alice.send(frame);
      expect(await bob.next()).toMatchObject({ packet_type: 'START', data: 'v1.iv.ct' });
      expect(bob.rawFrames.at(-1)).toBe(frame);
    });

    it('BROADCAST reaches every other logged-on client but not the sender nor clients not logged on', async () => {
      const carol = await TestClient.logOn(at());
      const stranger = await TestClient.open(at());
      alice.send(message(alice.id, 'BROADCAST', 'to all'));
      for (const client of [bob, carol]) expect(await client.next()).toMatchObject({ receiver: 'BROADCAST', data: 'to all' });
      expect(await alice.barrier()).toEqual([]);
      expect(stranger.pending).toBe(0);
      await Promise.all([carol.close(), stranger.close()]);
    });

    it('MULTICAST reaches subscribers only, not the sender; UNSUBSCRIBE stops it', async () => {
      const fan = await TestClient.logOn(at());
      fan.send({ packet_type: 'SUBSCRIBE', theme: 'house.1/floor-2_a' });
      alice.send({ packet_type: 'SUBSCRIBE', theme: 'house.1/floor-2_a' });
      await fan.barrier();
      await alice.barrier();
      alice.send(message(alice.id, 'MULTICAST', 'heat', 'house.1/floor-2_a'));
      alice.send(message(alice.id, bob.id, 'marker'));
      expect(await fan.next()).toMatchObject({ theme: 'house.1/floor-2_a', data: 'heat' });
      // bob is not subscribed: the first thing he gets is the marker sent after the multicast.
      expect(await bob.next()).toMatchObject({ data: 'marker' });
      expect(await alice.barrier()).toEqual([]);

      fan.send({ packet_type: 'UNSUBSCRIBE', theme: 'house.1/floor-2_a' });
      await fan.barrier();
      alice.send(message(alice.id, 'MULTICAST', 'again', 'house.1/floor-2_a'));
      alice.send(message(alice.id, fan.id, 'marker'));
      expect(await fan.next()).toMatchObject({ data: 'marker' });
      alice.send({ packet_type: 'UNSUBSCRIBE', theme: 'house.1/floor-2_a' });
      await fan.close();
    });

    it.each(['__proto__', 'constructor', 'hasOwnProperty', 'toString'])('theme %j is just a theme', async (theme) => {
      const fan = await TestClient.logOn(at(), [theme]);
      alice.send(message(alice.id, 'MULTICAST', 'x', theme));
      alice.send(message(alice.id, 'MULTICAST', 'y', 'nobody-listens'));
      alice.send(message(alice.id, fan.id, 'marker'));
      expect(await fan.next()).toMatchObject({ theme, data: 'x' });
      expect(await fan.next()).toMatchObject({ data: 'marker' });
      await fan.close();
    });

    it('SUBSCRIBE beyond the per-connection cap is bad_packet; a repeated SUBSCRIBE is not', async () => {
      const fan = await TestClient.logOn(at(), ['t1', 't2']);
      for (const theme of ['t2', 't3', 't4']) fan.send({ packet_type: 'SUBSCRIBE', theme });
      expect(await fan.barrier()).toEqual([]);
      fan.send({ packet_type: 'SUBSCRIBE', theme: 't5' });
      expectError(await fan.next(), 'bad_packet', { ref: 'SUBSCRIBE' });
      await expectRoutes(fan, alice);
      await fan.close();
    });

    it('drops a MSG whose transmitter is not the connection’s ID with spoofed_transmitter', async () => {
      alice.send(message(bob.id, bob.id, 'forged'));
      expectError(await alice.next(), 'spoofed_transmitter', { ref: 'MSG' });
      alice.send({ packet_type: 'START', transmitter: bob.id, receiver: bob.id, data: 'forged' });
      expectError(await alice.next(), 'spoofed_transmitter', { ref: 'START' });
      await expectRoutes(alice, bob);
    });

    it('answers receiver_offline with receiver and ref, and queues nothing', async () => {
      const absent = await makeLogonKeys();
      alice.send(message(alice.id, absent.id, 'lost'));
      expectError(await alice.next(), 'receiver_offline', { ref: 'MSG', receiver: absent.id });
      alice.send({ packet_type: 'START', transmitter: alice.id, receiver: absent.id, data: 'lost' });
      expectError(await alice.next(), 'receiver_offline', { ref: 'START', receiver: absent.id });
      const late = await TestClient.open(at());
      await late.logOnAs(absent);
      expect(await late.barrier()).toEqual([]);
      await late.close();
      await expectRoutes(alice, bob);
    });
  });

  describe('bad input', () => {
    const badJson: Array<[string, string | Buffer]> = [
      ['garbage', 'garbage{'],
      ['an array', '[1,2]'],
      ['a number', '42'],
      ['null', 'null'],
      ['a binary frame', Buffer.from('{"packet_type":"MSG"}')],
      ['an empty binary frame', Buffer.alloc(0)],
    ];
    it.each(badJson)('answers %s with bad_json before and after logon, and keeps routing', async (_why, frame) => {
      const fresh = await TestClient.open(at());
      fresh.send(frame);
      expectError(await fresh.next(), 'bad_json');
      await fresh.logOnAs();
      fresh.send(frame);
      expectError(await fresh.next(), 'bad_json');
      await expectRoutes(fresh, bob);
      await fresh.close();
    });

    const badPackets: Array<[string, (me: string, peer: string) => object]> = [
      ['an unknown packet_type', () => ({ packet_type: 'HELLO' })],
      ['no packet_type', (me, peer) => ({ transmitter: me, receiver: peer, data: 1 })],
      ['a mistyped packet_type', () => ({ packet_type: 7 })],
      ['a MSG without data', (me, peer) => ({ packet_type: 'MSG', transmitter: me, receiver: peer })],
      ['a MSG without receiver', (me) => ({ packet_type: 'MSG', transmitter: me, data: 1 })],
      ['a MSG with a numeric receiver', (me) => ({ packet_type: 'MSG', transmitter: me, receiver: 5, data: 1 })],
      ['a MULTICAST without theme', (me) => ({ packet_type: 'MSG', transmitter: me, receiver: 'MULTICAST', data: 1 })],
      ['a MULTICAST with a bad theme', (me) => ({ packet_type: 'MSG', transmitter: me, receiver: 'MULTICAST', theme: 'a b', data: 1 })],
      ['a START to BROADCAST', (me) => ({ packet_type: 'START', transmitter: me, receiver: 'BROADCAST', data: 1 })],
      ['a __proto__ receiver', (me) => ({ packet_type: 'MSG', transmitter: me, receiver: '__proto__', data: 1 })],
      ['a constructor receiver', (me) => ({ packet_type: 'MSG', transmitter: me, receiver: 'constructor', data: 1 })],
      ['a 23-character receiver', (me) => ({ packet_type: 'MSG', transmitter: me, receiver: `${me}x`, data: 1 })],
      ['a SUBSCRIBE with an empty theme', () => ({ packet_type: 'SUBSCRIBE', theme: '' })],
      ['a SUBSCRIBE with a 65-character theme', () => ({ packet_type: 'SUBSCRIBE', theme: 'a'.repeat(65) })],
      ['an UNSUBSCRIBE without theme', () => ({ packet_type: 'UNSUBSCRIBE' })],
      ['an ACK_LOG_ON from a client', (me) => ({ packet_type: 'ACK_LOG_ON', receiver: me })],
      ['an ERROR from a client', () => ({ packet_type: 'ERROR', code: 'bad_json', message: 'x' })],
      ['a CHALLENGE from a client', () => ({ packet_type: 'CHALLENGE', nonce: 'A'.repeat(43) })],
    ];
    it.each(badPackets)('answers %s with bad_packet and keeps routing', async (_why, make) => {
      alice.send(make(alice.id, bob.id));
      expectError(await alice.next(), 'bad_packet');
      await expectRoutes(alice, bob);
    });

    it('ignores a __proto__ key in the frame: no packet_type is still bad_packet', async () => {
      alice.send(`{"__proto__":{"packet_type":"MSG"},"transmitter":"${alice.id}","receiver":"${bob.id}","data":1}`);
      expectError(await alice.next(), 'bad_packet');
      await expectRoutes(alice, bob);
    });

    it('a LOG_ON for a __proto__ ID is bad_packet', async () => {
      const client = await TestClient.open(at());
      client.send({ ...(await client.signedLogOn()), transmitter: '__proto__' });
      expectError(await client.next(), 'bad_packet', { ref: 'LOG_ON' });
      await client.logOnAs();
      await expectRoutes(client, bob);
      await client.close();
    });

    it.each([
      ['MSG', (peer: string) => message(peer, peer, 1)],
      ['SUBSCRIBE', () => ({ packet_type: 'SUBSCRIBE', theme: 'x' })],
      ['UNSUBSCRIBE', () => ({ packet_type: 'UNSUBSCRIBE', theme: 'x' })],
      ['START', (peer: string) => ({ packet_type: 'START', transmitter: peer, receiver: peer, data: 1 })],
      ['ACK_LOG_ON', (peer: string) => ({ packet_type: 'ACK_LOG_ON', receiver: peer })],
      ['CHALLENGE', () => ({ packet_type: 'CHALLENGE', nonce: 'A'.repeat(43) })],
    ])('refuses %s before logon with not_logged_on and forwards nothing', async (type, make) => {
      const client = await TestClient.open(at());
      client.send(make(bob.id));
      expectError(await client.next(), 'not_logged_on', { ref: type });
      await expectRoutes(alice, bob);
      await client.close();
    });
  });
});
