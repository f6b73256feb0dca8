/**
 * Several broker nodes on one real redis-server (issue 14): what layer 6 says across nodes beyond the clauses that
 * integration/routing.test.ts runs on both topologies: racing logons, the logon rate per ID, fan-out exactly once,
 * a receiver's budget, the OwnTracks ingress, and the faults (Redis gone and back, a node killed or drained).
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogonKeys, message, owntracksIngressPath, relayPacket, type ClientId, type Packet } from '../../protocol/index.ts';
import { relayVectors } from '../../protocol/vectors/index.ts';
import { TestClient } from '../integration/client.ts';
import { expectError, expectRoutes } from '../integration/helpers.ts';
import type { RunningBroker } from '../server.ts';
import { spawnNode, startTestNodes, TestRedis, type SpawnedNode } from './test-cluster.ts';

const LOGONS_PER_MINUTE = 4;

const isAck = (packet: Packet): boolean => packet.packet_type === 'ACK_LOG_ON';

/** Waits for the next packet of each client and checks it is `data`, then `marker`: nothing in between, nothing twice. */
async function expectOnceThenMarker(clients: readonly TestClient[], data: string, marker: string): Promise<void> {
  for (const client of clients) {
    expect(await client.next()).toMatchObject({ packet_type: 'MSG', data });
    expect(await client.next()).toMatchObject({ packet_type: 'MSG', data: marker });
  }
}

describe('three nodes on one Redis', () => {
  let redis: TestRedis;
  let nodes: RunningBroker[];
  const ws = (index: number): string => nodes[index % nodes.length]!.wsUrl;

  beforeAll(async () => {
    redis = await TestRedis.start();
    nodes = await startTestNodes(redis, 3, { logonLimitPerMinute: LOGONS_PER_MINUTE, pingIntervalMs: 60_000 });
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await redis.stop();
  });

  it.each([1, 2, 3, 4, 5])('of two logons of one ID racing on two nodes, exactly one holds, everywhere (run %i)', async () => {
    const sender = await TestClient.logOn(ws(2));
    const [first, second] = await Promise.all([TestClient.open(ws(0)), TestClient.open(ws(1))]);
    const keys = first.keys;
    const [firstLogOn, secondLogOn] = await Promise.all([first.signedLogOn(keys), second.signedLogOn(keys)]);
    first.send(firstLogOn);
    second.send(secondLogOn);
    expect(isAck(await first.next()) && isAck(await second.next())).toBe(true);
    const loser = await Promise.race([first.closed.then(() => first), second.closed.then(() => second)]);
    expect((await loser.closed).code).toBe(4002);
    const winner = loser === first ? second : first;
    sender.send(message(sender.id, keys.id, 'to the one that holds'));
    sender.send(message(sender.id, keys.id, 'and again'));
    expect(await winner.next()).toMatchObject({ data: 'to the one that holds' });
    expect(await winner.next()).toMatchObject({ data: 'and again' });
    await Promise.all([winner.close(), sender.close()]);
  });

  it('counts the logons of an ID on every node: past the limit in a minute, rate_limited and 4029, and the holder stays', async () => {
    const peer = await TestClient.logOn(ws(0));
    const keys = await makeLogonKeys();
    let holder: TestClient | null = null;
    for (let logon = 0; logon < LOGONS_PER_MINUTE; logon += 1) {
      const next = await TestClient.open(ws(logon));
      await next.logOnAs(keys);
      if (holder !== null) expect((await holder.closed).code).toBe(4002);
      holder = next;
    }
    // Each node has counted at most two of them: only the cluster's count is over.
    const refused = await TestClient.open(ws(LOGONS_PER_MINUTE));
    refused.send(await refused.signedLogOn(keys));
    expectError(await refused.next(), 'rate_limited', { ref: 'LOG_ON' });
    expect((await refused.closed).code).toBe(4029);
    peer.send(message(peer.id, keys.id, 'still here'));
    expect(await holder!.next()).toMatchObject({ data: 'still here' });
    await Promise.all([holder!.close(), peer.close()]);
  });

  it('BROADCAST and MULTICAST reach each intended client on every node exactly once, and not the sender', async () => {
    const clients = await Promise.all([0, 1, 2, 3, 4, 5].map((index) => TestClient.logOn(ws(index), index % 2 === 0 ? ['cluster-theme'] : [])));
    const [sender, ...others] = clients as [TestClient, ...TestClient[]];
    sender.send(message(sender.id, 'BROADCAST', 'to all'));
    for (const other of others) sender.send(message(sender.id, other.id, 'after the broadcast'));
    await expectOnceThenMarker(others, 'to all', 'after the broadcast');

    const subscribed = others.filter((_, index) => (index + 1) % 2 === 0);
    sender.send(message(sender.id, 'MULTICAST', 'to the theme', 'cluster-theme'));
    for (const other of others) sender.send(message(sender.id, other.id, 'after the multicast'));
    await expectOnceThenMarker(subscribed, 'to the theme', 'after the multicast');
    for (const other of others.filter((client) => !subscribed.includes(client))) {
      expect(await other.next()).toMatchObject({ data: 'after the multicast' });
    }
    expect(await sender.barrier()).toEqual([]);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('a BROADCAST costs its sender one delivery per client reached on every node', async () => {
    const sender = await TestClient.logOn(ws(0));
    const peers = await Promise.all(Array.from({ length: 12 }, (_, index) => TestClient.logOn(ws(1 + (index % 2)))));
    // 5 × 12 deliveries, past the burst of 40 that a sender on one node could spend alone.
    for (let broadcast = 0; broadcast < 5; broadcast += 1) sender.send(message(sender.id, 'BROADCAST', broadcast));
    for (const peer of peers) {
      for (let broadcast = 0; broadcast < 5; broadcast += 1) expect(await peer.next()).toMatchObject({ data: broadcast });
    }
    // One from each node, sent after that node charged the sender (one connection to Redis, in order): it arrives after the charges.
    for (const peer of peers.slice(0, 2)) peer.send(message(peer.id, sender.id, 'seen'));
    for (const _ of [1, 2]) expect(await sender.next()).toMatchObject({ data: 'seen' });
    sender.send(message(sender.id, peers[0]!.id, 'one more'));
    expectError(await sender.next(), 'rate_limited');
    await Promise.all([sender, ...peers].map((client) => client.close()));
  });

  it('a receiver on another node takes from strangers within its budget; the sender is told rate_limited with receiver', async () => {
    const [stranger, receiver] = await Promise.all([TestClient.logOn(ws(0)), TestClient.logOn(ws(1))]);
    for (let frame = 0; frame < 20; frame += 1) stranger.send(message(stranger.id, receiver.id, frame));
    expectError(await stranger.next(), 'rate_limited', { ref: 'MSG', receiver: receiver.id });
    // Its partners still get through: the receiver addresses the stranger, who is then its partner.
    await expectRoutes(receiver, stranger);
    await Promise.all([stranger.close(), receiver.close()]);
  });

  it('a client that logs on at another node keeps its partners: its apps get through while strangers have spent its budget', async () => {
    const [app, thermostat, stranger] = await Promise.all([TestClient.logOn(ws(0)), TestClient.logOn(ws(1)), TestClient.logOn(ws(0))]);
    // Recorded by the thermostat's node before this reaches the app (one connection to Redis, in order).
    thermostat.send(message(thermostat.id, app.id, 'hello app'));
    expect(await app.next()).toMatchObject({ data: 'hello app' });
    const moved = await TestClient.open(ws(2));
    await moved.logOnAs(thermostat.keys);
    expect((await thermostat.closed).code).toBe(4002);
    for (let frame = 0; frame < 12; frame += 1) stranger.send(message(stranger.id, thermostat.id, frame));
    expectError(await stranger.next(), 'rate_limited', { receiver: thermostat.id });
    app.send(message(app.id, thermostat.id, 'from a partner'));
    for (;;) if ((await moved.next()).packet_type === 'MSG' && moved.rawFrames.at(-1)!.includes('from a partner')) break;
    await Promise.all([app, moved, stranger].map((client) => client.close()));
  });

  it('the OwnTracks ingress on one node reaches the thermostat on another, and says 503 when none is online anywhere', async () => {
    const thermostat = await TestClient.logOn(ws(1));
    const body = relayVectors.bodies.find((vector) => vector.status === 200)!;
    const member = 'GGXACDHnP37iP8E8stD1iL' as ClientId;
    const post = async (ids: ClientId[]): Promise<{ status: number; retryAfter: string | null; text: string }> => {
      const response = await fetch(`${nodes[0]!.url}${owntracksIngressPath(member, ids)}`, { method: 'POST', body: body.bytes });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
    };
    expect(await post([thermostat.id])).toMatchObject({ status: 200, text: '[]' });
    expect(await thermostat.next()).toEqual(relayPacket(thermostat.id, member, body.data!));
    const offline = await post([(await makeLogonKeys()).id]);
    expect(offline.status).toBe(503);
    expect(offline.retryAfter).toBe('60');
    // Its budget for strangers (burst 10) is spent on its own node, and the ingress node says so: 503 with the wait.
    for (let relay = 1; relay < 10; relay += 1) expect((await post([thermostat.id])).status).toBe(200);
    const refused = await post([thermostat.id]);
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    await thermostat.close();
  });

  it('/healthz says the node is connected to Redis, and /readyz takes it', async () => {
    const health = await fetch(`${nodes[0]!.url}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok', redis: 'connected', ready: true });
    expect((await fetch(`${nodes[0]!.url}/readyz`)).status).toBe(200);
  });
});

describe('faults', () => {
  let redis: TestRedis;
  let nodes: RunningBroker[];

  beforeAll(async () => {
    redis = await TestRedis.start();
    nodes = await startTestNodes(redis, 2, { pingIntervalMs: 60_000, rateLimitPerSecond: 10_000, rateLimitBurst: 10_000, inboundPerSecond: 10_000, inboundBurst: 10_000 });
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await redis.stop();
  });

  it('Redis gone mid-traffic: same-node clients are served, cross-node ones told receiver_offline; back, it heals without a restart, nothing twice', async () => {
    const [sender, remote, near] = await Promise.all([TestClient.logOn(nodes[0]!.wsUrl), TestClient.logOn(nodes[1]!.wsUrl), TestClient.logOn(nodes[0]!.wsUrl)]);
    // An ID held on node 1 from before, and logged on again on node 0 while Redis is away.
    const moving = await TestClient.logOn(nodes[1]!.wsUrl);
    let sent = 0;
    const burst = (): void => {
      for (let index = 0; index < 50; index += 1) sender.send(message(sender.id, remote.id, (sent += 1)));
    };
    burst();
    await redis.kill();
    burst();
    await expectRoutes(sender, near);
    expect(await (await fetch(`${nodes[0]!.url}/healthz`)).json()).toMatchObject({ redis: 'unavailable', ready: false });
    expect((await fetch(`${nodes[0]!.url}/readyz`)).status).toBe(503);
    const movedHere = await TestClient.open(nodes[0]!.wsUrl);
    await movedHere.logOnAs(moving.keys);

    // Back without its data (no persistence), as a replacement Redis would be.
    await redis.restart();
    await Promise.all(nodes.map((node) => node.redisConnected()));
    // Two nodes each held the ID: once both are back, one holds it and the other was replaced.
    const replaced = await Promise.race([moving.closed.then(() => moving), movedHere.closed.then(() => movedHere)]);
    expect((await replaced.closed).code).toBe(4002);
    const holder = replaced === moving ? movedHere : moving;
    burst();
    sender.send(message(sender.id, remote.id, 'end'));

    const delivered: number[] = [];
    for (;;) {
      const packet = await remote.next();
      if (packet.packet_type !== 'MSG') throw new Error(`unexpected ${JSON.stringify(packet)}`);
      if (packet.data === 'end') break;
      delivered.push(packet.data as number);
    }
    // In order and never twice; the last burst, sent once both nodes were back, arrived whole.
    expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered.slice(-50)).toEqual(Array.from({ length: 50 }, (_, index) => sent - 49 + index));
    // Every one not delivered was answered.
    for (let refused = 0; refused < sent - delivered.length; refused += 1) {
      expectError(await sender.next(), 'receiver_offline', { ref: 'MSG', receiver: remote.id });
    }
    expect(await sender.barrier()).toEqual([]);
    near.send(message(near.id, moving.id, 'to the holder'));
    expect(await holder.next()).toMatchObject({ data: 'to the holder' });
    await Promise.all([sender, remote, near, holder].map((client) => client.close()));
  });

  describe('nodes as processes', () => {
    let doomed: SpawnedNode;
    let drained: SpawnedNode;

    beforeAll(async () => {
      [doomed, drained] = await Promise.all([spawnNode(redis), spawnNode(redis)]);
    });

    afterAll(() => {
      for (const node of [doomed, drained]) if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
    });

    it('a node killed with -9 leaves nothing behind: its IDs are offline at once, and reconnect through another node', async () => {
      const app = await TestClient.logOn(nodes[0]!.wsUrl);
      const thermostat = await TestClient.logOn(doomed.wsUrl);
      await expectRoutes(app, thermostat);
      for (let index = 0; index < 20; index += 1) app.send(message(app.id, thermostat.id, index));
      doomed.child.kill('SIGKILL');
      await once(doomed.child, 'exit');
      expect((await thermostat.closed).code).toBe(1006);
      // Redis dropped the dead node's subscriptions with its connection: nobody receives for the ID.
      app.send(message(app.id, thermostat.id, 'into the void'));
      for (;;) {
        const packet = await app.next();
        if (packet.packet_type === 'ERROR' && packet.code === 'receiver_offline' && packet.receiver === thermostat.id) break;
      }
      const back = await TestClient.open(nodes[1]!.wsUrl);
      await back.logOnAs(thermostat.keys);
      app.send(message(app.id, thermostat.id, 'welcome back'));
      expect(await back.next()).toMatchObject({ data: 'welcome back' });
      await Promise.all([app.close(), back.close()]);
    });

    it('SIGTERM drains a node: its clients are closed with 1001 and it exits 0', async () => {
      const client = await TestClient.logOn(drained.wsUrl);
      const exited = once(drained.child, 'exit');
      drained.child.kill('SIGTERM');
      expect((await client.closed).code).toBe(1001);
      expect((await exited)[0]).toBe(0);
    });
  });
});
