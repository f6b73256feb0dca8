/**
 * `npm run bench:compare`: Hearth's compiled broker, Mosquitto 2 over WebSocket and a bare Node `ws` relay, side by
 * side in one run, driven by one C load generator (loadgen.c) in its own process. The server runs pinned to core 0,
 * the generator to core 1 (when the machine has two); every server gets the open-file limit's hard value.
 * Phases, each round running the targets in a rotated order (interleaved rounds; medians over them):
 *   saturation  forwarded msgs/s of 100-byte unicast between N pairs, for each --pairs
 *   latency     p50/p99/p99.9 at half of Hearth's saturation in the same round, for each --pairs
 *   idle        a storm of --idle connects + logons (its rate), then RSS per idle logged-on connection
 * Before each round it prints the load average and samples the machine for 2 s; during each measurement it counts
 * the CPU that processes other than ours used (/proc/stat minus the server, the generator and itself). A round or a
 * measurement above --max-foreign cores is refused, i.e. left out of the medians, unless --allow-load, and then
 * the table says that its figures are not evidence. A measurement, not a test: it reports, it does not assert.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { BROKER_BUNDLE, buildBrokerIfStale } from '../../../scripts/system/build.ts';
import { repoRoot } from '../../../scripts/system/paths.ts';
import {
  BUILD_DIR,
  buildLoadgen,
  cores,
  cpuWindow,
  optionsOrExit,
  roundMayRun,
  requireOpenFiles,
  Generator,
  hardFileLimit,
  HEARTH_FLAGS,
  listeningPort,
  numberIn,
  pinned,
  requireCommand,
  rssKb,
  spawnPinned,
  stopProcess,
  tail,
} from './harness.ts';
import {
  cell,
  groupedInteger,
  interleaved,
  markdownTable,
  parseCompareArguments,
  ratio,
  showCell,
  TARGET_TITLES,
  USAGE,
  type Cell,
  type CompareOptions,
  type Measurement,
  type Target,
} from './report.ts';

const HERE = join(repoRoot, 'broker/bench/compare');
const RELAY = join(BUILD_DIR, 'relay.js');
const STARTUP_TIMEOUT_MS = 15_000;
const IDLE_WARM_CONNECTIONS = 20;

const options: CompareOptions = optionsOrExit('bench:compare', USAGE, parseCompareArguments);
const SERVER_CPU = 0;
const GENERATOR_CPU = 1;
const say = (line: string): void => void process.stdout.write(`${line}\n`);

// --- preparation ---------------------------------------------------------------------------------------------

function prepare(): void {
  requireCommand('bench:compare', 'mosquitto', 'run `npm run bootstrap` (it installs Debian\'s mosquitto)');
  buildLoadgen('bench:compare');
  buildSync({ entryPoints: [join(HERE, 'relay.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: RELAY, logLevel: 'warning' });
  buildBrokerIfStale((line) => say(`bench:compare: ${line}`));
}

// --- processes -----------------------------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface Server {
  child: ChildProcess;
  pid: number;
  port: number;
  stop: () => Promise<void>;
}

async function startServer(target: Target, workDir: string): Promise<Server> {
  let child: ChildProcess;
  let port: number;
  if (target === 'mosquitto') {
    port = await freePort();
    const plainPort = await freePort();
    const config = join(workDir, 'mosquitto.conf');
    // Mosquitto 2.0.11 exits with "Unable to start any listening sockets" when its only listener is a WebSocket
    // one, so a plain MQTT listener on localhost comes along; nothing connects to it.
    writeFileSync(config, [`listener ${plainPort} 127.0.0.1`, `listener ${port} 127.0.0.1`, 'protocol websockets', 'allow_anonymous true',
      'persistence false', ''].join('\n'));
    child = spawnPinned(SERVER_CPU, 'mosquitto', ['-c', config]);
    const stderr = tail(child.stderr);
    tail(child.stdout);
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start: ${stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } else {
    const args = target === 'hearth' ? [join(repoRoot, BROKER_BUNDLE), ...HEARTH_FLAGS] : [RELAY, '0'];
    child = spawnPinned(SERVER_CPU, process.execPath, args);
    const stderr = tail(child.stderr);
    port = await listeningPort(child, TARGET_TITLES[target], stderr);
  }
  return { child, pid: child.pid!, port, stop: () => stopProcess(child) };
}

const PROTOCOL: Record<Target, string> = { hearth: 'hearth', mosquitto: 'mqtt', relay: 'relay' };

// --- phases --------------------------------------------------------------------------------------------------

const measurements: Measurement[] = [];
const refusedRounds: number[] = [];

function record(round: number, target: Target, metric: string, value: number, foreign: number, generatorCores: number): void {
  measurements.push({ round, target, metric, value, foreignCores: foreign, generatorCores });
}

const phaseArgs = (): string[] => ['--warmup-ms', String(options.warmupMs), '--duration-ms', String(options.durationMs)];
const loadNote = (foreign: number): string => (foreign > options.maxForeignCores ? `  FOREIGN LOAD ${foreign.toFixed(2)} cores` : '');

async function saturation(round: number, target: Target, pairs: number, workDir: string): Promise<number> {
  const server = await startServer(target, workDir);
  try {
    const window = cpuWindow([server.pid]);
    const generator = new Generator(GENERATOR_CPU, PROTOCOL[target], 'saturate', server.port, ['--pairs', String(pairs), ...phaseArgs()]);
    const result = await generator.next();
    await generator.finish();
    const foreign = window(numberIn(result, 'cpu_total'));
    const perSecond = numberIn(result, 'per_second');
    record(round, target, `saturation@${pairs}`, perSecond, foreign, numberIn(result, 'cpu'));
    say(`  ${TARGET_TITLES[target]}: ${groupedInteger(perSecond)} msgs/s (generator ${numberIn(result, 'cpu').toFixed(2)} cores, errors ${numberIn(result, 'errors')})${loadNote(foreign)}`);
    return perSecond;
  } finally {
    await server.stop();
  }
}

async function latency(round: number, target: Target, pairs: number, rate: number, workDir: string): Promise<void> {
  const server = await startServer(target, workDir);
  try {
    const window = cpuWindow([server.pid]);
    const generator = new Generator(GENERATOR_CPU, PROTOCOL[target], 'latency', server.port, ['--pairs', String(pairs), '--rate', String(Math.round(rate)), ...phaseArgs()]);
    const result = await generator.next();
    await generator.finish();
    const foreign = window(numberIn(result, 'cpu_total'));
    const generatorCores = numberIn(result, 'cpu');
    for (const name of ['p50', 'p99', 'p999']) record(round, target, `${name}@${pairs}`, numberIn(result, name), foreign, generatorCores);
    record(round, target, `rate@${pairs}`, rate, foreign, generatorCores);
    // Latency counts only what arrived: a server that dropped (Hearth past --max-buffered-bytes) or still held
    // messages when the phase ended would look faster than it was, so the share delivered goes into the table.
    record(round, target, `delivered@${pairs}`, numberIn(result, 'received') / numberIn(result, 'sent'), foreign, generatorCores);
    say(`  ${TARGET_TITLES[target]}: p50 ${numberIn(result, 'p50').toFixed(3)} / p99 ${numberIn(result, 'p99').toFixed(3)} / p99.9 ${numberIn(result, 'p999').toFixed(3)} ms, sent ${numberIn(result, 'sent')} received ${numberIn(result, 'received')}, errors ${numberIn(result, 'errors')} (generator ${generatorCores.toFixed(2)} cores)${loadNote(foreign)}`);
  } finally {
    await server.stop();
  }
}

async function idleAndStorm(round: number, target: Target, workDir: string): Promise<void> {
  const server = await startServer(target, workDir);
  try {
    const generator = new Generator(GENERATOR_CPU, PROTOCOL[target], 'idle', server.port, ['--warm', String(IDLE_WARM_CONNECTIONS), '--conns', String(options.idleConnections)]);
    const warm = await generator.next();
    if (numberIn(warm, 'ready') !== IDLE_WARM_CONNECTIONS) throw new Error(`only ${numberIn(warm, 'ready')} warm-up connections logged on`);
    // The baseline includes what the first connections load once; settling lets a runtime give back start-up garbage.
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    const before = rssKb(server.pid);
    const window = cpuWindow([server.pid]);
    generator.tell('go');
    const storm = await generator.next();
    const stormForeign = window(numberIn(storm, 'cpu') * numberIn(storm, 'seconds'));
    const ready = numberIn(storm, 'ready');
    record(round, target, 'stormPerSecond', numberIn(storm, 'per_second'), stormForeign, numberIn(storm, 'cpu'));
    // After a storm V8 keeps the young generation it grew; its memory reducer returns it after some seconds of quiet.
    const settle = cpuWindow([server.pid]);
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    const after = rssKb(server.pid);
    const settleForeign = settle(0);
    const perConnection = (after - before) / ready;
    record(round, target, 'rssKb', perConnection, Math.max(stormForeign, settleForeign), 0);
    generator.tell('stop');
    await generator.finish();
    say(`  ${TARGET_TITLES[target]}: storm ${groupedInteger(numberIn(storm, 'per_second'))} connects+logons/s (${ready} logged on, ${numberIn(storm, 'failed')} failed, generator ${numberIn(storm, 'cpu').toFixed(2)} cores); RSS ${(before / 1024).toFixed(1)} -> ${(after / 1024).toFixed(1)} MB, ${perConnection.toFixed(2)} KB per connection${loadNote(Math.max(stormForeign, settleForeign))}`);
  } finally {
    await server.stop();
  }
}

// --- the report ----------------------------------------------------------------------------------------------

function report(commandLine: string): void {
  const targets = options.targets;
  const get = (target: Target, metric: string): Cell => cell(measurements, target, metric, options);
  const hasBoth = targets.includes('hearth') && targets.includes('mosquitto');
  const header = ['', ...targets.map((target) => TARGET_TITLES[target]), ...(hasBoth ? ['Hearth/Mosquitto'] : [])];
  const rows: string[][] = [];
  const row = (title: string, metric: string, format: (value: number) => string): void => {
    rows.push([title, ...targets.map((target) => showCell(get(target, metric), format)),
      ...(hasBoth ? [ratio(get('hearth', metric).median, get('mosquitto', metric).median)] : [])]);
  };
  for (const pairs of options.pairs) row(`forwarded msgs/s, ${pairs} pairs`, `saturation@${pairs}`, groupedInteger);
  for (const pairs of options.pairs) {
    const rate = get('hearth', `rate@${pairs}`).median;
    const at = rate === null ? 'half of Hearth\'s saturation' : `${groupedInteger(rate)} msgs/s`;
    rows.push([`p50 / p99 / p99.9 at ${at}, ${pairs} pairs`,
      ...targets.map((target) => {
        const [p50, p99, p999] = ['p50', 'p99', 'p999'].map((name) => get(target, `${name}@${pairs}`));
        if (p50!.median === null) return showCell(p50!, String);
        const delivered = get(target, `delivered@${pairs}`).median ?? 1;
        const lost = delivered < 0.999 ? ` (${(delivered * 100).toFixed(1)} % delivered)` : '';
        return `${showCell(p50!, (value) => value.toFixed(3))} / ${showCell(p99!, (value) => value.toFixed(2))} / ${showCell(p999!, (value) => value.toFixed(2))} ms${lost}`;
      }),
      ...(hasBoth ? [`p99 ${ratio(get('hearth', `p99@${pairs}`).median, get('mosquitto', `p99@${pairs}`).median)}`] : [])]);
  }
  row(`RSS per idle logged-on connection, ${groupedInteger(options.idleConnections)}`, 'rssKb', (value) => `${value.toFixed(2)} KB`);
  row(`connects + logons per second, storm of ${groupedInteger(options.idleConnections)}`, 'stormPerSecond', groupedInteger);

  const anyUnderLoad = measurements.some((measurement) => measurement.foreignCores > options.maxForeignCores);
  say('');
  say(`bench:compare, ${new Date().toISOString()}: ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Linux ${release()}, Node ${process.version}, ${mosquittoVersion()}`);
  say(`command: ${commandLine}`);
  say(`server on core ${SERVER_CPU} and generator on core ${GENERATOR_CPU}: ${pinned ? 'yes (taskset)' : 'no (fewer than 2 cores or no taskset)'}; open-file limit ${hardFileLimit()}; ` +
    `${options.rounds} round(s), medians of accepted rounds; 100-byte unicast; refused above ${options.maxForeignCores} foreign cores`);
  if (refusedRounds.length > 0) say(`rounds refused for foreign load before they started: ${refusedRounds.join(', ')}`);
  if (options.allowLoad && anyUnderLoad) say('NOT EVIDENCE: figures marked * were taken under foreign load (--allow-load).');
  if (options.quick) say('QUICK MODE: a smoke check with small counts and short phases, not the figures of the issue.');
  say('');
  say(markdownTable(header, rows));
  say('');
  say('† the generator used 0.9 cores or more: it may have been the limit. Generator CPU per phase is printed above.');
  const takenRounds = new Set(measurements.map((measurement) => measurement.round)).size;
  say(`rounds measured: ${takenRounds} of ${options.rounds}; measurements refused for foreign load: ${measurements.filter((measurement) => measurement.foreignCores > options.maxForeignCores).length} of ${measurements.length}`);
}

function mosquittoVersion(): string {
  const help = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' });
  return /mosquitto version [\d.]+/.exec(`${help.stdout}${help.stderr}`)?.[0] ?? 'mosquitto (version unknown)';
}


// --- main ----------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  prepare();
  requireOpenFiles('bench:compare', options.idleConnections);
  const commandLine = `npm run bench:compare${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const workDir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  try {
    for (let round = 1; round <= options.rounds; round += 1) {
      if (!(await roundMayRun(round, options, say))) {
        refusedRounds.push(round);
        continue;
      }
      const order = interleaved(options.targets, round - 1);
      const hearthSaturation = new Map<number, number>();
      for (const pairs of options.pairs) {
        say(` saturation, ${pairs} pairs:`);
        for (const target of order) {
          const perSecond = await saturation(round, target, pairs, workDir);
          if (target === 'hearth') hearthSaturation.set(pairs, perSecond);
        }
      }
      for (const pairs of options.pairs) {
        // Half of Hearth's saturation in this round; without Hearth among the targets, half of the first target's.
        const reference = hearthSaturation.get(pairs) ?? measurements.find((measurement) => measurement.round === round && measurement.metric === `saturation@${pairs}`)?.value ?? 10_000;
        say(` latency at ${groupedInteger(reference / 2)} msgs/s, ${pairs} pairs:`);
        for (const target of order) await latency(round, target, pairs, reference / 2, workDir);
      }
      say(` logon storm of ${groupedInteger(options.idleConnections)}, then idle memory (settling ${options.settleMs / 1000} s before and after):`);
      for (const target of order) await idleAndStorm(round, target, workDir);
    }
    report(commandLine);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
