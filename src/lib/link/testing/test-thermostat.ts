import {
  makeJoinKeyPair,
  memberKeyFrom,
  INVITATION_BYTES,
  INVITATION_LIFETIME_S,
  MAX_MEMBERS,
  type JoinMessage,
  type MembersMessage,
  type MembersSetMessage,
  type Message,
  makeKey,
  makeLogonKeys,
  message,
  open,
  parseMessage,
  seal,
  start,
  toBase64url,
  heldSetpoint,
  nextChange,
  nextSwitchPoint,
  parseTimeZone,
  EMPTY_SCHEDULE,
  HISTORY_INTERVAL_S,
  HISTORY_PAGE_SLOTS,
  MAX_OWNTRACKS_MEMBERS,
  type AwayUntil,
  type Boost,
  type ClientId,
  type ClockSource,
  type HistoryMessage,
  type LogonKeys,
  type ManualHold,
  type Member,
  planInputOf,
  type RoutedPacket,
  type SetMessage,
  type Settings,
  type StateMessage,
  type WeekSchedule,
} from '@protocol';
import { tracked } from '../background-work';

type Unheld = Omit<StateMessage, 'setpoint' | 'setpoint_source' | 'heat_reason' | 'next'>;


/** What a thermostat holds and why for this state, as its core decides (docs/protocol.md "Which set point holds"). */
function held(state: Unheld): Pick<StateMessage, 'setpoint' | 'setpoint_source' | 'heat_reason' | 'next'> {
  const next = nextChange(planInputOf(state));
  if (!state.sensor_ok) return { setpoint: null, setpoint_source: 'none', heat_reason: 'no_reading', next };
  const { setpoint, source } = heldSetpoint(planInputOf(state));
  return { setpoint, setpoint_source: source, heat_reason: state.heater ? 'below_band' : 'above_band', next };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What the thermostat sends back for one packet after working on it (a JOIN's key agreement takes a while). */
export type LateReplies = (replies: RoutedPacket[]) => void;

/** A member as the thermostat keeps it (docs/protocol.md "Members"). */
interface KeptMember {
  key: Uint8Array;
  name: string;
}

interface Invitation {
  secret: Uint8Array;
  redeemedBy: ClientId | null;
}

/**
 * Test double for the thermostat's layer 7: sessions, seq and replay rules, joining and members as the contract has them.
 * An app that is no member is taken under the old shared key (`key`) while that is open, as a thermostat updated from
 * before member keys does, so an app holding `key` and calling it joined talks to it as apps always did.
 */
export class TestThermostat {
  readonly id: ClientId;
  /** The old shared key (docs/protocol.md "The old shared key"). */
  readonly key = makeKey();
  readonly keyText = toBase64url(this.key);
  oldLinkOpen = true;
  /** false: a thermostat from before member keys, which cannot read a JOIN and drops it. */
  joins = true;
  /** JOINs to drop unanswered, as while it works out another. */
  loseJoins = 0;
  /** Each member's key and name, in the order they joined. */
  readonly memberKeys = new Map<ClientId, KeptMember>();
  readonly invitations: Invitation[] = [];
  /** The IDs and keys of removed members, answered with ERROR not_member. */
  readonly removed = new Map<ClientId, Uint8Array>();
  /** When false the thermostat hears but never answers: like a wrong key, or a hung device. */
  answering = true;
  /** Messages to ignore before answering again: a lost frame. */
  dropNext = 0;
  settings: Settings = { target: 21, away_target: 17, hysteresis: 0.3, mode: 'auto' };
  /** The wall clock: the UTC second it was set to, at which Date.now(), and from where; null while unknown. */
  clock: { time: number; setAt: number; source: ClockSource } | null = null;
  timeZone: string | null = null;
  schedule: WeekSchedule = EMPTY_SCHEDULE;
  manual: ManualHold | null = null;
  boost: Boost | null = null;
  awayUntil: AwayUntil | null = null;
  temperature: number | null = 20.5;
  members: Member[] = [];
  /** The OwnTracks secret and region each member's app gave it (OWNTRACKS_set). */
  readonly owntracks = new Map<ClientId, { secret: string; wtst: number }>();
  /** OWNTRACKS_sets to lose before one arrives again: a lost frame that only this kind of message meets. */
  loseOwntracksSets = 0;
  /** An error to answer every OWNTRACKS_set with, changing nothing: as a thermostat that reads it otherwise than the app wrote it. */
  owntracksRefusal: 'bad_message' | 'out_of_range' | null = null;
  /** How many members may hold a secret before an OWNTRACKS_set is answered `full`. */
  owntracksCapacity = MAX_OWNTRACKS_MEMBERS;
  /** Its history by slot start (docs/protocol.md "History"); a slot not in it was not recorded. */
  readonly history = new Map<number, { temperature: number | null; setpoint: number | null; heater_s: number }>();
  /** HISTORY_gets to lose before one is answered again. */
  loseHistoryGets = 0;
  readonly received: { type: string; seq?: number; body: unknown }[] = [];
  private readonly sessions = new Map<ClientId, { session: string; lastInSeq: number; outSeq: number }>();
  private sessionCounter = 0;

  /**
   * Without `logonKeys` the thermostat has a random ID and can only talk through a FakeBroker, which routes
   * without logons; a real broker needs the key pair (see withLogonKeys).
   */
  constructor(readonly logonKeys: LogonKeys | null = null) {
    this.id = logonKeys?.id ?? toBase64url(crypto.getRandomValues(new Uint8Array(16)));
  }

  /** A thermostat that can log on to a real broker (broker-thermostat.ts). */
  static async withLogonKeys(): Promise<TestThermostat> {
    return new TestThermostat(await makeLogonKeys());
  }

  /** A new invitation, as `pair` or MEMBERS_set `invite` makes one; its secret as a pairing link carries it. */
  invite(): string {
    const secret = crypto.getRandomValues(new Uint8Array(INVITATION_BYTES));
    this.invitations.push({ secret, redeemedBy: null });
    return toBase64url(secret);
  }

  /** The key this thermostat seals for `app` with: its member key, else the old shared key. */
  keyFor(app: ClientId): Uint8Array {
    return this.memberKeys.get(app)?.key ?? this.key;
  }

  /**
   * Opens a packet as "Joining" has it: with the transmitter's member key; else, START packets only, with each open
   * invitation (redeemed by no one or by this app) and the old shared key, which take only a JOIN from a member or
   * under an invitation; and for an app that is no member, the old shared key for anything. A removed member's key
   * opens only to be answered with ERROR not_member.
   */
  private openFrom(packet: RoutedPacket): { body: Message; key: Uint8Array; invitation: Invitation | null } | 'removed' | null {
    const app = packet.transmitter;
    const read = (key: Uint8Array): Message | null => {
      const opened = open(key, packet.packet_type, app, packet.receiver, packet.data);
      if (!opened.ok) return null;
      const parsed = parseMessage(opened.value);
      return parsed.ok ? parsed.value : null;
    };
    const member = this.memberKeys.get(app);
    const asMember = member === undefined ? null : read(member.key);
    if (member !== undefined && asMember !== null) return { body: asMember, key: member.key, invitation: null };
    const removedKey = this.removed.get(app);
    if (removedKey !== undefined && read(removedKey) !== null) return 'removed';
    if (packet.packet_type === 'START') {
      for (const invitation of this.invitations) {
        if (invitation.redeemedBy !== null && invitation.redeemedBy !== app) continue;
        const body = read(invitation.secret);
        if (body !== null) return body.type === 'JOIN' ? { body, key: invitation.secret, invitation } : null;
      }
    }
    const underOldKey = this.oldLinkOpen ? read(this.key) : null;
    if (underOldKey === null || (member !== undefined && underOldKey.type !== 'JOIN')) return null;
    return { body: underOldKey, key: this.key, invitation: null };
  }

  /**
   * Handles one packet addressed to the thermostat; returns what it sends back at once. A JOIN is answered later,
   * through `later`, once its key agreement is worked out.
   */
  handle(packet: RoutedPacket, later: LateReplies = () => undefined): RoutedPacket[] {
    const opened = this.openFrom(packet);
    if (opened === 'removed') {
      const app = packet.transmitter;
      const key = this.removed.get(app) ?? this.key;
      return [message(this.id, app, seal(key, 'MSG', this.id, app, { type: 'ERROR', code: 'not_member' }))];
    }
    if (opened === null) return [];
    const body = opened.body;
    if (body.type === 'JOIN' && !this.joins) return [];
    this.received.push({ type: body.type, ...('seq' in body ? { seq: body.seq } : {}), body });
    if (!this.answering) return [];
    if (body.type === 'JOIN') return this.join(packet.transmitter, body, opened.key, opened.invitation, later);
    if (body.type === 'OWNTRACKS_set' && this.loseOwntracksSets > 0) {
      this.loseOwntracksSets -= 1;
      return [];
    }
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      return [];
    }
    const app = packet.transmitter;
    if (body.type === 'START') {
      this.sessionCounter += 1;
      const session = toBase64url(new TextEncoder().encode(`session-number-${this.sessionCounter}`));
      this.sessions.set(app, { session, lastInSeq: 0, outSeq: 0 });
      return [this.stateTo(app, { nonce: body.nonce })];
    }
    if (body.type !== 'SET' && body.type !== 'HOME_set' && body.type !== 'OWNTRACKS_set' && body.type !== 'HISTORY_get' && body.type !== 'MEMBERS_set') {
      return [];
    }
    const current = this.sessions.get(app);
    if (current === undefined || current.session !== body.session) {
      return [message(this.id, app, seal(this.keyFor(app), 'MSG', this.id, app, { type: 'ERROR', code: 'stale_session' }))];
    }
    if (body.seq <= current.lastInSeq) return [];
    current.lastInSeq = body.seq;
    if (body.type === 'MEMBERS_set') {
      // Only members send MEMBERS_set; one removing itself gets its answer under its old key, the last thing under it.
      const key = this.memberKeys.get(app)?.key;
      if (key === undefined) return [];
      return [this.membersTo(app, this.applyMembersSet(body), { session: current, key })];
    }
    if (body.type === 'HISTORY_get') {
      if (this.loseHistoryGets > 0) {
        this.loseHistoryGets -= 1;
        return [];
      }
      return [this.historyTo(app, body.from)];
    }
    if (body.type === 'SET') {
      const refusal = this.applySet(body);
      if (refusal !== null) return [this.stateTo(app, { error: refusal })];
    } else if (body.type === 'OWNTRACKS_set') {
      if (this.owntracksRefusal !== null) return [this.stateTo(app, { error: this.owntracksRefusal })];
      if (body.secret === null) this.owntracks.delete(app);
      else if (!this.owntracks.has(app) && this.owntracks.size >= this.owntracksCapacity) return [this.stateTo(app, { error: 'full' })];
      else this.owntracks.set(app, { secret: body.secret, wtst: body.wtst ?? 0 });
    } else {
      this.members = [
        ...this.members.filter((m) => m.id !== app),
        { id: app, name: 'member', home: body.home, distance: body.distance, age_s: 0, source: 'app' },
      ];
    }
    return [this.stateTo(app)];
  }

  /** "Joining": ERROR full when 8 members are there; else the member key, the invitation redeemed, and a WELCOME. */
  private join(app: ClientId, body: JoinMessage, secret: Uint8Array, invitation: Invitation | null, later: LateReplies): RoutedPacket[] {
    if (this.loseJoins > 0) {
      this.loseJoins -= 1;
      return [];
    }
    const reply = (answer: object) => message(this.id, app, seal(secret, 'MSG', this.id, app, answer));
    if (!this.memberKeys.has(app) && this.memberKeys.size >= MAX_MEMBERS) return [reply({ type: 'ERROR', code: 'full', nonce: body.nonce })];
    void tracked(
      (async () => {
        const own = await makeJoinKeyPair();
        const key = await memberKeyFrom(own.privateKey, body.public_key, secret, this.id, app);
        if (key === null) return;
        this.memberKeys.delete(app);
        this.memberKeys.set(app, { key, name: body.name });
        // A member given a new key starts its session again.
        this.sessions.delete(app);
        if (invitation !== null) invitation.redeemedBy = app;
        later([reply({ type: 'WELCOME', nonce: body.nonce, public_key: toBase64url(own.publicKey) })]);
      })(),
    );
    return [];
  }

  /** MEMBERS_set's judging past session and seq (docs/protocol.md "Members"), then the removal, closing and invitation. */
  private applyMembersSet(body: MembersSetMessage): Pick<MembersMessage, 'invitation' | 'error'> {
    if (body.remove !== undefined && !this.memberKeys.has(body.remove)) return { invitation: null, error: 'unknown_member' };
    const remaining = this.memberKeys.size - (body.remove === undefined ? 0 : 1);
    if (body.invite === true && remaining >= MAX_MEMBERS) return { invitation: null, error: 'full' };
    if (body.remove !== undefined) this.removeMember(body.remove);
    if (body.old_link === false) this.oldLinkOpen = false;
    if (body.invite !== true) return { invitation: null, error: null };
    return { invitation: { secret: this.invite(), expires_s: INVITATION_LIFETIME_S }, error: null };
  }

  /** As MEMBERS_set `remove` does: the key is remembered for not_member, its session ends, the old shared key closes. */
  removeMember(id: ClientId): void {
    const member = this.memberKeys.get(id);
    if (member === undefined) return;
    this.memberKeys.delete(id);
    this.removed.set(id, member.key);
    this.sessions.delete(id);
    this.oldLinkOpen = false;
  }

  /** The MEMBERS answering a MEMBERS_set, in `app`'s session. */
  membersTo(
    app: ClientId,
    answer: Pick<MembersMessage, 'invitation' | 'error'>,
    { session = this.sessions.get(app), key = this.keyFor(app) } = {},
  ): RoutedPacket {
    const current = session;
    if (current === undefined) throw new Error('no session for that app');
    current.outSeq += 1;
    const members: MembersMessage = {
      type: 'MEMBERS',
      session: current.session,
      seq: current.outSeq,
      members: [...this.memberKeys].map(([id, member]) => ({ id, name: member.name, heard_s: 0 })),
      old_link: this.oldLinkOpen,
      ...answer,
    };
    return message(this.id, app, seal(key, 'MSG', this.id, app, members));
  }

  /** The thermostat's clock now, UTC seconds, or null while unknown. */
  get time(): number | null {
    return this.clock === null ? null : this.clock.time + Math.floor((Date.now() - this.clock.setAt) / 1000);
  }

  /** Sets the clock as an SNTP answer would. */
  setClock(time: number, source: ClockSource = 'sntp'): void {
    this.clock = { time, setAt: Date.now(), source };
  }

  /** SET's steps 4 and 5 (docs/protocol.md "Messages"): the fields have been judged by parseMessage already. */
  private applySet(body: SetMessage): 'no_clock' | null {
    const { type: _type, session: _session, seq: _seq, time, time_zone, schedule, manual, boost, away_until, ...settings } = body;
    const startsOverride = typeof manual === 'number' || (boost !== undefined && boost !== null) || (away_until !== undefined && away_until !== null);
    if (startsOverride && this.clock === null && time === undefined) return 'no_clock';
    if (time !== undefined && this.clock?.source !== 'sntp') this.setClock(time, 'app');
    const endsHold = time_zone !== undefined || schedule !== undefined || settings.mode !== undefined;
    this.settings = { ...this.settings, ...settings };
    if (time_zone !== undefined) this.timeZone = time_zone;
    if (schedule !== undefined) this.schedule = schedule;
    if (endsHold) this.manual = null;
    const now = this.time ?? nowSeconds();
    if (manual !== undefined) {
      const rules = this.timeZone === null ? null : parseTimeZone(this.timeZone);
      this.manual = manual === null ? null : { setpoint: manual, until: rules === null ? null : nextSwitchPoint(this.schedule, rules, now) };
    }
    if (boost !== undefined) this.boost = boost === null ? null : { setpoint: boost.setpoint, until: now + boost.minutes * 60 };
    if (away_until !== undefined) this.awayUntil = away_until;
    return null;
  }

  /** A STATE for `app` in its current session, with the next seq: a push, or the reply to a command. */
  stateTo(app: ClientId, extra: Partial<StateMessage> = {}): RoutedPacket {
    const current = this.sessions.get(app);
    if (current === undefined) throw new Error('no session for that app');
    current.outSeq += 1;
    const state = this.stateMessage({ session: current.session, seq: current.outSeq, ...extra });
    return message(this.id, app, seal(this.keyFor(app), 'MSG', this.id, app, state));
  }

  /** The HISTORY answering a HISTORY_get for `from`, in `app`'s session (docs/protocol.md "Messages"). */
  historyTo(app: ClientId, from: number, extra: Partial<HistoryMessage> = {}): RoutedPacket {
    const current = this.sessions.get(app);
    if (current === undefined) throw new Error('no session for that app');
    current.outSeq += 1;
    const history = { ...this.historyMessage(from), session: current.session, seq: current.outSeq, ...extra };
    return message(this.id, app, seal(this.keyFor(app), 'MSG', this.id, app, history));
  }

  historyMessage(requested: number): HistoryMessage {
    const time = this.time;
    const from = requested - (requested % HISTORY_INTERVAL_S);
    const count = time === null || time < from ? 0 : Math.min(HISTORY_PAGE_SLOTS, Math.floor((time - from) / HISTORY_INTERVAL_S) + 1);
    const slots = Array.from({ length: count }, (_, index) => this.history.get(from + index * HISTORY_INTERVAL_S) ?? null);
    return {
      type: 'HISTORY',
      session: 'AAAAAAAAAAAAAAAAAAAAAA',
      seq: 1,
      time,
      from,
      interval_s: HISTORY_INTERVAL_S,
      temperature: slots.map((slot) => slot?.temperature ?? null),
      setpoint: slots.map((slot) => slot?.setpoint ?? null),
      heater_s: slots.map((slot) => slot?.heater_s ?? null),
    };
  }

  stateMessage(overrides: Partial<StateMessage> = {}): StateMessage {
    const time = this.time;
    // An override whose end has passed is over: STATE shows null for it.
    const running = <T extends { until: number | null }>(override: T | null) =>
      override === null || time === null || override.until === null || time < override.until ? override : null;
    const state: Unheld = {
      type: 'STATE',
      session: 'AAAAAAAAAAAAAAAAAAAAAA',
      seq: 1,
      temperature: this.temperature,
      // Without a good reading every reading is null, as the contract has it.
      humidity: this.temperature === null ? null : 40,
      pressure: this.temperature === null ? null : 1013,
      sensor_ok: this.temperature !== null,
      ...this.settings,
      regime: this.settings.mode === 'away' ? 'away' : 'home',
      heater: this.temperature !== null && this.temperature < this.settings.target,
      members: this.members,
      owntracks: [...this.owntracks.keys()],
      time,
      clock: this.clock === null ? null : this.clock.source,
      time_zone: this.timeZone,
      schedule: this.schedule,
      manual: running(this.manual),
      boost: running(this.boost),
      away_until: running(this.awayUntil),
      uptime_s: 100,
      error: null,
      ...overrides,
    };
    return { ...state, ...held(state), ...overrides };
  }

  /** Forgets every session, as after a reboot. */
  reboot(): void {
    this.sessions.clear();
  }

  /** A START-shaped packet from the thermostat: not something it sends, but something a forger might. */
  forgedStart(app: ClientId): RoutedPacket {
    return start(this.id, app, seal(this.key, 'START', this.id, app, { type: 'START', name: 'x', nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }));
  }
}
