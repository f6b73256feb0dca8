import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { PanelBoundary } from '@/components/panel-boundary';
import { CommandsContext, type ThermostatCommands } from '@/lib/link/commands-context';
import { LinkStatusBar } from '@/features/link-status/link-status-bar';
import { ThermostatTitle } from '@/features/household/thermostat-title';
import { ThermostatScreen } from '@/features/thermostat/thermostat-screen';
import { useAppStore } from '@/stores/app-store';
import { takePairingFragment } from './pairing-fragment';

// What the first screen does not need waits for its own chunk, to keep the first load within budget.
const UpdatePrompt = lazy(() => import('@/features/pwa/update-prompt').then((m) => ({ default: m.UpdatePrompt })));
const ScheduleCard = lazy(() => import('@/features/schedule/schedule-card').then((m) => ({ default: m.ScheduleCard })));
const GeofenceCard = lazy(() => import('@/features/geofence/geofence-card').then((m) => ({ default: m.GeofenceCard })));
const HistoryPanel = lazy(() => import('@/features/history/history-panel').then((m) => ({ default: m.HistoryPanel })));
const MembersCard = lazy(() => import('@/features/members/members-card').then((m) => ({ default: m.MembersCard })));
const MembershipNotice = lazy(() => import('@/features/members/membership-notice').then((m) => ({ default: m.MembershipNotice })));
const PairingDialog = lazy(() => import('@/features/pairing/pairing-dialog').then((m) => ({ default: m.PairingDialog })));
const SetupDialog = lazy(() => import('@/features/setup/setup-dialog').then((m) => ({ default: m.SetupDialog })));
const SettingsDialog = lazy(() => import('./settings-dialog').then((m) => ({ default: m.SettingsDialog })));
// Only a household of several thermostats opens on it: its own chunk.
const RoomsOverview = lazy(() => import('@/features/household/rooms-overview').then((m) => ({ default: m.RoomsOverview })));

function CardPlaceholder({ height }: { height: number }) {
  return <div className="card" style={{ minHeight: height }} aria-hidden="true" />;
}

/** null: no dialog; `{}`: opened by the person; `{ fromLink }`: opened by a `#pair=` link. */
type PairingRequest = { fromLink?: string } | null;

function usePairingLinks(): [PairingRequest, (request: PairingRequest) => void] {
  const [request, setRequest] = useState<PairingRequest>(() => {
    const taken = takePairingFragment();
    return taken === null ? null : { fromLink: taken };
  });
  useEffect(() => {
    // A link opened while the app is already open (an installed app handling a link) arrives as hashchange.
    const onHashChange = () => {
      const taken = takePairingFragment();
      if (taken !== null) setRequest({ fromLink: taken });
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return [request, setRequest];
}

/** `#setup`, the install page's link for a thermostat it has just flashed: taken out of the address bar, it opens set-up. */
function takeSetupFragment(loc: Location = location, hist: History = history): boolean {
  if (loc.hash !== '#setup') return false;
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}`);
  return true;
}

/** The manifest's shortcuts (vite.config.ts) open the app at `#add` and `#rooms`: taken out of the address bar as `#setup` is. */
function takeShortcutFragment(fragment: 'add' | 'rooms', loc: Location = location, hist: History = history): boolean {
  if (loc.hash !== `#${fragment}`) return false;
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}`);
  return true;
}

type Shown = 'welcome' | 'rooms' | 'thermostat';

/**
 * A person who opens a room or goes back to all of them lands on the new screen's heading, or on the room they came
 * from, instead of on the page's start. Returns whether the rooms are shown because the person came back to them.
 */
function useFocusOnScreenChange(shown: Shown): boolean {
  const previous = useRef(shown);
  const [cameBack, setCameBack] = useState(false);
  useEffect(() => {
    if (previous.current === shown) return;
    const from = previous.current;
    previous.current = shown;
    if (shown === 'rooms') setCameBack(from === 'thermostat');
    else if (shown === 'thermostat' && from === 'rooms') document.querySelector<HTMLElement>('.app-header h1')?.focus();
  }, [shown]);
  return cameBack && shown === 'rooms';
}

function Welcome({ onAdd, onSetUp }: { onAdd: () => void; onSetUp: () => void }) {
  return (
    <section className="card welcome">
      <h2>Welcome to Hearth</h2>
      <p>
        A new thermostat? Plug it into this computer by USB and set it up from here. One that is already set up? Open its
        pairing link — or an invitation from someone in the household — to control it from here.
      </p>
      <p className="muted">
        This app and your thermostats talk through a broker, which may run anywhere, not only in your home. The broker sees
        which IDs talk to each other, when and how much, but not what they say: temperatures, settings, names and presence are
        encrypted end to end between this app and the thermostat.
      </p>
      <div className="actions">
        <button type="button" className="button button-primary" onClick={onSetUp}>
          Set up a new thermostat
        </button>
        <button type="button" className="button" onClick={onAdd}>
          Add thermostat
        </button>
      </div>
    </section>
  );
}

export function App({ commands, withUpdatePrompt = true }: { commands: ThermostatCommands; withUpdatePrompt?: boolean }) {
  const ownId = useAppStore((s) => s.ownId);
  const hasThermostat = useAppStore((s) => s.thermostats.length > 0);
  const severalThermostats = useAppStore((s) => s.thermostats.length > 1);
  const selectedId = useAppStore((s) => s.selectedId);
  // With one thermostat there is nothing to choose: straight to it.
  const showingRooms = useAppStore((s) => s.screen === 'rooms') && severalThermostats;
  const showRooms = useAppStore((s) => s.showRooms);
  const cameBack = useFocusOnScreenChange(hasThermostat ? (showingRooms ? 'rooms' : 'thermostat') : 'welcome');
  const [pairing, setPairing] = usePairingLinks();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [setupOpen, setSetupOpen] = useState(() => takeSetupFragment());
  const openSetup = useCallback(() => {
    setPairing(null);
    setSetupOpen(true);
  }, [setPairing]);
  useEffect(() => {
    const onHashChange = () => {
      if (takeSetupFragment()) openSetup();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [openSetup]);
  useEffect(() => {
    // At start, or later in the open app: the manifest's launch_handler brings a shortcut to the window already open.
    const takeShortcuts = () => {
      if (takeShortcutFragment('add')) setPairing({});
      if (takeShortcutFragment('rooms')) showRooms();
    };
    takeShortcuts();
    window.addEventListener('hashchange', takeShortcuts);
    return () => window.removeEventListener('hashchange', takeShortcuts);
  }, [setPairing, showRooms]);

  return (
    <CommandsContext value={commands}>
      <div className="app">
        <header className="app-header">
          <div className="brand">
            {!hasThermostat ? (
              <h1 className="thermostat-name">Hearth</h1>
            ) : showingRooms ? (
              <h1 className="thermostat-name">All rooms</h1>
            ) : (
              <>
                {severalThermostats ? (
                  <button type="button" className="button button-quiet back-button" onClick={showRooms}>
                    <span aria-hidden="true">← </span>All rooms
                  </button>
                ) : null}
                <ThermostatTitle />
              </>
            )}
          </div>
          <div className="header-actions">
            {hasThermostat ? (
              <button type="button" className="button button-quiet" aria-label="Add thermostat" title="Add thermostat" onClick={() => setPairing({})}>
                <span aria-hidden="true" className="plus">
                  +
                </span>
                <span aria-hidden="true" className="wide-only">
                  {' '}Add thermostat
                </span>
              </button>
            ) : null}
            <button type="button" className="button button-quiet" onClick={() => setSettingsOpen(true)}>
              Settings
            </button>
          </div>
        </header>
        <LinkStatusBar />
        <main>
          {hasThermostat && showingRooms ? (
            <Suspense fallback={null}>
              <RoomsOverview focusOn={cameBack ? selectedId : null} />
            </Suspense>
          ) : hasThermostat && selectedId !== null ? (
            <>
              <PanelBoundary what="The membership notice">
                <Suspense fallback={null}>
                  <MembershipNotice />
                </Suspense>
              </PanelBoundary>
              <ThermostatScreen
                ownId={ownId}
                extra={
                  <>
                    <PanelBoundary what="The schedule card">
                      <Suspense fallback={<CardPlaceholder height={320} />}>
                        <ScheduleCard />
                      </Suspense>
                    </PanelBoundary>
                    <PanelBoundary what="The geofence card">
                      <Suspense fallback={<CardPlaceholder height={190} />}>
                        <GeofenceCard />
                      </Suspense>
                    </PanelBoundary>
                    <PanelBoundary what="The history chart">
                      <Suspense fallback={<CardPlaceholder height={300} />}>
                        <HistoryPanel thermostatId={selectedId} />
                      </Suspense>
                    </PanelBoundary>
                    <PanelBoundary what="The household card">
                      <Suspense fallback={<CardPlaceholder height={160} />}>
                        <MembersCard />
                      </Suspense>
                    </PanelBoundary>
                  </>
                }
              />
            </>
          ) : (
            <Welcome onAdd={() => setPairing({})} onSetUp={openSetup} />
          )}
        </main>
      </div>
      <Suspense fallback={null}>
        {pairing === null ? null : <PairingDialog {...pairing} onClose={() => setPairing(null)} onSetUp={openSetup} />}
        {setupOpen ? <SetupDialog onClose={() => setSetupOpen(false)} /> : null}
        {settingsOpen ? <SettingsDialog thermostatId={showingRooms ? null : selectedId} onClose={() => setSettingsOpen(false)} /> : null}
      </Suspense>
      {withUpdatePrompt ? (
        <Suspense fallback={null}>
          <UpdatePrompt />
        </Suspense>
      ) : null}
    </CommandsContext>
  );
}
