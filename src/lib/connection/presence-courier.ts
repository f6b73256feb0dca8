import {
  open,
  message,
  parseMessage,
  seal,
  start,
  cutMemberName,
  type ClientId,
  type HomeSetMessage,
  type LogonKeys,
  type OwntracksSetMessage,
  type Packet,
} from '@protocol';
import { equalBytes } from '@noble/ciphers/utils.js';
import { backoffDelay } from './backoff';
import type { OwntracksLedger } from './owntracks-ledger';
import { SessionGuard } from './session-guard';

/** A paired thermostat other than the selected one: it hears this phone's presence and nothing else. */
export interface PresencePeer {
  id: ClientId;
  key: Uint8Array;
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
}

type Timer = ReturnType<typeof setTimeout>;

interface PeerSession {
  link: PresencePeer;
  guard: SessionGuard;
  /** The thermostat's STATE lists this phone with the presence last sent. */
  confirmed: boolean;
  startInFlight: boolean;
  attempts: number;
  timer: Timer | undefined;
}

/**
 * Carries this phone's presence (HOME_set) and its OwnTracks secret (OWNTRACKS_set) to every paired thermostat
 * besides the selected one, each in its own layer 7 session sealed with its own key (docs/protocol.md, "Messages").
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
      // A thermostat whose key was replaced is a new peer: its session under the old key is of no use.
      if (link === undefined || !equalBytes(link.key, peer.link.key)) {
        clearTimeout(peer.timer);
        peer.guard.reset();
        this.peers.delete(id);
      }
    }
    for (const link of wanted.values()) {
      if (this.peers.has(link.id)) continue;
      const peer: PeerSession = {
        link,
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
      if (loggedOn) this.deliver(peer);
    }
  }

  stop(): void {
    this.loggedOn = false;
    for (const peer of this.peers.values()) {
      clearTimeout(peer.timer);
      peer.guard.reset();
    }
  }

  /** A START or MSG from one of the peers. */
  handleRouted(packetType: string, transmitter: ClientId, receiver: ClientId, data: unknown): void {
    const peer = this.peers.get(transmitter);
    if (peer === undefined || receiver !== this.options.identity.id) return;
    const opened = open(peer.link.key, packetType, transmitter, receiver, data);
    if (!opened.ok) return;
    const parsed = parseMessage(opened.value);
    if (!parsed.ok) return;
    const received = parsed.value;
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
    if (code === 'receiver_offline') peer.guard.forget();
    this.retryLater(peer);
  }

  /** Whether the peer still lacks the presence or the OwnTracks setting. */
  private pending(peer: PeerSession): boolean {
    return (this.presence !== null && !peer.confirmed) || this.options.owntracks.pending(peer.link.id);
  }

  private deliver(peer: PeerSession): void {
    if (!this.loggedOn || !this.pending(peer)) return;
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
    const { id, key } = peer.link;
    const me = this.options.identity.id;
    return this.options.send(message(me, id, seal(key, 'MSG', me, id, { ...body, ...position })));
  }

  private sendStart(peer: PeerSession): void {
    const { id, key } = peer.link;
    const me = this.options.identity.id;
    const nonce = peer.guard.newStart();
    const name = cutMemberName(this.options.memberName());
    const data = seal(key, 'START', me, id, { type: 'START', name, nonce });
    if (!this.options.send(start(me, id, data))) return;
    peer.startInFlight = true;
    this.awaitAnswer(peer);
  }

  /** The contract: a command without an answer within 5 s is tried again after a new START. */
  private awaitAnswer(peer: PeerSession): void {
    clearTimeout(peer.timer);
    peer.timer = setTimeout(() => {
      peer.startInFlight = false;
      peer.guard.forget();
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
