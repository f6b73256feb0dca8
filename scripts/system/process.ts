/**
 * Child processes of the running system (broker, simulated thermostats), each in its own process
 * group so that stopping one also stops whatever it spawned (tsx's node, sim.sh's binary).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Where stderr goes besides the in-memory tail: a file, or nowhere. */
  stderrLog?: string;
  /** Also copy stdout to the stderr log, for processes that log on stdout. */
  logStdout?: boolean;
}

interface LineWaiter {
  pattern: RegExp;
  since: number;
  resolve: (line: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Long-running processes print for hours; only this many recent lines are kept for lookups. */
const KEPT_LINES = 5000;

/**
 * Children run in their own process groups, so they outlive a parent that crashes. This set lets
 * the parent's exit (normal or by an uncaught exception) take every live group down with it.
 */
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const group of liveGroups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
const KEPT_STDERR_CHARS = 8000;

export class ManagedProcess {
  /** stdout lines; `lines[i]` is line number `firstLine + i`. */
  private readonly lines: string[] = [];
  private firstLine = 0;
  private readonly waiters = new Set<LineWaiter>();
  private readonly lineListeners = new Set<(line: string) => void>();
  private stderrTailText = '';
  private exitStatus: ExitStatus | null = null;
  private readonly log: WriteStream | null;
  readonly exited: Promise<ExitStatus>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    options: SpawnOptions,
  ) {
    this.log = options.stderrLog ? createWriteStream(options.stderrLog, { flags: 'a' }) : null;
    if (child.pid !== undefined) liveGroups.add(child.pid);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        for (const waiter of this.waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`${this.name} exited (${describeExit(this.exitStatus)}) before printing ${waiter.pattern}${this.diagnostics()}`));
        }
        this.waiters.clear();
        resolve(this.exitStatus);
      });
    });
    let pending = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (options.logStdout) this.log?.write(chunk);
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        this.addLine(pending.slice(0, newline).replace(/\r$/, ''));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.log?.write(chunk);
      this.stderrTailText = (this.stderrTailText + chunk).slice(-KEPT_STDERR_CHARS);
    });
    // A child that exits while we write to it must not crash the parent with EPIPE.
    child.stdin?.on('error', () => undefined);
  }

  static spawn(name: string, command: string, args: readonly string[], options: SpawnOptions): ManagedProcess {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    return new ManagedProcess(name, child, options);
  }

  get running(): boolean {
    return this.exitStatus === null;
  }

  /** Number of the next stdout line: pass it as `since` to wait only for lines printed after now. */
  get lineCount(): number {
    return this.firstLine + this.lines.length;
  }

  onLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /** The first stdout line numbered `since` or later that matches; waits for it if need be. */
  waitForLine(pattern: RegExp, { since = 0, timeoutMs = 15_000 }: { since?: number; timeoutMs?: number } = {}): Promise<string> {
    const earlier = this.findLine(pattern, since);
    if (earlier !== undefined) return Promise.resolve(earlier);
    if (this.exitStatus) {
      return Promise.reject(new Error(`${this.name} has exited (${describeExit(this.exitStatus)}); no line ${pattern}${this.diagnostics()}`));
    }
    return new Promise((resolve, reject) => {
      const waiter: LineWaiter = {
        pattern,
        since,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`${this.name} printed no line ${pattern} within ${timeoutMs} ms${this.diagnostics()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  writeLine(line: string): void {
    if (!this.running) throw new Error(`${this.name} has exited; cannot send ${JSON.stringify(line)}`);
    this.child.stdin?.write(`${line}\n`);
  }

  /** Ends stdin, as when whoever fed the process goes away; resolves once the pipe is closed. */
  closeStdin(): Promise<void> {
    const stdin = this.child.stdin;
    if (!stdin || stdin.closed) return Promise.resolve();
    return new Promise((resolve) => {
      stdin.once('close', () => resolve());
      stdin.end();
    });
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group is already gone.
    }
  }

  /** SIGTERM to the whole group, SIGKILL after `graceMs`; always leaves no member of the group behind. */
  async stop(graceMs = 3000): Promise<ExitStatus> {
    if (this.running) {
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.killGroup(), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    // The group leader may exit before its children (sim.sh before the simulator binary).
    this.killGroup();
    if (this.child.pid !== undefined) liveGroups.delete(this.child.pid);
    this.child.stdin?.destroy();
    this.log?.end();
    return this.exited;
  }

  recentLines(count = 20): string[] {
    return this.lines.slice(-count);
  }

  diagnostics(): string {
    const out = this.recentLines(15).join('\n');
    const err = this.stderrTailText.split('\n').slice(-15).join('\n');
    return `\n--- ${this.name} stdout (last lines) ---\n${out}\n--- ${this.name} stderr (last lines) ---\n${err}`;
  }

  private killGroup(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Nothing left in the group.
    }
  }

  private findLine(pattern: RegExp, since: number): string | undefined {
    const start = Math.max(0, since - this.firstLine);
    for (let i = start; i < this.lines.length; i++) {
      const line = this.lines[i] as string;
      if (pattern.test(line)) return line;
    }
    return undefined;
  }

  private addLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) {
      this.lines.shift();
      this.firstLine++;
    }
    const number = this.lineCount - 1;
    for (const waiter of this.waiters) {
      if (number >= waiter.since && waiter.pattern.test(line)) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
    for (const listener of this.lineListeners) listener(line);
  }
}

export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}
