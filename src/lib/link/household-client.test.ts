import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeKey, makeLogonKeys } from '@protocol';
import { THERMOSTAT_RETRY_MAX_MS } from './connection-client';
import type { OwntracksAnswer, OwntracksSetting } from './owntracks-delivery';
import { FakeBroker } from './testing/fake-broker';
import { testClient } from './testing/test-client';
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
  const client = testClient(broker, {
    identity,
    thermostat: { id: selected.id, key: selected.key, joined: true, verified: true },
    presencePeers: [
      { id: selected.id, key: selected.key, joined: true, verified: true },
      { id: hall.id, key: hall.key, joined: true, verified: true },
    ],
    events: {
      status: (status) => statuses.push(status),
      owntracksAnswered: (thermostatId, sent, answer) => answers.push({ thermostatId, sent, answer }),
    },
  });
  const statuses: string[] = [];
  const answers: { thermostatId: string; sent: OwntracksSetting; answer: OwntracksAnswer | null }[] = [];
  const presenceOf = (thermostat: TestThermostat) => thermostat.members.find((member) => member.id === identity.id)?.home;
  const homeSets = (thermostat: TestThermostat) => thermostat.received.filter((m) => m.type === 'HOME_set');
  const owntracksSets = (thermostat: TestThermostat) => thermostat.received.filter((m) => m.type === 'OWNTRACKS_set').map((m) => m.body);
  return { selected, hall, broker, identity, client, presenceOf, homeSets, owntracksSets, answers, statuses };
}

const SECRET = 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA';
const NEW_SECRET = 'Zr2yN7tB4wE6uAq3FhJ0xQ8mCk3oM1v5';

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
    client.setThermostats({ id: selected.id, key: selected.key, joined: true, verified: true }, [
      { id: selected.id, key: selected.key, joined: true, verified: true },
      { id: hall.id, key: hall.key, joined: true, verified: true },
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

describe('the OwnTracks secret for every paired thermostat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    brokers.splice(0);
  });

  it('reaches the selected thermostat and the others, each answering in its own session, and is not sent again once held', async () => {
    const { client, selected, hall, identity, owntracksSets, answers } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 1764633600 }, answers: {} });
    await pass();
    for (const thermostat of [selected, hall]) {
      expect(thermostat.owntracks.get(identity.id)).toEqual({ secret: SECRET, wtst: 1764633600 });
      expect(owntracksSets(thermostat)).toMatchObject([{ type: 'OWNTRACKS_set', secret: SECRET, wtst: 1764633600 }]);
    }
    expect(answers.map(({ thermostatId, answer }) => [thermostatId, answer]).sort()).toEqual(
      [[selected.id, 'holds'], [hall.id, 'holds']].sort(),
    );
    expect(answers[0]?.sent).toEqual({ secret: SECRET, wtst: 1764633600 });

    // Pushes, refreshes and presence go on; the secret does not go out again.
    client.sendPresence({ home: true, distance: 10 });
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(owntracksSets(selected)).toHaveLength(1);
    expect(owntracksSets(hall)).toHaveLength(1);
    client.stop();
  });

  it('keeps asking a thermostat that is offline until it is back and holds the secret, and skips those that answered already', async () => {
    const { client, broker, selected, hall, identity, owntracksSets, answers } = await household();
    const hallLink = broker.others.get(hall.id)!;
    hallLink.online = false;
    client.start();
    await pass();
    // After a reload: the selected thermostat answered this setting before, the hall one never did.
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: { [selected.id]: 'holds' } });
    selected.owntracks.set(identity.id, { secret: SECRET, wtst: 7 });
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(hall.owntracks.has(identity.id)).toBe(false);

    hallLink.online = true;
    await pass(THERMOSTAT_RETRY_MAX_MS);
    expect(hall.owntracks.get(identity.id)).toEqual({ secret: SECRET, wtst: 7 });
    expect(answers).toMatchObject([{ thermostatId: hall.id, answer: 'holds' }]);
    expect(owntracksSets(selected)).toHaveLength(0);
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(owntracksSets(hall)).toHaveLength(1);
    client.stop();
  });

  it('sends the secret again, in a new session, when the selected thermostat never answered it', async () => {
    const { client, selected, identity, owntracksSets, answers } = await household();
    client.start();
    await pass();
    selected.dropNext = 1;
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    expect(selected.owntracks.has(identity.id)).toBe(false);
    expect(answers.filter((entry) => entry.thermostatId === selected.id)).toEqual([]);

    // The message was lost: after the command timeout it goes out again, in a new session, and is answered.
    await pass(THERMOSTAT_RETRY_MAX_MS);
    expect(selected.owntracks.get(identity.id)).toEqual({ secret: SECRET, wtst: 7 });
    expect(owntracksSets(selected)).toHaveLength(2);
    expect(answers).toContainEqual({ thermostatId: selected.id, sent: { secret: SECRET, wtst: 7 }, answer: 'holds' });
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(owntracksSets(selected)).toHaveLength(2);
    client.stop();
  });

  it('turned off, tells every thermostat to forget the secret (secret null, no wtst)', async () => {
    const { client, selected, hall, identity, owntracksSets, answers } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    client.setOwntracks({ setting: { secret: null, wtst: 7 }, answers: {} });
    await pass();
    for (const thermostat of [selected, hall]) {
      expect(thermostat.owntracks.has(identity.id)).toBe(false);
      expect(owntracksSets(thermostat).at(-1)).toEqual({ type: 'OWNTRACKS_set', session: expect.any(String), seq: expect.any(Number), secret: null });
    }
    expect(answers.filter((entry) => entry.answer === 'forgot').map((entry) => entry.thermostatId).sort()).toEqual([selected.id, hall.id].sort());
    client.stop();
  });

  it('a new secret replaces the old one everywhere', async () => {
    const { client, selected, hall, identity } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    client.setOwntracks({ setting: { secret: NEW_SECRET, wtst: 8 }, answers: {} });
    await pass();
    expect(selected.owntracks.get(identity.id)).toEqual({ secret: NEW_SECRET, wtst: 8 });
    expect(hall.owntracks.get(identity.id)).toEqual({ secret: NEW_SECRET, wtst: 8 });
    client.stop();
  });

  it('reports a thermostat that holds secrets for 8 members already as full, and stops asking it', async () => {
    const { client, selected, hall, identity, owntracksSets, answers } = await household();
    hall.owntracksCapacity = 0;
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(answers).toContainEqual({ thermostatId: hall.id, sent: { secret: SECRET, wtst: 7 }, answer: 'full' });
    expect(owntracksSets(hall)).toHaveLength(1);
    expect(selected.owntracks.has(identity.id)).toBe(true);
    client.stop();
  });

  it('a new secret a thermostat missed is not taken as held because it lists this app with the old one: it forgets the old first', async () => {
    const { client, selected, hall, identity, owntracksSets, answers } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    expect(hall.owntracks.get(identity.id)).toEqual({ secret: SECRET, wtst: 7 });

    // "Make a new secret": the hall thermostat loses the next OWNTRACKS_set, while the HOME_set beside it is answered
    // with a STATE that lists this app (with the old secret), in the very session the new secret went out in.
    hall.loseOwntracksSets = 1;
    client.sendPresence({ home: false, distance: 900 });
    client.setOwntracks({ setting: { secret: NEW_SECRET, wtst: 7 }, answers: {} });
    await pass();
    expect(answers.filter((entry) => entry.sent.secret === NEW_SECRET && entry.thermostatId === hall.id)).toEqual([]);

    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    for (const thermostat of [selected, hall]) {
      expect(thermostat.owntracks.get(identity.id)).toEqual({ secret: NEW_SECRET, wtst: 7 });
      // The old secret is forgotten first, and the new one goes out only once a STATE shows it forgotten.
      expect(owntracksSets(thermostat).slice(-2).map((body) => (body as { secret: string | null }).secret)).toEqual([null, NEW_SECRET]);
    }
    expect(answers.filter((entry) => entry.sent.secret === NEW_SECRET).map((entry) => [entry.thermostatId, entry.answer]).sort()).toEqual(
      [[selected.id, 'holds'], [hall.id, 'holds']].sort(),
    );
    client.stop();
  });

  it('the same way on the selected thermostat, whose session also carries the presence', async () => {
    const { client, selected, identity, answers } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    selected.loseOwntracksSets = 1;
    client.sendPresence({ home: true, distance: 20 });
    client.setOwntracks({ setting: { secret: NEW_SECRET, wtst: 7 }, answers: {} });
    await pass();
    expect(answers.filter((entry) => entry.sent.secret === NEW_SECRET && entry.thermostatId === selected.id)).toEqual([]);
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(selected.owntracks.get(identity.id)).toEqual({ secret: NEW_SECRET, wtst: 7 });
    expect(answers).toContainEqual({ thermostatId: selected.id, sent: { secret: NEW_SECRET, wtst: 7 }, answer: 'holds' });
    client.stop();
  });

  it('a new region with the same secret goes straight in, never forgetting the secret (that would restart its replay times)', async () => {
    const { client, hall, identity, owntracksSets } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 9 }, answers: {} });
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(hall.owntracks.get(identity.id)).toEqual({ secret: SECRET, wtst: 9 });
    expect(owntracksSets(hall)).toMatchObject([{ secret: SECRET, wtst: 7 }, { secret: SECRET, wtst: 9 }]);
  });

  it.each(['bad_message', 'out_of_range'] as const)('takes %s in answer to the secret as a final refusal: reported, not sent again', async (error) => {
    const { client, selected, hall, owntracksSets, answers, statuses } = await household();
    hall.owntracksRefusal = error;
    selected.owntracksRefusal = error;
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass(THERMOSTAT_RETRY_MAX_MS * 3);
    expect(answers.map((entry) => [entry.thermostatId, entry.answer]).sort()).toEqual([[selected.id, error], [hall.id, error]].sort());
    expect(owntracksSets(hall)).toHaveLength(1);
    expect(owntracksSets(selected)).toHaveLength(1);
    expect(statuses).not.toContain('not-answering');
    client.stop();
  });

  it('tells a thermostat about to be unpaired to forget the secret, best effort, whether selected or not', async () => {
    const { client, selected, hall, identity } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    expect(client.unpaired(hall.id)).toBe('told');
    client.setThermostats({ id: selected.id, key: selected.key, joined: true, verified: true }, [{ id: selected.id, key: selected.key, joined: true, verified: true }]);
    expect(client.unpaired(selected.id)).toBe('told');
    client.setThermostats(null, []);
    await pass();
    expect(hall.owntracks.has(identity.id)).toBe(false);
    expect(selected.owntracks.has(identity.id)).toBe(false);
    client.stop();
  });

  it('says an unpaired thermostat keeps the secret when it cannot be told (offline), and nothing for one that holds none', async () => {
    const { client, broker, hall, identity } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    broker.others.get(hall.id)!.online = false;
    client.sendPresence({ home: false, distance: 900 });
    await pass();
    expect(client.unpaired(hall.id)).toBe('kept');
    expect(hall.owntracks.has(identity.id)).toBe(true);
    client.setOwntracks({ setting: { secret: null, wtst: 7 }, answers: {} });
    expect(client.unpaired('NeverPairedNeverPaired')).toBe('nothing-held');
    client.stop();
  });

  it('gives the secret again to a thermostat whose STATE no longer lists this app (a factory reset)', async () => {
    const { client, hall, identity, answers } = await household();
    client.start();
    await pass();
    client.setOwntracks({ setting: { secret: SECRET, wtst: 7 }, answers: {} });
    await pass();
    hall.owntracks.clear();
    hall.reboot();
    client.sendPresence({ home: false, distance: 900 });
    await pass();
    expect(answers.filter((entry) => entry.thermostatId === hall.id).map((entry) => entry.answer)).toEqual(['holds', null, 'holds']);
    expect(hall.owntracks.get(identity.id)).toEqual({ secret: SECRET, wtst: 7 });
    client.stop();
  });
});
