/**
 * `npm run bench:broker`: starts the broker as its own process, drives it from load-generating processes
 * on 127.0.0.1 and prints one table. It is a measurement, not a test: it reports, it does not assert.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { MemoryReport } from './broker-probe.ts';
import type { WorkerCommand, WorkerReport } from './worker.ts';
import { BROKER_BUNDLE, buildBrokerIfStale } from '../../scripts/system/build.ts';
import { listeningPort } from './listening-port.ts';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const WORKERS = env('BENCH_WORKERS', 2);
const PAIRS_PER_WORKER = env('BENCH_PAIRS', 4);
const IDLE_CONNECTIONS = env('BENCH_IDLE_CONNECTIONS', 10_000);
const IDLE_WORKERS = 4;
/** Extra Node/V8 flags for the broker process, to try a runtime setting (e.g. --single-threaded-gc) against the default. */
const BROKER_FLAGS = (process.env.BENCH_BROKER_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
const WARMUP_MS = 1_000;
const DURATION_MS = 5_000;
/**
 * Latency is read by one extra pair in a process of its own, sending this share of the offered rate: the load
 * generators' own event loops are busy writing bursts, so their receive times would add their queueing to the broker's.
 */
const PROBE_RATE = 2_000;
/**
 * After connecting, V8 keeps the young generation it grew while 10,000 logons were allocating; its memory reducer
 * gives that back after some seconds of low allocation (about 8 s in Node 20), so idle memory is read after this.
 */
const SETTLE_MS = 15_000;

interface Broker {
  child: ChildProcess;
  port: number;
}

/**
 * Limits are lifted for the load; the frames are those of real clients, forwarded one by one.
 * The compiled broker, as production runs it (`npm start`). `probed` preloads broker-probe.ts through tsx (and
 * exposes gc) so that run.ts can read the heap after a full collection.
 */
async function startBrokerProcess(probed = false): Promise<Broker> {
  buildBrokerIfStale();
  const probe = probed ? ['--expose-gc', '--import', 'tsx', '--import', './broker/bench/broker-probe.ts'] : [];
  const child = spawn(
    process.execPath,
    [...BROKER_FLAGS, ...probe, BROKER_BUNDLE, '--port', '0', '--host', '127.0.0.1', '--static', '',
      '--rate-limit', '1000000000', '--rate-burst', '1000000000', '--logon-limit', '1000000', '--ping-interval-ms', '600000',
      // Every load connection comes from 127.0.0.1, and no receiver answers its sender.
      '--inbound-limit', '1000000000', '--inbound-burst', '1000000000', '--max-connections', '100000',
      '--max-connections-per-ip', '100000', '--logon-limit-per-ip', '1000000'],
    { stdio: ['ignore', 'pipe', 'inherit', probed ? 'ipc' : 'ignore'] },
  );
  return { child, port: await listeningPort(child) };
}

async function stopBroker(broker: Broker): Promise<void> {
  const exited = new Promise((resolve) => broker.child.once('exit', resolve));
  broker.child.kill('SIGTERM');
  await exited;
}

/** Heap and RSS after full collections, so that garbage from connecting is not counted as connection state. */
function memoryAfterGc(broker: Broker): Promise<MemoryReport> {
  return new Promise((resolve) => {
    broker.child.once('message', (report) => resolve(report as MemoryReport));
    broker.child.send({ probe: 'memory' });
  });
}

/** Waits, without allocating in the broker, until it is as idle as its connections, then reads its memory. */
async function settledMemory(broker: Broker): Promise<MemoryReport> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return memoryAfterGc(broker);
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
  // Latency on a shared machine is mostly a measure of who else runs; this makes that visible in the table.
  const [loadBefore = Number.NaN] = loadavg();
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
  const [probeWorker] = startWorkers(1);
  process.stdout.write(
    `2/3 latency at ${offered} msgs/s offered (half of saturation; a probe pair sends ${PROBE_RATE} of them), ${DURATION_MS / 1000} s ...\n`,
  );
  const phase = { port: broker.port, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
  const [probeReport, ...loadReports] = await Promise.all([
    ask(probeWorker!, { mode: 'latency', pairs: 1, ratePerSecond: PROBE_RATE, ...phase }),
    ...workers.map((worker) =>
      ask(worker, { mode: 'latency', pairs: PAIRS_PER_WORKER, ratePerSecond: (offered - PROBE_RATE) / WORKERS, ...phase }),
    ),
  ]);
  stopWorkers([...workers, probeWorker!]);
  const [loadDuringLatency = Number.NaN] = loadavg();
  const samples = Float64Array.from(probeReport.latenciesMs).sort();
  const loadSamples = Float64Array.from(loadReports.flatMap((report) => report.latenciesMs)).sort();
  const latencyReports = [probeReport, ...loadReports];
  const sent = latencyReports.reduce((sum, report) => sum + report.sent, 0);
  const received = latencyReports.reduce((sum, report) => sum + report.received, 0);
  await stopBroker(broker);

  process.stdout.write(`3/3 memory: ${IDLE_CONNECTIONS} idle logged-on connections from ${IDLE_WORKERS} processes ...\n`);
  const idleBroker = await startBrokerProcess(true);
  workers = startWorkers(IDLE_WORKERS);
  // A few connections first, so the baseline includes what the first connection loads once.
  const warm = await ask(workers[0]!, { mode: 'idle', port: idleBroker.port, connections: 20 });
  const before = await settledMemory(idleBroker);
  const perWorker = Math.ceil(IDLE_CONNECTIONS / IDLE_WORKERS);
  const idleReports = await Promise.all(workers.map((worker) => ask(worker, { mode: 'idle', port: idleBroker.port, connections: perWorker })));
  const connected = idleReports.reduce((sum, report) => sum + report.connected, 0) - warm.connected;
  const health = (await (await fetch(`http://127.0.0.1:${idleBroker.port}/healthz`)).json()) as { logged_on?: unknown };
  const justConnected = await memoryAfterGc(idleBroker);
  const after = await settledMemory(idleBroker);
  stopWorkers(workers);
  await stopBroker(idleBroker);
  const perConnectionKb = (field: keyof MemoryReport, at = after): string => `${((at[field] - before[field]) / connected).toFixed(2)} KB`;

  const rows: Array<[string, string, string]> = [
    ['forwarded msgs/s at saturation (100-byte data, unicast)', Math.round(throughput).toLocaleString('en-US'), '>= 100,000'],
    [`p50 latency at ${offered.toLocaleString('en-US')} msgs/s`, `${percentile(samples, 0.5).toFixed(3)} ms`, ''],
    [`p99 latency at ${offered.toLocaleString('en-US')} msgs/s`, `${percentile(samples, 0.99).toFixed(3)} ms`, '<= 1 ms'],
    ['  (probe pair samples; all sent / received)', `${samples.length}; ${sent} / ${received}`, ''],
    ['  (p50 / p99 as the busy load generators see it)', `${percentile(loadSamples, 0.5).toFixed(3)} / ${percentile(loadSamples, 0.99).toFixed(3)} ms`, ''],
    ['  (1-min load average: before the bench / after latency, incl. the bench)', `${loadBefore.toFixed(2)} / ${loadDuringLatency.toFixed(2)}`, ''],
    [`RSS per idle logged-on connection (${connected} conns, logged_on=${String(health.logged_on)})`, perConnectionKb('rssKb'), '<= 4 KB'],
    ['  (V8 heap per connection)', perConnectionKb('heapUsedKb'), ''],
    ['  (RSS per connection right after connecting, before V8 shrinks)', perConnectionKb('rssKb', justConnected), ''],
    ['  (broker RSS before / after)', `${(before.rssKb / 1024).toFixed(1)} / ${(after.rssKb / 1024).toFixed(1)} MB`, ''],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const flags = BROKER_FLAGS.length > 0 ? `, broker flags ${BROKER_FLAGS.join(' ')}` : '';
  process.stdout.write(`\nBroker benchmark (${cores} cores, ${WORKERS} load processes + 1 probe, ${pairs} pairs${flags})\n`);
  process.stdout.write(`${'measure'.padEnd(width)} | ${'result'.padStart(18)} | target\n`);
  process.stdout.write(`${'-'.repeat(width)}-+-${'-'.repeat(18)}-+-----------\n`);
  for (const [name, value, target] of rows) process.stdout.write(`${name.padEnd(width)} | ${value.padStart(18)} | ${target}\n`);
}

await main();
