/**
 * The bare relay of `npm run bench:compare`: Node and `ws` with nothing of Hearth's. A client's first frame is
 * its 22-byte ID (answered "OK"); every later frame is forwarded as it came to the client whose ID its first
 * 22 bytes name, without parsing anything else. It shows what Node and `ws` cost by themselves.
 * Usage: node relay.js <port> (0 picks one); prints {"event":"listening","port":N}.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const ID_LENGTH = 22;
const clients = new Map<string, WebSocket>();
const server = new WebSocketServer({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1', perMessageDeflate: false, backlog: 511 });

server.on('connection', (socket) => {
  let id: string | null = null;
  socket.on('message', (data: Buffer, isBinary) => {
    if (id === null) {
      id = data.toString('latin1');
      clients.set(id, socket);
      socket.send('OK');
      return;
    }
    clients.get(data.toString('latin1', 0, ID_LENGTH))?.send(data, { binary: isBinary });
  });
  socket.on('close', () => {
    if (id !== null && clients.get(id) === socket) clients.delete(id);
  });
});
server.on('listening', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
