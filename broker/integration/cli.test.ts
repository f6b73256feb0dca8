/** The broker's command line as production, `npm start` and the e2e tests run it: the bundle under plain node. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROKER_BUNDLE, buildBrokerIfStale } from '../../scripts/system/build.ts';
import { readOpenFileLimit, RESERVED_FILES } from '../open-files.ts';
import { TestClient } from './client.ts';

interface LogLine {
  level: string;
  event: string;
  port?: number;
  [key: string]: unknown;
}

function spawnBroker(args: string[]): { child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, [BROKER_BUNDLE, ...args], { stdio: 'pipe' });
  return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
}

async function nextEvent(lines: AsyncIterator<string>, event: string): Promise<LogLine> {
  for (;;) {
    const line = await lines.next();
    if (line.done) throw new Error(`stdout ended before ${event}`);
    const record = JSON.parse(line.value) as LogLine;
    if (record.event === event) return record;
  }
}

/** Whether this process (and so the broker it starts) holds CAP_SYS_RESOURCE, which root in a container often lacks. */
function mayRaiseHardLimits(): boolean {
  const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  const CAP_SYS_RESOURCE = 24n;
  return effective !== undefined && ((BigInt(`0x${effective}`) >> CAP_SYS_RESOURCE) & 1n) === 1n;
}

const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  new Promise((resolve) => child.once('exit', (code) => resolve(code)));

// Each test starts Node, which on a loaded machine alone can take more than vitest's default 5 s.
describe('broker/main.ts', { timeout: 30_000 }, () => {
  // What the tests run is rebuilt when broker/ or protocol/ is newer than it, as for npm start and the e2e tests.
  beforeAll(() => buildBrokerIfStale(() => {}));

  it('logs listening with the port, serves /healthz and /ws, and exits 0 on SIGTERM after closing sockets with 1001', async () => {
    const { child, lines } = spawnBroker(['--port', '0', '--host', '127.0.0.1', '--static', '']);
    const exit = exited(child);
    const listening = await nextEvent(lines, 'listening');
    expect(listening.level).toBe('info');
    expect(typeof listening.time).toBe('string');
    const port = listening.port;
    expect(port).toBeGreaterThan(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok', connections: 0, logged_on: 0 });
    const client = await TestClient.logOn(`ws://127.0.0.1:${port}/ws`);
    const started = Date.now();
    child.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads options from the environment', async () => {
    const child = spawn(process.execPath, [BROKER_BUNDLE], {
      stdio: 'pipe',
      env: { ...process.env, BROKER_PORT: '0', BROKER_HOST: '127.0.0.1', BROKER_MAX_FRAME_BYTES: '1000' },
    });
    const exit = exited(child);
    const { port } = await nextEvent(createInterface({ input: child.stdout })[Symbol.asyncIterator](), 'listening');
    const client = await TestClient.logOn(`ws://127.0.0.1:${port}/ws`);
    client.send({ packet_type: 'MSG', transmitter: client.id, receiver: client.id, data: 'x'.repeat(1000) });
    expect(await client.next()).toMatchObject({ packet_type: 'ERROR', code: 'too_large' });
    expect((await client.closed).code).toBe(1009);
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });

  it('logs port_in_use and exits 1 when the port is taken', async () => {
    const first = spawnBroker(['--port', '0', '--host', '127.0.0.1']);
    const { port } = await nextEvent(first.lines, 'listening');
    const second = spawnBroker(['--port', String(port), '--host', '127.0.0.1']);
    const exit = exited(second.child);
    const line = await nextEvent(second.lines, 'port_in_use');
    expect(line.level).toBe('error');
    expect(line.message).toMatch(/in use/);
    expect(await exit).toBe(1);
    const firstExit = exited(first.child);
    first.child.kill('SIGTERM');
    expect(await firstExit).toBe(0);
  });

  it('prints --help naming every option and its environment variable', async () => {
    const { child } = spawnBroker(['--help']);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await exited(child)).toBe(0);
    for (const text of ['--port', 'BROKER_PORT', '--static', 'BROKER_STATIC', '--allowed-origins', '--tls-cert', '--log-level', '--rate-limit']) {
      expect(output).toContain(text);
    }
  });

  it('raises its open-file limit where it may, and says how many connections it can hold', async () => {
    // Started with a limit of 200 open files, soft and hard; only a privileged process may go past the hard one.
    const child = spawn(
      'prlimit',
      ['--nofile=200:200', process.execPath, BROKER_BUNDLE, '--port', '0', '--host', '127.0.0.1', '--static', '', '--max-connections', '1000'],
      { stdio: 'pipe' },
    );
    const exit = exited(child);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const capacity = await nextEvent(lines, 'capacity');
    // Only once it listens does it handle SIGTERM.
    await nextEvent(lines, 'listening');
    const limit = readOpenFileLimit(child.pid!);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(limit).not.toBeNull();
    const soft = limit!.soft;
    expect(soft).toBe(mayRaiseHardLimits() ? 1000 + RESERVED_FILES : 200);
    expect(capacity).toMatchObject({
      level: 'info',
      connections: Math.min(1000, soft - RESERVED_FILES),
      limited_by: soft - RESERVED_FILES < 1000 ? 'open-files' : 'max-connections',
      max_connections: 1000,
      open_files: soft,
    });
  });

  it('exits 2 on an unknown flag or a bad value', async () => {
    expect(await exited(spawnBroker(['--nope']).child)).toBe(2);
    expect(await exited(spawnBroker(['--port', 'eighty']).child)).toBe(2);
  });
});
