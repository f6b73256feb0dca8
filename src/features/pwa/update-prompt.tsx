import { useEffect, useLayoutEffect, useRef, useState, type FocusEvent, type RefObject } from 'react';
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

/** Where focus goes when a notice holding it goes away: the page's main heading, rather than nowhere. */
function focusMainHeading() {
  const heading = document.querySelector<HTMLElement>('main h1') ?? document.querySelector<HTMLElement>('h1');
  if (heading === null) return;
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus();
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

  // Only news: it goes by itself, but not while someone is reading it (pointer over it) or about to answer it (focus in
  // it): its time is paused then, and runs on with what was left once they leave.
  const [focusInside, setFocusInside] = useState(false);
  const [hovered, setHovered] = useState(false);
  const held = focusInside || hovered;
  const timeLeft = useRef(OFFLINE_READY_SHOWN_MS);
  useEffect(() => {
    if (!showingOfflineReady) {
      timeLeft.current = OFFLINE_READY_SHOWN_MS;
      return;
    }
    if (held) return;
    const started = Date.now();
    const timer = setTimeout(() => setOfflineReady(false), timeLeft.current);
    return () => {
      clearTimeout(timer);
      timeLeft.current = Math.max(0, timeLeft.current - (Date.now() - started));
    };
  }, [showingOfflineReady, held, setOfflineReady]);

  const putAwayOfflineReady = () => {
    const hadFocus = notice.current?.contains(document.activeElement) ?? false;
    setOfflineReady(false);
    setFocusInside(false);
    setHovered(false);
    if (hadFocus) focusMainHeading();
  };
  const leftByFocus = (event: FocusEvent<HTMLDivElement>) => {
    if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setFocusInside(false);
  };

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
      <div
        ref={notice}
        role="status"
        className="toast"
        onFocus={() => setFocusInside(true)}
        onBlur={leftByFocus}
        onPointerEnter={() => setHovered(true)}
        onPointerLeave={() => setHovered(false)}
      >
        {/* Short, in the toast's small type: on a phone a longer one outsized the temperature as the page's largest paint. */}
        <span>Ready to work offline: with no network, Hearth shows the last reading but cannot reach the thermostat.</span>
        <button type="button" className="button button-quiet" onClick={putAwayOfflineReady}>
          OK
        </button>
      </div>
    );
  }
  return null;
}
