/**
 * Guards the one read of ws internals (ws-internals.ts): if an upgrade of ws renames or reshapes what is read,
 * these fail, and the broker's deadline for unfinished messages needs a new look.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { receiverFieldsPresent, underlyingStream, unfinishedMessageBytes } from './ws-internals.ts';

const servers: WebSocketServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server socket and the client socket connected to it. */
async function pair(): Promise<{ server: WebSocket; client: WebSocket; messages: string[] }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  servers.push(wss);
  await once(wss, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  clients.push(client);
  const [server] = await accepted;
  await once(client, 'open');
  const messages: string[] = [];
  server.on('message', (data) => messages.push(String(data)));
  return { server, client, messages };
}

describe('unfinishedMessageBytes', () => {
  it('reads fields this ws still has', async () => {
    const { server } = await pair();
    expect(receiverFieldsPresent(server)).toBe(true);
    expect(unfinishedMessageBytes(server)).toBeNull();
  });

  it('sees fragments without the final one, and nothing once the message is whole', async () => {
    const { server, client, messages } = await pair();
    client.send('a'.repeat(300), { fin: false });
    client.send('b'.repeat(200), { fin: false });
    await vi.waitFor(() => expect(unfinishedMessageBytes(server)).toBe(500));
    client.send('c', { fin: true });
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(messages[0]).toHaveLength(501);
    expect(unfinishedMessageBytes(server)).toBeNull();
  });

  it('sees a frame whose header came and whose payload has not, and a frame cut in the middle', async () => {
    const { server, client } = await pair();
    const raw = (client as unknown as { _socket: { write(data: Buffer): void } })._socket;
    // Text frame, FIN, masked (all-zero mask), 100 bytes announced: header only, then 40 of the 100 bytes.
    raw.write(Buffer.from([0x81, 0x80 | 100, 0, 0, 0, 0]));
    await vi.waitFor(() => expect(unfinishedMessageBytes(server)).toBe(0));
    raw.write(Buffer.alloc(40, 0x61));
    await vi.waitFor(() => expect(unfinishedMessageBytes(server)).toBe(40));
  });
});

describe('underlyingStream', () => {
  it('finds the socket under a ws WebSocket, which write-batch.ts corks', async () => {
    const { server } = await pair();
    const stream = underlyingStream(server);
    expect(stream).not.toBeNull();
    expect(stream?.writableCorked).toBe(0);
    expect(underlyingStream({ send() {} })).toBeNull();
  });
});
