import { cutMemberName, type ClientId, type HomeSetMessage, type LogonKeys, type OwntracksSetMessage, type Packet } from '@protocol';
import { equalBytes } from '@noble/ciphers/utils.js';
import { backoffDelay } from './backoff';
import type { Membership } from './link-status';
import { MemberLink, type KeyedThermostat } from './member-link';
import type { OwntracksLedger } from './owntracks-ledger';
import { SessionGuard } from './session-guard';

/** A paired thermostat other than the selected one: it hears this phone's presence and nothing else. */
export interface PresencePeer extends KeyedThermostat {
  /** This key has produced an authentic STATE before: after a refusal it is still tried (MemberLink.startUnanswered). */
  verified: boolean;
}

export interface CourierPresence {
  home: boolean;
  distance: number;
}

export interface PresenceCourierOptions {
  identity: Pick<LogonKeys, 'id'>;
  /** Sends one packet over the client's socket; false when it is not open and logged on. */
  send(packet: Packet): boolean;
  memberName(): string;
  commandTimeoutMs: number;
  retryMaxMs: number;
  random: () => number;
  /** The OwnTracks setting and which thermostats answered it, shared with the selected thermostat's session. */
  owntracks: OwntracksLedger;
  /** A member key was agreed with a peer (docs/protocol.md "Joining"): to be stored before the START under it. */
  joined(id: ClientId, key: Uint8Array): void;
  membership(id: ClientId, membership: Membership | null): void;
}

type Timer = ReturnType<typeof setTimeout>;

interface PeerSession {
  link: MemberLink;
  verified: boolean;
  guard: SessionGuard;
  /** The thermostat's STATE lists this phone with the presence last sent. */
  confirmed: boolean;
  startInFlight: boolean;
  attempts: number;
  timer: Timer | undefined;
}

/**
 * Carries this phone's presence (HOME_set) and its OwnTracks secret (OWNTRACKS_set) to every paired thermostat
 * besides the selected one, each in its own layer 7 session sealed with its own key (docs/protocol.md, "Messages"),
 * joining first where the app holds no member key yet, through the same MemberLink as the selected thermostat.
 * The household has one home, so every thermostat hears the same decision. A peer that is offline, silent or busy
 * is asked again with backoff until its STATE confirms both, so a thermostat coming back online gets the current ones.
 */
export class PresenceCourier {
  private readonly peers = new Map<ClientId, PeerSession>();
  private presence: CourierPresence | null = null;
  private loggedOn = false;

  constructor(private readonly options: PresenceCourierOptions) {}

  setPeers(links: PresencePeer[]): void {
    const wanted = new Map(links.map((link) => [link.id, link]));
    for (const [id, peer] of this.peers) {
      const link = wanted.get(id);
      // A thermostat whose key was replaced is a new peer: its session under the old key is of no use. The key a peer
      // joined with comes back as its record's: the same peer goes on.
      if (link === undefined || !equalBytes(link.key, peer.link.key)) {
        clearTimeout(peer.timer);
        peer.guard.reset();
        peer.link.stop();
        this.peers.delete(id);
      } else peer.verified ||= link.verified;
    }
    for (const link of wanted.values()) {
      if (this.peers.has(link.id)) continue;
      const peer: PeerSession = {
        link: this.memberLinkOf(link),
        verified: link.verified,
        guard: new SessionGuard(),
        confirmed: false,
        startInFlight: false,
        attempts: 0,
        timer: undefined,
      };
      this.peers.set(link.id, peer);
      this.deliver(peer);
    }
  }

  private memberLinkOf(thermostat: PresencePeer): MemberLink {
    const { id } = thermostat;
    return new MemberLink({
      me: this.options.identity.id,
      thermostat,
      send: (packet) => this.options.send(packet),
      memberName: () => cutMemberName(this.options.memberName()),
      timeoutMs: this.options.commandTimeoutMs,
      events: {
        ready: () => {
          const peer = this.peers.get(id);
          if (peer === undefined) return;
          peer.attempts = 0;
          this.sendStart(peer);
        },
        joined: (key) => this.options.joined(id, key),
        membership: (membership) => this.options.membership(id, membership),
        refused: () => {
          const peer = this.peers.get(id);
          if (peer === undefined) return;
          // Nothing more goes to a thermostat that does not take this phone (deliver checks the refusal).
          clearTimeout(peer.timer);
          peer.startInFlight = false;
          peer.guard.reset();
        },
      },
    });
  }

  /** Best effort before the peer is unpaired: `secret: null` in the session it has, if any; true when it went out. */
  farewell(id: ClientId): boolean {
    const peer = this.peers.get(id);
    if (peer === undefined || !this.loggedOn) return false;
    return this.sendBody(peer, { type: 'OWNTRACKS_set', secret: null });
  }

  handles(id: string | undefined): boolean {
    return id !== undefined && this.peers.has(id);
  }

  sendPresence(presence: CourierPresence): void {
    this.presence = { ...presence };
    for (const peer of this.peers.values()) {
      peer.confirmed = false;
      peer.attempts = 0;
      this.deliver(peer);
    }
  }

  /** No presence is delivered until the next sendPresence (the OwnTracks setting still is). */
  forgetPresence(): void {
    this.presence = null;
    for (const peer of this.peers.values()) {
      peer.confirmed = false;
      if (this.pending(peer)) continue;
      clearTimeout(peer.timer);
      peer.attempts = 0;
    }
  }

  /** The OwnTracks ledger changed (a new setting, or a thermostat lost it): tell the peers that now lack it. */
  owntracksChanged(): void {
    for (const peer of this.peers.values()) {
      if (!this.options.owntracks.pending(peer.link.id)) continue;
      peer.attempts = 0;
      this.deliver(peer);
    }
  }

  /** The thermostats learn names only from START: each peer in a session gets a new one. */
  renamed(): void {
    if (!this.loggedOn) return;
    for (const peer of this.peers.values()) {
      if (peer.guard.currentSession !== null) this.sendStart(peer);
    }
  }

  loggedOnChanged(loggedOn: boolean): void {
    this.loggedOn = loggedOn;
    for (const peer of this.peers.values()) {
      clearTimeout(peer.timer);
      peer.startInFlight = false;
      peer.guard.reset();
      peer.attempts = 0;
      peer.link.stop();
      if (loggedOn) this.deliver(peer);
    }
  }

  stop(): void {
    this.loggedOn = false;
    for (const peer of this.peers.values()) {
      clearTimeout(peer.timer);
      peer.guard.reset();
      peer.link.stop();
    }
  }

  /** A START or MSG from one of the peers. */
  handleRouted(packetType: string, transmitter: ClientId, receiver: ClientId, data: unknown): void {
    const peer = this.peers.get(transmitter);
    if (peer === undefined) return;
    // The link acts on what answers a JOIN and on ERROR not_member itself.
    const received = peer.link.open(packetType, transmitter, receiver, data);
    if (received === null) return;
    if (received.type === 'ERROR' && received.code === 'stale_session') {
      peer.guard.forget();
      this.sendStart(peer);
      return;
    }
    if (received.type !== 'STATE') return;
    const verdict = peer.guard.check(received);
    if (verdict === 'rejected') return;
    if (verdict === 'new-session') {
      peer.startInFlight = false;
      clearTimeout(peer.timer);
      peer.verified = true;
      peer.link.sessionStarted();
    }
    const owntracksDue = this.options.owntracks.read(peer.link.id, received);
    if (verdict === 'new-session') {
      this.deliver(peer);
      return;
    }
    const me = received.members.find((member) => member.id === this.options.identity.id);
    if (this.presence !== null && me !== undefined && me.home === this.presence.home) peer.confirmed = true;
    if (!this.pending(peer)) {
      peer.attempts = 0;
      clearTimeout(peer.timer);
    } else if (owntracksDue) {
      // The next step of the hand-over (the secret once the old one is forgotten, or again after a factory reset).
      this.sendOwntracks(peer);
    }
  }

  /** The broker could not hand our packet to a peer (offline) or dropped it (busy): ask again later. */
  handleError(receiver: ClientId, code: string): void {
    const peer = this.peers.get(receiver);
    if (peer === undefined || (code !== 'receiver_offline' && code !== 'rate_limited')) return;
    peer.startInFlight = false;
    // A JOIN the broker dropped goes again after the backoff (deliver, then sendStart) without counting as unanswered.
    if (code === 'rate_limited') peer.link.busy();
    if (code === 'receiver_offline') {
      peer.guard.forget();
      // A JOIN under way is begun again once the thermostat is back.
      peer.link.stop();
    }
    this.retryLater(peer);
  }

  /** Whether the peer still lacks the presence or the OwnTracks setting. */
  private pending(peer: PeerSession): boolean {
    return (this.presence !== null && !peer.confirmed) || this.options.owntracks.pending(peer.link.id);
  }

  private deliver(peer: PeerSession): void {
    if (!this.loggedOn || !this.pending(peer) || peer.link.refusal !== null) return;
    const session = peer.guard.currentSession;
    if (session === null) {
      if (!peer.startInFlight) this.sendStart(peer);
      return;
    }
    if (this.presence !== null && !peer.confirmed && !this.sendBody(peer, { type: 'HOME_set', ...this.presence })) return;
    this.sendOwntracks(peer);
  }

  /** The OwnTracks step due in the peer's session, if any; the answer is awaited either way. */
  private sendOwntracks(peer: PeerSession): void {
    const session = peer.guard.currentSession;
    if (session === null) return;
    const body = this.options.owntracks.bodyFor(peer.link.id, session);
    if (body !== null && !this.sendBody(peer, body)) return;
    if (body !== null) this.options.owntracks.sent(peer.link.id, session);
    this.awaitAnswer(peer);
  }

  /** Seals a message into the peer's session; false when it could not go out. */
  private sendBody(peer: PeerSession, body: Omit<HomeSetMessage, 'session' | 'seq'> | Omit<OwntracksSetMessage, 'session' | 'seq'>): boolean {
    const position = peer.guard.next();
    if (position === null) return false;
    return this.options.send(peer.link.messagePacket({ ...body, ...position }));
  }

  /** A START under the peer's key, or, not joined yet, a JOIN first (MemberLink's `ready` brings the START back). */
  private sendStart(peer: PeerSession): void {
    if (!this.loggedOn || !peer.link.beginSession()) return;
    const nonce = peer.guard.newStart();
    if (!this.options.send(peer.link.startPacket(nonce, cutMemberName(this.options.memberName())))) return;
    peer.startInFlight = true;
    this.awaitAnswer(peer);
  }

  /** The contract: a command without an answer within 5 s is tried again after a new START. */
  private awaitAnswer(peer: PeerSession): void {
    clearTimeout(peer.timer);
    peer.timer = setTimeout(() => {
      const unansweredStart = peer.startInFlight;
      peer.startInFlight = false;
      peer.guard.forget();
      // After unanswered JOINs, a START unanswered twice means the invitation was not taken: nothing more goes to it.
      if (unansweredStart && peer.link.startUnanswered(peer.verified)) return;
      this.retryLater(peer);
    }, this.options.commandTimeoutMs);
  }

  private retryLater(peer: PeerSession): void {
    clearTimeout(peer.timer);
    if (!this.pending(peer)) return;
    const delay = Math.min(this.options.retryMaxMs, backoffDelay(peer.attempts, this.options.random));
    peer.attempts = Math.min(peer.attempts + 1, 8);
    peer.timer = setTimeout(() => this.deliver(peer), delay);
  }
}
