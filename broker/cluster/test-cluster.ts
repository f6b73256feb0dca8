/**
 * For tests and benches: a real redis-server (Debian's, from scripts/bootstrap.sh) on a free port, and broker nodes
 * that route through it, in this process (startTestNodes) or as processes of their own (spawnNode, for kill -9).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { parseJsonObject } from '../../protocol/json-reader.ts';
import { startBroker, type BrokerConfig, type RunningBroker } from '../server.ts';

const START_TIMEOUT_MS = 20_000;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves with the first line of `child`'s stdout that `match` accepts, as `match` maps it. */
function lineOf<T>(child: ChildProcess, what: string, match: (line: string) => T | null): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time`)), START_TIMEOUT_MS);
    const onExit = (code: number | null): void => reject(new Error(`${what} exited early with code ${code}`));
    child.once('exit', onExit);
    if (child.stdout === null) throw new Error(`${what}: stdout is not piped`);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const found = match(line);
      if (found === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.removeAllListeners('line');
      // Keep draining, so that a chatty child never blocks on a full pipe.
      child.stdout?.resume();
      resolve(found);
    });
  });
}

export class TestRedis {
  private child: ChildProcess | null = null;

  /** `launcher` goes before redis-server, e.g. `taskset -c 0` (a bench pins it to a core). */
  private constructor(
    readonly port: number,
    private readonly launcher: readonly string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A redis-server that keeps nothing on disk, on a free loopback port. */
  static async start(launcher: readonly string[] = []): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), launcher);
    await redis.restart();
    return redis;
  }

  /** The running server's process ID (the launcher execs it), for a bench that reads its CPU in /proc. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it again on the same port (after stop() or kill()). */
  async restart(): Promise<void> {
    const [command, ...args] = [...this.launcher, 'redis-server', '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    await lineOf(child, 'redis-server', (line) => (line.includes('Ready to accept connections') ? true : null));
  }

  /** Gone at once, as a crash or a network cut looks to the nodes. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  stop(): Promise<void> {
    return this.kill();
  }
}

/** A silent node on a free loopback port routing through `redis`, with the test's settings on top. */
export const startTestNode = (redis: TestRedis, overrides: Partial<BrokerConfig> = {}): Promise<RunningBroker> =>
  startBroker({ port: 0, host: '127.0.0.1', logLevel: 'silent', staticDir: null, redis: redis.url, ...overrides });

/** `count` nodes in this process, each connected to Redis with its channels subscribed. */
export async function startTestNodes(redis: TestRedis, count: number, overrides: Partial<BrokerConfig> = {}): Promise<RunningBroker[]> {
  const nodes = await Promise.all(Array.from({ length: count }, () => startTestNode(redis, overrides)));
  await Promise.all(nodes.map((node) => node.redisConnected()));
  return nodes;
}

export interface SpawnedNode {
  readonly url: string;
  readonly wsUrl: string;
  readonly child: ChildProcess;
}

/** A node as a process of its own (broker/main.ts), which a test may kill -9. */
export async function spawnNode(redis: TestRedis, args: readonly string[] = []): Promise<SpawnedNode> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'broker/main.ts', '--port', '0', '--host', '127.0.0.1', '--static', '', '--redis', redis.url, '--log-level', 'info', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    // Both lines, in either order: listening with its URLs, and connected to Redis.
    let listening: { url: string; wsUrl: string } | null = null;
    let connected = false;
    await lineOf(child, 'broker node', (line) => {
      const entry = parseJsonObject(line);
      const url = entry?.['url'];
      const ws = entry?.['ws'];
      if (entry?.['event'] === 'listening' && typeof url === 'string' && typeof ws === 'string') listening = { url, wsUrl: ws };
      if (entry?.['event'] === 'redis_connected') connected = true;
      return connected && listening !== null ? true : null;
    });
    if (listening === null) throw new Error('unreachable');
    return { ...(listening as { url: string; wsUrl: string }), child };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
