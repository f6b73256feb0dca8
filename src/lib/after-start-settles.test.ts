import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakePerformanceObserver, settled } from '@/testing/performance-observer';
import { afterStartSettles, SETTLE_WAIT_MS, SETTLED_QUIET_MS } from './after-start-settles';

/** The browser's long-task reports, driven by the test. */
const FakeObserver = fakePerformanceObserver<unknown>(['longtask']);

let readyState: DocumentReadyState = 'complete';

beforeEach(() => {
  readyState = 'complete';
  FakeObserver.made = [];
  FakeObserver.supportedEntryTypes = ['longtask'];
  vi.stubGlobal('PerformanceObserver', FakeObserver);
  vi.spyOn(document, 'readyState', 'get').mockImplementation(() => readyState);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** Moves the fake clock on by `ms`, letting promises run between. */
async function pass(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

describe('afterStartSettles', () => {
  it('waits for the load event before it counts anything', async () => {
    readyState = 'interactive';
    const waiting = afterStartSettles();
    await pass(SETTLE_WAIT_MS + SETTLED_QUIET_MS);
    expect(await settled(waiting)).toBe(false);
    expect(FakeObserver.made).toHaveLength(0);

    readyState = 'complete';
    window.dispatchEvent(new Event('load'));
    await pass(SETTLED_QUIET_MS - 1);
    expect(await settled(waiting)).toBe(false);
    await pass(1);
    expect(await settled(waiting)).toBe(true);
  });

  it('waits for the main thread to go quiet: each long task starts the quiet time again; then it stops listening', async () => {
    const waiting = afterStartSettles();
    await pass(0);
    const [observer] = FakeObserver.made;
    expect(observer?.observed).toEqual([{ type: 'longtask' }]);
    // Two restarts and the quiet time end before the longest wait: only the restarts can have held it back.
    expect(2 * (SETTLED_QUIET_MS - 100) + SETTLED_QUIET_MS).toBeLessThan(SETTLE_WAIT_MS);
    for (let i = 0; i < 2; i++) {
      await pass(SETTLED_QUIET_MS - 100);
      observer?.deliver({});
    }
    await pass(SETTLED_QUIET_MS - 1);
    expect(await settled(waiting)).toBe(false);
    await pass(1);
    expect(await settled(waiting)).toBe(true);
    expect(observer?.disconnected).toBe(true);
  });

  it('is not put off for good by a page that stays busy', async () => {
    const waiting = afterStartSettles();
    await pass(0);
    const [observer] = FakeObserver.made;
    for (let passed = 0; passed < SETTLE_WAIT_MS - 500; passed += 500) {
      observer?.deliver({});
      await pass(500);
    }
    expect(await settled(waiting)).toBe(false);
    observer?.deliver({});
    await pass(500);
    expect(await settled(waiting)).toBe(true);
    expect(observer?.disconnected).toBe(true);
  });

  it('waits the quiet time after the load event where the browser reports no long tasks', async () => {
    FakeObserver.supportedEntryTypes = ['paint'];
    const waiting = afterStartSettles();
    await pass(SETTLED_QUIET_MS - 1);
    expect(await settled(waiting)).toBe(false);
    await pass(1);
    expect(await settled(waiting)).toBe(true);
    expect(FakeObserver.made).toHaveLength(0);
  });
});
