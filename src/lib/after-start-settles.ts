/**
 * The main thread has gone this long without a long task: the start's burst of work is over. The quiet window by which
 * Lighthouse's Time to Interactive says a page is done starting; 2 s was too short (the history pages and the first
 * STATEs are many tasks under 50 ms each, which no long task reports).
 */
export const SETTLED_QUIET_MS = 5_000;
/** Longest wait after the load event, however busy the page stays: what waits for the start is not put off for good. */
export const SETTLE_WAIT_MS = 15_000;

const reportsLongTasks = () => typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask') === true;

function waitForLoad(): Promise<void> {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => window.addEventListener('load', () => resolve(), { once: true }));
}

/**
 * Resolves once the page has loaded and its main thread has then gone SETTLED_QUIET_MS without a long task (a task of
 * 50 ms or more, as the browser reports them), or SETTLE_WAIT_MS after the load event at the latest; where the browser
 * reports no long tasks, SETTLED_QUIET_MS after the load event.
 *
 * For work that may wait for the start to be over and would otherwise compete with it for the processor: on a phone's
 * first visit, the service worker's install (it fetches and stores every file of the app on a thread of its own) ran
 * alongside the first screen's script and made each of its tasks longer.
 */
export async function afterStartSettles(): Promise<void> {
  await waitForLoad();
  await new Promise<void>((resolve) => {
    let quiet: ReturnType<typeof setTimeout> | undefined;
    const observer = reportsLongTasks() ? new PerformanceObserver(() => restartQuiet()) : null;
    const latest = setTimeout(done, SETTLE_WAIT_MS);
    function restartQuiet() {
      clearTimeout(quiet);
      quiet = setTimeout(done, SETTLED_QUIET_MS);
    }
    function done() {
      observer?.disconnect();
      clearTimeout(quiet);
      clearTimeout(latest);
      resolve();
    }
    observer?.observe({ type: 'longtask' });
    restartQuiet();
  });
}
