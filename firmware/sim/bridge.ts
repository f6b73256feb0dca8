// WebSocket bridge for the simulated thermostat. It only moves frames between
// the broker and the C++ core running in the parent process, one JSON object
// per line on stdin/stdout (see bridge_process.h). All protocol logic, logon,
// reconnect and backoff live in the C++ simulator.
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { parseJsonObject } from '../../protocol/index.ts';

type Command =
  | { op: 'connect'; conn: number; url: string }
  | { op: 'send'; conn: number; text: string }
  | { op: 'close'; conn: number; code: number };

let socket: WebSocket | null = null;
let current = -1;
let closing = false;

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function log(message: string): void {
  process.stderr.write(`[bridge] ${message}\n`);
}

function connect(conn: number, url: string): void {
  socket?.terminate();
  current = conn;
  const ws = new WebSocket(url, { maxPayload: 64 * 1024, handshakeTimeout: 10_000 });
  socket = ws;
  ws.on('open', () => emit({ ev: 'open', conn }));
  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (isBinary) {
      log('binary frame ignored: the contract allows text frames only');
      return;
    }
    emit({ ev: 'text', conn, text: data.toString() });
  });
  // ws answers pings itself; the simulator hears of them, as the device's library reports them.
  ws.on('ping', () => emit({ ev: 'ping', conn }));
  ws.on('error', (error: Error) => log(`connection ${conn}: ${error.message}`));
  ws.on('close', (code: number) => {
    if (socket === ws) socket = null;
    emit({ ev: 'close', conn, code });
  });
}

function handle(command: Command): void {
  if (command.op === 'connect') {
    connect(command.conn, command.url);
  } else if (command.op === 'send') {
    if (command.conn === current && socket?.readyState === WebSocket.OPEN) socket.send(command.text);
  } else if (command.op === 'close' && command.conn === current && socket) {
    const ws = socket;
    // 0: no close frame (a link the simulator found dead), the socket dropped at once.
    if (command.code === 0) {
      ws.terminate();
      return;
    }
    ws.close(command.code, 'closing');
    setTimeout(() => ws.terminate(), 1000).unref();
  }
}

function shutdown(): void {
  if (closing) return;
  closing = true;
  const ws = socket;
  if (!ws || ws.readyState === WebSocket.CLOSED) process.exit(0);
  ws.once('close', () => process.exit(0));
  ws.close(1001, 'thermostat shutting down');
  setTimeout(() => process.exit(0), 500).unref();
}

process.stdout.on('error', () => shutdown());
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

/** The simulator's lines are checked like any other input: a typed command or nothing. */
function parseCommand(line: string): Command | null {
  const value = parseJsonObject(line);
  const conn = value?.['conn'];
  if (value === null || typeof conn !== 'number') return null;
  const op = value['op'];
  const url = value['url'];
  const text = value['text'];
  const code = value['code'];
  if (op === 'connect' && typeof url === 'string') return { op, conn, url };
  if (op === 'send' && typeof text === 'string') return { op, conn, text };
  // A close code the simulator may send (RFC 6455 section 7.4.1), or 0 for none; 1000 without one.
  if (op === 'close') {
    if (code === undefined) return { op, conn, code: 1000 };
    if (code === 0 || code === 1000 || code === 1001 || code === 1002 || code === 1009) return { op, conn, code };
    return null;
  }
  return null;
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = parseCommand(line);
  if (command === null) log(`bad command line: ${line.slice(0, 80)}`);
  else handle(command);
});
// The simulator went away (or asked us to stop): close cleanly and exit.
lines.on('close', shutdown);
