import { useRegisterSW } from 'virtual:pwa-register/react';

/** A deployed update is usually found within the hour even if the app stays open all day. */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (registration === undefined) return;
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
