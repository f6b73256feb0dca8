/**
 * `npx tsx broker/bench/lone-latency.ts [broker checkout]`: one-way latency of lone messages through the broker,
 * one in flight at a time with a millisecond between them, so that write coalescing (write-batch.ts) has nothing to
 * batch and any latency it added would show. The broker runs in its own process from the checkout given (default:
 * this one), so that an older commit can be measured beside this one. A measurement, not a test: it prints.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseJsonObject } from '../../protocol/index.ts';
import { TestClient } from '../integration/client.ts';

const checkout = resolve(process.argv[2] ?? '.');
const MESSAGES = 3_000;
const WARMUP = 500;

const broker = spawn(
  process.execPath,
  ['--import', 'tsx', 'broker/main.ts', '--port', '0', '--host', '127.0.0.1', '--static', '', '--rate-limit', '100000', '--rate-burst', '100000',
    '--inbound-limit', '1000000', '--inbound-burst', '1000000'],
  { cwd: checkout, stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<number>((resolvePort, reject) => {
  createInterface({ input: broker.stdout! }).on('line', (line) => {
    const record = parseJsonObject(line);
    if (record?.['event'] === 'listening' && typeof record['port'] === 'number') resolvePort(record['port']);
  });
  broker.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
});
const url = `ws://127.0.0.1:${port}/ws`;
const alice = await TestClient.logOn(url);
const bob = await TestClient.logOn(url);
const frame = JSON.stringify({ packet_type: 'MSG', transmitter: alice.id, receiver: bob.id, data: `v1.${'x'.repeat(130)}` });
const samples: number[] = [];
for (let index = 0; index < MESSAGES; index += 1) {
  const sent = performance.now();
  alice.send(frame);
  await bob.next();
  if (index >= WARMUP) samples.push((performance.now() - sent) * 1000);
  await new Promise((resolveTick) => setTimeout(resolveTick, 1));
}
samples.sort((a, b) => a - b);
const at = (fraction: number): string => (samples[Math.floor(samples.length * fraction)] ?? Number.NaN).toFixed(0);
process.stdout.write(
  `lone messages through ${checkout}: p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs (${samples.length} samples, 1-min load ${loadavg()[0]?.toFixed(1)})\n`,
);
broker.kill('SIGTERM');
process.exit(0);
