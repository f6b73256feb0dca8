import { HouseholdClient } from '@/lib/link/household-client';
import type { SocketFactory } from '@/lib/link/broker-link';
import type { ThermostatLink } from '@/lib/link/thermostat-session';
import type { OwntracksDelivery } from '@/lib/link/owntracks-delivery';
import type { ThermostatCommands } from '@/lib/link/commands-context';
import { loadOrCreateIdentity, type Identity } from '@/lib/identity';
import { keyBytes, type PairedThermostat } from '@/lib/thermostats';
import { appUrl, buildPairingLink } from '@/lib/pairing-link';
import { renderAfterwards, type AppState, type AppStore } from '@/stores/app-store';
import { wantedHistoryPages } from '@/stores/history-wanted';
import { brokerUrlOf } from '@/lib/broker-url';

/**
 * The record's key, whether it is this phone's member key, and whether it ever brought an authentic STATE (the last
 * state goes when pairing again replaces the key, settings-slice, so a new invitation starts unverified).
 */
const linkTo = (state: AppState, thermostat: PairedThermostat): ThermostatLink => ({
  id: thermostat.id,
  key: keyBytes(thermostat),
  joined: thermostat.joined,
  verified: state.lastStates[thermostat.id] !== undefined,
});

/** Every paired thermostat has a session of its own, with its own key. */
const linksOf = (state: AppState) => state.thermostats.map((thermostat) => linkTo(state, thermostat));

const urlOf = (state: AppState) => brokerUrlOf(state.preferences);

/** The OwnTracks secret (or its removal) for every paired thermostat, less those that already answered it. */
function owntracksOf(state: AppState): OwntracksDelivery | null {
  const setup = state.preferences.owntracks;
  return setup === null ? null : { setting: { secret: setup.secret, wtst: setup.wtst }, answers: setup.answers };
}

/** Starts the household client and keeps it in step with the store; the client reports back only through store actions. */
export function startHousehold(store: AppStore, identity: Identity, socketFactory?: SocketFactory, appAddress: string = appUrl()) {
  const initial = store.getState();
  const act = () => store.getState();
  const client = new HouseholdClient({
    url: urlOf(initial),
    identity,
    memberName: initial.preferences.memberName,
    thermostats: linksOf(initial),
    historyFor: initial.selectedId,
    // A frame's handling and the render of what it changed are two tasks, not one long one on a phone.
    handlingFrame: renderAfterwards,
    ...(socketFactory === undefined ? {} : { socketFactory }),
    events: {
      brokerStatus: (status) => act().setBrokerStatus(status),
      sessionStatus: (id, status) => act().setSessionStatus(id, status),
      state: (id, state, receivedAt) => act().receiveState(id, state, receivedAt),
      pendingSettings: (id, settings) => act().setPendingSettingsOf(id, settings),
      commandFailed: (id, reason) => act().setCommandErrorOf(id, reason),
      owntracksAnswered: (id, sent, answer) => act().owntracksAnswered(id, sent, answer),
      history: (id, history, receivedAt) => act().receiveHistory(id, history, receivedAt),
      historyWanted: (id) => wantedHistoryPages(act(), id, Date.now()),
      joined: (id, key) => act().storeMemberKey(id, key),
      membership: (id, membership) => act().setMembership(id, membership),
      membersRequested: (id) => act().membersRequested(id),
      members: (id, members, receivedAt) => {
        // An invitation is passed on as a pairing link to this app, with the thermostat's name as this app calls it
        // (docs/protocol.md "Keys and pairing").
        const name = act().thermostats.find((thermostat) => thermostat.id === id)?.name;
        const link = members.invitation === null ? null : buildPairingLink(appAddress, { id, key: members.invitation.secret, name });
        act().receiveMembers(id, members, receivedAt, link);
      },
      membersFailed: (id, error) => act().membersFailed(id, error),
    },
  });
  client.setOwntracks(owntracksOf(initial));

  const unsubscribe = store.subscribe((state, previous) => {
    // Before the client drops their keys: each unpaired thermostat holding the OwnTracks secret is told to forget it.
    if (state.thermostats !== previous.thermostats) {
      for (const removed of previous.thermostats) {
        if (state.thermostats.some((thermostat) => thermostat.id === removed.id)) continue;
        if (client.unpaired(removed.id) === 'kept') act().owntracksKeptByUnpaired(removed.name);
      }
      client.setThermostats(linksOf(state));
    }
    if (state.preferences !== previous.preferences) {
      client.setUrl(urlOf(state));
      client.setMemberName(state.preferences.memberName);
    }
    if (state.selectedId !== previous.selectedId) client.setHistoryFor(state.selectedId);
    if (state.preferences.owntracks !== previous.preferences.owntracks) client.setOwntracks(owntracksOf(state));
  });

  const onOnline = () => {
    act().setOnline(true);
    client.resume();
  };
  const onOffline = () => act().setOnline(false);
  const onVisible = () => {
    if (document.visibilityState === 'visible') client.resume();
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  // As a frame's: the screen that painted long before renders the start's changes in a task of its own.
  renderAfterwards(() => {
    act().setOnline(navigator.onLine);
    act().setOwnId(identity.id);
    client.start();
  });

  /** Commands act on the thermostat on screen when they are called, not when they were made. */
  const onScreen = (command: (id: string) => void) => {
    const id = act().selectedId;
    if (id !== null) command(id);
  };
  const commands: ThermostatCommands = {
    sendSettings: (settings) => onScreen((id) => client.sendSettings(id, settings)),
    sendSettingsTo: (id, settings) => client.sendSettings(id, settings),
    sendPresence: (presence) => client.sendPresence(presence),
    forgetPresence: () => client.forgetPresence(),
    // On "All rooms" no thermostat is on screen: every room not live is asked again.
    retryNow: () => client.retryNow(act().screen === 'rooms' ? undefined : (act().selectedId ?? undefined)),
    requestMembers: () => onScreen((id) => client.requestMembers(id)),
    inviteMember: () => onScreen((id) => client.inviteMember(id)),
    removeMember: (memberId) => onScreen((id) => client.removeMember(id, memberId)),
    closeOldLink: () => onScreen((id) => client.closeOldLink(id)),
  };

  return {
    client,
    commands,
    stop: () => {
      unsubscribe();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      client.stop();
    },
  };
}

/**
 * What main.tsx loads with a dynamic import: the identity (a key pair read from IndexedDB, made on first run)
 * and the client are not needed to paint the last known state, so they and the crypto they use stay out of
 * the initial chunk. The client starts once the key pair is read; commands issued meanwhile wait for it.
 */
export async function startHouseholdWithStoredIdentity(store: AppStore) {
  if (!globalThis.isSecureContext || globalThis.crypto?.subtle === undefined) {
    store.getState().setBrokerStatus('insecure-page');
    throw new Error('no secure context: WebCrypto, and so logon v2, is unavailable');
  }
  return startHousehold(store, await loadOrCreateIdentity());
}
