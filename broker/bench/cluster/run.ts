/**
 * `npm run bench:cluster`: what a second broker node and Redis cost and give (issue 14). The compiled broker, driven
 * by bench:compare's C load generator (loadgen.c) in its own process, in three configurations:
 *   1 node                        no Redis; every pair on the node (bench:compare's Hearth)
 *   1 node + Redis                --redis, every pair on the node: what being a node of a cluster costs a local message
 *   2 nodes + Redis, cross-node   every sender on node A, its receiver on node B: each message an SPUBLISH through Redis
 * On two cores the generator has core 1 to itself and every server shares core 0: the node, its Redis, and in the
 * cross-node case both nodes and Redis. So each configuration's msgs/s is what one core of servers carries, and the
 * CPU each server process spent per message (/proc, over the measured window only) says where that core went.
 * Phases, each round running the configurations in a rotated order (interleaved rounds; medians over them):
 *   saturation  forwarded msgs/s of 100-byte unicast between N pairs, and server CPU per message, for each --pairs
 *   latency     p50/p99/p99.9 at half of each configuration's own saturation in the same round
 *   lone        one pair at --lone-rate (one message alone in flight): cross-node minus local is the hop
 *   idle        a storm of --idle connects + logons, then node RSS and Redis used_memory per idle logged-on ID
 *               (1 node and 1 node + Redis only)
 *   Redis alone redis-benchmark's SPUBLISH of a cross-node MSG's bytes to 1,000 channels with one subscriber
 * Before each round it samples the machine for 2 s; a round or a measurement above --max-foreign cores of other
 * processes' CPU is refused, as bench:compare does. A measurement, not a test: it reports, it does not assert.
 */
import { spawn, spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { BROKER_BUNDLE, buildBrokerIfStale } from '../../../scripts/system/build.ts';
import { repoRoot } from '../../../scripts/system/paths.ts';
import { encodeDelivery, NODE_ID_LENGTH } from '../../cluster/node-packets.ts';
import { TestRedis } from '../../cluster/test-cluster.ts';
import {
  buildLoadgen,
  cores,
  cpuWindow,
  optionsOrExit,
  roundMayRun,
  requireOpenFiles,
  Generator,
  hardFileLimit,
  HEARTH_FLAGS,
  numberIn,
  pinned,
  pinnedTo,
  processTicks,
  requireCommand,
  rssKb,
  spawnPinned,
  stopProcess,
  tail,
  TICKS_PER_SECOND,
  untilJsonLine,
  type JsonObject,
} from '../compare/harness.ts';
import { cell, groupedInteger, interleaved, markdownTable, showCell, type Cell } from '../compare/report.ts';
import {
  childCpuSeconds,
  clusterRows,
  CONFIGURATION_TITLES,
  cpuMicrosPerMessage,
  hopLine,
  hopMicros,
  metricName,
  parseClusterArguments,
  requestsPerSecond,
  SERVER_ROLES,
  usedMemory,
  USAGE,
  type ClusterMeasurement,
  type ClusterOptions,
  type Configuration,
} from './report.ts';

const BENCH = 'bench:cluster';
const SERVER_CPU = 0;
const GENERATOR_CPU = 1;
const IDLE_WARM_CONNECTIONS = 20;
/** Redis alone: channels the one subscriber holds, redis-benchmark's connections and pipeline depth. */
const ALONE_CHANNELS = 1000;
const ALONE_CONNECTIONS = 50;
const ALONE_PIPELINE = 16;

const options: ClusterOptions = optionsOrExit(BENCH, USAGE, parseClusterArguments);
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const measurements: ClusterMeasurement[] = [];
const refusedRounds: number[] = [];

// --- the servers ---------------------------------------------------------------------------------------------

interface Node {
  pid: number;
  port: number;
  stop: () => Promise<void>;
}

/** The production bundle on the servers' core, with bench:compare's lifted limits; with Redis, ready once connected to it. */
async function startNode(redisUrl: string | null, what: string): Promise<Node> {
  const child = spawnPinned(SERVER_CPU, process.execPath, [join(repoRoot, BROKER_BUNDLE), ...HEARTH_FLAGS, ...(redisUrl === null ? [] : ['--redis', redisUrl])]);
  const stderr = tail(child.stderr);
  let port = 0;
  let connected = redisUrl === null;
  try {
    await untilJsonLine(child, what, stderr, (record) => {
      if (record['event'] === 'listening' && typeof record['port'] === 'number') port = record['port'];
      if (record['event'] === 'redis_connected') connected = true;
      return port > 0 && connected;
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { pid: child.pid!, port, stop: () => stopProcess(child) };
}

interface Deployment {
  /** Where senders connect, and receivers (another node's port in the cross-node configuration). */
  senderPort: number;
  receiverPort: number;
  /** The server processes by role (SERVER_ROLES): a, b, redis. */
  pids: Record<string, number>;
  redis: TestRedis | null;
  stop: () => Promise<void>;
}

async function deploy(configuration: Configuration): Promise<Deployment> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stops.reverse()) await stopOne();
  };
  try {
    const redis = configuration === 'single' ? null : await TestRedis.start(pinnedTo(SERVER_CPU));
    if (redis !== null) stops.push(() => redis.stop());
    const a = await startNode(redis?.url ?? null, 'node A');
    stops.push(a.stop);
    const b = configuration === 'cross' ? await startNode(redis!.url, 'node B') : null;
    if (b !== null) stops.push(b.stop);
    const pids: Record<string, number> = { a: a.pid };
    if (b !== null) pids['b'] = b.pid;
    if (redis?.pid !== undefined) pids['redis'] = redis.pid;
    return { senderPort: a.port, receiverPort: (b ?? a).port, pids, redis, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const ticksByRole = (pids: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, processTicks(pid)]));

function redisCli(redis: TestRedis, args: readonly string[]): string {
  const result = spawnSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function redisUsedMemory(redis: TestRedis): number {
  const bytes = usedMemory(redisCli(redis, ['INFO', 'memory']));
  if (bytes === null) throw new Error('INFO memory has no used_memory');
  return bytes;
}

// --- phases --------------------------------------------------------------------------------------------------

function record(round: number, configuration: Configuration, metric: string, value: number, foreign: number, generatorCores: number): void {
  measurements.push({ round, target: configuration, metric, value, foreignCores: foreign, generatorCores });
}

const phaseArgs = (): string[] => ['--warmup-ms', String(options.warmupMs), '--duration-ms', String(options.durationMs)];
const loadNote = (foreign: number): string => (foreign > options.maxForeignCores ? `  FOREIGN LOAD ${foreign.toFixed(2)} cores` : '');
const title = (configuration: Configuration): string => CONFIGURATION_TITLES[configuration];

function pairGenerator(deployment: Deployment, mode: string, args: readonly string[]): Generator {
  return new Generator(GENERATOR_CPU, 'hearth', mode, deployment.senderPort, ['--receiver-port', String(deployment.receiverPort), ...args]);
}

async function saturation(round: number, configuration: Configuration, pairs: number): Promise<number> {
  const deployment = await deploy(configuration);
  try {
    const window = cpuWindow(Object.values(deployment.pids));
    const generator = pairGenerator(deployment, 'saturate', ['--pairs', String(pairs), '--announce', '1', ...phaseArgs()]);
    const opened = await generator.next();
    if (opened['event'] !== 'measuring') throw new Error(`load generator: expected the measuring line, got ${JSON.stringify(opened)}`);
    const before = ticksByRole(deployment.pids);
    const result = await generator.next();
    const after = ticksByRole(deployment.pids);
    await generator.finish();
    const foreign = window(numberIn(result, 'cpu_total'));
    const generatorCores = numberIn(result, 'cpu');
    const perSecond = numberIn(result, 'per_second');
    record(round, configuration, metricName.saturation(pairs), perSecond, foreign, generatorCores);
    const split: string[] = [];
    for (const { role, name } of SERVER_ROLES[configuration]) {
      const micros = cpuMicrosPerMessage((after[role] ?? 0) - (before[role] ?? 0), TICKS_PER_SECOND, numberIn(result, 'received'));
      record(round, configuration, metricName.cpu(role, pairs), micros, foreign, generatorCores);
      split.push(`${name} ${micros.toFixed(1)} µs`);
    }
    say(`  ${title(configuration)}: ${groupedInteger(perSecond)} msgs/s, CPU per message ${split.join(', ')} (generator ${generatorCores.toFixed(2)} cores, errors ${numberIn(result, 'errors')})${loadNote(foreign)}`);
    return perSecond;
  } finally {
    await deployment.stop();
  }
}

/** Latency of `pairs` pairs at `rate` msgs/s over `durationMs`, on a fresh deployment: at half load, or lone messages. */
async function latency(configuration: Configuration, pairs: number, rate: number, durationMs: number): Promise<{ result: JsonObject; foreign: number }> {
  const deployment = await deploy(configuration);
  try {
    const window = cpuWindow(Object.values(deployment.pids));
    const generator = pairGenerator(deployment, 'latency', ['--pairs', String(pairs), '--rate', String(Math.round(rate)), '--warmup-ms', String(options.warmupMs), '--duration-ms', String(durationMs)]);
    const result = await generator.next();
    await generator.finish();
    return { result, foreign: window(numberIn(result, 'cpu_total')) };
  } finally {
    await deployment.stop();
  }
}

const percentiles = (result: JsonObject): string =>
  `p50 ${numberIn(result, 'p50').toFixed(3)} / p99 ${numberIn(result, 'p99').toFixed(3)} / p99.9 ${numberIn(result, 'p999').toFixed(3)} ms, sent ${numberIn(result, 'sent')} received ${numberIn(result, 'received')}, errors ${numberIn(result, 'errors')} (generator ${numberIn(result, 'cpu').toFixed(2)} cores)`;

async function halfLoad(round: number, configuration: Configuration, pairs: number, rate: number): Promise<void> {
  const { result, foreign } = await latency(configuration, pairs, rate, options.durationMs);
  const generatorCores = numberIn(result, 'cpu');
  for (const name of ['p50', 'p99', 'p999'] as const) record(round, configuration, metricName.percentile(name, pairs), numberIn(result, name), foreign, generatorCores);
  record(round, configuration, metricName.rate(pairs), rate, foreign, generatorCores);
  // Only what arrived is timed: a configuration that dropped or still held messages at the end would look faster.
  record(round, configuration, metricName.delivered(pairs), numberIn(result, 'received') / numberIn(result, 'sent'), foreign, generatorCores);
  say(`  ${title(configuration)} at ${groupedInteger(rate)} msgs/s: ${percentiles(result)}${loadNote(foreign)}`);
}

async function lone(round: number, configuration: Configuration): Promise<void> {
  const { result, foreign } = await latency(configuration, 1, options.loneRate, options.loneMs);
  for (const name of ['p50', 'p99', 'p999'] as const) record(round, configuration, metricName.lone(name), numberIn(result, name) * 1000, foreign, numberIn(result, 'cpu'));
  say(`  ${title(configuration)}: ${percentiles(result)}${loadNote(foreign)}`);
}

async function idle(round: number, configuration: Configuration): Promise<void> {
  const deployment = await deploy(configuration);
  const nodePid = deployment.pids['a']!;
  const redis = deployment.redis;
  try {
    const generator = new Generator(GENERATOR_CPU, 'hearth', 'idle', deployment.senderPort, ['--warm', String(IDLE_WARM_CONNECTIONS), '--conns', String(options.idleConnections)]);
    const warm = await generator.next();
    if (numberIn(warm, 'ready') !== IDLE_WARM_CONNECTIONS) throw new Error(`only ${numberIn(warm, 'ready')} warm-up connections logged on`);
    // The baseline includes what the first connections load once; settling lets V8 give back start-up garbage.
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    const rssBefore = rssKb(nodePid);
    const redisBefore = redis === null ? 0 : redisUsedMemory(redis);
    const window = cpuWindow(Object.values(deployment.pids));
    const before = ticksByRole(deployment.pids);
    generator.tell('go');
    const storm = await generator.next();
    const after = ticksByRole(deployment.pids);
    const stormForeign = window(numberIn(storm, 'cpu') * numberIn(storm, 'seconds'));
    const ready = numberIn(storm, 'ready');
    record(round, configuration, 'stormPerSecond', numberIn(storm, 'per_second'), stormForeign, numberIn(storm, 'cpu'));
    const logonCpu: string[] = [];
    for (const { role, name } of SERVER_ROLES[configuration]) {
      const micros = cpuMicrosPerMessage((after[role] ?? 0) - (before[role] ?? 0), TICKS_PER_SECOND, ready);
      record(round, configuration, metricName.logonCpu(role), micros, stormForeign, numberIn(storm, 'cpu'));
      logonCpu.push(`${name} ${micros.toFixed(0)} µs`);
    }
    const settle = cpuWindow(Object.values(deployment.pids));
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    const rssAfter = rssKb(nodePid);
    const settleForeign = settle(0);
    const foreign = Math.max(stormForeign, settleForeign);
    const perConnection = (rssAfter - rssBefore) / ready;
    record(round, configuration, 'rssKb', perConnection, foreign, 0);
    let redisNote = '';
    if (redis !== null) {
      // Each ID holds its sharded subscription for as long as it is logged on; its logon counter only for the
      // minute of its logon window (redis-link.ts), so it is measured, then removed, and Redis measured again.
      const firstMinute = redisUsedMemory(redis);
      const counters = redisCli(redis, ['EVAL', "local n = 0 for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) n = n + 1 end return n", '0', 'hearth:{*}:logons']).trim();
      const held = redisUsedMemory(redis);
      record(round, configuration, 'redisBytesPerIdFirstMinute', (firstMinute - redisBefore) / ready, foreign, 0);
      record(round, configuration, 'redisBytesPerId', (held - redisBefore) / ready, foreign, 0);
      redisNote = `; Redis used_memory ${(redisBefore / 1024 / 1024).toFixed(1)} -> ${(firstMinute / 1024 / 1024).toFixed(1)} MB, ${(held / 1024 / 1024).toFixed(1)} MB without the ${counters} logon counters: ${((held - redisBefore) / ready).toFixed(0)} B per ID held`;
    }
    generator.tell('stop');
    await generator.finish();
    say(`  ${title(configuration)}: storm ${groupedInteger(numberIn(storm, 'per_second'))} connects+logons/s (${ready} logged on, ${numberIn(storm, 'failed')} failed, generator ${numberIn(storm, 'cpu').toFixed(2)} cores; CPU per logon ${logonCpu.join(', ')}); node RSS ${(rssBefore / 1024).toFixed(1)} -> ${(rssAfter / 1024).toFixed(1)} MB, ${perConnection.toFixed(2)} KB per connection${redisNote}${loadNote(foreign)}`);
  } finally {
    await deployment.stop();
  }
}

/** What one cross-node MSG of the load generator's is on Redis: the node packet a node SPUBLISHes for it. */
function crossNodePayload(): Buffer {
  const id = (letter: string): string => letter.repeat(22);
  const frame = JSON.stringify({ packet_type: 'MSG', transmitter: id('A'), receiver: id('B'), data: 'x'.repeat(100) });
  return encodeDelivery('MSG', '0'.repeat(NODE_ID_LENGTH), id('A'), Buffer.from(frame));
}

const resp = (words: readonly string[]): string => `*${words.length}\r\n${words.map((word) => `$${Buffer.byteLength(word)}\r\n${word}\r\n`).join('')}`;

/** One subscriber holding `ALONE_CHANNELS` sharded channels, as a node holds its IDs' channels; it reads and drops. */
async function subscriber(redis: TestRedis): Promise<Socket> {
  const socket = connect({ port: redis.port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const channels = Array.from({ length: ALONE_CHANNELS }, (_, index) => `hearth:id:{${String(index).padStart(12, '0')}}`);
  let seen = '';
  const confirmed = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      // PING in subscriber mode answers "pong" after every SSUBSCRIBE before it has been confirmed.
      seen = (seen + chunk.toString('latin1')).slice(-64);
      if (!seen.includes('pong')) return;
      socket.off('data', onData);
      socket.resume();
      resolve();
    };
    socket.on('data', onData);
  });
  socket.write(resp(['SSUBSCRIBE', ...channels]) + resp(['PING']));
  await confirmed;
  return socket;
}

async function redisAlone(round: number): Promise<void> {
  const redis = await TestRedis.start(pinnedTo(SERVER_CPU));
  const socket = await subscriber(redis).catch(async (error: unknown) => {
    await redis.stop();
    throw error;
  });
  try {
    const payload = crossNodePayload();
    const redisPid = redis.pid!;
    const window = cpuWindow([redisPid]);
    const before = processTicks(redisPid);
    const args = ['-p', String(redis.port), '-c', String(ALONE_CONNECTIONS), '-n', String(options.redisRequests), '-P', String(ALONE_PIPELINE),
      '-r', String(ALONE_CHANNELS), '-q', 'SPUBLISH', 'hearth:id:{__rand_int__}', payload.toString('latin1')];
    // bash's `times` gives redis-benchmark's CPU (its second line, the shell's children), which the foreign load leaves out.
    const child = spawn('bash', ['-c', '"$@"; times', 'bash', ...pinnedTo(GENERATOR_CPU), 'redis-benchmark', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = tail(child.stdout);
    const stderr = tail(child.stderr);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const after = processTicks(redisPid);
    const output = stdout();
    const benchmarkSeconds = childCpuSeconds(output.trim().split('\n').slice(-2).join('\n'));
    const perSecond = requestsPerSecond(output);
    if (code !== 0 || perSecond === null || benchmarkSeconds === null) throw new Error(`redis-benchmark failed (${code}): ${output.slice(-300)} ${stderr()}`);
    const foreign = window(benchmarkSeconds);
    const micros = cpuMicrosPerMessage(after - before, TICKS_PER_SECOND, options.redisRequests);
    record(round, 'redis', 'alonePerSecond', perSecond, foreign, 0);
    record(round, 'redis', 'aloneMicros', micros, foreign, 0);
    say(`  ${groupedInteger(perSecond)} SPUBLISH/s of ${payload.length} bytes, Redis CPU ${micros.toFixed(2)} µs each, redis-benchmark ${benchmarkSeconds.toFixed(2)} CPU s${loadNote(foreign)}`);
  } finally {
    socket.destroy();
    await redis.stop();
  }
}

// --- the report ----------------------------------------------------------------------------------------------

function redisVersion(): string {
  const result = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return /v=[\d.]+/.exec(result.stdout)?.[0].replace('v=', 'redis-server ') ?? 'redis-server (version unknown)';
}

function placement(): string {
  if (!pinned) return 'not pinned (fewer than 2 cores or no taskset): every process anywhere';
  const onServers: Record<Configuration, string> = { single: 'the node', redis: 'the node and Redis', cross: 'node A, node B and Redis' };
  return `generator alone on core ${GENERATOR_CPU}; on core ${SERVER_CPU}: ${options.configurations.map((configuration) => `${title(configuration)}: ${onServers[configuration]}`).join('; ')}` +
    ` (taskset). Redis alone: Redis on core ${SERVER_CPU}, redis-benchmark on core ${GENERATOR_CPU}, the subscriber in this process`;
}

function report(commandLine: string): void {
  const get = (metric: string): Cell => cell(measurements, 'redis', metric, options);
  const anyUnderLoad = measurements.some((measurement) => measurement.foreignCores > options.maxForeignCores);
  say('');
  say(`${BENCH}, ${new Date().toISOString()}: ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Linux ${release()}, Node ${process.version}, ${redisVersion()}`);
  say(`command: ${commandLine}`);
  say(`placement: ${placement()}`);
  say(`open-file limit ${hardFileLimit()}; ${options.rounds} round(s), medians of accepted rounds; 100-byte unicast; refused above ${options.maxForeignCores} foreign cores`);
  if (refusedRounds.length > 0) say(`rounds refused for foreign load before they started: ${refusedRounds.join(', ')}`);
  if (options.allowLoad && anyUnderLoad) say('NOT EVIDENCE: figures marked * were taken under foreign load (--allow-load).');
  if (options.quick) say('QUICK MODE: a smoke check with small counts and short phases, not the figures of the issue.');
  say('');
  say(markdownTable(['', ...options.configurations.map(title)], clusterRows(measurements, options)));
  say('');
  say(hopLine(hopMicros(measurements, options)));
  const alone = get('alonePerSecond');
  const aloneMicros = get('aloneMicros');
  if (alone.median !== null && aloneMicros.median !== null) {
    say(`Redis alone (redis-benchmark: ${ALONE_CONNECTIONS} connections, pipeline ${ALONE_PIPELINE}, SPUBLISH of a cross-node MSG's ${crossNodePayload().length} bytes to ${groupedInteger(ALONE_CHANNELS)} channels, one subscriber): ` +
      `${showCell(alone, groupedInteger)} SPUBLISH/s, Redis CPU ${showCell(aloneMicros, (value) => value.toFixed(2))} µs each (${groupedInteger(1e6 / aloneMicros.median)}/s for a whole core)`);
  }
  say('* taken under foreign load (only with --allow-load); † the generator used 0.9 cores or more: it may have been the limit.');
  const takenRounds = new Set(measurements.map((measurement) => measurement.round)).size;
  say(`rounds measured: ${takenRounds} of ${options.rounds}; measurements refused for foreign load: ${measurements.filter((measurement) => measurement.foreignCores > options.maxForeignCores).length} of ${measurements.length}`);
}

// --- main ----------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  requireCommand(BENCH, 'redis-server', 'run `npm run bootstrap` (it installs Debian\'s redis-server)');
  requireCommand(BENCH, 'redis-cli', 'run `npm run bootstrap` (redis-tools comes with redis-server)');
  requireCommand(BENCH, 'redis-benchmark', 'run `npm run bootstrap` (redis-tools comes with redis-server)');
  buildLoadgen(BENCH);
  buildBrokerIfStale((line) => say(`${BENCH}: ${line}`));
  requireOpenFiles(BENCH, options.idleConnections);
  const commandLine = `npm run ${BENCH}${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  say(`placement: ${placement()}`);
  for (let round = 1; round <= options.rounds; round += 1) {
    if (!(await roundMayRun(round, options, say))) {
      refusedRounds.push(round);
      continue;
    }
    const order = interleaved(options.configurations, round - 1);
    const saturated = new Map<string, number>();
    for (const pairs of options.pairs) {
      say(` saturation, ${pairs} pairs:`);
      for (const configuration of order) saturated.set(`${configuration}@${pairs}`, await saturation(round, configuration, pairs));
    }
    for (const pairs of options.pairs) {
      say(` latency at half of each one's saturation, ${pairs} pairs:`);
      for (const configuration of order) await halfLoad(round, configuration, pairs, (saturated.get(`${configuration}@${pairs}`) ?? 20_000) / 2);
    }
    say(` lone messages, 1 pair at ${groupedInteger(options.loneRate)}/s for ${options.loneMs / 1000} s:`);
    for (const configuration of order) await lone(round, configuration);
    const idleOnes = order.filter((configuration) => configuration !== 'cross');
    if (idleOnes.length > 0) {
      say(` logon storm of ${groupedInteger(options.idleConnections)}, then idle memory (settling ${options.settleMs / 1000} s before and after):`);
      for (const configuration of idleOnes) await idle(round, configuration);
    }
    if (options.configurations.some((configuration) => configuration !== 'single')) {
      say(' Redis alone, redis-benchmark:');
      await redisAlone(round);
    }
  }
  report(commandLine);
}

await main();
