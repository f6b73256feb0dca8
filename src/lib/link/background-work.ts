/**
 * Work the connection code hands to WebCrypto (a join's ECDH): it finishes on the browser's own schedule, neither
 * on a timer nor as a microtask. Tests on fake timers wait for it through `backgroundWorkSettled` (testing/fake-time.ts).
 */
const running = new Set<Promise<unknown>>();

export function tracked<T>(work: Promise<T>): Promise<T> {
  running.add(work);
  const done = () => running.delete(work);
  work.then(done, done);
  return work;
}

/** Waits for the work running now; true if there was some. */
export async function backgroundWorkSettled(): Promise<boolean> {
  if (running.size === 0) return false;
  await Promise.allSettled([...running]);
  return true;
}
