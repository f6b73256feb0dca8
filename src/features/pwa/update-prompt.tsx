import { useRegisterSW } from 'virtual:pwa-register/react';

/** A deployed update is usually found within the hour even if the app stays open all day. */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

const startedControlled = typeof navigator !== 'undefined' && navigator.serviceWorker?.controller != null;

export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (registration === undefined) return;
      // workbox-window's "installed" event is missed when the worker finishes installing before
      // it attaches (a fast first load). A page that started uncontrolled is a first install:
      // once a worker is active, the shell is cached.
      if (!startedControlled) void navigator.serviceWorker.ready.then(() => setOfflineReady(true));
      setInterval(() => {
        if (navigator.onLine) void registration.update();
      }, UPDATE_CHECK_INTERVAL_MS);
    },
  });

  if (needRefresh) {
    return (
      <div role="alert" className="toast">
        <span>A new version is available.</span>
        <button type="button" className="button button-primary" onClick={() => void updateServiceWorker(true)}>
          Reload
        </button>
        <button type="button" className="button button-quiet" onClick={() => setNeedRefresh(false)}>
          Later
        </button>
      </div>
    );
  }
  if (offlineReady) {
    return (
      <div role="status" className="toast">
        <span>Ready to work offline.</span>
        <button type="button" className="button button-quiet" onClick={() => setOfflineReady(false)}>
          OK
        </button>
      </div>
    );
  }
  return null;
}
