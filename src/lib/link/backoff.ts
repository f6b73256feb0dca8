/** Reconnect delays per the contract: 1 s doubling to at most 30 s, with jitter so clients do not stampede. */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/** "Equal jitter": half the delay is fixed, half random, so a retry is never instant yet never synchronised. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
