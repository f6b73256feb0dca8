/**
 * `npx tsx broker/bench/logon-cost.ts`: what checking one logon v2 LOG_ON costs the broker (verifyLogon, as
 * broker/handlers/log-on.ts calls it). A measurement, not a test: it prints, it does not assert.
 *   - latency of one check when nothing else runs;
 *   - CPU per check (all threads: Node runs WebCrypto verification on its thread pool);
 *   - the event loop's share of that, i.e. what forwarding waits for while logons are checked (the ECDSA
 *     arithmetic itself runs on Node's thread pool);
 *   - checks per second with many in flight, as when a crowd reconnects.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fromBase64url, idFromPublicKey, logonText, makeLogonKeys, signedLogOn, verifyLogon, type LogOnPacket } from '../../protocol/index.ts';
import { nodeSha256 } from '../handlers/log-on.ts';

const COUNT = Number(process.env.LOGON_COUNT ?? 2000);
const IN_FLIGHT = 64;
const NONCE = 'bm9uY2Vub25jZW5vbmNlbm9uY2Vub25jZW5vbmNlbm8';
const HOST = 'hearth.example';

async function check(packet: LogOnPacket): Promise<void> {
  const result = await verifyLogon(packet, NONCE, HOST, nodeSha256);
  if (!result.ok) throw new Error(result.message);
}

const keys = await Promise.all(Array.from({ length: 50 }, () => makeLogonKeys()));
const signStart = performance.now();
const packets = await Promise.all(Array.from({ length: COUNT }, (_, index) => signedLogOn(keys[index % keys.length]!, NONCE, HOST)));
const signMs = performance.now() - signStart;
for (const packet of packets.slice(0, 200)) await check(packet); // warm-up

let start = performance.now();
for (const packet of packets) await check(packet);
const serialUs = ((performance.now() - start) * 1000) / COUNT;

// The event loop's own share, timed directly: verifyLogon up to its first await (decoding, the ID hash and the
// key import, which Node's WebCrypto does synchronously), then handing the ECDSA check to the thread pool.
let untilFirstAwaitMs = 0;
for (const packet of packets) {
  const called = performance.now();
  const pending = verifyLogon(packet, NONCE, HOST, nodeSha256);
  untilFirstAwaitMs += performance.now() - called;
  await pending;
}
const sampleKey = await crypto.subtle.importKey('raw', fromBase64url(packets[0]!.public_key)!, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
const sampleSignature = fromBase64url(packets[0]!.signature)!;
const signedText = new TextEncoder().encode(logonText(NONCE, HOST));
let dispatchMs = 0;
for (let index = 0; index < COUNT; index += 1) {
  const called = performance.now();
  const pending = crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, sampleKey, sampleSignature, signedText);
  dispatchMs += performance.now() - called;
  await pending;
}
const onLoopUs = ((untilFirstAwaitMs + dispatchMs) * 1000) / COUNT;

// Paced well below saturation, so the event loop idles between checks: its active time is then what the
// checks themselves take from it (decoding, the ID hash, key import, dispatch), i.e. what forwarding waits for.
const PACED_PER_TICK = 5;
const loopBefore = performance.eventLoopUtilization();
await new Promise<void>((resolve, reject) => {
  let issued = 0;
  let settled = 0;
  const timer = setInterval(() => {
    for (let index = 0; index < PACED_PER_TICK && issued < packets.length; index += 1) {
      check(packets[issued++]!).then(() => {
        settled += 1;
        if (settled === packets.length) resolve();
      }, reject);
    }
    if (issued === packets.length) clearInterval(timer);
  }, 5);
});
const loop = performance.eventLoopUtilization(loopBefore);
const loopUsPerCheck = (loop.active * 1000) / COUNT;

// The ID check's one SHA-256: the contract's own (@noble/hashes, JavaScript) against node:crypto's, which the broker passes.
const publicKeyBytes = fromBase64url(packets[0]!.public_key)!;
const hashCost = (hash?: typeof nodeSha256): number => {
  const rounds = 50_000;
  for (let index = 0; index < 5_000; index += 1) idFromPublicKey(publicKeyBytes, hash);
  const before = process.cpuUsage();
  for (let index = 0; index < rounds; index += 1) idFromPublicKey(publicKeyBytes, hash);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / rounds;
};
const nobleIdUs = hashCost();
const nodeIdUs = hashCost(nodeSha256);

const cpuBefore = process.cpuUsage();
start = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (next < packets.length) await check(packets[next++]!);
  }),
);
const parallelMs = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);

const rows: Array<[string, string]> = [
  ['one LOG_ON check, alone (wall)', `${serialUs.toFixed(0)} µs`],
  ['CPU per check, all threads', `${(((cpu.user + cpu.system) / COUNT)).toFixed(0)} µs`],
  ['of which on the event loop, timed directly (decode, ID hash, key import, dispatch)', `${onLoopUs.toFixed(0)} µs`],
  ['event-loop busy per check, paced at 1,000/s (wall; includes preemption on a busy machine)', `${loopUsPerCheck.toFixed(0)} µs`],
  ['ID from public key, @noble/hashes SHA-256 (the contract default; CPU)', `${nobleIdUs.toFixed(2)} µs`],
  ["ID from public key, node:crypto SHA-256 (the broker's; CPU)", `${nodeIdUs.toFixed(2)} µs`],
  [`checks per second, ${IN_FLIGHT} in flight`, Math.round((COUNT / parallelMs) * 1000).toLocaleString('en-US')],
  ['client side: one signature (WebCrypto sign, for comparison)', `${((signMs * 1000) / COUNT).toFixed(0)} µs`],
];
const width = Math.max(...rows.map(([name]) => name.length));
process.stdout.write(`logon v2 verification cost: ${COUNT} LOG_ONs, ${availableParallelism()} cores, Node ${process.version}\n`);
for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)} | ${value.padStart(10)}\n`);
