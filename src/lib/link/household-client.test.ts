import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromBase64url, makeKey, makeLogonKeys, toBase64url, type ClientId, type RoutedPacket, type SetFields } from '@protocol';
import type { Membership, SessionStatus } from './link-status';
import { COMMAND_TIMEOUT_MS, THERMOSTAT_RETRY_MAX_MS } from './thermostat-session';
import type { OwntracksAnswer, OwntracksSetting } from './owntracks-delivery';
import { fakeBroker, forgetBrokers, pass } from './testing/fake-time';
import { testClient } from './testing/test-client';
import { TestThermostat } from './testing/test-thermostat';

/** A household of two paired thermostats: the selected one (on screen), and the hall one the app does not show. */
async function household() {
  const selected = new TestThermostat();
  const hall = new TestThermostat();
  const broker = fakeBroker(selected);
  broker.others.set(hall.id, { thermostat: hall, online: true });
  const identity = await makeLogonKeys();
  const statuses: string[] = [];
  const answers: { thermostatId: string; sent: OwntracksSetting; answer: OwntracksAnswer | null }[] = [];
  const client = testClient(broker, {
    identity,
    thermostats: [
      { id: selected.id, key: selected.key, joined: true, verified: true },
      { id: hall.id, key: hall.key, joined: true, verified: true },
    ],
    historyFor: selected.id,
    events: {
      sessionStatus: (_id, status) => statuses.push(status),
      owntracksAnswered: (thermostatId, sent, answer) => answers.push({ thermostatId, sent, answer }),
    },
  });
  const presenceOf = (thermostat: TestThermostat) => thermostat.members.find((member) => member.id === identity.id)?.home;
  const homeSets = (thermostat: TestThermostat) => thermostat.received.filter((m) => m.type === 'HOME_set');
  const owntracksSets = (thermostat: TestThermostat) => thermostat.received.filter((m) => m.type === 'OWNTRACKS_set').map((m) => m.body);
  return { selected, hall, broker, identity, client, presenceOf, homeSets, owntracksSets, answers, statuses };
}

const SECRET = 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA';
const NEW_SECRET = 'Zr2yN7tB4wE6uAq3FhJ0xQ8mCk3oM1v5';

describe('presence for every paired thermostat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    forgetBrokers();
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
    client.setThermostats([
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
    forgetBrokers();
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
    client.setThermostats([{ id: selected.id, key: selected.key, joined: true, verified: true }]);
    expect(client.unpaired(selected.id)).toBe('told');
    client.setThermostats([]);
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

describe('every paired thermostat joins as the one on screen does', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    forgetBrokers();
  });

  it('JOINs a peer held with an invitation before its presence goes out under the member key, and stops at a refusal', async () => {
    const selected = new TestThermostat();
    const hall = new TestThermostat();
    const attic = new TestThermostat();
    const broker = fakeBroker(selected);
    broker.others.set(hall.id, { thermostat: hall, online: true });
    broker.others.set(attic.id, { thermostat: attic, online: true });
    const identity = await makeLogonKeys();
    const joined: [ClientId, string][] = [];
    const memberships: [ClientId, Membership | null][] = [];
    const hallSecret = fromBase64url(hall.invite()) ?? makeKey();
    const client = testClient(broker, {
      identity,
      thermostats: [
        { id: selected.id, key: selected.key, joined: true, verified: true },
        { id: hall.id, key: hallSecret, joined: false, verified: false },
        // An invitation the attic never made: not taken.
        { id: attic.id, key: makeKey(), joined: false, verified: false },
      ],
      events: {
        joined: (id, key) => joined.push([id, toBase64url(key)]),
        membership: (id, membership) => memberships.push([id, membership]),
      },
    });
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 900 });
    await pass();
    const hallKey = hall.memberKeys.get(identity.id)?.key;
    expect(joined).toEqual([[hall.id, toBase64url(hallKey ?? makeKey())]]);
    expect(hall.received.map((m) => m.type)).toEqual(['JOIN', 'START', 'HOME_set']);
    expect(hall.members.find((member) => member.id === identity.id)?.home).toBe(false);

    await pass(4 * COMMAND_TIMEOUT_MS + 10_000);
    expect(memberships.filter(([id]) => id === attic.id).map(([, membership]) => membership)).toEqual(['joining', 'invitation_refused']);
    const sentToAttic = () => broker.sentByApp('START').filter((packet) => (packet as RoutedPacket).receiver === attic.id).length;
    expect(sentToAttic()).toBe(4);
    client.sendPresence({ home: true, distance: 10 });
    await pass(60_000);
    expect(sentToAttic()).toBe(4);
    expect(memberships.filter(([id]) => id === hall.id).map(([, membership]) => membership)).toEqual(['joining', 'member']);
  });

  it('sends a peer’s JOIN that the broker dropped as rate_limited again after the backoff', async () => {
    const selected = new TestThermostat();
    const hall = new TestThermostat();
    const broker = fakeBroker(selected);
    broker.others.set(hall.id, { thermostat: hall, online: true });
    broker.startsBusyFor.set(hall.id, 2);
    const identity = await makeLogonKeys();
    const memberships: Membership[] = [];
    const client = testClient(broker, {
      identity,
      thermostats: [
        { id: selected.id, key: selected.key, joined: true, verified: true },{ id: hall.id, key: fromBase64url(hall.invite()) ?? makeKey(), joined: false, verified: false }],
      events: {
        membership: (id, membership) => {
          if (id === hall.id && membership !== null) memberships.push(membership);
        },
      },
    });
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 900 });
    await pass(3000);
    expect(hall.received.map((m) => m.type)).toEqual(['JOIN', 'START', 'HOME_set']);
    expect(memberships).toEqual(['joining', 'member']);
  });
});

describe('one broker link, a full session with every paired thermostat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    forgetBrokers();
  });

  async function twoRooms() {
    const living = new TestThermostat();
    const hall = new TestThermostat();
    const broker = fakeBroker(living);
    broker.others.set(hall.id, { thermostat: hall, online: true });
    const identity = await makeLogonKeys();
    const statuses: [ClientId, SessionStatus][] = [];
    const pending: [ClientId, SetFields | null][] = [];
    const states: ClientId[] = [];
    const historyAsked: ClientId[] = [];
    const client = testClient(broker, {
      identity,
      thermostats: [
        { id: living.id, key: living.key, joined: true, verified: true },
        { id: hall.id, key: hall.key, joined: true, verified: true },
      ],
      historyFor: living.id,
      events: {
        sessionStatus: (id, status) => statuses.push([id, status]),
        pendingSettings: (id, settings) => pending.push([id, settings]),
        state: (id) => states.push(id),
        historyWanted: (id) => {
          historyAsked.push(id);
          return [];
        },
      },
    });
    const statusOf = (id: ClientId) => statuses.filter(([of]) => of === id).at(-1)?.[1];
    return { living, hall, broker, identity, client, statusOf, pending, states, historyAsked };
  }

  it('STARTs a session with each thermostat on logon, and hands each STATE to the session of its transmitter', async () => {
    const { client, living, hall, broker, statusOf, states, identity } = await twoRooms();
    client.start();
    await pass();
    expect(broker.sockets).toHaveLength(1);
    expect([living, hall].map((thermostat) => thermostat.received.map((m) => m.type))).toEqual([['START'], ['START']]);
    expect([statusOf(living.id), statusOf(hall.id)]).toEqual(['live', 'live']);
    broker.push(hall.stateTo(identity.id, { temperature: 17 }));
    await pass();
    expect(states.filter((id) => id === hall.id)).toHaveLength(2);
    expect(states.filter((id) => id === living.id)).toHaveLength(1);
    client.stop();
  });

  it('sends a change to the thermostat it names only, and a receiver_offline ends only that thermostat’s session', async () => {
    const { client, living, hall, broker, statusOf, pending } = await twoRooms();
    client.start();
    await pass();
    client.sendSettings(hall.id, { target: 18 });
    await pass();
    expect(hall.settings.target).toBe(18);
    expect(living.settings.target).toBe(21);
    expect(pending).toEqual([
      [hall.id, { target: 18 }],
      [hall.id, null],
    ]);
    broker.others.get(hall.id)!.online = false;
    client.sendSettings(hall.id, { target: 19 });
    await pass();
    expect([statusOf(living.id), statusOf(hall.id)]).toEqual(['live', 'thermostat-offline']);
    // Queued, and delivered once the hall thermostat is back.
    expect(pending.at(-1)).toEqual([hall.id, { target: 19 }]);
    broker.others.get(hall.id)!.online = true;
    await pass(THERMOSTAT_RETRY_MAX_MS);
    expect(hall.settings.target).toBe(19);
    expect(statusOf(hall.id)).toBe('live');
    client.stop();
  });

  it('keeps its sessions in step with the paired list: a thermostat paired later gets one, an unpaired one hears nothing more', async () => {
    const { client, living, hall, broker, identity } = await twoRooms();
    const attic = new TestThermostat();
    broker.others.set(attic.id, { thermostat: attic, online: true });
    client.start();
    await pass();
    client.sendPresence({ home: false, distance: 500 });
    await pass();
    client.setThermostats([
      { id: hall.id, key: hall.key, joined: true, verified: true },
      { id: attic.id, key: attic.key, joined: false, verified: false },
    ]);
    await pass();
    // The attic joins, STARTs, and hears the presence decided before it was paired.
    expect(attic.received.map((m) => m.type)).toEqual(['JOIN', 'START', 'HOME_set']);
    expect(attic.members.find((member) => member.id === identity.id)?.home).toBe(false);
    const heardByLiving = living.received.length;
    client.sendPresence({ home: true, distance: 20 });
    client.sendSettings(living.id, { target: 25 });
    await pass(60_000);
    expect(living.received).toHaveLength(heardByLiving);
    expect(hall.members.find((member) => member.id === identity.id)?.home).toBe(true);
    client.stop();
  });

  it('fetches the history of the thermostat on screen only, and follows the one put on screen', async () => {
    const { client, living, hall, historyAsked } = await twoRooms();
    client.start();
    await pass();
    expect(new Set(historyAsked)).toEqual(new Set([living.id]));
    client.setHistoryFor(hall.id);
    expect(historyAsked.at(-1)).toBe(hall.id);
    const asked = historyAsked.length;
    client.setHistoryFor(null);
    await pass(10 * 60_000);
    expect(historyAsked.slice(asked)).toEqual([]);
    client.stop();
  });

  it('"Retry now" reconnects at once instead of waiting out the backoff', async () => {
    const { client, broker } = await twoRooms();
    broker.reachable = false;
    client.start();
    await pass();
    expect(broker.sockets).toHaveLength(1);
    broker.reachable = true;
    client.retryNow();
    await pass();
    expect(broker.sockets).toHaveLength(2);
    client.stop();
  });

  it('leaves another window that took over its ID alone when visible or online again, and reconnects on "Retry now"', async () => {
    const { client, broker } = await twoRooms();
    client.start();
    await pass();
    broker.latest.serverClose(4002);
    client.resume();
    await pass();
    expect(broker.sockets).toHaveLength(1);
    client.retryNow();
    await pass();
    expect(broker.sockets).toHaveLength(2);
    client.stop();
  });
});
