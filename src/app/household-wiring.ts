import { ConnectionClient, type SocketFactory, type ThermostatLink } from '@/lib/link/connection-client';
import type { OwntracksDelivery } from '@/lib/link/owntracks-delivery';
import type { ThermostatCommands } from '@/lib/link/commands-context';
import { loadOrCreateIdentity, type Identity } from '@/lib/identity';
import { keyBytes, type PairedThermostat } from '@/lib/thermostats';
import { appUrl, buildPairingLink } from '@/lib/pairing-link';
import type { AppState, AppStore } from '@/stores/app-store';
import { selectSelectedThermostat } from '@/stores/selectors';
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

function linkOf(state: AppState): ThermostatLink | null {
  const thermostat = selectSelectedThermostat(state);
  return thermostat === null ? null : linkTo(state, thermostat);
}

/** Every paired thermostat hears this phone's presence, each in its own session with its own key. */
const presencePeersOf = (state: AppState) => state.thermostats.map((thermostat) => linkTo(state, thermostat));

const urlOf = (state: AppState) => brokerUrlOf(state.preferences);

/** The OwnTracks secret (or its removal) for every paired thermostat, less those that already answered it. */
function owntracksOf(state: AppState): OwntracksDelivery | null {
  const setup = state.preferences.owntracks;
  return setup === null ? null : { setting: { secret: setup.secret, wtst: setup.wtst }, answers: setup.answers };
}

/** Starts the client and keeps it in step with the store; the client reports back only through store actions. */
export function startConnection(store: AppStore, identity: Identity, socketFactory?: SocketFactory, appAddress: string = appUrl()) {
  const initial = store.getState();
  const client = new ConnectionClient({
    url: urlOf(initial),
    identity,
    memberName: initial.preferences.memberName,
    thermostat: linkOf(initial),
    presencePeers: presencePeersOf(initial),
    ...(socketFactory === undefined ? {} : { socketFactory }),
    events: {
      status: (status) => store.getState().setConnectionStatus(status),
      state: (id, state, receivedAt) => store.getState().receiveState(id, state, receivedAt),
      pendingSettings: (settings) => store.getState().setPendingSettings(settings),
      commandFailed: (reason) => store.getState().setCommandError(reason),
      owntracksAnswered: (id, sent, answer) => store.getState().owntracksAnswered(id, sent, answer),
      history: (id, history, receivedAt) => store.getState().receiveHistory(id, history, receivedAt),
      historyWanted: (id) => wantedHistoryPages(store.getState(), id, Date.now()),
      joined: (id, key) => store.getState().storeMemberKey(id, key),
      membership: (id, membership) => store.getState().setMembership(id, membership),
      membersRequested: (id) => store.getState().membersRequested(id),
      members: (id, members, receivedAt) => {
        // An invitation is passed on as a pairing link to this app (docs/protocol.md "Keys and pairing").
        const link = members.invitation === null ? null : buildPairingLink(appAddress, { id, key: members.invitation.secret, name: store.getState().thermostats.find((t) => t.id === id)?.name });
        store.getState().receiveMembers(id, members, receivedAt, link);
      },
      membersFailed: (id, error) => store.getState().membersFailed(id, error),
    },
  });
  client.setOwntracks(owntracksOf(initial));

  const unsubscribe = store.subscribe((state, previous) => {
    // Before the client drops their keys: each unpaired thermostat holding the OwnTracks secret is told to forget it.
    if (state.thermostats !== previous.thermostats) {
      for (const removed of previous.thermostats) {
        if (state.thermostats.some((thermostat) => thermostat.id === removed.id)) continue;
        if (client.unpaired(removed.id) === 'kept') store.getState().owntracksKeptByUnpaired(removed.name);
      }
    }
    if (state.preferences !== previous.preferences) {
      client.setUrl(urlOf(state));
      client.setMemberName(state.preferences.memberName);
    }
    if (state.selectedId !== previous.selectedId || state.thermostats !== previous.thermostats) {
      client.setThermostats(linkOf(state), presencePeersOf(state));
    }
    if (state.preferences.owntracks !== previous.preferences.owntracks) client.setOwntracks(owntracksOf(state));
  });

  const onOnline = () => {
    store.getState().setOnline(true);
    client.resume();
  };
  const onOffline = () => store.getState().setOnline(false);
  const onVisible = () => {
    if (document.visibilityState === 'visible') client.resume();
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  store.getState().setOnline(navigator.onLine);
  store.getState().setOwnId(identity.id);
  client.start();

  const commands: ThermostatCommands = {
    sendSettings: (settings) => client.sendSettings(settings),
    sendPresence: (presence) => client.sendPresence(presence),
    forgetPresence: () => client.forgetPresence(),
    retryNow: () => client.retryNow(),
    requestMembers: () => client.requestMembers(),
    inviteMember: () => client.inviteMember(),
    removeMember: (memberId) => client.removeMember(memberId),
    closeOldLink: () => client.closeOldLink(),
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
export async function connectWithStoredIdentity(store: AppStore) {
  if (!globalThis.isSecureContext || globalThis.crypto?.subtle === undefined) {
    store.getState().setConnectionStatus('insecure-page');
    throw new Error('no secure context: WebCrypto, and so logon v2, is unavailable');
  }
  return startConnection(store, await loadOrCreateIdentity());
}
