import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { defaultDeviceName } from '@/lib/device-name';
import { loadOrCreateIdentity } from '@/lib/identity';
import { appStore } from '@/stores/app-store';
import { loadPersistedState, persistStore } from '@/stores/persistence';
import { App } from './app/app';
import { startConnection } from './app/connection';
import './styles.css';

appStore.setState(loadPersistedState(defaultDeviceName()));
persistStore(appStore);

const identity = loadOrCreateIdentity();
const connection = startConnection(appStore, identity);

// History and geofence run from the start but are not needed for the first paint: their own chunks.
void import('@/features/history/history-recorder').then(({ historyRecorder }) => {
  historyRecorder.follow(appStore);
  addEventListener('pagehide', () => void historyRecorder.flush());
});
void import('@/features/geofence/geofence-watcher').then(({ startGeofenceWatcher }) => {
  startGeofenceWatcher({ store: appStore, geolocation: navigator.geolocation, sendPresence: connection.commands.sendPresence });
});

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App commands={connection.commands} ownId={identity.id} />
  </StrictMode>,
);
