/**
 * The installed app is launched into the window already open (the manifest's `launch_handler` is `focus-existing`):
 * the browser only focuses it and hands the link it was launched with (a shortcut, a pairing link) to the Launch
 * Handler API's queue. This takes the link's fragment from there into the address bar and tells the app as a
 * hashchange would, so the app handles it where it handles every fragment; a browser without the API navigates the
 * window itself, which is a hashchange already.
 */

/** The part of the Launch Handler API used here (not yet in TypeScript's DOM types). */
export interface LaunchParams {
  readonly targetURL?: string | null;
}
export interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

/**
 * Follows the launches of this window. `launchedAt` is the address the window itself was opened at: the browser hands
 * that launch to the queue too, and the app has taken its fragment as it started, so it is skipped once.
 */
export function followLaunches(queue: LaunchQueue | undefined, launchedAt: string, target: Window = window): void {
  if (queue === undefined) return;
  let startSkipped = false;
  queue.setConsumer(({ targetURL }) => {
    if (typeof targetURL !== 'string') return;
    if (!startSkipped && targetURL === launchedAt) {
      startSkipped = true;
      return;
    }
    startSkipped = true;
    let url: URL;
    try {
      url = new URL(targetURL);
    } catch {
      return;
    }
    // Only this app's own links: the browser sends nothing else within its scope, and nothing else is taken.
    if (url.origin !== target.location.origin || url.hash === '') return;
    const oldURL = target.location.href;
    // Replaced rather than pushed: Back does not return to the link, which may hold a pairing key.
    target.history.replaceState(target.history.state, '', `${target.location.pathname}${target.location.search}${url.hash}`);
    target.dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: target.location.href }));
  });
}

/** The window's Launch Handler queue, where the browser has one. */
export function launchQueueOf(target: Window): LaunchQueue | undefined {
  if (!('launchQueue' in target)) return undefined;
  const queue: unknown = target.launchQueue;
  return typeof queue === 'object' && queue !== null && 'setConsumer' in queue && typeof queue.setConsumer === 'function' ? (queue as LaunchQueue) : undefined;
}
