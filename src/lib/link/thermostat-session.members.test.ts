import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fromBase64url,
  makeKey,
  message,
  open,
  seal,
  toBase64url,
  type ClientId,
  type MembersMessage,
  type RoutedPacket,
} from '@protocol';
import { COMMAND_TIMEOUT_MS } from './thermostat-session';
import type { CommandFailure, Membership, SessionStatus } from './link-status';
import { pass } from './testing/fake-time';
import { testSession } from './testing/test-session';
import { TestThermostat } from './testing/test-thermostat';

/** Everything the session reports, in one list, so the order of a stored key and the START under it shows. */
type Report =
  | ['status', SessionStatus]
  | ['joined', ClientId, string]
  | ['membership', ClientId, Membership | null]
  | ['members', MembersMessage]
  | ['members-failed', 'no_answer' | 'old_link']
  | ['failed', CommandFailure]
  | ['state'];

/** An app paired with `key` (an invitation secret or the old shared key, not joined yet unless said). */
async function setUp(thermostat: TestThermostat, key: Uint8Array, { joined = false, verified = false } = {}) {
  const reports: Report[] = [];
  let memberName = 'Ana’s phone';
  const { session, wire, me } = testSession(thermostat, {
    thermostat: { id: thermostat.id, key, joined, verified },
    memberName: () => memberName,
    events: {
      status: (status) => reports.push(['status', status]),
      state: () => reports.push(['state']),
      commandFailed: (reason) => reports.push(['failed', reason]),
      joined: (memberKey) => {
        // The START under the member key must not have gone out yet: the key is stored first.
        expect(thermostat.received.filter((m) => m.type === 'START')).toEqual([]);
        reports.push(['joined', thermostat.id, toBase64url(memberKey)]);
      },
      membership: (membership) => reports.push(['membership', thermostat.id, membership]),
      members: (members) => reports.push(['members', members]),
      membersFailed: (error) => reports.push(['members-failed', error]),
    },
  });
  const rename = (name: string) => {
    memberName = name;
    session.renamed();
  };
  const of = <K extends Report[0]>(kind: K) => reports.filter((report): report is Extract<Report, [K, ...unknown[]]> => report[0] === kind);
  const memberships = () => of('membership').map(([, , membership]) => membership);
  const lastStatus = () => of('status').at(-1)?.[1];
  const sentTypes = () => thermostat.received.map((m) => m.type);
  return { wire, me, session, rename, reports, of, memberships, lastStatus, sentTypes };
}

const invitationOf = (thermostat: TestThermostat) => fromBase64url(thermostat.invite()) ?? new Uint8Array();

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('joining (docs/protocol.md "Joining")', () => {
  it('redeems an invitation: JOIN under the secret, the key both sides work out stored, then a START under it', async () => {
    const thermostat = new TestThermostat();
    const { me, of, memberships, lastStatus, sentTypes, wire } = await setUp(thermostat, invitationOf(thermostat));
    wire.linkUp();
    await pass();

    expect(sentTypes()).toEqual(['JOIN', 'START']);
    expect(thermostat.received[0]?.body).toMatchObject({ type: 'JOIN', name: 'Ana’s phone', public_key: expect.stringMatching(/^[\w-]{87}$/) });
    const memberKey = thermostat.memberKeys.get(me)?.key;
    expect(memberKey).toBeDefined();
    expect(of('joined')).toEqual([['joined', thermostat.id, toBase64url(memberKey ?? new Uint8Array())]]);
    // The START went out under the member key: the thermostat opened it with that key alone.
    const startPacket = wire.sentByApp('START').at(-1) as RoutedPacket;
    expect(open(memberKey ?? makeKey(), 'START', me, thermostat.id, startPacket.data).ok).toBe(true);
    expect(memberships()).toEqual(['joining', 'member']);
    expect(lastStatus()).toBe('live');
    expect(thermostat.invitations[0]?.redeemedBy).toBe(me);
  });

  it('joins with the old shared key too, and from then on the thermostat takes only the member key from it', async () => {
    const thermostat = new TestThermostat();
    const { wire, session, me, memberships, lastStatus, sentTypes } = await setUp(thermostat, thermostat.key);
    wire.linkUp();
    await pass();
    expect(sentTypes()).toEqual(['JOIN', 'START']);
    expect(thermostat.memberKeys.has(me)).toBe(true);
    expect(memberships()).toEqual(['joining', 'member']);
    session.sendSettings({ target: 22 });
    await pass();
    expect(sentTypes()).toEqual(['JOIN', 'START', 'SET']);
    expect(lastStatus()).toBe('live');
  });

  it('sends the JOIN again once after 5 s, then a START under the same secret, which an old thermostat takes; JOINs again at the next logon', async () => {
    const thermostat = new TestThermostat();
    thermostat.joins = false;
    const { session, wire, of, memberships, lastStatus, sentTypes } = await setUp(thermostat, thermostat.key);
    wire.linkUp();
    await pass();
    expect(wire.sentByApp('START')).toHaveLength(1);
    await pass(COMMAND_TIMEOUT_MS - 1);
    expect(wire.sentByApp('START')).toHaveLength(1);
    await pass(1);
    expect(wire.sentByApp('START')).toHaveLength(2);
    expect(sentTypes()).toEqual([]);
    await pass(COMMAND_TIMEOUT_MS);
    expect(sentTypes()).toEqual(['START']);
    expect(lastStatus()).toBe('live');
    expect(memberships()).toEqual(['joining', 'old_link']);
    expect(of('joined')).toEqual([]);

    // Works as before, without a JOIN until the next logon.
    session.sendSettings({ target: 22 });
    await pass();
    expect(sentTypes()).toEqual(['START', 'SET']);
    wire.linkDown();
    const startsBefore = wire.sentByApp('START').length;
    wire.linkUp();
    await pass();
    expect(wire.sentByApp('START').length - startsBefore).toBe(1);
    await pass(2 * COMMAND_TIMEOUT_MS);
    // Two JOINs again, then the START.
    expect(wire.sentByApp('START').length - startsBefore).toBe(3);
    expect(lastStatus()).toBe('live');
  });

  it('takes no WELCOME without its latest JOIN’s nonce, nor one whose point is not on the curve', async () => {
    const thermostat = new TestThermostat();
    // It hears both JOINs but answers neither: the only WELCOMEs are the ones below.
    thermostat.loseJoins = 2;
    const { me, wire, of, memberships } = await setUp(thermostat, thermostat.key);
    wire.linkUp();
    await pass();
    const join = thermostat.received[0]?.body as { nonce: string; public_key: string };
    const welcome = (body: object) => message(thermostat.id, me, seal(thermostat.key, 'MSG', thermostat.id, me, body));
    wire.push(welcome({ type: 'WELCOME', nonce: 'AAAAAAAAAAAAAAAAAAAAAA', public_key: join.public_key }));
    const offCurve = toBase64url(Uint8Array.from({ length: 65 }, (_, index) => (index === 0 ? 4 : 1)));
    wire.push(welcome({ type: 'WELCOME', nonce: join.nonce, public_key: offCurve }));
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
    const { session, wire, memberships, lastStatus, of } = await setUp(thermostat, used);
    wire.linkUp();
    await pass();
    session.sendSettings({ target: 22 });
    await pass(4 * COMMAND_TIMEOUT_MS);
    expect(wire.sentByApp('START')).toHaveLength(4);
    expect(memberships()).toEqual(['joining', 'invitation_refused']);
    expect(lastStatus()).toBe('wrong-key');
    expect(of('failed')).toEqual([['failed', 'not-member']]);

    await pass(10 * 60_000);
    expect(wire.sentByApp('START')).toHaveLength(4);
    expect(wire.sentByApp('MSG')).toHaveLength(0);

    // Retry now: the person asks again, so it tries again from the JOIN.
    session.retry();
    await pass();
    expect(wire.sentByApp('START')).toHaveLength(5);
    expect(memberships().at(-1)).toBe('joining');
  });

  it('says a key that worked before is refused when the old shared key closed, yet keeps trying it, and takes it back when answered', async () => {
    const thermostat = new TestThermostat();
    thermostat.oldLinkOpen = false;
    const { wire, memberships, lastStatus } = await setUp(thermostat, thermostat.key, { verified: true });
    wire.linkUp();
    await pass();
    await pass(4 * COMMAND_TIMEOUT_MS);
    expect(memberships()).toEqual(['joining', 'invitation_refused']);
    expect(lastStatus()).toBe('not-answering');
    const starts = wire.sentByApp('START').length;
    await pass(15_000);
    // Tried again as any silent thermostat is, with a START alone.
    expect(wire.sentByApp('START').length).toBeGreaterThan(starts);

    thermostat.oldLinkOpen = true;
    await pass(15_000);
    expect(memberships()).toEqual(['joining', 'invitation_refused', 'old_link']);
    expect(lastStatus()).toBe('live');
  });

  it('tells that the thermostat is full on an ERROR full with the JOIN’s nonce, and stops once the START under the invitation goes unanswered', async () => {
    const thermostat = new TestThermostat();
    for (let n = 0; n < 8; n += 1) thermostat.memberKeys.set(`member-${n}`.padEnd(22, 'x'), { key: makeKey(), name: `Phone ${n}` });
    const { session, wire, memberships, of, lastStatus } = await setUp(thermostat, invitationOf(thermostat));
    wire.linkUp();
    await pass();
    expect(memberships()).toEqual(['joining', 'full']);
    expect(of('joined')).toEqual([]);
    session.sendSettings({ target: 22 });
    await pass(2 * COMMAND_TIMEOUT_MS);
    // The JOIN, then a START under the invitation tried twice, which no thermostat takes.
    expect(wire.sentByApp('START')).toHaveLength(3);
    expect(of('failed')).toEqual([['failed', 'not-member']]);
    await pass(60_000);
    expect(wire.sentByApp('START')).toHaveLength(3);
    expect(memberships()).toEqual(['joining', 'full']);
    expect(lastStatus()).not.toBe('live');
    expect(thermostat.invitations[0]?.redeemedBy).toBeNull();
  });

  it('leaves a phone on the old shared key working as before when its JOIN is answered full ("The old shared key")', async () => {
    const thermostat = new TestThermostat();
    for (let n = 0; n < 8; n += 1) thermostat.memberKeys.set(`member-${n}`.padEnd(22, 'x'), { key: makeKey(), name: `Phone ${n}` });
    const { wire, session, memberships, of, lastStatus, sentTypes } = await setUp(thermostat, thermostat.key, { verified: true });
    wire.linkUp();
    await pass();
    expect(sentTypes()).toEqual(['JOIN', 'START']);
    expect(memberships()).toEqual(['joining', 'full', 'old_link']);
    expect(lastStatus()).toBe('live');
    session.sendSettings({ target: 22 });
    await pass(60_000);
    expect(thermostat.settings.target).toBe(22);
    expect(of('failed')).toEqual([]);
    expect(of('joined')).toEqual([]);
  });

  it('sends a JOIN the wire dropped as rate_limited again after the backoff, not counting it unanswered', async () => {
    const thermostat = new TestThermostat();
    const { wire, memberships, lastStatus, sentTypes } = await setUp(thermostat, invitationOf(thermostat));
    // Its first START packets go through the thermostat's budget for strangers, spent for now ("Limits").
    wire.busyFor.set('START', 2);
    wire.linkUp();
    await pass(3000);
    expect(sentTypes()).toEqual(['JOIN', 'START']);
    expect(memberships()).toEqual(['joining', 'member']);
    expect(lastStatus()).toBe('live');
  });
});

describe('removed (docs/protocol.md "Members")', () => {
  it('takes ERROR not_member under its key as removal: pending settings fail, and nothing more is sent', async () => {
    const thermostat = new TestThermostat();
    const { session, me, wire, memberships, of } = await setUp(thermostat, invitationOf(thermostat));
    wire.linkUp();
    await pass();
    expect(memberships()).toEqual(['joining', 'member']);

    thermostat.removeMember(me);
    session.sendSettings({ target: 23 });
    session.requestMembers();
    await pass();
    expect(memberships()).toEqual(['joining', 'member', 'removed']);
    expect(of('failed')).toEqual([['failed', 'not-member']]);
    expect(of('members-failed')).toEqual([['members-failed', 'no_answer']]);

    const sent = wire.sent.length;
    await pass(10 * 60_000);
    // A SET after the refusal fails at once: it would wait for nothing.
    session.sendSettings({ target: 24 });
    expect(of('failed')).toEqual([
      ['failed', 'not-member'],
      ['failed', 'not-member'],
    ]);
    await pass(60_000);
    expect(wire.sent.length).toBe(sent);
  });

  it('does not take a not_member sealed under another key', async () => {
    const thermostat = new TestThermostat();
    const { me, wire, memberships } = await setUp(thermostat, invitationOf(thermostat));
    wire.linkUp();
    await pass();
    wire.push(message(thermostat.id, me, seal(makeKey(), 'MSG', thermostat.id, me, { type: 'ERROR', code: 'not_member' })));
    await pass();
    expect(memberships()).toEqual(['joining', 'member']);
  });
});

describe('MEMBERS_set and MEMBERS (docs/protocol.md "Members")', () => {
  async function joinedApp() {
    const thermostat = new TestThermostat();
    const app = await setUp(thermostat, invitationOf(thermostat));
    app.wire.linkUp();
    await pass();
    expect(app.memberships()).toEqual(['joining', 'member']);
    return { thermostat, ...app };
  }

  it('sends each command as a MEMBERS_set in the session, with the next seq', async () => {
    const { thermostat, session, me, of } = await joinedApp();
    const other = 'OtherPhoneOtherPhone_x';
    thermostat.memberKeys.set(other, { key: makeKey(), name: 'Ben’s phone' });
    session.requestMembers();
    await pass();
    session.inviteMember();
    await pass();
    session.removeMember(other);
    await pass();
    session.closeOldLink();
    await pass();
    const sets = thermostat.received.filter((m) => m.type === 'MEMBERS_set').map((m) => m.body);
    const inSession = (sets[0] as { session: string }).session;
    expect(sets).toEqual([
      { type: 'MEMBERS_set', session: inSession, seq: 2 },
      { type: 'MEMBERS_set', session: inSession, seq: 3, invite: true },
      { type: 'MEMBERS_set', session: inSession, seq: 4, remove: other },
      { type: 'MEMBERS_set', session: inSession, seq: 5, old_link: false },
    ]);
    const answers = of('members').map(([, members]) => members);
    expect(answers).toHaveLength(4);
    expect(answers[0]).toMatchObject({ members: [{ id: me, name: 'Ana’s phone' }, { id: other }], old_link: true, invitation: null, error: null });
    expect(answers[1]?.invitation).toEqual({ secret: expect.stringMatching(/^[\w-]{43}$/), expires_s: 86400 });
    expect(answers[2]).toMatchObject({ members: [{ id: me }], old_link: false, error: null });
    expect(answers[3]).toMatchObject({ old_link: false, error: null });
  });

  it('takes no MEMBERS the contract’s parser refuses (nine members, a short invitation secret)', async () => {
    const { thermostat, session, me, wire, of } = await joinedApp();
    thermostat.dropNext = 1;
    session.requestMembers();
    await pass();
    const sent = thermostat.received.filter((m) => m.type === 'MEMBERS_set').at(-1)?.body as { session: string; seq: number };
    const key = thermostat.memberKeys.get(me)?.key ?? makeKey();
    const push = (body: object) => wire.push(message(thermostat.id, me, seal(key, 'MSG', thermostat.id, me, body)));
    const member = (n: number) => ({ id: `member${n}`.padEnd(22, 'x'), name: `Phone ${n}`, heard_s: null });
    const base = { type: 'MEMBERS', session: sent.session, old_link: false, invitation: null, error: null };
    push({ ...base, seq: 2, members: Array.from({ length: 9 }, (_, n) => member(n)) });
    push({ ...base, seq: 3, members: [], invitation: { secret: 'short', expires_s: 86400 } });
    await pass();
    expect(of('members')).toEqual([]);
    const self = { id: me, name: 'Ana’s phone', heard_s: 0 };
    push({ ...base, seq: 4, members: [self, member(1)] });
    await pass();
    expect(of('members').map(([, members]) => members.members)).toEqual([[self, member(1)]]);
  });

  it('takes the answer to removing itself as its removal: the last thing under its key', async () => {
    const { session, me, of, memberships, wire } = await joinedApp();
    session.removeMember(me);
    await pass();
    expect(of('members').map(([, members]) => members.members)).toEqual([[]]);
    expect(memberships()).toEqual(['joining', 'member', 'removed']);
    const sent = wire.sent.length;
    session.sendSettings({ target: 22 });
    await pass(60_000);
    expect(wire.sent.length).toBe(sent);
  });

  it('sends no MEMBERS_set on the old shared key, which only members may send, and says so at once', async () => {
    const thermostat = new TestThermostat();
    thermostat.joins = false;
    const { wire, session, of, memberships } = await setUp(thermostat, thermostat.key);
    wire.linkUp();
    await pass(2 * COMMAND_TIMEOUT_MS);
    expect(memberships()).toEqual(['joining', 'old_link']);
    session.requestMembers();
    // Not "no answer": the phone must join first.
    expect(of('members-failed')).toEqual([['members-failed', 'old_link']]);
    await pass();
    expect(thermostat.received.map((m) => m.type)).toEqual(['START']);
  });

  it('reports the thermostat’s error in the MEMBERS', async () => {
    const { session, of } = await joinedApp();
    session.removeMember('NobodyNobodyNobodyNoby');
    await pass();
    expect(of('members').map(([, members]) => members.error)).toEqual(['unknown_member']);
  });

  it('waits for the session, and after a stale_session sends its MEMBERS_set again in a new one', async () => {
    const { thermostat, session, of } = await joinedApp();
    thermostat.reboot();
    session.inviteMember();
    await pass();
    const sets = thermostat.received.filter((m) => m.type === 'MEMBERS_set').map((m) => m.body);
    expect(sets).toHaveLength(2);
    expect(sets[1]).toMatchObject({ invite: true, seq: 2 });
    expect(thermostat.invitations).toHaveLength(2);
    expect(of('members')).toHaveLength(1);
    expect(of('members-failed')).toEqual([]);
  });

  it('does not send a MEMBERS_set again in a new session that no stale_session asked for: it says no_answer', async () => {
    const { rename, thermostat, session, of } = await joinedApp();
    thermostat.dropNext = 1;
    session.inviteMember();
    await pass(1000);
    // The thermostat learns names only from START: a rename begins a new session.
    rename('Ana’s other phone');
    await pass(COMMAND_TIMEOUT_MS);
    expect(thermostat.received.filter((m) => m.type === 'MEMBERS_set')).toHaveLength(1);
    expect(thermostat.invitations).toHaveLength(1);
    expect(of('members-failed')).toEqual([['members-failed', 'no_answer']]);
  });

  it('stopped (unpaired) with a MEMBERS_set waiting for its answer, reports nothing more: the store forgot the thermostat', async () => {
    const { thermostat, session, of } = await joinedApp();
    thermostat.dropNext = 1;
    session.requestMembers();
    await pass();
    session.stop();
    await pass(COMMAND_TIMEOUT_MS);
    expect(of('members-failed')).toEqual([]);
  });

  it('paired again under a new key with a MEMBERS_set waiting, forgets it without calling it failed', async () => {
    const { thermostat, session, of } = await joinedApp();
    thermostat.dropNext = 1;
    session.requestMembers();
    await pass();
    session.update({ id: thermostat.id, key: makeKey(), joined: true, verified: false });
    await pass(COMMAND_TIMEOUT_MS);
    expect(of('members-failed')).toEqual([]);
    session.stop();
  });

  it('says no_answer when no MEMBERS comes within 5 s, and takes no MEMBERS out of turn', async () => {
    const { thermostat, session, me, wire, of } = await joinedApp();
    thermostat.dropNext = 1;
    session.requestMembers();
    await pass(COMMAND_TIMEOUT_MS - 1);
    expect(of('members-failed')).toEqual([]);
    await pass(1);
    expect(of('members-failed')).toEqual([['members-failed', 'no_answer']]);

    // A MEMBERS replayed with a seq already taken is not taken.
    session.requestMembers();
    await pass();
    expect(of('members')).toHaveLength(1);
    const seq = of('members')[0]?.[1].seq ?? 0;
    const replayed = { ...(of('members')[0]?.[1] as MembersMessage), seq, members: [] };
    const key = thermostat.memberKeys.get(me)?.key ?? makeKey();
    wire.push(message(thermostat.id, me, seal(key, 'MSG', thermostat.id, me, replayed)));
    await pass();
    expect(of('members')).toHaveLength(1);
  });
});
