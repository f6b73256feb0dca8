import {
  membersSetMessage,
  MAX_TIME_S,
  MIN_TIME_S,
  cutMemberName,
  type ClientId,
  type HistoryGetMessage,
  type HistoryMessage,
  type HomeSetMessage,
  type MembersMessage,
  type MembersSetFields,
  type OwntracksSetMessage,
  type Packet,
  type SetFields,
  type SetMessage,
  type StateMessage,
} from '@protocol';
import { equalBytes } from '@noble/ciphers/utils.js';
import { backoffDelay } from './backoff';
import type { RoutedFrame } from './broker-link';
import { HistoryFetcher } from './history-fetcher';
import {
  isSetRefusal,
  STATE_FRESH_MS,
  type CommandFailure,
  type Membership,
  type MembersUnanswered,
  type Refusal,
  type SessionStatus,
} from './link-status';
import { MemberLink, type KeyedThermostat } from './member-link';
import type { OwntracksLedger } from './owntracks-ledger';
import { unconfirmedBy, withSet } from './pending-settings';
import { SessionGuard } from './session-guard';

/** The contract: a command with no answer within 5 s is retried once after a new START. */
export const COMMAND_TIMEOUT_MS = 5000;
/** While the thermostat is offline or silent we ask again, but never wait longer than this. */
export const THERMOSTAT_RETRY_MAX_MS = 10_000;
/** The thermostat pushes only to apps heard from in the last 10 minutes: an app left open speaks up well before. */
export const SESSION_REFRESH_MS = 4 * 60_000;
/**
 * How often the session reads the wall clock for the age of its last STATE. Timers stand still while a phone sleeps
 * but its clock does not: woken, it has had no STATE for hours (and shows so), and asks within this, not 65 s later.
 */
export const SILENCE_WATCH_MS = 1000;

/** A paired thermostat as a session gets it: its record's key and whether that is this app's member key. */
export interface ThermostatLink extends KeyedThermostat {
  /** True once this key has ever produced an authentic STATE: silence then means "not answering", not "wrong key". */
  verified: boolean;
}

/** This phone's presence as HOME_set carries it. */
export interface Presence {
  home: boolean;
  distance: number;
}

/** How one session reports; the household client tags each with the thermostat's ID. */
export interface ThermostatSessionEvents {
  status(status: SessionStatus): void;
  state(state: StateMessage, receivedAt: number): void;
  /** What is sent or queued that no STATE has shown yet; null: nothing. Queued settings stay here until delivered. */
  pendingSettings(settings: SetFields | null): void;
  commandFailed(reason: CommandFailure): void;
  /** An accepted HISTORY (docs/protocol.md "History"). */
  history?(history: HistoryMessage, receivedAt: number): void;
  /** The `from`s of the pages of history to ask for now, oldest first (pagesToAsk). */
  historyWanted?(): number[];
  /** A member key was agreed (docs/protocol.md "Joining"): store it, joined, before anything else. */
  joined?(key: Uint8Array): void;
  /** Where this phone stands with the thermostat; null: not known (any more). */
  membership?(membership: Membership | null): void;
  /** A MEMBERS_set went out, or waits for the session (docs/protocol.md "Members"). */
  membersRequested?(): void;
  members?(members: MembersMessage, receivedAt: number): void;
  /** No MEMBERS answered the MEMBERS_set within 5 s, or no session could be had to send it in, or this phone is on the old shared key. */
  membersFailed?(error: MembersUnanswered): void;
}

export interface ThermostatSessionOptions {
  me: ClientId;
  thermostat: ThermostatLink;
  /** Sends one packet over the broker link; false when it is not open and logged on. */
  send(packet: Packet): boolean;
  memberName(): string;
  /** The OwnTracks setting and which thermostats answered it, shared by every session. */
  owntracks: OwntracksLedger;
  events: ThermostatSessionEvents;
  /** The presence this phone last decided, which a new session is told. */
  presence?: Presence | null;
  commandTimeoutMs?: number;
  random?: () => number;
  now?: () => number;
}

type Timer = ReturnType<typeof setTimeout>;
type SetBody = Omit<SetMessage, 'session' | 'seq'>;
type CommandBody = SetBody | Omit<HomeSetMessage, 'session' | 'seq'> | Omit<OwntracksSetMessage, 'session' | 'seq'>;

/**
 * This app's layer 7 session with one paired thermostat, over whatever sends its packets (docs/protocol.md "Sessions
 * and replay"): joining first where it holds no member key (MemberLink), START and the STATEs it takes (SessionGuard),
 * commands retried once after a new START, an empty SET after 4 minutes of quiet, and the silence rule: 65 s without a
 * STATE and it asks with an empty SET (`checking`); `receiver_offline` says `thermostat-offline` at once, no STATE
 * within 5 s says `not-answering`; either way it STARTs again with backoff. What cannot be delivered meanwhile (settings,
 * presence, the OwnTracks setting) stays pending and goes out in the next session.
 */
export class ThermostatSession {
  readonly id: ClientId;
  private link: MemberLink;
  private verified: boolean;
  private readonly options: ThermostatSessionOptions;
  private readonly events: ThermostatSessionEvents;
  private readonly commandTimeoutMs: number;
  private readonly random: () => number;
  private readonly now: () => number;

  private loggedOn = false;
  private stopped = false;
  private currentStatus: SessionStatus | null = null;

  private readonly guard = new SessionGuard();
  private startAttempts = 0;
  private startInFlight = false;
  private startTimer: Timer | undefined;
  private restartTimer: Timer | undefined;

  private pendingSettings: SetFields | null = null;
  /** What was asked of the members that no MEMBERS has answered yet. */
  private pendingMembers: MembersSetFields | null = null;
  /**
   * The session the pending MEMBERS_set went out in; null while it waits for one. Unlike a SET it is not sent again in a
   * new session, only after a stale_session for it (docs/protocol.md "Members"): a second could make a second invitation.
   */
  private membersSentIn: string | null = null;
  private membersTimer: Timer | undefined;
  /** The presence this phone last decided: a new session (after a reboot, a new key) hears it. */
  private presence: Presence | null;
  private pendingPresence: Presence | null;
  private commandTimer: Timer | undefined;
  private commandRetried = false;
  private refreshTimer: Timer | undefined;
  /** Runs from each accepted STATE: STATE_FRESH_MS without another and the session is checked. */
  private silenceTimer: Timer | undefined;
  /** Runs beside it: the wall clock's STATE_FRESH_MS since the last STATE (lastStateAt) checks the session too. */
  private silenceWatch: ReturnType<typeof setInterval> | undefined;
  private lastStateAt = 0;
  /** The empty SET of a check is out: no STATE before it ends means the thermostat is silent. */
  private checkTimer: Timer | undefined;
  /** Sends a START or command again that the broker dropped because the thermostat took no more from us. */
  private busyTimer: Timer | undefined;
  private busyRetries = 0;
  private readonly historyFetcher: HistoryFetcher;
  private historyWanted = false;
  /** Whether the last STATE had a clock: the thermostat records history only from when it has one. */
  private clockKnown = false;

  constructor(options: ThermostatSessionOptions) {
    this.options = options;
    this.id = options.thermostat.id;
    this.events = options.events;
    this.commandTimeoutMs = options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.verified = options.thermostat.verified;
    this.presence = options.presence === undefined || options.presence === null ? null : { ...options.presence };
    this.pendingPresence = this.presence;
    this.link = this.memberLinkOf(options.thermostat);
    this.historyFetcher = new HistoryFetcher({
      send: (from) => this.sendHistoryGet(from),
      wanted: () => (this.historyWanted ? (this.events.historyWanted?.() ?? []) : []),
      answerTimeoutMs: this.commandTimeoutMs,
    });
    this.setStatus('starting');
  }

  get status(): SessionStatus | null {
    return this.currentStatus;
  }

  /** The key the session seals with now (the record's, or the member key a join agreed). */
  get key(): Uint8Array {
    return this.link.key;
  }

  private memberLinkOf(thermostat: KeyedThermostat): MemberLink {
    return new MemberLink({
      me: this.options.me,
      thermostat,
      send: (packet) => this.options.send(packet),
      memberName: () => cutMemberName(this.options.memberName()),
      timeoutMs: this.commandTimeoutMs,
      events: {
        ready: () => this.startAfresh(),
        joined: (key) => this.events.joined?.(key),
        membership: (membership) => this.events.membership?.(membership),
        refused: (refusal) => this.handleRefused(refusal),
      },
    });
  }

  // --- the broker link and the household ---------------------------------------------------------

  /** The broker link logged on: a new session. */
  linkUp(): void {
    if (this.stopped) return;
    this.loggedOn = true;
    this.setStatus('starting');
    this.startAfresh();
  }

  /** The broker link is gone: the session with it (and a JOIN under way); what is pending follows the next one. */
  linkDown(): void {
    this.loggedOn = false;
    this.clearSessionTimers();
    this.guard.reset();
    this.link.stop();
    this.failMembers();
    if (!this.stopped) this.setStatus('starting');
  }

  /** Unpaired, or the app closed: nothing more goes out, and nothing more is reported (the store may have forgotten it). */
  stop(): void {
    this.forgetMembers();
    this.stopped = true;
    this.loggedOn = false;
    this.clearSessionTimers();
    this.guard.reset();
    this.link.stop();
  }

  /**
   * The store's record again: the same key (or the member key this session joined with) goes on; a new key (paired
   * again, the thermostat may have been reset) means a new START under it. The store forgot what was queued and the
   * session's status with the old key, so the session does too and says 'starting' again; the presence, which a reset
   * thermostat no longer holds, follows the new session.
   */
  update(thermostat: ThermostatLink): void {
    if (equalBytes(thermostat.key, this.link.key)) {
      this.verified ||= thermostat.verified;
      return;
    }
    this.link.stop();
    this.link = this.memberLinkOf(thermostat);
    this.verified = thermostat.verified;
    this.clearSessionTimers();
    this.guard.reset();
    this.dropPending();
    this.forgetMembers();
    this.pendingPresence = this.presence;
    this.currentStatus = null;
    this.setStatus('starting');
    if (this.loggedOn) this.startAfresh();
  }

  /** Whether this session fetches history (the thermostat on screen does). */
  setHistoryWanted(wanted: boolean): void {
    if (wanted === this.historyWanted) return;
    this.historyWanted = wanted;
    if (!wanted) this.historyFetcher.stop();
    else if (this.guard.currentSession !== null) this.historyFetcher.sessionUp();
  }

  /** The person pressed "Retry now": a refusal is forgotten, and the thermostat asked again without waiting. */
  retry(): void {
    this.link.retry();
    if (this.loggedOn) this.startAfresh();
  }

  /** The thermostats learn names only from START. */
  renamed(): void {
    if (this.loggedOn && this.link.refusal === null) this.sendStart();
  }

  /**
   * Before unpairing: `secret: null` in the session there is, without waiting for an answer (unpairing never waits);
   * true when it went out.
   */
  farewell(): boolean {
    return this.guard.currentSession !== null && this.sendCommand({ type: 'OWNTRACKS_set', secret: null });
  }

  // --- commands ------------------------------------------------------------------------------------

  /** Sends a SET now, or as soon as there is a session; fields not yet shown by a STATE stay pending and are repeated. */
  sendSettings(settings: SetFields): void {
    // A thermostat that refused this phone hears nothing more until the person retries: the SET fails now, not never.
    if (this.link.refusal !== null) {
      this.events.commandFailed('not-member');
      return;
    }
    this.pendingSettings = withSet(this.pendingSettings, settings);
    this.events.pendingSettings(this.pendingSettings);
    this.commandRetried = false;
    if (this.live()) this.sendCommand({ type: 'SET', ...settings });
    else this.deliverWhenLive();
  }

  sendPresence(presence: Presence): void {
    this.presence = { ...presence };
    this.pendingPresence = this.presence;
    this.commandRetried = false;
    if (this.link.refusal !== null) return;
    if (this.live()) this.sendCommand({ type: 'HOME_set', ...presence });
    else this.deliverWhenLive();
  }

  /** Geofence turned off: this thermostat is not told a presence this phone no longer judges. */
  forgetPresence(): void {
    this.presence = null;
    this.pendingPresence = null;
  }

  /** The shared OwnTracks ledger changed: the setting goes out if this thermostat now lacks it. */
  owntracksChanged(): void {
    if (!this.owntracksPending() || this.link.refusal !== null) return;
    this.commandRetried = false;
    if (this.live()) this.sendOwntracks();
    else this.deliverWhenLive();
  }

  requestMembers(): void {
    this.sendMembersSet({});
  }

  inviteMember(): void {
    this.sendMembersSet({ invite: true });
  }

  removeMember(memberId: string): void {
    this.sendMembersSet({ remove: memberId });
  }

  /** Closes the old shared key for good (docs/protocol.md "The old shared key"). */
  closeOldLink(): void {
    this.sendMembersSet({ old_link: false });
  }

  /**
   * Whether a command can go out now and be awaited: a session, and no reason to think the thermostat is gone. While
   * it cannot, commands wait for the next session (deliverWhenLive), so nothing is "sent" into silence.
   */
  private live(): boolean {
    return this.loggedOn && this.guard.currentSession !== null && (this.currentStatus === 'live' || this.currentStatus === 'checking');
  }

  /** Nothing can be delivered now: a START unless one is out or a restart is due; the next session repeats what is pending. */
  private deliverWhenLive(): void {
    if (!this.loggedOn || this.startInFlight) return;
    // Offline or not answering: the restart's backoff stands, and the pending command goes with its session.
    if (this.currentStatus === 'thermostat-offline' || this.currentStatus === 'not-answering' || this.currentStatus === 'wrong-key') return;
    this.sendStart();
  }

  /**
   * A MEMBERS_set in the current session, or in the next one if there is none (as a SET); one not yet answered takes
   * the new fields in, so a new session repeats them all after a stale_session (what went out already is not sent again
   * before that). Its MEMBERS, or 'no_answer' 5 s after it went out, settles it.
   */
  private sendMembersSet(fields: MembersSetFields): void {
    const alreadyOut = this.membersSentIn !== null;
    this.pendingMembers = { ...this.pendingMembers, ...fields };
    this.events.membersRequested?.();
    if (this.link.refusal !== null) {
      this.failMembers();
      return;
    }
    // The members card waits for an answer: a thermostat known to be gone gives none.
    if (this.currentStatus === 'thermostat-offline' || this.currentStatus === 'not-answering' || this.currentStatus === 'wrong-key') {
      this.failMembers();
      return;
    }
    this.deliverMembersSet(alreadyOut ? fields : this.pendingMembers);
  }

  private deliverMembersSet(fields: MembersSetFields | null = this.pendingMembers): void {
    if (fields === null) return;
    // Only members send MEMBERS_set ("Members"): in a session on the old shared key it would be dropped unanswered.
    if (!this.link.joined && this.guard.currentSession !== null) {
      this.failMembers('old_link');
      return;
    }
    const position = this.guard.next();
    if (position === null) {
      if (this.loggedOn && !this.startInFlight) this.sendStart();
      return;
    }
    if (!this.options.send(this.link.messagePacket(membersSetMessage(position.session, position.seq, fields)))) return;
    this.membersSentIn = position.session;
    this.armRefresh();
    clearTimeout(this.membersTimer);
    this.membersTimer = setTimeout(() => this.failMembers(), this.commandTimeoutMs);
  }

  /** What was asked of the members is not coming: the card says so instead of waiting on. */
  private failMembers(reason: MembersUnanswered = 'no_answer'): void {
    const asked = this.pendingMembers !== null;
    this.forgetMembers();
    if (asked) this.events.membersFailed?.(reason);
  }

  private forgetMembers(): void {
    clearTimeout(this.membersTimer);
    this.membersSentIn = null;
    this.pendingMembers = null;
  }

  // --- what the thermostat sends -------------------------------------------------------------------

  /** A START or MSG routed from this thermostat. */
  handleRouted(frame: RoutedFrame): void {
    if (this.stopped) return;
    // The link acts on what answers a JOIN and on ERROR not_member itself (handleRefused).
    const received = this.link.open(frame.packetType, frame.transmitter, frame.receiver, frame.data);
    if (received === null) return;
    if (received.type === 'STATE') this.handleState(received);
    else if (received.type === 'HISTORY') this.handleHistory(received);
    else if (received.type === 'MEMBERS') this.handleMembers(received);
    else if (received.type === 'ERROR' && received.code === 'stale_session') this.handleStaleSession();
  }

  /** The broker could not hand our packet to this thermostat (offline) or dropped it (busy). */
  handleBrokerError(code: string, ref: string | undefined): void {
    if (this.stopped || !this.loggedOn) return;
    if (code === 'receiver_offline') this.handleThermostatOffline();
    else if (code === 'rate_limited') this.handleThermostatBusy(ref);
  }

  private handleState(state: StateMessage): void {
    const verdict = this.guard.check(state);
    if (verdict === 'rejected') return;
    this.verified = true;
    if (verdict === 'new-session') this.link.sessionStarted();
    clearTimeout(this.checkTimer);
    this.watchSilence();
    this.setStatus('live');
    this.events.state(state, this.now());
    const clockBecameKnown = verdict === 'current-session' && !this.clockKnown && state.time !== null;
    this.clockKnown = state.time !== null;
    if (clockBecameKnown) this.historyFetcher.refresh();
    const owntracksDue = this.options.owntracks.read(this.id, state);
    this.busyRetries = 0;
    if (verdict === 'new-session') {
      this.startInFlight = false;
      clearTimeout(this.startTimer);
      clearTimeout(this.restartTimer);
      this.startAttempts = 0;
      // What the lost session's SETs did is in force already: repeated, a boost would start its minutes again.
      this.confirmSettings(state);
      this.repeatPending();
      if (this.historyWanted) this.historyFetcher.sessionUp();
      return;
    }
    this.settle(state);
    // The next step of the hand-over (the secret once the old one is forgotten, or again after a factory reset).
    if (owntracksDue) this.sendOwntracks();
  }

  /**
   * A HISTORY is taken under a STATE's rules, from the same counter (docs/protocol.md "Messages"), but only in the
   * current session: it carries no nonce, so it can never be the answer that starts one.
   */
  private handleHistory(history: HistoryMessage): void {
    if (this.guard.check({ session: history.session, seq: history.seq }) !== 'current-session') return;
    this.events.history?.(history, this.now());
    this.historyFetcher.answered(history.from);
  }

  /** HISTORY_get in the current session; it is no command: it neither waits for a START nor holds up the keep-alive. */
  private sendHistoryGet(from: number): boolean {
    const position = this.guard.next();
    if (position === null) return false;
    const body: HistoryGetMessage = { type: 'HISTORY_get', ...position, from };
    return this.options.send(this.link.messagePacket(body));
  }

  /**
   * A MEMBERS is taken under a STATE's rules, in the current session only: it carries no nonce (docs/protocol.md
   * "Members"). One that no longer lists this app answers its removal of itself: the last thing under its key.
   */
  private handleMembers(members: MembersMessage): void {
    if (this.guard.check({ session: members.session, seq: members.seq }) !== 'current-session') return;
    clearTimeout(this.membersTimer);
    this.pendingMembers = null;
    this.membersSentIn = null;
    this.events.members?.(members, this.now());
    if (!members.members.some((member) => member.id === this.options.me)) this.link.removed();
  }

  private settle(state: StateMessage): void {
    if (this.pendingSettings !== null) {
      // `storage` refuses nothing: the thermostat took the change and keeps trying to store it.
      if (isSetRefusal(state.error)) {
        this.pendingSettings = null;
        this.events.pendingSettings(null);
        this.events.commandFailed(state.error);
      } else this.confirmSettings(state);
    }
    if (this.pendingPresence !== null) {
      const me = state.members.find((member) => member.id === this.options.me);
      if (me !== undefined && me.home === this.pendingPresence.home) this.pendingPresence = null;
    }
    if (this.nothingPending()) {
      clearTimeout(this.commandTimer);
      this.commandRetried = false;
    }
  }

  /** Drops from what is pending each field `state` shows in force (unconfirmedBy), so that no repeat carries it. */
  private confirmSettings(state: StateMessage): void {
    const pending = this.pendingSettings;
    if (pending === null) return;
    const unconfirmed = unconfirmedBy(pending, state);
    if (unconfirmed === pending) return;
    this.pendingSettings = unconfirmed;
    this.events.pendingSettings(unconfirmed);
  }

  /**
   * The thermostat does not take this phone (removed, invitation not taken, no room): nothing more is sent to it until
   * the person retries or pairs again, and what was pending fails with the reason.
   */
  private handleRefused(refusal: Refusal): void {
    this.clearSessionTimers();
    this.guard.reset();
    if (this.pendingSettings !== null) this.events.commandFailed('not-member');
    this.dropPending();
    this.failMembers();
    // The key never worked: as ever, the status says so (the membership says why).
    if (refusal === 'invitation_refused') this.setStatus('wrong-key');
  }

  // --- sessions, silence and retries ----------------------------------------------------------------

  /** A START whose retries count from zero; `forgetSession` when the current session can no longer be trusted. */
  private startAfresh(forgetSession = false): void {
    if (forgetSession) this.guard.forget();
    this.startAttempts = 0;
    this.sendStart();
  }

  private handleStaleSession(): void {
    // The thermostat lost our session (a reboot, say): START again; pending commands follow the new session, a
    // MEMBERS_set sent in the lost one too ("Members"), with its 5 s counted again from then.
    if (this.membersSentIn !== null && this.membersSentIn === this.guard.currentSession) {
      this.membersSentIn = null;
      clearTimeout(this.membersTimer);
    }
    this.startAfresh(true);
  }

  /**
   * From an accepted STATE: 65 s until the next, by the timers or by the wall clock, whichever says so first. The
   * wall clock is what the app's reach (src/stores/reach.ts) reads the STATE's age by: a clock that jumped on (a
   * phone woken from sleep) shows the thermostat as being checked, so the session checks it then, not when its
   * timer ends.
   */
  private watchSilence(): void {
    this.stopSilenceWatch();
    this.lastStateAt = this.now();
    this.silenceTimer = setTimeout(() => this.checkSilence(), STATE_FRESH_MS);
    this.silenceWatch = setInterval(() => {
      if (this.now() - this.lastStateAt >= STATE_FRESH_MS) this.checkSilence();
    }, SILENCE_WATCH_MS);
  }

  private stopSilenceWatch(): void {
    clearTimeout(this.silenceTimer);
    clearInterval(this.silenceWatch);
  }

  /**
   * "Sessions and replay": 65 s without a STATE, so what the app shows is old: it asks at once with an empty SET. A
   * STATE ends the check; `receiver_offline` says the thermostat is gone; no STATE within 5 s says it is silent.
   */
  private checkSilence(): void {
    this.stopSilenceWatch();
    if (!this.loggedOn) return;
    this.setStatus('checking');
    const position = this.guard.next();
    if (position === null || !this.options.send(this.link.messagePacket(this.withTime({ type: 'SET' }, position)))) {
      this.startAfresh(true);
      return;
    }
    this.armRefresh();
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => this.giveUpOnThermostat(), this.commandTimeoutMs);
  }

  /** An empty SET changes nothing and is answered with a STATE: it keeps this app among those the thermostat tells. */
  private armRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.sendCommand({ type: 'SET' }), SESSION_REFRESH_MS);
  }

  private handleThermostatOffline(): void {
    // A JOIN under way is begun again once the thermostat is back.
    this.link.stop();
    this.endSession();
    this.setStatus('thermostat-offline');
    this.scheduleRestart();
  }

  /**
   * docs/protocol.md, "Limits": the broker dropped our START or command because the thermostat takes no more from
   * us for now; just after it reconnected, for one, its apps count as strangers until it has answered them. Send it
   * again after a short backoff, instead of taking the silence for a lost answer.
   */
  private handleThermostatBusy(ref: string | undefined): void {
    clearTimeout(this.busyTimer);
    const delay = Math.min(THERMOSTAT_RETRY_MAX_MS, backoffDelay(this.busyRetries, this.random));
    this.busyRetries += 1;
    if (ref === 'START') {
      // Not an unanswered START: it never reached the thermostat, so it uses up none of the START's attempts; a JOIN
      // (sent as a START packet) goes again as the same send, at sendStart.
      this.link.busy();
      clearTimeout(this.startTimer);
      this.startInFlight = false;
      this.busyTimer = setTimeout(() => this.sendStart(), delay);
      return;
    }
    clearTimeout(this.commandTimer);
    this.busyTimer = setTimeout(() => {
      if (this.nothingPending()) this.sendCommand({ type: 'SET' });
      else this.repeatPending();
    }, delay);
  }

  private sendStart(): void {
    if (this.stopped) return;
    clearTimeout(this.startTimer);
    clearTimeout(this.restartTimer);
    // Whatever a busy thermostat left to send again follows the new session (repeatPending).
    clearTimeout(this.busyTimer);
    // Not joined yet: a JOIN first, and `ready` brings this START back once a START is due (docs/protocol.md "Joining").
    if (!this.loggedOn || !this.link.beginSession()) return;
    const nonce = this.guard.newStart();
    if (!this.options.send(this.link.startPacket(nonce, cutMemberName(this.options.memberName())))) return;
    this.armRefresh();
    this.startInFlight = true;
    this.startTimer = setTimeout(() => this.handleStartTimeout(), this.commandTimeoutMs);
  }

  private handleStartTimeout(): void {
    this.startInFlight = false;
    // After unanswered JOINs: a START unanswered twice means the invitation was not taken (handleRefused).
    if (this.link.startUnanswered(this.verified)) return;
    this.startAttempts += 1;
    if (this.startAttempts < 2) {
      this.sendStart();
      return;
    }
    this.giveUpOnThermostat();
  }

  /**
   * Silence from a thermostat the broker says is online: with a never-verified key, the key is the suspect. What is
   * pending stays queued for the next session; the status tells the person it is waiting, and a START follows with backoff.
   */
  private giveUpOnThermostat(): void {
    this.endSession();
    this.setStatus(this.verified ? 'not-answering' : 'wrong-key');
    this.scheduleRestart();
  }

  /**
   * The thermostat is gone or silent: every timer of the session stops (a busy thermostat's resend too, or it would
   * START outside the backoff) and so does the members' wait; what is pending stays for the next session.
   */
  private endSession(): void {
    this.clearSessionTimers();
    this.commandRetried = false;
    this.failMembers();
    this.guard.forget();
  }

  private scheduleRestart(): void {
    clearTimeout(this.restartTimer);
    const delay = Math.min(THERMOSTAT_RETRY_MAX_MS, backoffDelay(this.startAttempts + 1, this.random));
    this.restartTimer = setTimeout(() => {
      this.startAttempts = Math.min(this.startAttempts + 1, 8);
      this.sendStart();
    }, delay);
  }

  /**
   * docs/protocol.md "The wall clock": every SET carries this app's clock, so that a thermostat without SNTP learns
   * the time. A clock outside the contract's range (a phone that lost its time) is left out: the thermostat would
   * refuse the whole SET for it.
   */
  private withTime<P extends object>(body: SetBody, position: P): SetBody & P {
    const time = Math.floor(this.now() / 1000);
    return time >= MIN_TIME_S && time <= MAX_TIME_S ? { ...body, time, ...position } : { ...body, ...position };
  }

  /** True when the command went out in the current session. */
  private sendCommand(body: CommandBody): boolean {
    const position = this.guard.next();
    if (position === null) {
      // No session yet: the command goes out as soon as START is answered.
      if (this.loggedOn && !this.startInFlight) this.sendStart();
      return false;
    }
    const plaintext = body.type === 'SET' ? this.withTime(body, position) : { ...body, ...position };
    if (!this.options.send(this.link.messagePacket(plaintext))) return false;
    this.armRefresh();
    clearTimeout(this.commandTimer);
    this.commandTimer = setTimeout(() => this.handleCommandTimeout(), this.commandTimeoutMs);
    return true;
  }

  private owntracksPending(): boolean {
    return this.options.owntracks.pending(this.id);
  }

  private sendOwntracks(): void {
    const session = this.guard.currentSession;
    if (session === null) {
      // No session yet: the setting goes out as soon as START is answered.
      if (this.loggedOn && !this.startInFlight) this.sendStart();
      return;
    }
    const body = this.options.owntracks.bodyFor(this.id, session);
    if (body !== null && this.sendCommand(body)) this.options.owntracks.sent(this.id, session);
  }

  private nothingPending(): boolean {
    return this.pendingSettings === null && this.pendingPresence === null && !this.owntracksPending();
  }

  private handleCommandTimeout(): void {
    if (this.nothingPending()) return;
    if (!this.commandRetried) {
      this.commandRetried = true;
      this.startAfresh(true);
      return;
    }
    this.giveUpOnThermostat();
  }

  private repeatPending(): void {
    if (this.pendingSettings !== null) this.sendCommand({ type: 'SET', ...this.pendingSettings });
    if (this.pendingPresence !== null) this.sendCommand({ type: 'HOME_set', ...this.pendingPresence });
    if (this.owntracksPending()) this.sendOwntracks();
    // A MEMBERS_set out already waits for its answer, or its 5 s, and is not sent again ("Members").
    if (this.membersSentIn === null) this.deliverMembersSet();
  }

  private dropPending(): void {
    if (this.pendingSettings !== null) this.events.pendingSettings(null);
    this.pendingSettings = null;
    this.pendingPresence = null;
    this.commandRetried = false;
  }

  private clearSessionTimers(): void {
    clearTimeout(this.startTimer);
    clearTimeout(this.restartTimer);
    clearTimeout(this.commandTimer);
    clearTimeout(this.refreshTimer);
    this.stopSilenceWatch();
    clearTimeout(this.checkTimer);
    clearTimeout(this.busyTimer);
    this.busyRetries = 0;
    this.startInFlight = false;
    this.historyFetcher.stop();
  }

  private setStatus(status: SessionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.events.status(status);
  }
}
