import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log.ts';
import { RedisLink } from './redis-link.ts';
import { TestRedis } from './test-cluster.ts';

describe('RedisLink', () => {
  let redis: TestRedis;
  let link: RedisLink;

  beforeAll(async () => {
    redis = await TestRedis.start();
    link = new RedisLink(redis.url, createLogger('silent'), () => undefined, () => undefined);
    await link.whenAvailable();
  });

  afterAll(async () => {
    await link.close();
    await redis.stop();
  });

  it('sends the SPUBLISHes of one turn to Redis in one write, as it does for clients', async () => {
    // What Node hands to the system per write: _write for one chunk, _writev for the chunks of a corked socket.
    const single = vi.spyOn(Socket.prototype, '_write');
    const gathered = vi.spyOn(Socket.prototype, '_writev');
    try {
      const published = await Promise.all(Array.from({ length: 50 }, (_, index) => link.publish(`hearth:id:{test${index}}`, Buffer.alloc(200, 0x61))));
      expect(published).toEqual(Array.from({ length: 50 }, () => 0));
      const toRedis = (sockets: unknown[]) => sockets.filter((socket) => socket instanceof Socket && socket.remotePort === redis.port).length;
      expect(toRedis(single.mock.contexts) + toRedis(gathered.mock.contexts)).toBe(1);
    } finally {
      single.mockRestore();
      gathered.mockRestore();
    }
  });
});
