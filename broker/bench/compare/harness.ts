/**
 * What the benches built on loadgen.c share (bench:compare, bench:cluster): building the generator, starting
 * processes pinned to a core with the open-file limit raised, reading their CPU and memory from /proc, the
 * foreign-load sample, and talking to the generator, which prints one JSON line per result.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseJsonObject, type Result } from '../../../protocol/index.ts';
import { repoRoot } from '../../../scripts/system/paths.ts';
import { foreignCores, type BenchOptions } from './report.ts';

export type JsonObject = NonNullable<ReturnType<typeof parseJsonObject>>;

/** Inside the repository, so that a bundle built there finds `ws` in node_modules. */
export const BUILD_DIR = join(repoRoot, 'node_modules/.cache/bench-compare');
export const LOADGEN = join(BUILD_DIR, 'loadgen');
/** USER_HZ: /proc reports CPU time in these ticks on every Linux architecture Node runs on. */
export const TICKS_PER_SECOND = 100;
const STARTUP_TIMEOUT_MS = 15_000;

export const cores = availableParallelism();
/** Two cores or more and taskset: each process is pinned to the core it is given. */
export const pinned = cores >= 2 && spawnSync('taskset', ['--version']).status === 0;

/** Hearth as production runs it (the bundle under node), with the per-client limits lifted for the load. */
export const HEARTH_FLAGS = ['--port', '0', '--host', '127.0.0.1', '--static', '', '--rate-limit', '1000000000', '--rate-burst', '1000000000',
  '--logon-limit', '1000000', '--ping-interval-ms', '600000', '--inbound-limit', '1000000000', '--inbound-burst', '1000000000',
  '--max-connections', '1000000', '--max-connections-per-ip', '1000000', '--logon-limit-per-ip', '1000000000'];

export function requireCommand(bench: string, command: string, hint: string): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) {
    process.stderr.write(`${bench}: ${command} is missing; ${hint}\n`);
    process.exit(1);
  }
}

/** Compiles loadgen.c with the system cc when the binary is missing or older than its source. */
export function buildLoadgen(bench: string): void {
  requireCommand(bench, 'cc', 'run `npm run bootstrap` (it installs the C compiler)');
  mkdirSync(BUILD_DIR, { recursive: true });
  const source = join(repoRoot, 'broker/bench/compare/loadgen.c');
  if (existsSync(LOADGEN) && statSync(source).mtimeMs <= statSync(LOADGEN).mtimeMs) return;
  const compiled = spawnSync('cc', ['-O2', '-Wall', '-Wextra', '-o', LOADGEN, source, '-lcrypto'], { encoding: 'utf8' });
  if (compiled.status !== 0) {
    process.stderr.write(`${bench}: compiling the load generator failed (libssl-dev: npm run bootstrap):\n${compiled.stderr}`);
    process.exit(1);
  }
}

export function hardFileLimit(): string {
  return spawnSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim();
}

/** The command prefix that pins a process to `cpu`, or none where the machine cannot. */
export const pinnedTo = (cpu: number): string[] => (pinned ? ['taskset', '-c', String(cpu)] : []);

/** Spawns with the open-file limit raised to its hard value and, where possible, pinned to one core. */
export function spawnPinned(cpu: number, command: string, args: readonly string[], stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  // exec keeps the pid: the child's pid is the server's or the generator's own, which /proc is read for.
  return spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$@"', 'bash', ...pinnedTo(cpu), command, ...args], {
    stdio: [stdin, 'pipe', 'pipe'],
  });
}

/** Keeps the last few KB of a stream for error messages and keeps the pipe drained (servers log per connection). */
export function tail(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-4000);
  });
  return () => text;
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(timer);
}

/**
 * Resolves at the first JSON line of the child's stdout for which `isLast` holds (it sees every line before, so it
 * can gather several: a node's `listening` and `redis_connected`); rejects on exit or timeout. The rest of stdout
 * is read and dropped, so a chatty child never blocks on a full pipe.
 */
export function untilJsonLine(child: ChildProcess, what: string, stderr: () => string, isLast: (record: JsonObject) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not ready within ${STARTUP_TIMEOUT_MS} ms: ${stderr()}`)), STARTUP_TIMEOUT_MS);
    let done = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const record = done ? null : parseJsonObject(line);
      if (record === null || !isLast(record)) return;
      done = true;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready: ${stderr()}`));
    });
  });
}

/** The port of the first `{"event":"listening","port":N}` line on stdout. */
export async function listeningPort(child: ChildProcess, what: string, stderr: () => string): Promise<number> {
  let port = 0;
  await untilJsonLine(child, what, stderr, (record) => {
    if (record['event'] === 'listening' && typeof record['port'] === 'number') port = record['port'];
    return port > 0;
  });
  return port;
}

// --- CPU and memory from /proc -------------------------------------------------------------------------------

function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

/** User + system CPU ticks of a process, its threads included; 0 once it is gone. */
export function processTicks(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

const selfTicks = (): number => {
  const usage = process.cpuUsage();
  return ((usage.user + usage.system) / 1e6) * TICKS_PER_SECOND;
};

export function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
}

/** Starts counting; the returned function gives the foreign cores since, given the generator's CPU seconds. */
export function cpuWindow(serverPids: readonly number[]): (generatorSeconds: number) => number {
  const machine = machineTicks();
  const servers = serverPids.map(processTicks);
  const self = selfTicks();
  return (generatorSeconds) => {
    const now = machineTicks();
    const serverTicks = serverPids.reduce((sum, pid, index) => sum + processTicks(pid) - servers[index]!, 0);
    return foreignCores({
      machineBusyTicks: now.busy - machine.busy,
      machineTotalTicks: now.total - machine.total,
      ourTicks: serverTicks + (selfTicks() - self) + generatorSeconds * TICKS_PER_SECOND,
      cores,
    });
  };
}

/** The cores' worth of CPU other processes used over the next `ms`. */
export async function foreignLoadNow(ms: number): Promise<number> {
  const machine = machineTicks();
  const self = selfTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const now = machineTicks();
  return foreignCores({ machineBusyTicks: now.busy - machine.busy, machineTotalTicks: now.total - machine.total, ourTicks: selfTicks() - self, cores });
}

// --- the generator -------------------------------------------------------------------------------------------

/** loadgen.c in its own process on `cpu`: one JSON line per result, commands on stdin. */
export class Generator {
  private readonly records: JsonObject[] = [];
  private waiting: ((record: JsonObject) => void) | null = null;
  private readonly child: ChildProcess;
  private readonly stderr: () => string;
  readonly done: Promise<void>;

  constructor(cpu: number, protocol: string, mode: string, port: number, args: readonly string[]) {
    this.child = spawnPinned(cpu, LOADGEN, [protocol, mode, String(port), ...args], 'pipe');
    this.stderr = tail(this.child.stderr);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const record = parseJsonObject(line);
      if (record === null) return;
      if (this.waiting) {
        const waiting = this.waiting;
        this.waiting = null;
        waiting(record);
      } else this.records.push(record);
    });
    this.done = exited(this.child);
  }

  /** The next JSON line, or an error when the generator exits first. */
  next(): Promise<JsonObject> {
    const record = this.records.shift();
    if (record) return Promise.resolve(record);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      void this.done.then(() => {
        if (this.waiting === resolve) reject(new Error(`load generator exited (${this.child.exitCode}): ${this.stderr()}`));
      });
    });
  }

  tell(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  async finish(): Promise<void> {
    this.child.stdin?.end();
    await this.done;
  }
}

export const numberIn = (record: JsonObject, name: string): number => {
  const value = record[name];
  return typeof value === 'number' ? value : Number.NaN;
};

/** How long the load is watched before a round. */
const PRECHECK_MS = 2000;

/** Stops the bench when `idle` connections would need more open files than the hard limit allows. */
export function requireOpenFiles(bench: string, idle: number): void {
  const limit = Number(hardFileLimit());
  if (Number.isFinite(limit) && idle + 100 > limit) {
    process.stderr.write(`${bench}: --idle ${idle} needs more open files than the hard limit (${limit}); raise it (ulimit -Hn, /etc/security/limits.conf) or lower --idle\n`);
    process.exit(1);
  }
}

/** Prints the machine's load before a round; false (and says so) when other processes use more than the bench allows. */
export async function roundMayRun(round: number, options: BenchOptions, say: (line: string) => void): Promise<boolean> {
  const [one, five, fifteen] = loadavg();
  const foreign = await foreignLoadNow(PRECHECK_MS);
  say(`round ${round}/${options.rounds}: load average ${one!.toFixed(2)} / ${five!.toFixed(2)} / ${fifteen!.toFixed(2)}; other processes used ${foreign.toFixed(2)} cores over the last ${PRECHECK_MS / 1000} s`);
  if (foreign <= options.maxForeignCores || options.allowLoad) return true;
  say(`round ${round} refused: foreign load above ${options.maxForeignCores} cores (run on a quiet machine, or --allow-load for figures that are not evidence)`);
  return false;
}

/** The bench's options from its command line; prints the usage and exits on --help (0) or on a bad option (2). */
export function optionsOrExit<Options>(bench: string, usage: string, parse: (argv: string[]) => Result<Options, 'usage'>): Options {
  const argv = process.argv.slice(2);
  if (argv.some((argument) => argument === '--help' || argument === '-h')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const parsed = parse(argv);
  if (!parsed.ok) {
    process.stderr.write(`${bench}: ${parsed.message}\n\n${usage}\n`);
    process.exit(2);
  }
  return parsed.value;
}
