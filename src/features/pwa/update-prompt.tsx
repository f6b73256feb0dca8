import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';

/** A deployed update is usually found within the hour even if the app stays open all day. */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** Long enough to read two sentences; the notice asks nothing of the person, so it leaves by itself. */
export const OFFLINE_READY_SHOWN_MS = 8_000;
/** The CSS variable (on <html>) that keeps the bottom of the page free for a notice, so it never hides a card. */
export const NOTICE_ROOM_VARIABLE = '--notice-room';
const GAP_PX = 8;

const startedControlled = typeof navigator !== 'undefined' && navigator.serviceWorker?.controller != null;

/**
 * Keeps room below the page's content, while a notice shows, from the notice's top edge to the bottom of the window
 * and a little more: the last card can always be scrolled clear of it.
 */
function useRoomFor(notice: RefObject<HTMLElement | null>, shown: boolean) {
  useLayoutEffect(() => {
    const element = notice.current;
    if (!shown || element === null) return;
    const root = document.documentElement;
    const keepRoom = () => root.style.setProperty(NOTICE_ROOM_VARIABLE, `${Math.ceil(window.innerHeight - element.getBoundingClientRect().top + GAP_PX)}px`);
    keepRoom();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(keepRoom);
    observer?.observe(element);
    window.addEventListener('resize', keepRoom);
    return () => {
      observer?.disconnect();
      window.removeEventListener('resize', keepRoom);
      root.style.removeProperty(NOTICE_ROOM_VARIABLE);
    };
  }, [notice, shown]);
}

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
  const notice = useRef<HTMLDivElement>(null);
  const showingOfflineReady = offlineReady && !needRefresh;
  useRoomFor(notice, needRefresh || offlineReady);

  // Only news: it goes by itself. An update waits for an answer, as reloading is the person's choice.
  useEffect(() => {
    if (!showingOfflineReady) return;
    const timer = setTimeout(() => setOfflineReady(false), OFFLINE_READY_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [showingOfflineReady, setOfflineReady]);

  if (needRefresh) {
    return (
      <div ref={notice} role="alert" className="toast">
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
      <div ref={notice} role="status" className="toast">
        <span>
          Ready to work offline: without a network, Hearth opens and shows the last reading it received, but it cannot
          reach your thermostat.
        </span>
        <button type="button" className="button button-quiet" onClick={() => setOfflineReady(false)}>
          OK
        </button>
      </div>
    );
  }
  return null;
}
