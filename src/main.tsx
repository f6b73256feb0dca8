import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { afterFirstPaint } from '@/lib/after-first-paint';
import { defaultDeviceName } from '@/lib/device-name';
import { appStore } from '@/stores/app-store';
import { loadPersistedState, persistStore } from '@/stores/persistence';
import { App } from './app/app';
import { deferredCommands } from './app/deferred-commands';
import { takeLaunchFragment } from './app/launch-fragment';
import './styles.css';
// The cards that fill the first screen right after its first paint load their code in chunks of their own, but their
// styles come with the first stylesheet: each sheet added while the app starts makes the browser restyle and lay out
// the whole page again. After styles.css, as when each came with its card, so that they still win over its rules.
import '@/features/schedule/schedule.css';
import '@/features/history/history.css';
import '@/features/members/members.css';

appStore.setState(loadPersistedState(defaultDeviceName()));
persistStore(appStore);
// The connection code sets this too, with its listeners; until it has loaded the first paint must not claim a network.
appStore.getState().setOnline(navigator.onLine);

// The connection stack is not needed to paint the last known state ("Connecting…"): its own chunk, requested as soon
// as that has painted, before any other deferred chunk. Requested earlier, it shares the network with the first
// screen's script and its parsing with the first render on a slow phone, and puts off the paint that says what is known.
// Commands issued meanwhile wait for it.
const commands = deferredCommands(appStore, () =>
  afterFirstPaint().then(() => import('./app/household-wiring'))
    .then(({ startHouseholdWithStoredIdentity }) => startHouseholdWithStoredIdentity(appStore))
    .then((household) => household.commands),
);

// An installed app is where browsers grant lasting storage: ask on its first start there (and weekly until granted).
// Nothing on the first paint waits for the answer: its own chunk, after it.
void afterFirstPaint().then(() => import('@/lib/persistent-storage')).then(({ askToPersistStorage, isInstalledApp }) => {
  if (isInstalledApp()) void askToPersistStorage();
});

// History and geofence run from the start but are not needed for the first paint: their own chunks, after it (what the
// history recorder finds in the store by then it merges with what it kept).
void afterFirstPaint().then(() => import('@/features/history/history-recorder')).then(({ historyRecorder }) => {
  historyRecorder.follow(appStore);
  addEventListener('pagehide', () => void historyRecorder.flush());
});
void afterFirstPaint().then(() => import('@/features/history/history-cache')).then(({ historyPageCache }) => {
  historyPageCache.follow(appStore);
  addEventListener('pagehide', () => void historyPageCache.flush());
});
void afterFirstPaint().then(() => import('@/features/geofence/geofence-watcher')).then(({ startGeofenceWatcher }) => {
  startGeofenceWatcher({ store: appStore, geolocation: navigator.geolocation, sendPresence: commands.sendPresence, forgetPresence: commands.forgetPresence });
});

// A shortcut or link launched while the installed app is open reaches this window through the launch queue. The
// browser holds launches until a consumer is set, so this waits for its own chunk (after the first paint) without losing one.
const launchedAt = performance.getEntriesByType('navigation')[0]?.name ?? location.href;
void afterFirstPaint().then(() => import('@/features/pwa/launch-queue')).then(({ followLaunches, launchQueueOf }) => followLaunches(launchQueueOf(window), launchedAt));

// Taken here, once, and not in a render: a render may run more than once.
const launch = takeLaunchFragment();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
const reactRoot = createRoot(root);
// A transition's render yields to the browser every few milliseconds instead of holding the main thread for the whole
// first screen at once.
startTransition(() =>
  reactRoot.render(
    <StrictMode>
      <App commands={commands} launch={launch} />
    </StrictMode>,
  ),
);
