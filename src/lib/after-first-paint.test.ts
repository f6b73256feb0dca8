import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakePerformanceObserver, settled } from '@/testing/performance-observer';
import { FIRST_PAINT_WAIT_MS, waitForFirstPaint } from './after-first-paint';

type Entries = { getEntriesByName(name: string): unknown[] };
const entriesNamed = (...names: string[]): Entries => ({ getEntriesByName: (wanted) => (names.includes(wanted) ? [{}] : []) });

/** The browser's paint reports, driven by the test. */
const FakeObserver = fakePerformanceObserver<Entries>(['paint']);

let visibility: DocumentVisibilityState = 'visible';
let paintedAlready = false;

beforeEach(() => {
  visibility = 'visible';
  paintedAlready = false;
  FakeObserver.made = [];
  FakeObserver.supportedEntryTypes = ['paint'];
  vi.stubGlobal('PerformanceObserver', FakeObserver);
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  vi.spyOn(performance, 'getEntriesByName').mockImplementation((name) => (paintedAlready && name === 'first-contentful-paint' ? [{} as PerformanceEntry] : []));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('waitForFirstPaint', () => {
  it('waits for the first contentful paint, not the first paint, then stops listening', async () => {
    const removed = vi.spyOn(document, 'removeEventListener');
    const waiting = waitForFirstPaint();
    const [observer] = FakeObserver.made;
    expect(observer?.observed).toEqual([{ type: 'paint', buffered: true }]);
    observer?.deliver(entriesNamed('first-paint'));
    expect(await settled(waiting)).toBe(false);
    observer?.deliver(entriesNamed('first-contentful-paint'));
    expect(await settled(waiting)).toBe(true);
    expect(observer?.disconnected).toBe(true);
    expect(removed).toHaveBeenCalledWith('visibilitychange', expect.any(Function));
  });

  it('does not wait where the page has painted already, is hidden, or the browser reports no paints', async () => {
    paintedAlready = true;
    expect(await settled(waitForFirstPaint())).toBe(true);
    paintedAlready = false;
    visibility = 'hidden';
    expect(await settled(waitForFirstPaint())).toBe(true);
    visibility = 'visible';
    FakeObserver.supportedEntryTypes = ['mark', 'measure'];
    expect(await settled(waitForFirstPaint())).toBe(true);
    vi.stubGlobal('PerformanceObserver', undefined);
    expect(await settled(waitForFirstPaint())).toBe(true);
    expect(FakeObserver.made).toEqual([]);
  });

  it('stops waiting when the page is hidden before it painted', async () => {
    const waiting = waitForFirstPaint();
    expect(await settled(waiting)).toBe(false);
    visibility = 'hidden';
    document.dispatchEvent(new Event('visibilitychange'));
    expect(await settled(waiting)).toBe(true);
  });

  it(`waits ${FIRST_PAINT_WAIT_MS} ms at most for a paint that is never reported`, async () => {
    const waiting = waitForFirstPaint();
    vi.advanceTimersByTime(FIRST_PAINT_WAIT_MS - 1);
    expect(await settled(waiting)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await settled(waiting)).toBe(true);
    expect(FakeObserver.made[0]?.disconnected).toBe(true);
  });
});
