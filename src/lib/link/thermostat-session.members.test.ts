import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fromBase64url,
  makeKey,
  makeLogonKeys,
  message,
  open,
  seal,
  toBase64url,
  type ClientId,
  type MembersMessage,
  type RoutedPacket,
} from '@protocol';
import { COMMAND_TIMEOUT_MS } from './connection-client';
import type { CommandFailure, ConnectionStatus, Membership } from './link-status';
import { fakeBroker, forgetBrokers, pass } from './testing/fake-time';
import { testClient } from './testing/test-client';
import { TestThermostat } from './testing/test-thermostat';

/** Everything the client reports, in one list, so the order of a stored key and the START under it shows. */
type Report =
  | ['status', ConnectionStatus]
  | ['joined', ClientId, string]
  | ['membership', ClientId, Membership | null]
  | ['members', MembersMessage]
  | ['members-failed', 'no_answer' | 'old_link']
  | ['failed', CommandFailure]
  | ['state'];

/** An app paired with `key` (an invitation secret or the old shared key, not joined yet unless said). */
async function setUp(thermostat: TestThermostat, key: Uint8Array, { joined = false, verified = false } = {}) {
  const broker = fakeBroker(thermostat);
  const identity = await makeLogonKeys();
  const reports: Report[] = [];
  const client = testClient(broker, {
    identity,
    thermostat: { id: thermostat.id, key, joined, verified },
    events: {
      status: (status) => reports.push(['status', status]),
      state: () => reports.push(['state']),
      pendingSettings: () => undefined,
      commandFailed: (reason) => reports.push(['failed', reason]),
      joined: (id, memberKey) => {
        // The START under the member key must not have gone out yet: the key is stored first.
        expect(thermostat.received.filter((m) => m.type === 'START')).toEqual([]);
        reports.push(['joined', id, toBase64url(memberKey)]);
      },
      membership: (id, membership) => reports.push(['membership', id, membership]),
      members: (_id, members) => reports.push(['members', members]),
      membersFailed: (_id, error) => reports.push(['members-failed', error]),
    },
  });
  const of = <K extends Report[0]>(kind: K) => reports.filter((report): report is Extract<Report, [K, ...unknown[]]> => report[0] === kind);
  const memberships = () => of('membership').map(([, , membership]) => membership);
  const lastStatus = () => of('status').at(-1)?.[1];
  const sentTypes = () => thermostat.received.map((m) => m.type);
  return { broker, identity, client, reports, of, memberships, lastStatus, sentTypes };
}

const invitationOf = (thermostat: TestThermostat) => fromBase64url(thermostat.invite()) ?? new Uint8Array();

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  forgetBrokers();
});

describe('joining (docs/protocol.md "Joining")', () => {
  it('redeems an invitation: JOIN under the secret, the key both sides work out stored, then a START under it', async () => {
    const thermostat = new TestThermostat();
    const { client, identity, of, memberships, lastStatus, sentTypes, broker } = await setUp(thermostat, invitationOf(thermostat));
    client.start();
    await pass();

    expect(sentTypes()).toEqual(['JOIN', 'START']);
    expect(thermostat.received[0]?.body).toMatchObject({ type: 'JOIN', name: 'Ana’s phone', public_key: expect.stringMatching(/^[\w-]{87}$/) });
    const memberKey = thermostat.memberKeys.get(identity.id)?.key;
    expect(memberKey).toBeDefined();
    expect(of('joined')).toEqual([['joined', thermostat.id, toBase64url(memberKey ?? new Uint8Array())]]);
    // The START went out under the member key: the thermostat opened it with that key alone.
    const startPacket = broker.sentByApp('START').at(-1) as RoutedPacket;
    expect(open(memberKey ?? makeKey(), 'START', identity.id, thermostat.id, startPacket.data).ok).toBe(true);
    expect(memberships()).toEqual(['joining', 'member']);
    expect(lastStatus()).toBe('connected');
    expect(thermostat.invitations[0]?.redeemedBy).toBe(identity.id);
  });

  it('joins with the old shared key too, and from then on the thermostat takes only the member key from it', async () => {
    const thermostat = new TestThermostat();
    const { client, identity, memberships, lastStatus, sentTypes } = await setUp(thermostat, thermostat.key);
    client.start();
    await pass();
    expect(sentTypes()).toEqual(['JOIN', 'START']);
    expect(thermostat.memberKeys.has(identity.id)).toBe(true);
    expect(memberships()).toEqual(['joining', 'member']);
    client.sendSettings({ target: 22 });
    await pass();
    expect(sentTypes()).toEqual(['JOIN', 'START', 'SET']);
    expect(lastStatus()).toBe('connected');
  });

  it('sends the JOIN again once after 5 s, then a START under the same secret, which an old thermostat takes; JOINs again at the next logon', async () => {
    const thermostat = new TestThermostat();
    thermostat.joins = false;
    const { client, broker, of, memberships, lastStatus, sentTypes } = await setUp(thermostat, thermostat.key);
    client.start();
    await pass();
    expect(broker.sentByApp('START')).toHaveLength(1);
    await pass(COMMAND_TIMEOUT_MS - 1);
    expect(broker.sentByApp('START')).toHaveLength(1);
    await pass(1);
    expect(broker.sentByApp('START')).toHaveLength(2);
    expect(sentTypes()).toEqual([]);
    await pass(COMMAND_TIMEOUT_MS);
    expect(sentTypes()).toEqual(['START']);
    expect(lastStatus()).toBe('connected');
    expect(memberships()).toEqual(['joining', 'old_link']);
    expect(of('joined')).toEqual([]);

    // Works as before, without a JOIN until the next logon.
    client.sendSettings({ target: 22 });
    await pass();
    expect(sentTypes()).toEqual(['START', 'SET']);
    broker.latest.serverClose(1006);
    await pass(10_000);
    expect(broker.latest.sent.filter((packet) => packet.packet_type === 'START')).toHaveLength(1);
    await pass(2 * COMMAND_TIMEOUT_MS);
    // Two JOINs again, then the START.
    expect(broker.latest.sent.filter((packet) => packet.packet_type === 'START')).toHaveLength(3);
    expect(lastStatus()).toBe('connected');
  });

  it('takes no WELCOME without its latest JOIN’s nonce, nor one whose point is not on the curve', async () => {
    const thermostat = new TestThermostat();
    // It hears both JOINs but answers neither: the only WELCOMEs are the ones below.
    thermostat.loseJoins = 2;
    const { client, identity, broker, of, memberships } = await setUp(thermostat, thermostat.key);
    client.start();
    await pass();
    const join = thermostat.received[0]?.body as { nonce: string; public_key: string };
    const welcome = (body: object) => message(thermostat.id, identity.id, seal(thermostat.key, 'MSG', thermostat.id, identity.id, body));
    broker.push(welcome({ type: 'WELCOME', nonce: 'AAAAAAAAAAAAAAAAAAAAAA', public_key: join.public_key }));
    const offCurve = toBase64url(Uint8Array.from({ length: 65 }, (_, index) => (index === 0 ? 4 : 1)));
    broker.push(welcome({ type: 'WELCOME', nonce: join.nonce, public_key: offCurve }));
    await pass();
    expect(of('joined')).toEqual([]);
    expect(memberships()).toEqual(['joining']);

    // Still waiting for an answer: the JOIN goes again after 5 s, then the START under the old shared key.
    await pass(2 * COMMAND_TIMEOUT_MS);
    expect(thermostat.received.map((m) => m.type)).toEqual(['JOIN', 'JOIN', 'START']);
    expect(memberships()).toEqual(['joining', 'old_link']);
  });

  it('tells that the invitation was not taken when neither the JOINs nor the STARTs under it are answered, and stops there', async () => {
    const thermostat = new TestThermostat();
    const used = makeKey();
    const { client, broker, memberships, lastStatus, of } = await setUp(thermostat, used);
    client.start();
    await pass();
    client.sendSettings({ target: 22 });
    await pass(4 * COMMAND_TIMEOUT_MS);
    expect(broker.sentByApp('START')).toHaveLength(4);
    expect(memberships()).toEqual(['joining', 'invitation_refused']);
    expect(lastStatus()).toBe('wrong-key');
    expect(of('failed')).toEqual([['failed', 'not-member']]);

    await pass(10 * 60_000);
    expect(broker.sentByApp('START')).toHaveLength(4);
    expect(broker.sentByApp('MSG')).toHaveLength(0);

    // Retry now: the person asks again, so it tries again from the JOIN.
    client.retryNow();
    await pass();
    expect(broker.sentByApp('START')).toHaveLength(5);
    expect(memberships().at(-1)).toBe('joining');
  });

  it('says a key that worked before is refused when the old shared key closed, yet keeps trying it, and takes it back when answered', async () => {
    const thermostat = new TestThermostat();
    thermostat.oldLinkOpen = false;
    const { client, broker, memberships, lastStatus } = await setUp(thermostat, thermostat.key, { verified: true });
    client.start();
    await pass();
    await pass(4 * COMMAND_TIMEOUT_MS);
    expect(memberships()).toEqual(['joining', 'invitation_refused']);
    expect(lastStatus()).toBe('not-answering');
    const starts = broker.sentByApp('START').length;
    await pass(15_000);
    // Tried again as any silent thermostat is, with a START alone.
    expect(broker.sentByApp('START').length).toBeGreaterThan(starts);

    thermostat.oldLinkOpen = true;
    await pass(15_000);
    expect(memberships()).toEqual(['joining', 'invitation_refused', 'old_link']);
    expect(lastStatus()).toBe('connected');
  });

  it('tells that the thermostat is full on an ERROR full with the JOIN’s nonce, and stops once the START under the invitation goes unanswered', async () => {
    const thermostat = new TestThermostat();
    for (let n = 0; n < 8; n += 1) thermostat.memberKeys.set(`member-${n}`.padEnd(22, 'x'), { key: makeKey(), name: `Phone ${n}` });
    const { client, broker, memberships, of, lastStatus } = await setUp(thermostat, invitationOf(thermostat));
    client.start();
    await pass();
    expect(memberships()).toEqual(['joining', 'full']);
    expect(of('joined')).toEqual([]);
    client.sendSettings({ target: 22 });
    await pass(2 * COMMAND_TIMEOUT_MS);
    // The JOIN, then a START under the invitation tried twice, which no thermostat takes.
    expect(broker.sentByApp('START')).toHaveLength(3);
    expect(of('failed')).toEqual([['failed', 'not-member']]);
    await pass(60_000);
    expect(broker.sentByApp('START')).toHaveLength(3);
    expect(memberships()).toEqual(['joining', 'full']);
    expect(lastStatus()).not.toBe('connected');
    expect(thermostat.invitations[0]?.redeemedBy).toBeNull();
  });

  it('leaves a phone on the old shared key working as before when its JOIN is answered full ("The old shared key")', async () => {
    const thermostat = new TestThermostat();
    for (let n = 0; n < 8; n += 1) thermostat.memberKeys.set(`member-${n}`.padEnd(22, 'x'), { key: makeKey(), name: `Phone ${n}` });
    const { client, memberships, of, lastStatus, sentTypes } = await setUp(thermostat, thermostat.key, { verified: true });
    client.start();
    await pass();
    expect(sentTypes()).toEqual(['JOIN', 'START']);
    expect(memberships()).toEqual(['joining', 'full', 'old_link']);
    expect(lastStatus()).toBe('connected');
    client.sendSettings({ target: 22 });
    await pass(60_000);
    expect(thermostat.settings.target).toBe(22);
    expect(of('failed')).toEqual([]);
    expect(of('joined')).toEqual([]);
  });

  it('sends a JOIN the broker dropped as rate_limited again after the backoff, not counting it unanswered', async () => {
    const thermostat = new TestThermostat();
    const { client, broker, memberships, lastStatus, sentTypes } = await setUp(thermostat, invitationOf(thermostat));
    // Its first START packets go through the thermostat's budget for strangers, spent for now ("Limits").
    broker.busyFor.set('START', 2);
    client.start();
    await pass(3000);
    expect(sentTypes()).toEqual(['JOIN', 'START']);
    expect(memberships()).toEqual(['joining', 'member']);
    expect(lastStatus()).toBe('connected');
  });
});

describe('removed (docs/protocol.md "Members")', () => {
  it('takes ERROR not_member under its key as removal: pending settings fail, and nothing more is sent', async () => {
    const thermostat = new TestThermostat();
    const { client, identity, broker, memberships, of } = await setUp(thermostat, invitationOf(thermostat));
    client.start();
    await pass();
    expect(memberships()).toEqual(['joining', 'member']);

    thermostat.removeMember(identity.id);
    client.sendSettings({ target: 23 });
    client.requestMembers();
    await pass();
    expect(memberships()).toEqual(['joining', 'member', 'removed']);
    expect(of('failed')).toEqual([['failed', 'not-member']]);
    expect(of('members-failed')).toEqual([['members-failed', 'no_answer']]);

    const sent = broker.latest.sent.length;
    await pass(10 * 60_000);
    // A SET after the refusal fails at once: it would wait for nothing.
    client.sendSettings({ target: 24 });
    expect(of('failed')).toEqual([
      ['failed', 'not-member'],
      ['failed', 'not-member'],
    ]);
    await pass(60_000);
    expect(broker.latest.sent.length).toBe(sent);
  });

  it('does not take a not_member sealed under another key', async () => {
    const thermostat = new TestThermostat();
    const { client, identity, broker, memberships } = await setUp(thermostat, invitationOf(thermostat));
    client.start();
    await pass();
    broker.push(message(thermostat.id, identity.id, seal(makeKey(), 'MSG', thermostat.id, identity.id, { type: 'ERROR', code: 'not_member' })));
    await pass();
    expect(memberships()).toEqual(['joining', 'member']);
  });
});

describe('MEMBERS_set and MEMBERS (docs/protocol.md "Members")', () => {
  async function joinedApp() {
    const thermostat = new TestThermostat();
    const app = await setUp(thermostat, invitationOf(thermostat));
    app.client.start();
    await pass();
    expect(app.memberships()).toEqual(['joining', 'member']);
    return { thermostat, ...app };
  }

  it('sends each command as a MEMBERS_set in the session, with the next seq', async () => {
    const { thermostat, client, identity, of } = await joinedApp();
    const other = 'OtherPhoneOtherPhone_x';
    thermostat.memberKeys.set(other, { key: makeKey(), name: 'Ben’s phone' });
    client.requestMembers();
    await pass();
    client.inviteMember();
    await pass();
    client.removeMember(other);
    await pass();
    client.closeOldLink();
    await pass();
    const sets = thermostat.received.filter((m) => m.type === 'MEMBERS_set').map((m) => m.body);
    const session = (sets[0] as { session: string }).session;
    expect(sets).toEqual([
      { type: 'MEMBERS_set', session, seq: 2 },
      { type: 'MEMBERS_set', session, seq: 3, invite: true },
      { type: 'MEMBERS_set', session, seq: 4, remove: other },
      { type: 'MEMBERS_set', session, seq: 5, old_link: false },
    ]);
    const answers = of('members').map(([, members]) => members);
    expect(answers).toHaveLength(4);
    expect(answers[0]).toMatchObject({ members: [{ id: identity.id, name: 'Ana’s phone' }, { id: other }], old_link: true, invitation: null, error: null });
    expect(answers[1]?.invitation).toEqual({ secret: expect.stringMatching(/^[\w-]{43}$/), expires_s: 86400 });
    expect(answers[2]).toMatchObject({ members: [{ id: identity.id }], old_link: false, error: null });
    expect(answers[3]).toMatchObject({ old_link: false, error: null });
  });

  it('takes no MEMBERS the contract’s parser refuses (nine members, a short invitation secret)', async () => {
    const { thermostat, client, identity, broker, of } = await joinedApp();
    thermostat.dropNext = 1;
    client.requestMembers();
    await pass();
    const sent = thermostat.received.filter((m) => m.type === 'MEMBERS_set').at(-1)?.body as { session: string; seq: number };
    const key = thermostat.memberKeys.get(identity.id)?.key ?? makeKey();
    const push = (body: object) => broker.push(message(thermostat.id, identity.id, seal(key, 'MSG', thermostat.id, identity.id, body)));
    const member = (n: number) => ({ id: `member${n}`.padEnd(22, 'x'), name: `Phone ${n}`, heard_s: null });
    const base = { type: 'MEMBERS', session: sent.session, old_link: false, invitation: null, error: null };
    push({ ...base, seq: 2, members: Array.from({ length: 9 }, (_, n) => member(n)) });
    push({ ...base, seq: 3, members: [], invitation: { secret: 'short', expires_s: 86400 } });
    await pass();
    expect(of('members')).toEqual([]);
    const me = { id: identity.id, name: 'Ana’s phone', heard_s: 0 };
    push({ ...base, seq: 4, members: [me, member(1)] });
    await pass();
    expect(of('members').map(([, members]) => members.members)).toEqual([[me, member(1)]]);
  });

  it('takes the answer to removing itself as its removal: the last thing under its key', async () => {
    const { client, identity, of, memberships, broker } = await joinedApp();
    client.removeMember(identity.id);
    await pass();
    expect(of('members').map(([, members]) => members.members)).toEqual([[]]);
    expect(memberships()).toEqual(['joining', 'member', 'removed']);
    const sent = broker.latest.sent.length;
    client.sendSettings({ target: 22 });
    await pass(60_000);
    expect(broker.latest.sent.length).toBe(sent);
  });

  it('sends no MEMBERS_set on the old shared key, which only members may send, and says so at once', async () => {
    const thermostat = new TestThermostat();
    thermostat.joins = false;
    const { client, of, memberships } = await setUp(thermostat, thermostat.key);
    client.start();
    await pass(2 * COMMAND_TIMEOUT_MS);
    expect(memberships()).toEqual(['joining', 'old_link']);
    client.requestMembers();
    // Not "no answer": the phone must join first.
    expect(of('members-failed')).toEqual([['members-failed', 'old_link']]);
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
  });

  it('reports the thermostat’s error in the MEMBERS', async () => {
    const { client, of } = await joinedApp();
    client.removeMember('NobodyNobodyNobodyNoby');
    await pass();
    expect(of('members').map(([, members]) => members.error)).toEqual(['unknown_member']);
  });

  it('waits for the session, and after a stale_session sends its MEMBERS_set again in a new one', async () => {
    const { thermostat, client, of } = await joinedApp();
    thermostat.reboot();
    client.inviteMember();
    await pass();
    const sets = thermostat.received.filter((m) => m.type === 'MEMBERS_set').map((m) => m.body);
    expect(sets).toHaveLength(2);
    expect(sets[1]).toMatchObject({ invite: true, seq: 2 });
    expect(thermostat.invitations).toHaveLength(2);
    expect(of('members')).toHaveLength(1);
    expect(of('members-failed')).toEqual([]);
  });

  it('does not send a MEMBERS_set again in a new session that no stale_session asked for: it says no_answer', async () => {
    const { thermostat, client, of } = await joinedApp();
    thermostat.dropNext = 1;
    client.inviteMember();
    await pass(1000);
    // The thermostat learns names only from START: a rename begins a new session.
    client.setMemberName('Ana’s other phone');
    await pass(COMMAND_TIMEOUT_MS);
    expect(thermostat.received.filter((m) => m.type === 'MEMBERS_set')).toHaveLength(1);
    expect(thermostat.invitations).toHaveLength(1);
    expect(of('members-failed')).toEqual([['members-failed', 'no_answer']]);
  });

  it('says no_answer when no MEMBERS comes within 5 s, and takes no MEMBERS out of turn', async () => {
    const { thermostat, client, identity, broker, of } = await joinedApp();
    thermostat.dropNext = 1;
    client.requestMembers();
    await pass(COMMAND_TIMEOUT_MS - 1);
    expect(of('members-failed')).toEqual([]);
    await pass(1);
    expect(of('members-failed')).toEqual([['members-failed', 'no_answer']]);

    // A MEMBERS replayed with a seq already taken is not taken.
    client.requestMembers();
    await pass();
    expect(of('members')).toHaveLength(1);
    const seq = of('members')[0]?.[1].seq ?? 0;
    const replayed = { ...(of('members')[0]?.[1] as MembersMessage), seq, members: [] };
    const key = thermostat.memberKeys.get(identity.id)?.key ?? makeKey();
    broker.push(message(thermostat.id, identity.id, seal(key, 'MSG', thermostat.id, identity.id, replayed)));
    await pass();
    expect(of('members')).toHaveLength(1);
  });
});

describe('the presence courier joins as the selected thermostat does', () => {
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
      thermostat: { id: selected.id, key: selected.key, joined: true, verified: true },
      presencePeers: [
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
      thermostat: { id: selected.id, key: selected.key, joined: true, verified: true },
      presencePeers: [{ id: hall.id, key: fromBase64url(hall.invite()) ?? makeKey(), joined: false, verified: false }],
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
