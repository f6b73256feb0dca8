/** Protection a broker on the internet needs: frame size, message and logon rates, slow receivers, dead peers. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { message } from '../../protocol/index.ts';
import type { BrokerConfig } from '../config.ts';
import type { RunningBroker } from '../server.ts';
import { TestClient } from './client.ts';
import { expectError, expectRoutes, startTestBroker } from './helpers.ts';

const running: RunningBroker[] = [];

async function broker(config: Partial<BrokerConfig>): Promise<RunningBroker> {
  const started = await startTestBroker({ pingIntervalMs: 50, ...config });
  running.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((started) => started.close()));
});

describe('frame size', () => {
  it('answers a frame over the limit with too_large, then closes 1009', async () => {
    const { wsUrl } = await broker({ maxFrameBytes: 1024 });
    const client = await TestClient.logOn(wsUrl);
    const peer = await TestClient.logOn(wsUrl);
    client.send(message(client.id, peer.id, 'x'.repeat(1024)));
    expectError(await client.next(), 'too_large');
    expect((await client.closed).code).toBe(1009);
    await expectRoutes(peer, peer);
  });

  it('accepts a frame of exactly the limit', async () => {
    const { wsUrl } = await broker({ maxFrameBytes: 1024 });
    const client = await TestClient.logOn(wsUrl);
    const frame = JSON.stringify(message(client.id, client.id, ''));
    const exact = JSON.stringify(message(client.id, client.id, 'y'.repeat(1024 - frame.length)));
    expect(Buffer.byteLength(exact)).toBe(1024);
    client.send(exact);
    await client.next();
    expect(client.rawFrames.at(-1)).toBe(exact);
    await client.close();
  });

  it('closes 1009 even before logon, and for a frame far over the limit', async () => {
    const { wsUrl } = await broker({ maxFrameBytes: 1024 });
    const client = await TestClient.open(wsUrl);
    client.send('z'.repeat(100_000));
    expect((await client.closed).code).toBe(1009);
  });
});

describe('message rate', () => {
  // One token per 1000 s: a busy machine taking a second between two sends must not refill the bucket.
  const floodConfig = { rateLimitPerSecond: 0.001, rateLimitBurst: 6, floodMaxDrops: 10, floodWindowMs: 60_000, rateLimitNoticeMs: 60_000 };

  it('drops a packet over the rate with one rate_limited ERROR and keeps the connection', async () => {
    const { wsUrl } = await broker(floodConfig);
    const sender = await TestClient.logOn(wsUrl); // 1 token
    const receiver = await TestClient.logOn(wsUrl);
    for (let index = 0; index < 5; index += 1) sender.send(message(sender.id, receiver.id, index)); // 5 tokens
    sender.send(message(sender.id, receiver.id, 'dropped'));
    sender.send(message(sender.id, receiver.id, 'dropped quietly'));
    expectError(await sender.next(), 'rate_limited');
    for (let index = 0; index < 5; index += 1) expect(await receiver.next()).toMatchObject({ data: index });
    // The receiver's bucket is untouched, so it can still talk: the connection was kept and routes.
    await expectRoutes(receiver, sender);
    expect(receiver.pending).toBe(0);
  });

  it('closes 4029 when the flooding persists', async () => {
    const { wsUrl } = await broker(floodConfig);
    const flooder = await TestClient.logOn(wsUrl);
    const bystander = await TestClient.logOn(wsUrl);
    for (let index = 0; index < 40; index += 1) flooder.send(message(flooder.id, flooder.id, index));
    const closed = await flooder.closed;
    expect(closed.code).toBe(4029);
    await expectRoutes(bystander, bystander);
  });

  it('counts frames before logon too, so garbage cannot flood', async () => {
    const { wsUrl } = await broker(floodConfig);
    const client = await TestClient.open(wsUrl);
    for (let index = 0; index < 40; index += 1) client.send('garbage');
    expect((await client.closed).code).toBe(4029);
  });
});

describe('logon rate per ID', () => {
  it('refuses the logon over the limit with rate_limited and 4029, leaving the binding alone', async () => {
    const { wsUrl } = await broker({ logonLimitPerMinute: 3 });
    const first = await TestClient.logOn(wsUrl);
    const peer = await TestClient.logOn(wsUrl);
    let current = first;
    for (let index = 0; index < 2; index += 1) {
      const next = await TestClient.open(wsUrl);
      await next.logOnAs(first.keys);
      expect((await current.closed).code).toBe(4002);
      current = next;
    }
    const fourth = await TestClient.open(wsUrl);
    fourth.send(await fourth.signedLogOn(first.keys));
    expectError(await fourth.next(), 'rate_limited', { ref: 'LOG_ON' });
    expect((await fourth.closed).code).toBe(4029);
    peer.send(message(peer.id, first.id, 'still bound'));
    expect(await current.next()).toMatchObject({ data: 'still bound' });
    // Other IDs are not affected.
    const other = await TestClient.logOn(wsUrl);
    await expectRoutes(other, peer);
  });
});

describe('heartbeat', () => {
  it('terminates a connection that does not answer two pings', async () => {
    const { wsUrl } = await broker({ pingIntervalMs: 30 });
    const silent = await TestClient.open(wsUrl, { autoPong: false });
    await silent.logOnAs();
    expect((await silent.closed).code).toBe(1006);
  });

  it('keeps a connection that answers', async () => {
    const started = await broker({ pingIntervalMs: 30 });
    const live = await TestClient.logOn(started.wsUrl);
    await live.pinged(6);
    expect(live.socket.readyState).toBe(WebSocket.OPEN);
    await expectRoutes(live, live);
  });
});

describe('slow receivers', () => {
  const big = 'b'.repeat(15_000);
  /**
   * The paused receiver cannot answer pings either: with the file's 50 ms heartbeat a busy machine filling the
   * socket buffers slowly saw it terminated as unresponsive before any drop (0 drops). Here the heartbeat stays
   * out of the way, and the receiver's inbound budget lets the flood through to its buffers.
   */
  const slowConfig = {
    maxBufferedBytes: 64 * 1024,
    pingIntervalMs: 600_000,
    rateLimitPerSecond: 1_000_000,
    rateLimitBurst: 1_000_000,
    inboundPerSecond: 1_000_000,
    inboundBurst: 1_000_000,
  };

  /**
   * Sends until the broker reports a drop, each batch closed by a barrier so the counts are current: it waits on
   * the condition, however long the machine takes; the bound (300 MB) only stops a broken broker.
   */
  async function floodUntilDropped(started: RunningBroker, sender: TestClient, receiverId: string): Promise<void> {
    for (let batch = 0; batch < 400 && started.stats().droppedToSlowReceivers === 0; batch += 1) {
      for (let index = 0; index < 50; index += 1) sender.send(message(sender.id, receiverId, big));
      await sender.barrier();
    }
    expect(started.stats().droppedToSlowReceivers).toBeGreaterThan(0);
  }

  it('drops and counts messages to a receiver that does not read, without closing it', async () => {
    const started = await broker(slowConfig);
    const sender = await TestClient.logOn(started.wsUrl);
    const sleeper = await TestClient.logOn(started.wsUrl);
    sleeper.socket.pause();
    await floodUntilDropped(started, sender, sleeper.id);
    expect(started.stats().connections).toBe(2);
    await expectRoutes(sender, sender);
  });

  it('terminates such a receiver when configured to', async () => {
    const started = await broker({ ...slowConfig, slowReceiver: 'terminate' });
    const sender = await TestClient.logOn(started.wsUrl);
    const sleeper = await TestClient.logOn(started.wsUrl);
    sleeper.socket.pause();
    await floodUntilDropped(started, sender, sleeper.id);
    sleeper.socket.resume();
    expect((await sleeper.closed).code).toBe(1006);
    sender.send(message(sender.id, sleeper.id, 'gone'));
    expectError(await sender.next(), 'receiver_offline');
  });
});
