import type { ClientId, HistoryMessage, LogonKeys, MembersMessage, SetFields, StateMessage } from '@protocol';
import { BrokerLink, type FrameScope, type SocketFactory } from './broker-link';
import type { BrokerStatus, CommandFailure, Membership, MembersUnanswered, SessionStatus } from './link-status';
import type { OwntracksAnswer, OwntracksDelivery, OwntracksSetting } from './owntracks-delivery';
import { OwntracksLedger } from './owntracks-ledger';
import { ThermostatSession, type Presence, type ThermostatLink } from './thermostat-session';

/** How the household client reports, each thermostat's reports tagged with its ID; the app wires these to store actions. */
export interface HouseholdEvents {
  brokerStatus(status: BrokerStatus): void;
  sessionStatus(thermostatId: ClientId, status: SessionStatus): void;
  state(thermostatId: ClientId, state: StateMessage, receivedAt: number): void;
  pendingSettings(thermostatId: ClientId, settings: SetFields | null): void;
  commandFailed(thermostatId: ClientId, reason: CommandFailure): void;
  /** A thermostat's STATE answered the OwnTracks setting `sent`; null: it no longer holds the secret it had confirmed. */
  owntracksAnswered?(thermostatId: ClientId, sent: OwntracksSetting, answer: OwntracksAnswer | null): void;
  /** An accepted HISTORY from the thermostat whose history is fetched (setHistoryFor). */
  history?(thermostatId: ClientId, history: HistoryMessage, receivedAt: number): void;
  /** The `from`s of the pages of that thermostat's history to ask for now, oldest first (pagesToAsk). */
  historyWanted?(thermostatId: ClientId): number[];
  /** A member key was agreed with a thermostat (docs/protocol.md "Joining"): store it, joined, before anything else. */
  joined?(thermostatId: ClientId, key: Uint8Array): void;
  membership?(thermostatId: ClientId, membership: Membership | null): void;
  membersRequested?(thermostatId: ClientId): void;
  members?(thermostatId: ClientId, members: MembersMessage, receivedAt: number): void;
  membersFailed?(thermostatId: ClientId, error: MembersUnanswered): void;
}

export interface HouseholdClientOptions {
  url: string;
  /** The key pair LOG_ON signs the broker's CHALLENGE with (docs/protocol.md, "Logging on"). */
  identity: LogonKeys;
  memberName: string;
  /** Every paired thermostat: each gets a session of its own. */
  thermostats: ThermostatLink[];
  /** The thermostat whose history is fetched (the one on screen); null: none. */
  historyFor?: ClientId | null;
  events: HouseholdEvents;
  socketFactory?: SocketFactory;
  handlingFrame?: FrameScope;
  commandTimeoutMs?: number;
  random?: () => number;
  now?: () => number;
}

/**
 * One broker link and one ThermostatSession per paired thermostat, kept in step with the paired list. Lives outside
 * React; everything it learns goes out through `events`. What is routed to this app goes to the session of its
 * transmitter, a broker ERROR to the session of its receiver. The household has one home: this phone's presence and its
 * OwnTracks setting go to every thermostat.
 */
export class HouseholdClient {
  private readonly link: BrokerLink;
  private readonly sessions = new Map<ClientId, ThermostatSession>();
  private readonly owntracks: OwntracksLedger;
  private memberName: string;
  private presence: Presence | null = null;
  private historyFor: ClientId | null;

  constructor(private readonly options: HouseholdClientOptions) {
    this.memberName = options.memberName;
    this.historyFor = options.historyFor ?? null;
    this.owntracks = new OwntracksLedger(options.identity.id, (id, sent, answer) => options.events.owntracksAnswered?.(id, sent, answer));
    this.link = new BrokerLink({
      url: options.url,
      identity: options.identity,
      ...(options.socketFactory === undefined ? {} : { socketFactory: options.socketFactory }),
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.handlingFrame === undefined ? {} : { handlingFrame: options.handlingFrame }),
      events: {
        status: (status) => options.events.brokerStatus(status),
        loggedOn: () => this.sessions.forEach((session) => session.linkUp()),
        closed: () => this.sessions.forEach((session) => session.linkDown()),
        routed: (frame) => this.sessions.get(frame.transmitter)?.handleRouted(frame),
        error: (error) => {
          if (error.receiver !== undefined) this.sessions.get(error.receiver)?.handleBrokerError(error.code, error.ref);
        },
      },
    });
    this.setThermostats(options.thermostats);
  }

  /** The session with one thermostat, for tests and for the wiring's questions; undefined when it is not paired. */
  sessionOf(id: ClientId): ThermostatSession | undefined {
    return this.sessions.get(id);
  }

  /** Every paired thermostat; a new one gets a session (and the presence), one no longer listed loses its session. */
  setThermostats(thermostats: ThermostatLink[]): void {
    const wanted = new Map(thermostats.map((thermostat) => [thermostat.id, thermostat]));
    for (const [id, session] of this.sessions) {
      if (wanted.has(id)) continue;
      session.stop();
      this.sessions.delete(id);
    }
    for (const thermostat of wanted.values()) {
      const session = this.sessions.get(thermostat.id);
      if (session !== undefined) {
        session.update(thermostat);
        continue;
      }
      const added = this.sessionFor(thermostat);
      this.sessions.set(thermostat.id, added);
      added.setHistoryWanted(thermostat.id === this.historyFor);
      if (this.link.isLoggedOn) added.linkUp();
    }
  }

  private sessionFor(thermostat: ThermostatLink): ThermostatSession {
    const { events } = this.options;
    const id = thermostat.id;
    return new ThermostatSession({
      me: this.options.identity.id,
      thermostat: { ...thermostat },
      send: (packet) => this.link.send(packet),
      memberName: () => this.memberName,
      owntracks: this.owntracks,
      presence: this.presence,
      ...(this.options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: this.options.commandTimeoutMs }),
      ...(this.options.random === undefined ? {} : { random: this.options.random }),
      ...(this.options.now === undefined ? {} : { now: this.options.now }),
      events: {
        status: (status) => events.sessionStatus(id, status),
        state: (state, receivedAt) => events.state(id, state, receivedAt),
        pendingSettings: (settings) => events.pendingSettings(id, settings),
        commandFailed: (reason) => events.commandFailed(id, reason),
        history: (history, receivedAt) => events.history?.(id, history, receivedAt),
        historyWanted: () => events.historyWanted?.(id) ?? [],
        joined: (key) => events.joined?.(id, key),
        membership: (membership) => events.membership?.(id, membership),
        membersRequested: () => events.membersRequested?.(id),
        members: (members, receivedAt) => events.members?.(id, members, receivedAt),
        membersFailed: (error) => events.membersFailed?.(id, error),
      },
    });
  }

  /** History is fetched for one thermostat at a time: the one on screen. */
  setHistoryFor(id: ClientId | null): void {
    this.historyFor = id;
    for (const session of this.sessions.values()) session.setHistoryWanted(session.id === id);
  }

  start(): void {
    this.link.start();
  }

  stop(): void {
    for (const session of this.sessions.values()) session.linkDown();
    this.link.stop();
  }

  /** Network back or window visible again: reconnect now instead of waiting out the backoff (not once another window took over). */
  resume(): void {
    this.link.resume();
  }

  /**
   * The person pressed "Retry now": reconnect, or ask again every thermostat that is not live, without waiting; the
   * one named (on screen) is asked even if it refused this phone.
   */
  retryNow(id?: ClientId): void {
    if (!this.link.isLoggedOn) {
      if (id !== undefined) this.sessions.get(id)?.retry();
      this.link.reconnectNow();
      return;
    }
    for (const session of this.sessions.values()) {
      if (session.id === id || session.status !== 'live') session.retry();
    }
  }

  setUrl(url: string): void {
    this.link.setUrl(url);
  }

  setMemberName(name: string): void {
    if (name === this.memberName) return;
    this.memberName = name;
    for (const session of this.sessions.values()) session.renamed();
  }

  sendSettings(id: ClientId, settings: SetFields): void {
    this.sessions.get(id)?.sendSettings(settings);
  }

  /** The household has one home: every thermostat hears the same decision. */
  sendPresence(presence: Presence): void {
    this.presence = { ...presence };
    for (const session of this.sessions.values()) session.sendPresence(presence);
  }

  /** Geofence turned off: no thermostat, paired now or later, is told a presence this phone no longer judges. */
  forgetPresence(): void {
    this.presence = null;
    for (const session of this.sessions.values()) session.forgetPresence();
  }

  requestMembers(id: ClientId): void {
    this.sessions.get(id)?.requestMembers();
  }

  inviteMember(id: ClientId): void {
    this.sessions.get(id)?.inviteMember();
  }

  removeMember(id: ClientId, memberId: string): void {
    this.sessions.get(id)?.removeMember(memberId);
  }

  closeOldLink(id: ClientId): void {
    this.sessions.get(id)?.closeOldLink();
  }

  /**
   * The OwnTracks secret and region for every paired thermostat (null: nothing to deliver). Each one that has not
   * answered this setting gets OWNTRACKS_set, again and again, until its STATE does.
   */
  setOwntracks(delivery: OwntracksDelivery | null): void {
    if (!this.owntracks.update(delivery)) return;
    for (const session of this.sessions.values()) session.owntracksChanged();
  }

  /**
   * A thermostat is about to be unpaired (before its key is dropped): if it holds this member's OwnTracks secret, it is
   * told to forget it in the session it has with this app, without waiting for an answer (unpairing never waits).
   * `kept`: it holds the secret and has no session to be told in (offline, or not heard from), so it keeps the secret
   * until it is factory reset.
   */
  unpaired(id: ClientId): 'nothing-held' | 'told' | 'kept' {
    if (!this.owntracks.mayHold(id)) return 'nothing-held';
    return this.sessions.get(id)?.farewell() === true ? 'told' : 'kept';
  }
}
