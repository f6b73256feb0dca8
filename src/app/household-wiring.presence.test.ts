import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeKey, makeLogonKeys, toBase64url } from '@protocol';
import { FakeBroker } from '@/lib/link/testing/fake-broker';
import { TestThermostat } from '@/lib/link/testing/test-thermostat';
import { appStore } from '@/stores/app-store';
import { selectPendingSettings } from '@/stores/selectors';
import { startHousehold } from './household-wiring';

const stops: (() => void)[] = [];
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
});

const SECRET = 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA';

/** A broker through which `selected` and each of `others` is reachable, all online. */
function brokerReaching(selected: TestThermostat, ...others: TestThermostat[]): FakeBroker {
  const broker = new FakeBroker(selected);
  for (const thermostat of others) broker.others.set(thermostat.id, { thermostat, online: true });
  return broker;
}

function pair(thermostat: TestThermostat, name: string): void {
  appStore.getState().addThermostat({ id: thermostat.id, key: thermostat.keyText, name });
}

/** Starts the app's household client through `broker` and waits until the thermostat on screen is live. */
async function connect(broker: FakeBroker) {
  const identity = await makeLogonKeys();
  const connection = startHousehold(appStore, identity, broker.factory);
  stops.push(connection.stop);
  await vi.waitFor(() => expect(appStore.getState().sessionOf[appStore.getState().selectedId ?? '']).toBe('live'));
  /** Whether `thermostat` last heard this app as home (its member list), undefined before it heard any presence. */
  const presenceOf = (thermostat: TestThermostat) => thermostat.members.find((member) => member.id === identity.id)?.home;
  return { identity, connection, presenceOf };
}

/** The living room and the hall, online and paired, the living room last and so on screen. */
function livingRoomAndHall() {
  const living = new TestThermostat();
  const hall = new TestThermostat();
  const broker = brokerReaching(living, hall);
  pair(hall, 'Hall');
  pair(living, 'Living room');
  return { living, hall, broker };
}

describe('presence from the app', () => {
  it('reaches every paired thermostat, the ones paired later included, not only the selected one', async () => {
    const living = new TestThermostat();
    const hall = new TestThermostat();
    const attic = new TestThermostat();
    const broker = brokerReaching(living, hall, attic);
    pair(hall, 'Hall');
    pair(living, 'Living room');
    const { connection, presenceOf } = await connect(broker);

    connection.commands.sendPresence({ home: false, distance: 1800 });
    await vi.waitFor(() => expect([presenceOf(living), presenceOf(hall)]).toEqual([false, false]));

    // Paired after the phone left: it hears where the phone is without waiting for the next report.
    pair(attic, 'Attic');
    await vi.waitFor(() => expect(presenceOf(attic)).toBe(false));
    // Now the attic is selected and the living room one of the others: it still hears the next change.
    connection.commands.sendPresence({ home: true, distance: 30 });
    await vi.waitFor(() => expect([presenceOf(living), presenceOf(hall), presenceOf(attic)]).toEqual([true, true, true]));
  });

  it('gives the OwnTracks secret made in the store to every paired thermostat, and keeps their answers in the store', async () => {
    const { living, hall, broker } = livingRoomAndHall();
    appStore.getState().updateGeofence({ home: { latitude: 52.37, longitude: 4.89 } });
    const { identity } = await connect(broker);

    appStore.getState().startOwntracks(SECRET, Date.UTC(2026, 11, 2));
    const { wtst } = appStore.getState().preferences.owntracks!;
    await vi.waitFor(() =>
      expect(appStore.getState().preferences.owntracks?.answers).toEqual({ [living.id]: 'holds', [hall.id]: 'holds' }),
    );
    expect(hall.owntracks.get(identity.id)).toEqual({ secret: SECRET, wtst });

    appStore.getState().turnOffOwntracks();
    await vi.waitFor(() =>
      expect(appStore.getState().preferences.owntracks?.answers).toEqual({ [living.id]: 'forgot', [hall.id]: 'forgot' }),
    );
    expect([living.owntracks.size, hall.owntracks.size]).toEqual([0, 0]);
  });

  it('unpairing a thermostat holding the OwnTracks secret tells it to forget it, or, offline, says that it keeps it', async () => {
    const living = new TestThermostat();
    const hall = new TestThermostat();
    const attic = new TestThermostat();
    const broker = brokerReaching(living, hall, attic);
    pair(hall, 'Hall');
    pair(attic, 'Attic');
    // Paired last, so selected: the other two hear this app in sessions of their own.
    pair(living, 'Living room');
    appStore.getState().updateGeofence({ home: { latitude: 52.37, longitude: 4.89 } });
    const { identity, connection } = await connect(broker);
    appStore.getState().startOwntracks(SECRET, Date.UTC(2026, 11, 2));
    await vi.waitFor(() => expect(Object.keys(appStore.getState().preferences.owntracks?.answers ?? {})).toHaveLength(3));

    appStore.getState().removeThermostat(hall.id);
    await vi.waitFor(() => expect(hall.owntracks.has(identity.id)).toBe(false));

    broker.others.get(attic.id)!.online = false;
    connection.commands.sendPresence({ home: false, distance: 900 });
    // Frames reach the app asynchronously, so this first holds on a later check, once the broker's word that the
    // attic is offline (sent right after the living room's answer) has ended the attic's session too.
    await vi.waitFor(() => expect(appStore.getState().lastStates[living.id]?.state.members.find((member) => member.id === identity.id)?.home).toBe(false));
    appStore.getState().removeThermostat(attic.id);
    expect(appStore.getState().owntracksKeptBy).toEqual(['Attic']);
    expect(attic.owntracks.has(identity.id)).toBe(true);
  });

  it('unpairing the selected thermostat sends it nothing afterwards, not even a START from the session the others get', async () => {
    const { living, hall, broker } = livingRoomAndHall();
    const { connection, presenceOf } = await connect(broker);
    connection.commands.sendPresence({ home: false, distance: 1800 });
    await vi.waitFor(() => expect([presenceOf(living), presenceOf(hall)]).toEqual([false, false]));
    const heardBeforeUnpairing = living.received.length;

    // The hall thermostat becomes the selected one; the living room one is no longer paired at all.
    appStore.getState().removeThermostat(living.id);
    expect(appStore.getState().selectedId).toBe(hall.id);
    connection.commands.sendPresence({ home: true, distance: 30 });
    await vi.waitFor(() => expect(presenceOf(hall)).toBe(true));
    expect(living.received).toHaveLength(heardBeforeUnpairing);
  });

  it('pairing the selected thermostat again with a new key takes effect at once: its settings and presence go out under the new key', async () => {
    const { living, broker } = livingRoomAndHall();
    const { connection, presenceOf } = await connect(broker);
    connection.commands.sendPresence({ home: false, distance: 1800 });
    await vi.waitFor(() => expect(presenceOf(living)).toBe(false));

    // Reset and set up again: the living room thermostat has a new key, and the person opens its new pairing link.
    const key = makeKey();
    Object.assign(living, { key, keyText: toBase64url(key) });
    living.reboot();
    living.members = [];
    appStore.getState().addThermostat({ id: living.id, key: living.keyText, name: 'Living room' });
    connection.commands.sendSettings({ target: 22.5 });
    await vi.waitFor(() => expect([living.settings.target, presenceOf(living)]).toEqual([22.5, false]));
    expect(selectPendingSettings(appStore.getState())).toBeNull();
    expect(appStore.getState().sessionOf[living.id]).toBe('live');
  });
});
