/** One load-generating process, driven over IPC by run.ts. Every loop here is bounded by time or count. */
import { performance } from 'node:perf_hooks';
import { makeLogonKeys, message, parsePacket, signedLogOn } from '../../protocol/index.ts';
import { encodeClientFrame, RawClient } from './raw-client.ts';

export type WorkerCommand =
  | { mode: 'saturate'; port: number; pairs: number; warmupMs: number; durationMs: number }
  | { mode: 'latency'; port: number; pairs: number; ratePerSecond: number; warmupMs: number; durationMs: number }
  | { mode: 'idle'; port: number; connections: number }
  | { mode: 'exit' };

export type WorkerReport =
  | { mode: 'saturate'; received: number; seconds: number }
  | { mode: 'latency'; latenciesMs: number[]; sent: number; received: number }
  | { mode: 'idle'; connected: number };

const DATA_LENGTH = 100;
const STAMP_LENGTH = 20;
/** Messages a pair may have in flight: enough to keep the broker busy, small enough never to hit its buffer ceiling. */
const WINDOW = 400;
const BATCH = 50;
const CONNECT_CONCURRENCY = 100;

async function loggedOn(port: number): Promise<{ client: RawClient; id: string }> {
  const keys = await makeLogonKeys();
  const client = await RawClient.connect(port);
  const challenge = parsePacket((await client.nextText()).toString());
  if (!challenge.ok || challenge.value.packet_type !== 'CHALLENGE') throw new Error('expected CHALLENGE first');
  const logOn = await signedLogOn(keys, challenge.value.nonce, client.host);
  const ack = (await client.request(JSON.stringify(logOn))).toString();
  if (!ack.includes('ACK_LOG_ON')) throw new Error(`logon failed: ${ack}`);
  return { client, id: keys.id };
}

interface Pair {
  sender: RawClient;
  receiver: RawClient;
  /** Frame text with the 100 bytes of data; the timestamp goes at `stampOffset`. */
  frame: Buffer;
  stampOffset: number;
}

async function makePairs(port: number, count: number): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let index = 0; index < count; index += 1) {
    const [sender, receiver] = await Promise.all([loggedOn(port), loggedOn(port)]);
    const data = 'x'.repeat(DATA_LENGTH);
    const text = JSON.stringify(message(sender.id, receiver.id, data));
    const frame = encodeClientFrame(Buffer.from(text));
    pairs.push({ sender: sender.client, receiver: receiver.client, frame, stampOffset: frame.indexOf(data) });
  }
  return pairs;
}

async function saturate(command: Extract<WorkerCommand, { mode: 'saturate' }>): Promise<WorkerReport> {
  const pairs = await makePairs(command.port, command.pairs);
  let received = 0;
  let measuring = false;
  let stopped = false;
  for (const pair of pairs) {
    const batch = Buffer.concat(Array.from({ length: BATCH }, () => pair.frame));
    let sent = 0;
    let delivered = 0;
    const pump = (): void => {
      while (!stopped && sent - delivered < WINDOW) {
        pair.sender.write(batch);
        sent += BATCH;
      }
    };
    pair.receiver.onText = () => {
      delivered += 1;
      if (measuring) received += 1;
      if (sent - delivered <= WINDOW / 2) pump();
    };
    pump();
  }
  await new Promise((resolve) => setTimeout(resolve, command.warmupMs));
  measuring = true;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, command.durationMs));
  measuring = false;
  stopped = true;
  const seconds = (performance.now() - start) / 1000;
  for (const pair of pairs) {
    pair.sender.close();
    pair.receiver.close();
  }
  return { mode: 'saturate', received, seconds };
}

async function latency(command: Extract<WorkerCommand, { mode: 'latency' }>): Promise<WorkerReport> {
  const pairs = await makePairs(command.port, command.pairs);
  const latenciesMs: number[] = [];
  let sent = 0;
  let received = 0;
  let recording = false;
  for (const pair of pairs) {
    const stampAt = pair.stampOffset - 8; // payload offset inside the encoded frame: 4-byte header + 4-byte mask
    pair.receiver.onText = (payload) => {
      const stamp = Number(payload.toString('latin1', stampAt, stampAt + STAMP_LENGTH));
      received += 1;
      if (recording) latenciesMs.push(performance.now() - stamp);
    };
  }
  const perPairPerMs = command.ratePerSecond / pairs.length / 1000;
  const started = performance.now();
  const ends = started + command.warmupMs + command.durationMs;
  const due = new Array<number>(pairs.length).fill(0);
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      recording = now - started >= command.warmupMs;
      if (now >= ends) {
        resolve();
        return;
      }
      pairs.forEach((pair, index) => {
        const target = Math.floor((now - started) * perPairPerMs);
        for (; due[index]! < target; due[index]! += 1) {
          const frame = Buffer.from(pair.frame);
          frame.write(performance.now().toFixed(4).padStart(STAMP_LENGTH, '0'), pair.stampOffset, 'latin1');
          pair.sender.write(frame);
          sent += 1;
        }
      });
      setTimeout(tick, 1);
    };
    tick();
  });
  for (const pair of pairs) {
    pair.sender.close();
    pair.receiver.close();
  }
  return { mode: 'latency', latenciesMs, sent, received };
}

const idleClients: RawClient[] = [];

async function idle(command: Extract<WorkerCommand, { mode: 'idle' }>): Promise<WorkerReport> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < command.connections) {
      next += 1;
      idleClients.push((await loggedOn(command.port)).client);
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, lane));
  return { mode: 'idle', connected: idleClients.length };
}

process.on('message', (command: WorkerCommand) => {
  if (command.mode === 'exit') {
    for (const client of idleClients) client.close();
    process.exit(0);
  }
  const run = command.mode === 'saturate' ? saturate(command) : command.mode === 'latency' ? latency(command) : idle(command);
  run.then(
    (report) => process.send?.(report),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
