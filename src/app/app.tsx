import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { ClientId } from '@protocol';
import { CardPlaceholder } from '@/components/card-placeholder';
import { PanelBoundary } from '@/components/panel-boundary';
import { afterFirstPaint } from '@/lib/after-first-paint';
import { afterStartSettles } from '@/lib/after-start-settles';
import { CommandsContext, type ThermostatCommands } from '@/lib/link/commands-context';
import { LinkStatusBar } from '@/features/link-status/link-status-bar';
import { ThermostatTitle } from '@/features/household/thermostat-title';
import { ThermostatScreen } from '@/features/thermostat/thermostat-screen';
import { useAppStore } from '@/stores/app-store';
import { takeLaunchFragment, type LaunchRequest } from './launch-fragment';

// What the first screen does not need waits for its own chunk, to keep the first load within budget. The cards are
// requested once the first screen has painted, so that loading and running them does not delay it. The update prompt
// registers the service worker, whose first install fetches and stores the whole app: it waits until the start is over,
// or that install competes with the start's script for a phone's processor (Lighthouse's Total Blocking Time nearly halved).
const UpdatePrompt = lazy(() => afterStartSettles().then(() => import('@/features/pwa/update-prompt')).then((m) => ({ default: m.UpdatePrompt })));
const ScheduleCard = lazy(() => afterFirstPaint().then(() => import('@/features/schedule/schedule-card')).then((m) => ({ default: m.ScheduleCard })));
const GeofenceCard = lazy(() => afterFirstPaint().then(() => import('@/features/geofence/geofence-card')).then((m) => ({ default: m.GeofenceCard })));
const HistoryPanel = lazy(() => afterFirstPaint().then(() => import('@/features/history/history-panel')).then((m) => ({ default: m.HistoryPanel })));
const MembersCard = lazy(() => afterFirstPaint().then(() => import('@/features/members/members-card')).then((m) => ({ default: m.MembersCard })));
const MembershipNotice = lazy(() =>
  afterFirstPaint().then(() => import('@/features/members/membership-notice')).then((m) => ({ default: m.MembershipNotice })),
);
const PairingDialog = lazy(() => import('@/features/pairing/pairing-dialog').then((m) => ({ default: m.PairingDialog })));
const SetupDialog = lazy(() => import('@/features/setup/setup-dialog').then((m) => ({ default: m.SetupDialog })));
const SettingsDialog = lazy(() => import('./settings-dialog').then((m) => ({ default: m.SettingsDialog })));
// Only a household of several thermostats opens on it: its own chunk.
const RoomsOverview = lazy(() => import('@/features/household/rooms-overview').then((m) => ({ default: m.RoomsOverview })));

/** null: no dialog; `{}`: opened by the person; `{ fromLink }`: opened by a `#pair=` link. */
type PairingRequest = { fromLink?: string } | null;

/** The pairing dialog as the app opens: from a `#pair=` link, or from the `#add` shortcut. */
function initialPairing(launch: LaunchRequest | null): PairingRequest {
  if (launch?.kind === 'pair') return { fromLink: launch.link };
  return launch?.kind === 'add' ? {} : null;
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

/**
 * `launch`: what the address asked for when the app was opened (main.tsx takes it out of the address bar before the
 * first render); requests that arrive in the open app come as hashchange.
 */
export function App({
  commands,
  launch = null,
  withUpdatePrompt = true,
}: {
  commands: ThermostatCommands;
  launch?: LaunchRequest | null;
  withUpdatePrompt?: boolean;
}) {
  const hasThermostat = useAppStore((s) => s.thermostats.length > 0);
  const severalThermostats = useAppStore((s) => s.thermostats.length > 1);
  const selectedId = useAppStore((s) => s.selectedId);
  // With one thermostat there is nothing to choose: straight to it.
  const showingRooms = useAppStore((s) => s.screen === 'rooms') && severalThermostats;
  const showRooms = useAppStore((s) => s.showRooms);
  const cameBack = useFocusOnScreenChange(hasThermostat ? (showingRooms ? 'rooms' : 'thermostat') : 'welcome');
  const [pairing, setPairing] = useState<PairingRequest>(() => initialPairing(launch));
  /** Settings, for the thermostat on screen when they were opened (null: opened from all the rooms); null when closed. */
  const [settingsFor, setSettingsFor] = useState<{ thermostatId: ClientId | null } | null>(null);
  const [setupOpen, setSetupOpen] = useState(launch?.kind === 'setup');
  const openSetup = useCallback(() => {
    setPairing(null);
    setSetupOpen(true);
  }, []);
  const openedAtRooms = launch?.kind === 'rooms';
  useEffect(() => {
    if (openedAtRooms) showRooms();
  }, [openedAtRooms, showRooms]);
  useEffect(() => {
    // A link or shortcut opened while the app is already open (an installed app, whose launch_handler brings it to the
    // window already open) arrives as hashchange.
    const onHashChange = () => {
      const request = takeLaunchFragment();
      if (request?.kind === 'pair') setPairing({ fromLink: request.link });
      else if (request?.kind === 'setup') openSetup();
      else if (request?.kind === 'add') setPairing({});
      else if (request?.kind === 'rooms') showRooms();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [openSetup, showRooms]);

  return (
    <CommandsContext value={commands}>
      <div className="app">
        <header className="app-header">
          <div className="brand">
            {!hasThermostat ? (
              <h1 className="thermostat-name">Hearth</h1>
            ) : showingRooms ? (
              <h1 className="thermostat-name">All rooms</h1>
            ) : severalThermostats ? (
              <button type="button" className="button button-quiet back-button" onClick={showRooms}>
                <span aria-hidden="true">← </span>All rooms
              </button>
            ) : null}
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
            <button type="button" className="button button-quiet" onClick={() => setSettingsFor({ thermostatId: showingRooms ? null : selectedId })}>
              Settings
            </button>
          </div>
          {/* A room's name has a row of its own under the actions: a long name is never cut on a phone. */}
          {hasThermostat && !showingRooms ? <ThermostatTitle /> : null}
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
                // A new thermostat on screen mounts a new screen: nothing of the last one's draft or words carries over.
                key={selectedId}
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
        {settingsFor === null ? null : (
          // Keyed by its thermostat: a dialog is for one thermostat from opening to closing (what it saves goes to that one).
          <SettingsDialog key={settingsFor.thermostatId ?? 'app'} thermostatId={settingsFor.thermostatId} onClose={() => setSettingsFor(null)} />
        )}
      </Suspense>
      {withUpdatePrompt ? (
        <Suspense fallback={null}>
          <UpdatePrompt />
        </Suspense>
      ) : null}
    </CommandsContext>
  );
}
