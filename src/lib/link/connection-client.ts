import {
  logonHost,
  membersSetMessage,
  parsePacket,
  signedLogOn,
  CLOSE_CODES,
  MAX_TIME_S,
  MIN_TIME_S,
  cutMemberName,
  type ClientId,
  type HistoryGetMessage,
  type HistoryMessage,
  type HomeSetMessage,
  type LogOnPacket,
  type LogonKeys,
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
import { isSetRefusal, type CommandFailure, type ConnectionStatus, type Membership, type MembersUnanswered, type Refusal } from './link-status';
import { HistoryFetcher } from './history-fetcher';
import { MemberLink, type KeyedThermostat } from './member-link';
import type { OwntracksAnswer, OwntracksDelivery, OwntracksSetting } from './owntracks-delivery';
import { OwntracksLedger } from './owntracks-ledger';
import { unconfirmedBy, withSet } from './pending-settings';
import { PresenceCourier, type PresencePeer } from './presence-courier';
import { SessionGuard } from './session-guard';

/** The contract: a command with no answer within 5 s is retried once after a new START. */
export const COMMAND_TIMEOUT_MS = 5000;
/** While the thermostat is offline or silent we ask again, but never wait longer than this. */
export const THERMOSTAT_RETRY_MAX_MS = 10_000;
/** The thermostat pushes only to apps heard from in the last 10 minutes: an app left open speaks up well before. */
export const SESSION_REFRESH_MS = 4 * 60_000;
/** It pushes a STATE at least every 60 s: this long without one means the session lapsed or the thermostat went quiet. */
export const STATE_SILENCE_MS = 150_000;

/** The part of the browser's WebSocket the client uses, so tests can hand it a fake or another implementation. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

/** A paired thermostat as the client gets it: its record's key and whether that is this app's member key. */
export interface ThermostatLink extends KeyedThermostat {
  /** True once this key has ever produced an authentic STATE: silence then means "not answering", not "wrong key". */
  verified: boolean;
}

export interface Presence {
  home: boolean;
  distance: number;
}

/** How the client reports; the app wires these to store actions. */
export interface ConnectionEvents {
  status(status: ConnectionStatus): void;
  state(thermostatId: ClientId, state: StateMessage, receivedAt: number): void;
  pendingSettings(settings: SetFields | null): void;
  commandFailed(reason: CommandFailure): void;
  /** A thermostat's STATE answered the OwnTracks setting `sent`; null: it no longer holds the secret it had confirmed. */
  owntracksAnswered?(thermostatId: ClientId, sent: OwntracksSetting, answer: OwntracksAnswer | null): void;
  /** An accepted HISTORY from the selected thermostat (docs/protocol.md "History"). */
  history?(thermostatId: ClientId, history: HistoryMessage, receivedAt: number): void;
  /** The `from`s of the pages of that thermostat's history to ask for now, oldest first (pagesToAsk). */
  historyWanted?(thermostatId: ClientId): number[];
  /** A member key was agreed with a thermostat (docs/protocol.md "Joining"): store it, joined, before anything else. */
  joined?(thermostatId: ClientId, key: Uint8Array): void;
  /** Where this phone stands with a thermostat, the selected one or another; null: not known (any more). */
  membership?(thermostatId: ClientId, membership: Membership | null): void;
  /** A MEMBERS_set went out, or waits for the session (docs/protocol.md "Members"). */
  membersRequested?(thermostatId: ClientId): void;
  /** An accepted MEMBERS. */
  members?(thermostatId: ClientId, members: MembersMessage, receivedAt: number): void;
  /** No MEMBERS answered the MEMBERS_set within 5 s, or no session could be had to send it in, or this phone is on the old shared key. */
  membersFailed?(thermostatId: ClientId, error: MembersUnanswered): void;
}

export interface ConnectionClientOptions {
  url: string;
  /** The key pair LOG_ON signs the broker's CHALLENGE with (docs/protocol.md, "Logging on"). */
  identity: LogonKeys;
  memberName: string;
  thermostat: ThermostatLink | null;
  /** The household's other paired thermostats: they get this phone's presence too. */
  presencePeers?: PresencePeer[];
  events: ConnectionEvents;
  socketFactory?: SocketFactory;
  commandTimeoutMs?: number;
  random?: () => number;
  now?: () => number;
}

type Timer = ReturnType<typeof setTimeout>;

const OPEN = 1;

type SetBody = Omit<SetMessage, 'session' | 'seq'>;

/**
 * One WebSocket to the broker and one layer 7 session with the selected thermostat. Lives outside
 * React; everything it learns goes out through `events`.
 */
export class ConnectionClient {
  private url: string;
  private memberName: string;
  /** The selected thermostat, and through `link` the key this app seals with for it and joining to get one. */
  private thermostat: { id: ClientId; verified: boolean; link: MemberLink } | null;
  private readonly identity: ConnectionClientOptions['identity'];
  private readonly events: ConnectionEvents;
  private readonly socketFactory: SocketFactory;
  private readonly commandTimeoutMs: number;
  private readonly random: () => number;
  private readonly now: () => number;

  private socket: SocketLike | null = null;
  /** The current socket's CHALLENGE has been answered: a broker sends one, and a second would not be honoured. */
  private challengeAnswered = false;
  private loggedOn = false;
  private stopped = true;
  private reconnectAttempt = 0;
  private reconnectTimer: Timer | undefined;
  private status: ConnectionStatus | null = null;

  private readonly guard = new SessionGuard();
  private startAttempts = 0;
  private startInFlight = false;
  private startTimer: Timer | undefined;
  private restartTimer: Timer | undefined;

  private pendingSettings: SetFields | null = null;
  /** What the members card asked of the selected thermostat that its MEMBERS has not answered yet. */
  private pendingMembers: MembersSetFields | null = null;
  /**
   * The session the pending MEMBERS_set went out in; null while it waits for one. Unlike a SET it is not sent again in a
   * new session, only after a stale_session for it (docs/protocol.md "Members"): a second could make a second invitation.
   */
  private membersSentIn: string | null = null;
  private membersTimer: Timer | undefined;
  private pendingPresence: Presence | null = null;
  /** The presence this phone last decided: a thermostat selected later hears it with its first session. */
  private lastPresence: Presence | null = null;
  private commandTimer: Timer | undefined;
  private commandRetried = false;
  private refreshTimer: Timer | undefined;
  private silenceTimer: Timer | undefined;
  /** Sends a START or command again that the broker dropped because the thermostat took no more from us. */
  private busyTimer: Timer | undefined;
  private busyRetries = 0;
  private readonly courier: PresenceCourier;
  private presencePeers: PresencePeer[] = [];
  /** Which thermostats, the selected one and the courier's, have answered the OwnTracks setting. */
  private readonly owntracks: OwntracksLedger;
  /** Asks the selected thermostat for the pages of its history the app lacks, in the session it has with it. */
  private readonly historyFetcher: HistoryFetcher;
  /** Whether the selected thermostat's last STATE had a clock: it records history only from when it has one. */
  private thermostatClockKnown = false;

  constructor(options: ConnectionClientOptions) {
    this.url = options.url;
    this.memberName = options.memberName;
    this.identity = options.identity;
    this.events = options.events;
    this.socketFactory = options.socketFactory ?? ((url) => new WebSocket(url));
    this.commandTimeoutMs = options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.thermostat = this.selectedOf(options.thermostat);
    this.owntracks = new OwntracksLedger(this.identity.id, (id, sent, answer) => this.events.owntracksAnswered?.(id, sent, answer));
    this.courier = new PresenceCourier({
      identity: this.identity,
      send: (packet) => this.send(packet),
      memberName: () => this.memberName,
      commandTimeoutMs: this.commandTimeoutMs,
      retryMaxMs: THERMOSTAT_RETRY_MAX_MS,
      random: this.random,
      owntracks: this.owntracks,
      joined: (id, key) => this.events.joined?.(id, key),
      membership: (id, membership) => this.events.membership?.(id, membership),
    });
    this.historyFetcher = new HistoryFetcher({
      send: (from) => this.sendHistoryGet(from),
      wanted: () => (this.thermostat === null ? [] : (this.events.historyWanted?.(this.thermostat.id) ?? [])),
      answerTimeoutMs: this.commandTimeoutMs,
    });
    this.presencePeers = (options.presencePeers ?? []).map((peer) => ({ ...peer }));
    this.courier.setPeers(this.peersBesides(this.thermostat));
  }

  private peersBesides(selected: { id: ClientId } | null): PresencePeer[] {
    return this.presencePeers.filter((peer) => peer.id !== selected?.id);
  }

  private selectedOf(thermostat: ThermostatLink | null): ConnectionClient['thermostat'] {
    if (thermostat === null) return null;
    const { id } = thermostat;
    const link = new MemberLink({
      me: this.identity.id,
      thermostat,
      send: (packet) => this.send(packet),
      memberName: () => cutMemberName(this.memberName),
      timeoutMs: this.commandTimeoutMs,
      events: {
        ready: () => this.startAfresh(),
        joined: (key) => this.events.joined?.(id, key),
        membership: (membership) => this.events.membership?.(id, membership),
        refused: (refusal) => this.handleRefused(refusal),
      },
    });
    return { id, verified: thermostat.verified, link };
  }

  /**
   * The selected thermostat and every paired one (the selected one among them gets presence through the main
   * session), given together so the courier is told its peers once: a thermostat just unpaired, or just selected,
   * is never for a moment a peer of its own.
   */
  setThermostats(thermostat: ThermostatLink | null, peers: PresencePeer[]): void {
    this.presencePeers = peers.map((peer) => ({ ...peer }));
    this.courier.setPeers(this.peersBesides(thermostat));
    this.selectThermostat(thermostat);
  }

  /**
   * A thermostat is about to be unpaired (before its key is dropped): if it holds this member's OwnTracks secret, it is
   * told to forget it in the session it has with this app, without waiting for an answer (unpairing never waits).
   * `kept`: it holds the secret and has no session to be told in (offline, or not heard from), so it keeps the secret
   * until it is factory reset.
   */
  unpaired(id: ClientId): 'nothing-held' | 'told' | 'kept' {
    if (!this.owntracks.mayHold(id)) return 'nothing-held';
    const told =
      id === this.thermostat?.id
        ? this.guard.currentSession !== null && this.sendCommand({ type: 'OWNTRACKS_set', secret: null })
        : this.courier.farewell(id);
    return told ? 'told' : 'kept';
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.setStatus('connecting');
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.courier.stop();
    this.clearSessionTimers();
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.detach();
    socket?.close(1000, 'app closed');
  }

  /** Network back, window visible again or the user asked: try now instead of waiting out the backoff. */
  resume(): void {
    if (this.stopped || this.socket !== null) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectAttempt = 0;
    this.connect();
  }

  /** The person pressed "Retry now": reconnect, or ask the thermostat again, without waiting. */
  retryNow(): void {
    this.thermostat?.link.retry();
    if (this.socket === null) {
      this.resume();
      return;
    }
    if (this.loggedOn && this.thermostat !== null) {
      this.startAfresh();
    }
  }

  setUrl(url: string): void {
    if (url === this.url) return;
    this.url = url;
    this.restartConnection();
  }

  setMemberName(name: string): void {
    if (name === this.memberName) return;
    this.memberName = name;
    this.courier.renamed();
    // The thermostat learns names only from START.
    if (this.loggedOn && this.thermostat !== null) this.sendStart();
  }

  private selectThermostat(thermostat: ThermostatLink | null): void {
    if (thermostat !== null && thermostat.id === this.thermostat?.id) {
      // The key the link joined with comes back from the store as the record's: the same link goes on.
      if (equalBytes(thermostat.key, this.thermostat.link.key)) this.thermostat.verified ||= thermostat.verified;
      else this.rekeyThermostat(thermostat);
      return;
    }
    if (thermostat === null && this.thermostat === null) return;
    this.failMembers();
    this.thermostat?.link.stop();
    this.thermostat = this.selectedOf(thermostat);
    this.clearSessionTimers();
    this.guard.reset();
    this.dropPending();
    this.pendingPresence = this.lastPresence;
    if (!this.loggedOn) return;
    if (thermostat === null) this.setStatus('no-thermostat');
    else {
      this.setStatus('connecting');
      this.startAfresh();
    }
  }

  /**
   * The selected thermostat was paired again with a new key (it may have been reset): the session under the old key is
   * of no use, so a new START under the new key; what was pending is still meant for it and follows that session, and
   * so does the presence, which a reset thermostat no longer holds.
   */
  private rekeyThermostat(thermostat: ThermostatLink): void {
    this.thermostat?.link.stop();
    this.thermostat = this.selectedOf(thermostat);
    this.clearSessionTimers();
    this.guard.reset();
    this.commandRetried = false;
    this.pendingPresence = this.lastPresence;
    if (!this.loggedOn) return;
    this.setStatus('connecting');
    this.startAfresh();
  }

  /** Sends a SET now; fields not yet confirmed by a STATE stay pending and are repeated if needed. */
  sendSettings(settings: SetFields): void {
    // A thermostat that refused this phone hears nothing more until the person retries: the SET fails now, not never.
    if ((this.thermostat?.link.refusal ?? null) !== null) {
      this.events.commandFailed('not-member');
      return;
    }
    this.pendingSettings = withSet(this.pendingSettings, settings);
    this.events.pendingSettings(this.pendingSettings);
    this.commandRetried = false;
    this.sendCommand({ type: 'SET', ...settings });
  }

  sendPresence(presence: Presence): void {
    this.lastPresence = { ...presence };
    this.pendingPresence = presence;
    this.commandRetried = false;
    this.sendCommand({ type: 'HOME_set', ...presence });
    this.courier.sendPresence(presence);
  }

  /** The members card is shown: the selected thermostat's members (docs/protocol.md "Members"). */
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
   * A MEMBERS_set in the current session, or in the next one if there is none (as a SET); one not yet answered takes
   * the new fields in, so a new session repeats them all after a stale_session (what went out already is not sent again
   * before that). Its MEMBERS, or 'no_answer' 5 s after it went out, settles it.
   */
  private sendMembersSet(fields: MembersSetFields): void {
    const thermostat = this.thermostat;
    if (thermostat === null) return;
    const alreadyOut = this.membersSentIn !== null;
    this.pendingMembers = { ...this.pendingMembers, ...fields };
    this.events.membersRequested?.(thermostat.id);
    if (thermostat.link.refusal !== null) {
      this.failMembers();
      return;
    }
    this.deliverMembersSet(alreadyOut ? fields : this.pendingMembers);
  }

  private deliverMembersSet(fields: MembersSetFields | null = this.pendingMembers): void {
    const thermostat = this.thermostat;
    if (thermostat === null || fields === null) return;
    // Only members send MEMBERS_set ("Members"): in a session on the old shared key it would be dropped unanswered.
    if (!thermostat.link.joined && this.guard.currentSession !== null) {
      this.failMembers('old_link');
      return;
    }
    const position = this.guard.next();
    if (position === null) {
      if (this.loggedOn && !this.startInFlight) this.sendStart();
      return;
    }
    if (!this.send(thermostat.link.messagePacket(membersSetMessage(position.session, position.seq, fields)))) return;
    this.membersSentIn = position.session;
    this.armRefresh();
    clearTimeout(this.membersTimer);
    this.membersTimer = setTimeout(() => this.failMembers(), this.commandTimeoutMs);
  }

  /**
   * A MEMBERS is taken under a STATE's rules, in the current session only: it carries no nonce (docs/protocol.md
   * "Members"). One that no longer lists this app answers its removal of itself: the last thing under its key.
   */
  private handleMembers(thermostat: NonNullable<ConnectionClient['thermostat']>, members: MembersMessage): void {
    if (this.guard.check({ session: members.session, seq: members.seq }) !== 'current-session') return;
    clearTimeout(this.membersTimer);
    this.pendingMembers = null;
    this.membersSentIn = null;
    this.events.members?.(thermostat.id, members, this.now());
    if (!members.members.some((member) => member.id === this.identity.id)) thermostat.link.removed();
  }

  /** What the members card asked is not coming: it says so instead of waiting on. */
  private failMembers(reason: MembersUnanswered = 'no_answer'): void {
    clearTimeout(this.membersTimer);
    this.membersSentIn = null;
    if (this.pendingMembers === null || this.thermostat === null) return;
    this.pendingMembers = null;
    this.events.membersFailed?.(this.thermostat.id, reason);
  }

  /**
   * The selected thermostat does not take this phone (removed, invitation not taken, no room): nothing more is sent to
   * it until the person retries or pairs again, and what was pending fails with the reason.
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

  /** Geofence turned off: no thermostat, selected or paired later, is told a presence this phone no longer judges. */
  forgetPresence(): void {
    this.lastPresence = null;
    this.pendingPresence = null;
    this.courier.forgetPresence();
  }

  /**
   * The OwnTracks secret and region for every paired thermostat (null: nothing to deliver). Each one that has not
   * answered this setting gets OWNTRACKS_set, again and again, until its STATE does.
   */
  setOwntracks(delivery: OwntracksDelivery | null): void {
    if (!this.owntracks.update(delivery)) return;
    this.courier.owntracksChanged();
    if (!this.owntracksPending()) return;
    this.commandRetried = false;
    this.sendOwntracks();
  }

  // --- socket --------------------------------------------------------------------------------

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.socketFactory(this.url);
    } catch {
      // A malformed broker URL throws synchronously; treat it like an unreachable broker.
      this.setStatus('offline');
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    // The LOG_ON signs the host of the URL this socket was opened with: the broker checks it against the Host it was reached at.
    const url = this.url;
    this.challengeAnswered = false;
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') this.handleFrame(event.data, socket, url);
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.handleClose(event.code);
    };
    socket.onerror = () => {
      // A close event always follows; it carries the decision.
    };
  }

  private detach(): void {
    if (this.socket !== null) {
      this.socket.onopen = null;
      this.socket.onmessage = null;
      this.socket.onclose = null;
      this.socket.onerror = null;
    }
    this.socket = null;
    this.challengeAnswered = false;
    if (this.loggedOn) this.courier.loggedOnChanged(false);
    this.loggedOn = false;
    this.guard.reset();
    this.thermostat?.link.stop();
  }

  private restartConnection(): void {
    if (this.stopped) return;
    const socket = this.socket;
    this.detach();
    this.clearSessionTimers();
    socket?.close(1000, 'broker changed');
    clearTimeout(this.reconnectTimer);
    this.reconnectAttempt = 0;
    this.setStatus('connecting');
    this.connect();
  }

  private handleClose(code: number): void {
    this.detach();
    this.clearSessionTimers();
    this.failMembers();
    if (this.stopped) return;
    if (code === CLOSE_CODES.replaced) {
      // Another window of this app logged on with our ID. Fighting back would make both churn.
      this.setStatus('replaced');
      return;
    }
    this.setStatus('offline');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = backoffDelay(this.reconnectAttempt, this.random);
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      if (!this.stopped && this.socket === null) this.connect();
    }, delay);
  }

  private send(packet: Packet): boolean {
    if (this.socket === null || this.socket.readyState !== OPEN || !this.loggedOn) return false;
    this.socket.send(JSON.stringify(packet));
    return true;
  }

  /** Answers the broker's CHALLENGE once per socket, if the socket is still ours and open when the signature is ready. */
  private async answerChallenge(socket: SocketLike, url: string, nonce: string): Promise<void> {
    if (this.challengeAnswered) return;
    this.challengeAnswered = true;
    let packet: LogOnPacket;
    try {
      packet = await signedLogOn(this.identity, nonce, logonHost(url));
    } catch (error) {
      // The key pair cannot sign (a storage or browser fault): without a logon this socket is useless.
      console.error('Could not sign the logon', error);
      if (this.socket === socket) socket.close(1000, 'cannot sign logon');
      return;
    }
    if (this.socket === socket && socket.readyState === OPEN) socket.send(JSON.stringify(packet));
  }

  private handleFrame(text: string, socket: SocketLike, url: string): void {
    const parsed = parsePacket(text);
    if (!parsed.ok) return;
    const packet = parsed.value;
    switch (packet.packet_type) {
      case 'CHALLENGE':
        void this.answerChallenge(socket, url, packet.nonce);
        return;
      case 'ACK_LOG_ON':
        if (packet.receiver !== this.identity.id) return;
        this.loggedOn = true;
        this.reconnectAttempt = 0;
        this.courier.loggedOnChanged(true);
        if (this.thermostat === null) this.setStatus('no-thermostat');
        else {
          this.startAfresh();
        }
        return;
      case 'ERROR':
        if (packet.receiver !== undefined && this.courier.handles(packet.receiver)) {
          this.courier.handleError(packet.receiver, packet.code);
          return;
        }
        if (packet.receiver === undefined || packet.receiver !== this.thermostat?.id) return;
        if (packet.code === 'receiver_offline') this.handleThermostatOffline();
        else if (packet.code === 'rate_limited') this.handleThermostatBusy(packet.ref);
        return;
      case 'MSG':
      case 'START':
        if (this.courier.handles(packet.transmitter)) {
          this.courier.handleRouted(packet.packet_type, packet.transmitter, packet.receiver, packet.data);
          return;
        }
        this.handleRouted(packet.packet_type, packet.transmitter, packet.receiver, packet.data);
        return;
      default:
        return;
    }
  }

  // --- layer 7 -------------------------------------------------------------------------------

  private handleRouted(packetType: string, transmitter: string, receiver: string, data: unknown): void {
    const thermostat = this.thermostat;
    if (thermostat === null) return;
    // The link acts on what answers a JOIN and on ERROR not_member itself (handleRefused).
    const received = thermostat.link.open(packetType, transmitter, receiver, data);
    if (received === null) return;
    if (received.type === 'STATE') this.handleState(thermostat, received);
    else if (received.type === 'HISTORY') this.handleHistory(thermostat.id, received);
    else if (received.type === 'MEMBERS') this.handleMembers(thermostat, received);
    else if (received.type === 'ERROR' && received.code === 'stale_session') this.handleStaleSession();
  }

  private handleState(thermostat: NonNullable<ConnectionClient['thermostat']>, state: StateMessage): void {
    const verdict = this.guard.check(state);
    if (verdict === 'rejected') return;
    thermostat.verified = true;
    if (verdict === 'new-session') thermostat.link.sessionStarted();
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.handleSilence(), STATE_SILENCE_MS);
    this.events.state(thermostat.id, state, this.now());
    const clockBecameKnown = verdict === 'current-session' && !this.thermostatClockKnown && state.time !== null;
    this.thermostatClockKnown = state.time !== null;
    if (clockBecameKnown) this.historyFetcher.refresh();
    const owntracksDue = this.owntracks.read(thermostat.id, state);
    this.busyRetries = 0;
    if (verdict === 'new-session') {
      this.startInFlight = false;
      clearTimeout(this.startTimer);
      clearTimeout(this.restartTimer);
      this.startAttempts = 0;
      this.setStatus('connected');
      // What the lost session's SETs did is in force already: repeated, a boost would start its minutes again.
      this.confirmSettings(state);
      this.repeatPending();
      this.historyFetcher.sessionUp();
      return;
    }
    this.setStatus('connected');
    this.settle(state);
    // The next step of the hand-over (the secret once the old one is forgotten, or again after a factory reset).
    if (owntracksDue) this.sendOwntracks();
  }

  /**
   * A HISTORY is taken under a STATE's rules, from the same counter (docs/protocol.md "Messages"), but only in the
   * current session: it carries no nonce, so it can never be the answer that starts one.
   */
  private handleHistory(thermostatId: ClientId, history: HistoryMessage): void {
    if (this.guard.check({ session: history.session, seq: history.seq }) !== 'current-session') return;
    this.events.history?.(thermostatId, history, this.now());
    this.historyFetcher.answered(history.from);
  }

  /** HISTORY_get in the current session; it is no command: it neither waits for a START nor holds up the keep-alive. */
  private sendHistoryGet(from: number): boolean {
    const thermostat = this.thermostat;
    if (thermostat === null) return false;
    const position = this.guard.next();
    if (position === null) return false;
    const body: HistoryGetMessage = { type: 'HISTORY_get', ...position, from };
    return this.send(thermostat.link.messagePacket(body));
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
      const me = state.members.find((member) => member.id === this.identity.id);
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

  /** No STATE for longer than the thermostat's push period allows: ask again, as if it were a lost command. */
  private handleSilence(): void {
    if (!this.loggedOn || this.thermostat === null) return;
    this.startAfresh(true);
  }

  /** An empty SET changes nothing and is answered with a STATE: it keeps this app among those the thermostat tells. */
  private armRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.sendCommand({ type: 'SET' }), SESSION_REFRESH_MS);
  }

  private handleThermostatOffline(): void {
    // A JOIN under way is begun again once the thermostat is back.
    this.thermostat?.link.stop();
    this.failMembers();
    this.historyFetcher.stop();
    this.startInFlight = false;
    clearTimeout(this.startTimer);
    clearTimeout(this.commandTimer);
    clearTimeout(this.silenceTimer);
    if (this.pendingSettings !== null) this.events.commandFailed('thermostat-offline');
    // Presence is not the user's to retry: it waits for the thermostat to come back and goes out with the new session.
    const presence = this.pendingPresence;
    this.dropPending();
    this.pendingPresence = presence;
    this.guard.forget();
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
      this.thermostat?.link.busy();
      clearTimeout(this.startTimer);
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
    const thermostat = this.thermostat;
    if (thermostat === null) return;
    clearTimeout(this.startTimer);
    clearTimeout(this.restartTimer);
    // Whatever a busy thermostat left to send again follows the new session (repeatPending).
    clearTimeout(this.busyTimer);
    // Not joined yet: a JOIN first, and `ready` brings this START back once a START is due (docs/protocol.md "Joining").
    if (!this.loggedOn || !thermostat.link.beginSession()) return;
    const nonce = this.guard.newStart();
    if (!this.send(thermostat.link.startPacket(nonce, cutMemberName(this.memberName)))) return;
    this.armRefresh();
    this.startInFlight = true;
    this.startTimer = setTimeout(() => this.handleStartTimeout(), this.commandTimeoutMs);
  }

  private handleStartTimeout(): void {
    this.startInFlight = false;
    // After unanswered JOINs: a START unanswered twice means the invitation was not taken (handleRefused).
    if (this.thermostat?.link.startUnanswered(this.thermostat.verified) === true) return;
    this.startAttempts += 1;
    if (this.startAttempts < 2) {
      this.sendStart();
      return;
    }
    this.giveUpOnThermostat();
    this.scheduleRestart();
  }

  /** Silence from a thermostat the broker says is online: with a never-verified key, the key is the suspect. */
  private giveUpOnThermostat(): void {
    clearTimeout(this.commandTimer);
    if (this.pendingSettings !== null) this.events.commandFailed('no-answer');
    this.dropPending();
    this.failMembers();
    this.setStatus(this.thermostat?.verified === true ? 'not-answering' : 'wrong-key');
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
  private withTime(body: SetBody): SetBody {
    const time = Math.floor(this.now() / 1000);
    return time >= MIN_TIME_S && time <= MAX_TIME_S ? { ...body, time } : body;
  }

  /** True when the command went out in the current session. */
  private sendCommand(body: SetBody | Omit<HomeSetMessage, 'session' | 'seq'> | Omit<OwntracksSetMessage, 'session' | 'seq'>): boolean {
    const thermostat = this.thermostat;
    if (thermostat === null) return false;
    const position = this.guard.next();
    if (position === null) {
      // No session yet: the command goes out as soon as START is answered.
      if (this.loggedOn && !this.startInFlight) this.sendStart();
      return false;
    }
    const plaintext = { ...(body.type === 'SET' ? this.withTime(body) : body), ...position };
    if (!this.send(thermostat.link.messagePacket(plaintext))) return false;
    this.armRefresh();
    clearTimeout(this.commandTimer);
    this.commandTimer = setTimeout(() => this.handleCommandTimeout(), this.commandTimeoutMs);
    return true;
  }

  private owntracksPending(): boolean {
    return this.thermostat !== null && this.owntracks.pending(this.thermostat.id);
  }

  private sendOwntracks(): void {
    const thermostat = this.thermostat;
    if (thermostat === null) return;
    const session = this.guard.currentSession;
    if (session === null) {
      // No session yet: the setting goes out as soon as START is answered.
      if (this.loggedOn && !this.startInFlight) this.sendStart();
      return;
    }
    const body = this.owntracks.bodyFor(thermostat.id, session);
    if (body !== null && this.sendCommand(body)) this.owntracks.sent(thermostat.id, session);
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
    this.scheduleRestart();
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
    clearTimeout(this.silenceTimer);
    clearTimeout(this.busyTimer);
    this.busyRetries = 0;
    this.startInFlight = false;
    this.historyFetcher.stop();
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.events.status(status);
  }
}
