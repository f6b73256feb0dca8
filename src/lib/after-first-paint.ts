/**
 * Longest wait for a first paint the browser does not report (a page hidden before it painted, a browser that reports
 * paints late): what waits for it is not held back longer than this.
 */
export const FIRST_PAINT_WAIT_MS = 2_000;

const reportsPaints = () => typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('paint') === true;
const painted = (list: Pick<PerformanceObserverEntryList, 'getEntriesByName'>) => list.getEntriesByName('first-contentful-paint').length > 0;

/**
 * Resolves once the page has shown its first content (the browser's first contentful paint); at once where the browser
 * does not report paints or the page is hidden (it will not paint), when the page is hidden before it painted, and
 * after FIRST_PAINT_WAIT_MS at the latest.
 */
export function waitForFirstPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (!reportsPaints() || document.visibilityState === 'hidden' || painted(performance)) {
      resolve();
      return;
    }
    const observer = new PerformanceObserver((list) => {
      if (painted(list)) done();
    });
    const onVisibilityChange = () => {
      if (document.visibilityState === 'hidden') done();
    };
    function done() {
      observer.disconnect();
      document.removeEventListener('visibilitychange', onVisibilityChange);
      resolve();
    }
    observer.observe({ type: 'paint', buffered: true });
    document.addEventListener('visibilitychange', onVisibilityChange);
    setTimeout(done, FIRST_PAINT_WAIT_MS);
  });
}

let firstPaint: Promise<void> | null = null;

/**
 * After the page's first paint, each caller in a task of its own, in the order they asked: scripts the first screen
 * does not need are fetched, parsed and run after it rather than competing with it for the network and the main thread,
 * and in turn rather than all in one long task.
 */
export function afterFirstPaint(): Promise<void> {
  firstPaint ??= waitForFirstPaint();
  return reportsPaints() ? firstPaint.then(() => new Promise((resolve) => setTimeout(resolve, 0))) : firstPaint;
}
