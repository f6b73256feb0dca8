/**
 * The broker as a child process: started, restarted on the same port, stopped. It runs what production runs,
 * the bundle under plain node (scripts/system/build.ts), rebuilt first when broker/ or protocol/ changed.
 */
import { join, resolve } from 'node:path';
import { parseJsonObject } from '../../protocol/index.ts';
import { BROKER_BUNDLE, buildBrokerIfStale } from './build.ts';
import { ManagedProcess } from './process.ts';
import { repoRoot } from './paths.ts';

export interface BrokerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  staticDir?: string;
  /** stderr (and stdout log lines) go here besides memory. */
  logFile?: string;
  name?: string;
  /**
   * redis:// URL: the broker is one node of a cluster routing through this Redis (--redis), and start() resolves
   * only once the node is connected to it, so that its first client's logon is counted cluster-wide.
   */
  redisUrl?: string;
}

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
  }
}

const STARTUP_TIMEOUT_MS = 20_000;

export class BrokerProcess {
  private process: ManagedProcess | null = null;
  private boundPort: number;

  constructor(private readonly options: BrokerOptions) {
    this.boundPort = options.port;
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /**
   * What this machine's clients connect to: a wildcard listening address is no address to connect to, and the
   * broker refuses a Host that is not one of its names (docs/protocol.md, "Logging on"), 0.0.0.0 among them.
   */
  private get urlHost(): string {
    if (this.host === '0.0.0.0' || this.host === '::') return '127.0.0.1';
    return this.host.includes(':') ? `[${this.host}]` : this.host;
  }

  get httpUrl(): string {
    return `http://${this.urlHost}:${this.boundPort}/`;
  }

  get wsUrl(): string {
    return `ws://${this.urlHost}:${this.boundPort}/ws`;
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  /** Where its log goes, if anywhere but memory. */
  get logFile(): string | undefined {
    return this.options.logFile;
  }

  get current(): ManagedProcess | null {
    return this.process;
  }

  /** Starts the broker and resolves once it listens; rejects with PortInUseError when the port is taken. */
  async start(): Promise<void> {
    if (this.running) throw new Error('broker is already running');
    buildBrokerIfStale(() => {});
    const args = [
      join(repoRoot, BROKER_BUNDLE),
      '--port',
      String(this.boundPort),
      '--host',
      this.host,
      '--static',
      resolve(repoRoot, this.options.staticDir ?? 'dist'),
      // The "listening" line that carries the port is logged at info.
      '--log-level',
      'info',
      ...(this.options.redisUrl === undefined ? [] : ['--redis', this.options.redisUrl]),
    ];
    const broker = ManagedProcess.spawn(this.options.name ?? 'broker', process.execPath, args, {
      cwd: repoRoot,
      ...(this.options.logFile ? { stderrLog: this.options.logFile } : {}),
      logStdout: true,
    });
    this.process = broker;
    const line = await broker.waitForLine(/"event"\s*:\s*"(listening|port_in_use)"/, { timeoutMs: STARTUP_TIMEOUT_MS }).catch(
      async (error: unknown) => {
        await broker.stop();
        throw error;
      },
    );
    const logLine = parseJsonObject(line);
    if (logLine?.['event'] === 'port_in_use') {
      await broker.stop();
      throw new PortInUseError(this.boundPort);
    }
    const port = logLine?.['port'];
    if (typeof port !== 'number') {
      await broker.stop();
      throw new Error(`broker's listening line has no port: ${line}`);
    }
    this.boundPort = port;
    if (this.options.redisUrl !== undefined) {
      await broker.waitForLine(/"event"\s*:\s*"redis_connected"/, { timeoutMs: STARTUP_TIMEOUT_MS }).catch(async (error: unknown) => {
        await broker.stop();
        throw error;
      });
    }
  }

  /** Stops the broker the way an operator does (SIGTERM: it closes sockets with 1001). */
  async stop(): Promise<void> {
    await this.process?.stop();
  }

  /** Same port, so clients reconnect to the URL they know. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
