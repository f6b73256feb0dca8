/**
 * Vitest global setup for the app project: starts the real broker (broker/main.ts) on a free port so the
 * connection client is tested over the network, and provides its WebSocket URL as `brokerWsUrl`.
 * The app never imports the broker; only this test harness runs it, as a separate process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { TestProject } from 'vitest/node';
import { parseJsonObject } from '../protocol/json-reader.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    brokerWsUrl: string;
  }
}

/** jsdom's page origin in Vitest; the broker refuses browser origins it does not know. */
const JSDOM_ORIGIN = 'http://localhost:3000';
const START_TIMEOUT_MS = 30_000;

function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('broker did not report "listening" in time')), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`broker exited early with code ${code}`)));
    if (child.stdout === null) throw new Error('broker stdout is not piped');
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = parseJsonObject(line);
      const wsUrl = entry?.['ws'];
      if (entry?.['event'] === 'listening' && typeof wsUrl === 'string') {
        clearTimeout(timer);
        resolve(wsUrl);
      }
    });
  });
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (!existsSync('broker/main.ts')) throw new Error('broker/main.ts is missing: the connection test needs the broker');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'broker/main.ts', '--port', '0', '--host', '127.0.0.1', '--allowed-origins', JSDOM_ORIGIN, '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    project.provide('brokerWsUrl', await waitForListening(child));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
}
