/**
 * `npx tsx broker/bench/logon-cost.ts`: what checking one logon v2 LOG_ON costs the broker, with the arithmetic
 * it uses (node:crypto, broker/logon-crypto.ts) beside the contract's own (WebCrypto and @noble/hashes).
 * A measurement, not a test: it prints, it does not assert.
 *   - latency of one check when nothing else runs;
 *   - CPU per check, all threads (WebCrypto hands the ECDSA check to Node's thread pool);
 *   - event-loop busy time per check, paced well below saturation: what forwarding waits for while logons are checked;
 *   - checks per second with many in flight, as when a crowd reconnects.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fromBase64url, idFromPublicKey, makeLogonKeys, signedLogOn, verifyLogon, webLogonCrypto, type LogonCrypto, type LogOnPacket } from '../../protocol/index.ts';
import { nodeLogonCrypto, nodeSha256 } from '../logon-crypto.ts';

const COUNT = Number(process.env.LOGON_COUNT ?? 2000);
const IN_FLIGHT = 64;
const PACED_PER_TICK = 5;
const NONCE = 'bm9uY2Vub25jZW5vbmNlbm9uY2Vub25jZW5vbmNlbm8';
const HOST = 'hearth.example';

const keys = await Promise.all(Array.from({ length: 50 }, () => makeLogonKeys()));
const signStart = performance.now();
const packets = await Promise.all(Array.from({ length: COUNT }, (_, index) => signedLogOn(keys[index % keys.length]!, NONCE, HOST)));
const signMs = performance.now() - signStart;

interface Cost {
  serialUs: number;
  cpuUs: number;
  loopUs: number;
  perSecond: number;
}

async function measure(arithmetic: LogonCrypto): Promise<Cost> {
  const check = async (packet: LogOnPacket): Promise<void> => {
    const result = await verifyLogon(packet, NONCE, HOST, arithmetic);
    if (!result.ok) throw new Error(result.message);
  };
  for (const packet of packets.slice(0, 200)) await check(packet); // warm-up

  let start = performance.now();
  for (const packet of packets) await check(packet);
  const serialUs = ((performance.now() - start) * 1000) / COUNT;

  // Paced: the event loop idles between checks, so its active time is what the checks take from it.
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
  const loopUs = (performance.eventLoopUtilization(loopBefore).active * 1000) / COUNT;

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
  return { serialUs, cpuUs: (cpu.user + cpu.system) / COUNT, loopUs, perSecond: (COUNT / parallelMs) * 1000 };
}

// The ID check's one SHA-256 alone, in CPU time.
const publicKeyBytes = fromBase64url(packets[0]!.public_key)!;
const hashCost = (hash?: typeof nodeSha256): number => {
  const rounds = 50_000;
  for (let index = 0; index < 5_000; index += 1) idFromPublicKey(publicKeyBytes, hash);
  const before = process.cpuUsage();
  for (let index = 0; index < rounds; index += 1) idFromPublicKey(publicKeyBytes, hash);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / rounds;
};

const web = await measure(webLogonCrypto);
const native = await measure(nodeLogonCrypto);
const us = (value: number): string => `${value.toFixed(0)} µs`;
const rows: Array<[string, string, string]> = [
  ['one LOG_ON check, alone (wall)', us(web.serialUs), us(native.serialUs)],
  ['CPU per check, all threads', us(web.cpuUs), us(native.cpuUs)],
  ['event-loop busy per check, paced at 1,000/s (wall)', us(web.loopUs), us(native.loopUs)],
  [`checks per second, ${IN_FLIGHT} in flight`, Math.round(web.perSecond).toLocaleString('en-US'), Math.round(native.perSecond).toLocaleString('en-US')],
  ['ID from public key, SHA-256 alone (CPU)', `${hashCost().toFixed(2)} µs`, `${hashCost(nodeSha256).toFixed(2)} µs`],
];
const width = Math.max(...rows.map(([name]) => name.length));
process.stdout.write(`logon v2 verification cost: ${COUNT} LOG_ONs, ${availableParallelism()} cores, Node ${process.version}\n`);
process.stdout.write(`${''.padEnd(width)} | ${'WebCrypto'.padStart(12)} | ${'node:crypto'.padStart(12)}\n`);
for (const [name, a, b] of rows) process.stdout.write(`${name.padEnd(width)} | ${a.padStart(12)} | ${b.padStart(12)}\n`);
process.stdout.write(`client side, one WebCrypto signature (for comparison): ${us((signMs * 1000) / COUNT)}\n`);
