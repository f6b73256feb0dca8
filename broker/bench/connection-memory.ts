/**
 * `node --expose-gc --import tsx broker/bench/connection-memory.ts`: what one idle logged-on connection costs the
 * broker, and whose that memory is. A measurement, not a test: it prints, it does not assert.
 *   1. The broker's own objects, built in this process exactly as a logon leaves them (Connection with its
 *      FloodGuard, registry binding, the set of connections, the address key, the ID): V8 heap after full
 *      collections, per connection. What the logon limiter keeps for a minute after each logon is said apart.
 *   2. The real broker in its own process (compiled, as `npm start` runs it), N idle logged-on connections made by load
 *      processes (worker.ts): RSS and V8 heap per connection, after the broker has settled. The difference
 *      between 2 and 1 is ws's and Node's: net.Socket and its libuv handle, ws's WebSocket, Receiver and Sender.
 * N = MEMORY_CONNECTIONS (default 5,000). Memory does not depend on the machine's load, but RSS includes whatever
 * V8 has not yet given back: read it as an upper bound.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BROKER_BUNDLE, buildBrokerIfStale } from '../../scripts/system/build.ts';
import { listeningPort } from './listening-port.ts';
import { resolveConfig } from '../config.ts';
import { Connection, type Socket } from '../connection.ts';
import { emptyStats, type BrokerContext } from '../context.ts';
import { AddressLimits, clientAddress, ingressLimitsOf, LogonLimiter } from '../limits.ts';
import { createLogger } from '../log.ts';
import { PartnerBook } from '../partners.ts';
import { MemoryRegistry } from '../registry.ts';
import { WriteBatch } from '../write-batch.ts';
import type { MemoryReport } from './broker-probe.ts';
import type { WorkerCommand, WorkerReport } from './worker.ts';

const CONNECTIONS = Number(process.env.MEMORY_CONNECTIONS ?? 5_000);
const LOAD_PROCESSES = 2;
/** V8's memory reducer gives back the young generation grown while connecting after some seconds (run.ts). */
const SETTLE_MS = 15_000;
/** The heartbeat forgets idle connections' rate state; it runs within the settling time. */
const PING_INTERVAL_MS = 5_000;

const collect = globalThis.gc;
if (collect === undefined) throw new Error('run with node --expose-gc --import tsx');
const heapAfterGc = (): number => {
  for (let pass = 0; pass < 3; pass += 1) collect();
  return process.memoryUsage().heapUsed;
};

/** A stand-in for ws's WebSocket: its methods on one shared prototype, so that it adds nothing per connection but itself. */
const SOCKET_PROTOTYPE: Socket = {
  readyState: 1,
  bufferedAmount: 0,
  send: () => undefined,
  close: () => undefined,
  terminate: () => undefined,
  ping: () => undefined,
};

interface OwnObjects {
  /** Bytes per connection, by what holds them, in the order a logon makes them. */
  parts: Array<[string, number]>;
  logonLimiterForAMinute: number;
  socketAlone: number;
}

function brokerOwnObjects(): OwnObjects {
  const config = resolveConfig({ staticDir: null, logonLimitPerMinute: 1_000_000 });
  const context: BrokerContext = {
    config,
    registry: new MemoryRegistry<Connection>(),
    logonLimiter: new LogonLimiter(config.logonLimitPerMinute),
    addressLimits: new AddressLimits(config, config.maxConnections),
    partners: new PartnerBook(1000),
    ingress: ingressLimitsOf(config, 1000),
    connections: new Set(),
    log: createLogger('silent'),
    stats: emptyStats(),
    writes: new WriteBatch(),
    now: Date.now,
  };
  const sockets: Socket[] = [];
  const connections: Connection[] = [];
  const ids: string[] = [];
  const before = heapAfterGc();
  for (let index = 0; index < CONNECTIONS; index += 1) sockets.push(Object.create(SOCKET_PROTOTYPE) as Socket);
  const heaps = [heapAfterGc()];
  const steps: Array<[string, () => void]> = [
    [
      'Connection, its FloodGuard, address key (a string of its own), logon timer',
      () => {
        for (let index = 0; index < CONNECTIONS; index += 1) {
          const address = clientAddress(`127.0.${(index >> 8) & 0xff}.${index & 0xff}`, undefined, new Set()).key;
          const connection = new Connection(sockets[index]!, context, address);
          // Its first frame (the LOG_ON) makes its rate state.
          connection.floodGuard.admit(Date.now());
          connections.push(connection);
        }
      },
    ],
    [
      "entry in the broker's set of connections, and the count of its address",
      () => {
        for (const connection of connections) {
          context.connections.add(connection);
          context.addressLimits.opened(connection.address);
        }
      },
    ],
    [
      'logon: its ID (a string), the registry entry; the logon timer freed',
      () => {
        for (const connection of connections) {
          const id = randomBytes(17).toString('base64url').slice(0, 22);
          ids.push(id);
          context.registry.bind(id, connection);
          connection.markLoggedOn(id);
        }
      },
    ],
    [
      'a heartbeat after a quiet while: the rate state forgotten',
      () => {
        for (const connection of connections) connection.forgetIdleState(Date.now() + 60_000);
      },
    ],
  ];
  const parts: Array<[string, number]> = [];
  for (const [name, step] of steps) {
    step();
    heaps.push(heapAfterGc());
    parts.push([name, ((heaps.at(-1) ?? 0) - (heaps.at(-2) ?? 0)) / CONNECTIONS]);
  }
  // The ids array itself is this script's, not the broker's: 8 bytes a slot.
  const logon = parts[2];
  if (logon) logon[1] -= 8;
  const loggedOn = heapAfterGc();
  for (const id of ids) context.logonLimiter.tryAcquire(id, Date.now());
  const withLimiter = heapAfterGc();
  // Kept alive until measured.
  if (context.connections.size !== CONNECTIONS || sockets.length !== CONNECTIONS) throw new Error('lost connections');
  for (const connection of connections) connection.dispose();
  return {
    parts,
    socketAlone: ((heaps[0] ?? 0) - before) / CONNECTIONS,
    logonLimiterForAMinute: (withLimiter - loggedOn) / CONNECTIONS,
  };
}

interface Broker {
  child: ChildProcess;
  port: number;
}

async function startBroker(): Promise<Broker> {
  buildBrokerIfStale();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', '--import', './broker/bench/broker-probe.ts', BROKER_BUNDLE, '--port', '0', '--host', '127.0.0.1',
      '--static', '', '--logon-limit', '1000000', '--ping-interval-ms', String(PING_INTERVAL_MS), '--max-connections', '100000',
      '--max-connections-per-ip', '100000', '--logon-limit-per-ip', '1000000'],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  return { child, port: await listeningPort(child) };
}

function memoryOf(broker: Broker): Promise<MemoryReport> {
  return new Promise((resolve) => {
    broker.child.once('message', (report) => resolve(report as MemoryReport));
    broker.child.send({ probe: 'memory' });
  });
}

function ask(worker: ChildProcess, command: WorkerCommand & { mode: 'idle' }): Promise<Extract<WorkerReport, { mode: 'idle' }>> {
  return new Promise((resolve, reject) => {
    worker.once('message', (report) => resolve(report as Extract<WorkerReport, { mode: 'idle' }>));
    worker.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
    worker.send(command);
  });
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

async function realBroker(): Promise<{ rss: number; heap: number; connected: number }> {
  const broker = await startBroker();
  const workers = Array.from({ length: LOAD_PROCESSES }, () => fork(new URL('./worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] }));
  // A few first, so that what the first connections load once is in the baseline.
  const warm = await ask(workers[0]!, { mode: 'idle', port: broker.port, connections: 20 });
  await settle();
  const before = await memoryOf(broker);
  const reports = await Promise.all(
    workers.map((worker) => ask(worker, { mode: 'idle', port: broker.port, connections: Math.ceil(CONNECTIONS / LOAD_PROCESSES) })),
  );
  const connected = reports.reduce((sum, report) => sum + report.connected, 0) - warm.connected;
  await settle();
  const after = await memoryOf(broker);
  for (const worker of workers) {
    worker.removeAllListeners('exit');
    worker.send({ mode: 'exit' } satisfies WorkerCommand);
  }
  const exited = new Promise((resolve) => broker.child.once('exit', resolve));
  broker.child.kill('SIGTERM');
  await exited;
  return { rss: ((after.rssKb - before.rssKb) * 1024) / connected, heap: ((after.heapUsedKb - before.heapUsedKb) * 1024) / connected, connected };
}

const own = brokerOwnObjects();
const ownTotal = own.parts.reduce((sum, [, bytes]) => sum + bytes, 0);
const row = (name: string, bytes: number): string => `   ${name.padEnd(76)} ${bytes.toFixed(0).padStart(5)} B\n`;
process.stdout.write(`connection memory, Node ${process.version}\n`);
process.stdout.write(`1. the broker's own objects per idle logged-on connection (${CONNECTIONS}, V8 heap after GC)\n`);
for (const [name, bytes] of own.parts) process.stdout.write(row(name, bytes));
process.stdout.write(row('total, logged on', ownTotal));
process.stdout.write(row("+ for one minute after the logon: the logon limiter's record of it", own.logonLimiterForAMinute));
process.stdout.write(row('(the stand-in socket itself, not counted above)', own.socketAlone));
const real = process.env.MEMORY_OWN_ONLY === "1" ? { rss: 0, heap: 0, connected: 0 } : await realBroker();
process.stdout.write(`2. the broker process (compiled, as npm start runs it), ${real.connected} idle logged-on connections, settled ${SETTLE_MS / 1000} s\n`);
process.stdout.write(`   RSS per connection:     ${(real.rss / 1024).toFixed(2)} KB\n`);
process.stdout.write(`   V8 heap per connection: ${(real.heap / 1024).toFixed(2)} KB (the broker's own, from 1: ${(ownTotal / 1024).toFixed(2)} KB)\n`);
