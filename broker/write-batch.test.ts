import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WriteBatch, type Corkable } from './write-batch.ts';
import { underlyingStream } from './ws-internals.ts';

const servers: WebSocketServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The broker's side of a real WebSocket, the system calls its socket makes, and what the client receives. */
interface Receiver {
  socket: WebSocket;
  writes: () => number;
  received: string[];
}

async function receivers(count: number): Promise<Receiver[]> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  servers.push(wss);
  await once(wss, 'listening');
  const result: Receiver[] = [];
  for (let index = 0; index < count; index += 1) {
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    clients.push(client);
    const [socket] = await accepted;
    await once(client, 'open');
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    // net.Socket hands each write or batch of writes to libuv through exactly one of these.
    const stream = underlyingStream(socket) as unknown as { _write: () => void; _writev: () => void };
    const single = vi.spyOn(stream, '_write');
    const batch = vi.spyOn(stream, '_writev');
    result.push({ socket, received, writes: () => single.mock.calls.length + batch.mock.calls.length });
  }
  return result;
}

const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function send(batch: WriteBatch, receiver: Receiver, frame: string): void {
  batch.hold(underlyingStream(receiver.socket));
  receiver.socket.send(frame);
}

describe('WriteBatch', () => {
  it('sends the frames one turn writes to a receiver in one write to its socket, in order', async () => {
    const [receiver] = await receivers(1);
    const batch = new WriteBatch();
    const frames = Array.from({ length: 50 }, (_, index) => `frame ${index}`);
    for (const frame of frames) send(batch, receiver!, frame);
    expect(receiver!.writes()).toBe(0);
    await endOfTurn();
    expect(receiver!.writes()).toBe(1);
    await vi.waitFor(() => expect(receiver!.received).toEqual(frames));
  });

  it('sends a lone frame at the end of the turn it was written in, with no timer', async () => {
    const [receiver] = await receivers(1);
    const scheduled: Array<() => void> = [];
    const batch = new WriteBatch((flush) => scheduled.push(flush));
    send(batch, receiver!, 'alone');
    expect(scheduled).toHaveLength(1);
    expect(batch.pending).toBe(1);
    scheduled[0]!();
    expect(receiver!.writes()).toBe(1);
    await vi.waitFor(() => expect(receiver!.received).toEqual(['alone']));

    // The default schedule: written before the turn after the one it was sent in.
    const real = new WriteBatch();
    send(real, receiver!, 'next');
    await endOfTurn();
    expect(receiver!.writes()).toBe(2);
    await vi.waitFor(() => expect(receiver!.received).toEqual(['alone', 'next']));
  });

  it('schedules one flush per turn, however many receivers, and holds no socket after it', async () => {
    const scheduled: Array<() => void> = [];
    const batch = new WriteBatch((flush) => scheduled.push(flush));
    const all = await receivers(3);
    for (const receiver of all) for (let index = 0; index < 3; index += 1) send(batch, receiver, `to each ${index}`);
    expect(scheduled).toHaveLength(1);
    expect(batch.pending).toBe(3);
    scheduled[0]!();
    expect(batch.pending).toBe(0);
    for (const receiver of all) {
      expect(receiver.writes()).toBe(1);
      expect(underlyingStream(receiver.socket)?.writableCorked).toBe(0);
    }
  });

  it('sends the other receivers their frames when one socket is closed mid-batch, and throws nothing', async () => {
    const [first, gone, last] = await receivers(3);
    const batch = new WriteBatch();
    for (const receiver of [first!, gone!, last!]) {
      send(batch, receiver, 'one');
      send(batch, receiver, 'two');
    }
    gone!.socket.terminate();
    // A socket ended (not destroyed) mid-batch was uncorked by Node's end(): the flush must leave it alone.
    send(batch, first!, 'three');
    await endOfTurn();
    await vi.waitFor(() => expect(first!.received).toEqual(['one', 'two', 'three']));
    await vi.waitFor(() => expect(last!.received).toEqual(['one', 'two']));
    expect(gone!.received).toEqual([]);
  });

  it('destroys a socket whose uncork throws and still flushes the rest', () => {
    const written: string[] = [];
    const healthy = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(String(chunk));
        callback();
      },
    });
    let destroyedWith: Error | undefined;
    const broken: Corkable = {
      writableCorked: 0,
      cork() {
        (this as { writableCorked: number }).writableCorked = 1;
      },
      uncork() {
        throw new Error('uncork failed');
      },
      destroy(error) {
        destroyedWith = error;
      },
    };
    const batch = new WriteBatch(() => {});
    batch.hold(broken);
    batch.hold(healthy);
    healthy.write('kept');
    expect(written).toEqual([]);
    expect(() => batch.flush()).not.toThrow();
    expect(destroyedWith?.message).toBe('uncork failed');
    expect(written).toEqual(['kept']);
  });
});
