/**
 * Preloaded into the broker process by run.ts (never by main.ts): answers memory questions over the IPC
 * channel so the bench can read the V8 heap, not only RSS, after a full collection.
 */
interface MemoryProbe {
  probe: 'memory';
}

export interface MemoryReport {
  rssKb: number;
  heapUsedKb: number;
  heapTotalKb: number;
  externalKb: number;
}

const collect = globalThis.gc;

process.on('message', (message: MemoryProbe) => {
  if (message.probe !== 'memory') return;
  // Several passes: weak references and finalizers freed by one pass can free more in the next.
  for (let pass = 0; pass < 3; pass += 1) collect?.();
  const usage = process.memoryUsage();
  const report: MemoryReport = { rssKb: usage.rss / 1024, heapUsedKb: usage.heapUsed / 1024, heapTotalKb: usage.heapTotal / 1024, externalKb: usage.external / 1024 };
  process.send?.(report);
});
// The channel must not keep the broker alive once the server has closed.
process.channel?.unref();
