/**
 * `npm run bench:broker`: starts the broker as its own process, drives it from load-generating processes
 * on 127.0.0.1 and prints one table. It is a measurement, not a test: it reports, it does not assert.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { createInterface } from 'node:readline';
import type { WorkerCommand, WorkerReport } from './worker.ts';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const WORKERS = env('BENCH_WORKERS', 2);
const PAIRS_PER_WORKER = env('BENCH_PAIRS', 4);
const IDLE_CONNECTIONS = env('BENCH_IDLE_CONNECTIONS', 10_000);
const IDLE_WORKERS = 4;
const WARMUP_MS = 1_000;
const DURATION_MS = 5_000;

interface Broker {
  child: ChildProcess;
  port: number;
}

/** Limits are lifted for the load; the frames are those of real clients, forwarded one by one. */
async function startBrokerProcess(): Promise<Broker> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'broker/main.ts', '--port', '0', '--host', '127.0.0.1', '--static', '',
      '--rate-limit', '1000000000', '--rate-burst', '1000000000', '--logon-limit', '1000000', '--ping-interval-ms', '600000'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const record = JSON.parse(line) as { event?: unknown; port?: unknown };
        if (record.event === 'listening' && typeof record.port === 'number') resolve(record.port);
      } catch {
        // not a log line; ignore
      }
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
  return { child, port };
}

async function stopBroker(broker: Broker): Promise<void> {
  const exited = new Promise((resolve) => broker.child.once('exit', resolve));
  broker.child.kill('SIGTERM');
  await exited;
}

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error('no VmRSS');
  return Number(match[1]);
}

function startWorkers(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => fork(new URL('./worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] }));
}

function ask<M extends WorkerReport['mode']>(worker: ChildProcess, command: WorkerCommand & { mode: M }): Promise<Extract<WorkerReport, { mode: M }>> {
  return new Promise((resolve, reject) => {
    worker.once('message', (report) => resolve(report as Extract<WorkerReport, { mode: M }>));
    worker.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
    worker.send(command);
  });
}

function stopWorkers(workers: ChildProcess[]): void {
  for (const worker of workers) {
    worker.removeAllListeners('exit');
    worker.send({ mode: 'exit' } satisfies WorkerCommand);
  }
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  process.stdout.write(`broker benchmark: ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, 127.0.0.1\n`);
  const pairs = WORKERS * PAIRS_PER_WORKER;

  const broker = await startBrokerProcess();
  let workers = startWorkers(WORKERS);
  process.stdout.write(`1/3 saturation: ${pairs} sender/receiver pairs in ${WORKERS} processes, ${DURATION_MS / 1000} s ...\n`);
  const saturation = await Promise.all(
    workers.map((worker) => ask(worker, { mode: 'saturate', port: broker.port, pairs: PAIRS_PER_WORKER, warmupMs: WARMUP_MS, durationMs: DURATION_MS })),
  );
  const throughput = saturation.reduce((sum, report) => sum + report.received / report.seconds, 0);
  stopWorkers(workers);

  const offered = Math.round(throughput / 2);
  workers = startWorkers(WORKERS);
  process.stdout.write(`2/3 latency at ${offered} msgs/s offered (half of saturation), ${DURATION_MS / 1000} s ...\n`);
  const latencyReports = await Promise.all(
    workers.map((worker) =>
      ask(worker, { mode: 'latency', port: broker.port, pairs: PAIRS_PER_WORKER, ratePerSecond: offered / WORKERS, warmupMs: WARMUP_MS, durationMs: DURATION_MS }),
    ),
  );
  stopWorkers(workers);
  const samples = Float64Array.from(latencyReports.flatMap((report) => report.latenciesMs)).sort();
  const sent = latencyReports.reduce((sum, report) => sum + report.sent, 0);
  const received = latencyReports.reduce((sum, report) => sum + report.received, 0);
  await stopBroker(broker);

  process.stdout.write(`3/3 memory: ${IDLE_CONNECTIONS} idle logged-on connections from ${IDLE_WORKERS} processes ...\n`);
  const idleBroker = await startBrokerProcess();
  workers = startWorkers(IDLE_WORKERS);
  // A few connections first, so the baseline includes what the first connection loads once.
  const warm = await ask(workers[0]!, { mode: 'idle', port: idleBroker.port, connections: 20 });
  const before = rssKb(idleBroker.child.pid!);
  const perWorker = Math.ceil(IDLE_CONNECTIONS / IDLE_WORKERS);
  const idleReports = await Promise.all(workers.map((worker) => ask(worker, { mode: 'idle', port: idleBroker.port, connections: perWorker })));
  const connected = idleReports.reduce((sum, report) => sum + report.connected, 0) - warm.connected;
  const health = (await (await fetch(`http://127.0.0.1:${idleBroker.port}/healthz`)).json()) as { logged_on?: unknown };
  const after = rssKb(idleBroker.child.pid!);
  stopWorkers(workers);
  await stopBroker(idleBroker);
  const perConnectionKb = (after - before) / connected;

  const rows: Array<[string, string, string]> = [
    ['forwarded msgs/s at saturation (100-byte data, unicast)', Math.round(throughput).toLocaleString('en-US'), '>= 100,000'],
    [`p50 latency at ${offered.toLocaleString('en-US')} msgs/s`, `${percentile(samples, 0.5).toFixed(3)} ms`, ''],
    [`p99 latency at ${offered.toLocaleString('en-US')} msgs/s`, `${percentile(samples, 0.99).toFixed(3)} ms`, '<= 1 ms'],
    ['  (latency sample: sent / received)', `${sent} / ${received}`, ''],
    [`RSS per idle logged-on connection (${connected} conns, logged_on=${String(health.logged_on)})`, `${perConnectionKb.toFixed(2)} KB`, '<= 4 KB'],
    ['  (broker RSS before / after)', `${(before / 1024).toFixed(1)} / ${(after / 1024).toFixed(1)} MB`, ''],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  process.stdout.write(`\nBroker benchmark (${cores} cores, ${WORKERS} load processes, ${pairs} pairs)\n`);
  process.stdout.write(`${'measure'.padEnd(width)} | ${'result'.padStart(18)} | target\n`);
  process.stdout.write(`${'-'.repeat(width)}-+-${'-'.repeat(18)}-+-----------\n`);
  for (const [name, value, target] of rows) process.stdout.write(`${name.padEnd(width)} | ${value.padStart(18)} | ${target}\n`);
}

await main();
