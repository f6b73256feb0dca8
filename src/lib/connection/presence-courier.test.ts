import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeKey, makeLogonKeys } from '@protocol';
import { ConnectionClient, THERMOSTAT_RETRY_MAX_MS } from './connection-client';
import { FakeBroker } from './testing/fake-broker';
import { TestThermostat } from './testing/test-thermostat';

const brokers: FakeBroker[] = [];

/** A household of two paired thermostats: the selected one, and the hall one the app does not show. */
async function household() {
  const selected = new TestThermostat();
  const hall = new TestThermostat();
  const broker = new FakeBroker(selected);
  broker.others.set(hall.id, { thermostat: hall, online: true });
  brokers.push(broker);
  const identity = await makeLogonKeys();
  const client = new ConnectionClient({
    url: 'ws://broker.test/ws',
    identity,
    memberName: 'Ana’s phone',
    thermostat: { id: selected.id, key: selected.key, verified: true },
    presencePeers: [
      { id: selected.id, key: selected.key },
      { id: hall.id, key: hall.key },
    ],
    socketFactory: broker.factory,
    random: () => 0.5,
    events: { status: () => undefined, state: () => undefined, pendingSettings: () => undefined, commandFailed: () => undefined },
  });
  const presenceOf = (thermostat: TestThermostat) => thermostat.members.find((member) => member.id === identity.id)?.home;
  const homeSets = (thermostat: TestThermostat) => thermostat.received.filter((m) => m.type === 'HOME_set');
  return { selected, hall, broker, identity, client, presenceOf, homeSets };
}

async function pass(ms = 0): Promise<void> {
  for (;;) {
    await vi.advanceTimersByTimeAsync(0);
    const waited = await Promise.all(brokers.map((broker) => broker.logonsSettled()));
    if (!waited.includes(true)) break;
  }
  await vi.advanceTimersByTimeAsync(ms);
  await vi.advanceTimersByTimeAsync(0);
}

describe('presence for every paired thermostat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    brokers.splice(0);
  });

  it('sends leaving home to both thermostats, each in its own session under its own key', async () => {
    const { client, selected, hall, presenceOf, homeSets } = await household();
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 2300 });
    await pass();
    expect(presenceOf(selected)).toBe(false);
    expect(presenceOf(hall)).toBe(false);
    expect(homeSets(hall)).toHaveLength(1);
    expect(homeSets(hall)[0]?.body).toMatchObject({ type: 'HOME_set', home: false, distance: 2300 });
    // The hall thermostat opened a session of its own for this phone: START first, then the HOME_set in it.
    expect(hall.received.map((m) => m.type)).toEqual(['START', 'HOME_set']);

    client.sendPresence({ home: true, distance: 40 });
    await pass();
    expect(presenceOf(selected)).toBe(true);
    expect(presenceOf(hall)).toBe(true);
    expect(homeSets(hall).map((m) => m.seq)).toEqual([2, 3]);
    client.stop();
  });

  it('gives a thermostat that was offline the current presence once it is back, and stops asking once it has it', async () => {
    const { client, broker, hall, presenceOf, homeSets } = await household();
    const hallLink = broker.others.get(hall.id)!;
    hallLink.online = false;
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 2300 });
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(presenceOf(hall)).toBeUndefined();

    client.sendPresence({ home: true, distance: 60 });
    await pass();
    hallLink.online = true;
    await pass(THERMOSTAT_RETRY_MAX_MS);
    expect(presenceOf(hall)).toBe(true);
    const delivered = homeSets(hall).length;
    expect(delivered).toBe(1);
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(homeSets(hall)).toHaveLength(delivered);
    client.stop();
  });

  it('gives the selected thermostat the presence it missed while offline once it is back', async () => {
    const { client, broker, selected, presenceOf } = await household();
    client.start();
    await pass();
    broker.thermostatOnline = false;
    client.sendPresence({ home: false, distance: 2300 });
    await pass();
    broker.thermostatOnline = true;
    await pass(THERMOSTAT_RETRY_MAX_MS);
    expect(presenceOf(selected)).toBe(false);
    client.stop();
  });

  it('tells no thermostat, back online or selected later, a presence forgotten when Geofence went off', async () => {
    const { client, broker, selected, hall, presenceOf, homeSets } = await household();
    const hallLink = broker.others.get(hall.id)!;
    hallLink.online = false;
    broker.thermostatOnline = false;
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 2300 });
    await pass();
    client.forgetPresence();
    hallLink.online = true;
    broker.thermostatOnline = true;
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(presenceOf(hall)).toBeUndefined();
    expect(homeSets(hall)).toHaveLength(0);
    expect(presenceOf(selected)).toBeUndefined();
    client.stop();
  });

  it('tells the other thermostats a new name, which only START carries', async () => {
    const { client, hall } = await household();
    client.start();
    await pass();
    client.sendPresence({ home: true, distance: 10 });
    await pass();
    client.setMemberName('Ana');
    await pass();
    expect(hall.received.filter((m) => m.type === 'START').map((m) => m.body)).toMatchObject([{ name: 'Ana’s phone' }, { name: 'Ana' }]);
    client.stop();
  });

  it('seals for a thermostat under its new key once its key was replaced', async () => {
    const { client, selected, hall, presenceOf } = await household();
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 2300 });
    await pass();
    expect(presenceOf(hall)).toBe(false);

    // Set-up's "replace key": the hall thermostat now opens only what is sealed with the new key.
    Object.assign(hall, { key: makeKey() });
    hall.reboot();
    client.setPresencePeers([
      { id: selected.id, key: selected.key },
      { id: hall.id, key: hall.key },
    ]);
    await pass();
    client.sendPresence({ home: true, distance: 40 });
    await pass();
    expect(presenceOf(hall)).toBe(true);
    // Under the new key: a new session, the presence it held already, then the new one.
    expect(hall.received.map((m) => m.type)).toEqual(['START', 'HOME_set', 'START', 'HOME_set', 'HOME_set']);
    client.stop();
  });

  it('starts again and repeats the presence when a thermostat rebooted and lost the session', async () => {
    const { client, hall, presenceOf } = await household();
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 2300 });
    await pass();
    hall.reboot();
    hall.members = [];
    client.sendPresence({ home: false, distance: 2400 });
    await pass();
    expect(presenceOf(hall)).toBe(false);
    expect(hall.received.map((m) => m.type)).toEqual(['START', 'HOME_set', 'HOME_set', 'START', 'HOME_set']);
    client.stop();
  });
});
