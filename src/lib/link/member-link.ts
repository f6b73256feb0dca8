import {
  answersJoin,
  joinMessage,
  makeJoinKeyPair,
  memberKeyFrom,
  message,
  open,
  parseMessage,
  seal,
  start,
  toBase64url,
  type ClientId,
  type JoinKeyPair,
  type Message,
  type Packet,
  type RoutedPacket,
} from '@protocol';
import { randomBytes } from '@noble/ciphers/utils.js';
import { tracked } from './background-work';
import type { Membership, Refusal } from './link-status';

/** As a START's: 16 random bytes (docs/protocol.md "Sessions and replay"). */
const NONCE_BYTES = 16;
/** "Joining": a JOIN without an answer is sent again once before the app tries a START under the same secret. */
const JOIN_SENDS = 2;
/** "Sessions and replay": a START without an answer is tried once more. */
const START_SENDS = 2;

type Timer = ReturnType<typeof setTimeout>;

/** A thermostat as the app holds it: the key it seals with, and whether that is its own member key. */
export interface KeyedThermostat {
  id: ClientId;
  key: Uint8Array;
  /** false: `key` is an invitation secret or the old shared key, to be redeemed with a JOIN ("Joining"). */
  joined: boolean;
}

export interface MemberLinkEvents {
  /** A START is due under `key`: a member key was agreed, or no JOIN was answered and the secret gets a START. */
  ready(): void;
  /** A member key was agreed; it must be stored before any START goes out under it. */
  joined(key: Uint8Array): void;
  membership(membership: Membership | null): void;
  /** The thermostat does not take this app: nothing more is sent to it until `retry`. */
  refused(refusal: Refusal): void;
}

export interface MemberLinkOptions {
  me: ClientId;
  thermostat: KeyedThermostat;
  send(packet: Packet): boolean;
  memberName(): string;
  timeoutMs: number;
  events: MemberLinkEvents;
}

/** Where joining stands; `run` tells the answer of WebCrypto work begun in this step from that of an abandoned one. */
type JoinStep =
  /** No key of its own yet: the next session begins with a JOIN. */
  | { step: 'due' }
  /** Nothing to join: the key is this app's member key, or the old shared key took a START in this run. */
  | { step: 'none' }
  | { step: 'making-keys'; run: number }
  | { step: 'awaiting-answer'; run: number; keys: JoinKeyPair; nonce: string; sends: number; timer: Timer }
  /** The broker dropped the JOIN (`rate_limited`, docs/protocol.md "Limits"): it goes again, as the same send, at the next session start. */
  | { step: 'dropped'; run: number; keys: JoinKeyPair; sends: number }
  | { step: 'working-out'; run: number; keys: JoinKeyPair; nonce: string; sends: number }
  /**
   * Neither JOIN was answered, or the household is full: a START under the same secret, which a thermostat from before
   * member keys takes, and the old shared key too ("The old shared key"); `refusal` is what it means if not answered.
   */
  | { step: 'falling-back'; unansweredStarts: number; refusal: Refusal }
  | { step: 'refused'; refusal: Refusal };

/**
 * The key this app seals with for one thermostat, and joining to get a key of its own (docs/protocol.md "Joining"): the
 * one path by which the selected thermostat's session and the presence courier's START, seal and open. A thermostat
 * whose record is not joined gets a JOIN under the record's key (an invitation secret or the old shared key), sent again
 * once after 5 s; a WELCOME with its nonce gives the member key (ECDH, then deriveMemberKey), which is stored before the
 * START under it. No WELCOME: a START under the same secret (the old shared key on a thermostat that does not join, or
 * does not yet); no answer to that either: the invitation was not taken. ERROR `full` answers a JOIN when 8 members are
 * there: the START under the same secret follows too, which the old shared key takes ("The old shared key"), and only
 * when that goes unanswered is the phone refused. ERROR `not_member` answers anything sealed under the key of a removed
 * member ("Members"). A JOIN the broker dropped (`busy`) goes again after the backoff without counting as unanswered.
 */
export class MemberLink {
  readonly id: ClientId;
  private currentKey: Uint8Array;
  private isJoined: boolean;
  private join: JoinStep;
  private runs = 0;
  private reported: Membership | null = null;

  constructor(private readonly options: MemberLinkOptions) {
    this.id = options.thermostat.id;
    this.currentKey = options.thermostat.key;
    this.isJoined = options.thermostat.joined;
    this.join = { step: this.isJoined ? 'none' : 'due' };
  }

  get key(): Uint8Array {
    return this.currentKey;
  }

  get joined(): boolean {
    return this.isJoined;
  }

  get refusal(): Refusal | null {
    return this.join.step === 'refused' ? this.join.refusal : null;
  }

  /**
   * Called where a session would START. true: START now under `key`. false: a JOIN is under way (`ready` follows when
   * a START is due) or the thermostat refused this app.
   */
  beginSession(): boolean {
    switch (this.join.step) {
      case 'none':
      case 'falling-back':
        return true;
      case 'due':
        this.startJoin();
        return false;
      case 'dropped':
        this.sendJoin(this.join.run, this.join.keys, this.join.sends);
        return false;
      default:
        return false;
    }
  }

  /** An accepted STATE began a session under `key`. */
  sessionStarted(): void {
    if (this.join.step === 'falling-back') this.join = { step: 'none' };
    this.report(this.isJoined ? 'member' : 'old_link');
  }

  /**
   * A START under `key` went unanswered. After unanswered JOINs, a START unanswered when tried again too ("Joining": a
   * command is retried once) means the invitation was not taken. A key the thermostat never answered: true, and nothing
   * more goes to it. One it answered before (`verified`: the old shared key, which may have closed since, or a
   * thermostat that is only silent for now) is said to be refused as well but tried again as ever, without a JOIN
   * until `stop` (the next logon), so that an answer still brings it back.
   */
  startUnanswered(verified: boolean): boolean {
    if (this.join.step !== 'falling-back') return false;
    this.join.unansweredStarts += 1;
    if (this.join.unansweredStarts < START_SENDS) return false;
    const { refusal } = this.join;
    if (!verified) {
      this.refuse(refusal);
      return true;
    }
    this.join = { step: 'none' };
    this.report(refusal);
    return false;
  }

  /**
   * The broker dropped a START packet of ours to this thermostat (`rate_limited`, docs/protocol.md "Limits"): a JOIN
   * out was never heard, so its wait ends without counting it unanswered, and the next `beginSession` (after the
   * backoff) sends it again as the same send.
   */
  busy(): void {
    if (this.join.step !== 'awaiting-answer') return;
    clearTimeout(this.join.timer);
    const { run, keys, sends } = this.join;
    this.join = { step: 'dropped', run, keys, sends };
  }

  /** The person asked to try again: a refusal is forgotten too. */
  retry(): void {
    if (this.join.step !== 'refused') {
      this.stop();
      return;
    }
    this.join = { step: this.isJoined ? 'none' : 'due' };
    this.report(null);
  }

  /**
   * Abandons a JOIN under way (the socket closed, the thermostat went offline, another was selected). A phone not
   * joined yet, also one the old shared key took a START from, joins at its next session start (docs/protocol.md
   * "The old shared key": each phone moves over the next time it is opened); a refusal stands.
   */
  stop(): void {
    if (this.join.step === 'refused') return;
    if (this.join.step === 'awaiting-answer') clearTimeout(this.join.timer);
    this.runs += 1;
    this.join = { step: this.isJoined ? 'none' : 'due' };
    if (this.reported === 'joining') this.report(null);
  }

  /** The thermostat said otherwise that this app is no member any more (its own removal's MEMBERS, "Members"). */
  removed(): void {
    if (this.join.step !== 'refused') this.refuse('removed');
  }

  startPacket(nonce: string, name: string): RoutedPacket {
    const { me } = this.options;
    return start(me, this.id, seal(this.currentKey, 'START', me, this.id, { type: 'START', name, nonce }));
  }

  messagePacket(body: object): RoutedPacket {
    const { me } = this.options;
    return message(me, this.id, seal(this.currentKey, 'MSG', me, this.id, body));
  }

  /**
   * A START or MSG from the thermostat, opened under `key`: the message for the session, or null when it did not open,
   * does not parse, or was for joining (a WELCOME or ERROR `full`) or the ERROR `not_member`, which this link acts on.
   */
  open(packetType: string, transmitter: string, receiver: string, data: unknown): Message | null {
    if (transmitter !== this.id || receiver !== this.options.me || this.join.step === 'refused') return null;
    const opened = open(this.currentKey, packetType, transmitter, receiver, data);
    if (!opened.ok) return null;
    const parsed = parseMessage(opened.value);
    if (!parsed.ok) return null;
    const received = parsed.value;
    if (received.type === 'WELCOME' || (received.type === 'ERROR' && received.code === 'full')) {
      this.answered(received);
      return null;
    }
    if (received.type === 'ERROR' && received.code === 'not_member') {
      this.refuse('removed');
      return null;
    }
    return received;
  }

  private startJoin(): void {
    const run = ++this.runs;
    this.join = { step: 'making-keys', run };
    this.report('joining');
    tracked(makeJoinKeyPair()).then(
      (keys) => {
        if (this.join.step === 'making-keys' && this.join.run === run) this.sendJoin(run, keys, 1);
      },
      (error: unknown) => {
        // Without WebCrypto's ECDH there is no joining: the secret gets its START, as with a thermostat that does not join.
        console.error('Could not make a key pair to join with', error);
        if (this.join.step === 'making-keys' && this.join.run === run) this.fallBack();
      },
    );
  }

  private sendJoin(run: number, keys: JoinKeyPair, sends: number): void {
    const { me } = this.options;
    const nonce = toBase64url(randomBytes(NONCE_BYTES));
    const body = joinMessage(this.options.memberName(), nonce, keys.publicKey);
    if (!this.options.send(start(me, this.id, seal(this.currentKey, 'START', me, this.id, body)))) {
      // The socket is gone; the next logon begins again.
      this.stop();
      return;
    }
    const timer = setTimeout(() => this.unanswered(), this.options.timeoutMs);
    this.join = { step: 'awaiting-answer', run, keys, nonce, sends, timer };
  }

  private unanswered(): void {
    if (this.join.step !== 'awaiting-answer') return;
    if (this.join.sends < JOIN_SENDS) this.sendJoin(this.join.run, this.join.keys, this.join.sends + 1);
    else this.fallBack();
  }

  private fallBack(refusal: Refusal = 'invitation_refused'): void {
    this.join = { step: 'falling-back', unansweredStarts: 0, refusal };
    this.options.events.ready();
  }

  /** A WELCOME or ERROR `full`: taken only with the latest JOIN's nonce ("Joining"). */
  private answered(answer: Message): void {
    const join = this.join;
    if (join.step !== 'awaiting-answer' || !answersJoin(answer, join.nonce)) return;
    clearTimeout(join.timer);
    if (answer.type === 'ERROR') {
      // "The old shared key": a JOIN under it answered `full` leaves the phone on it, working as before; under an
      // invitation the START goes unanswered, and only then is the phone refused.
      this.report('full');
      this.fallBack('full');
      return;
    }
    const { run, keys, nonce, sends } = join;
    this.join = { step: 'working-out', run, keys, nonce, sends };
    tracked(memberKeyFrom(keys.privateKey, answer.public_key, this.currentKey, this.id, this.options.me)).then(
      (key) => this.workedOut(run, key),
      () => this.workedOut(run, null),
    );
  }

  private workedOut(run: number, key: Uint8Array | null): void {
    const join = this.join;
    if (join.step !== 'working-out' || join.run !== run) return;
    if (key === null) {
      // Not a point on the curve: not a WELCOME this app can take; the JOIN waits on for another answer.
      const timer = setTimeout(() => this.unanswered(), this.options.timeoutMs);
      this.join = { ...join, step: 'awaiting-answer', timer };
      return;
    }
    this.currentKey = key;
    this.isJoined = true;
    this.join = { step: 'none' };
    // Stored first: a START under a key the app could lose would leave it a member it cannot speak as.
    this.options.events.joined(this.currentKey);
    this.options.events.ready();
  }

  private refuse(refusal: Refusal): void {
    if (this.join.step === 'awaiting-answer') clearTimeout(this.join.timer);
    this.runs += 1;
    this.join = { step: 'refused', refusal };
    this.report(refusal);
    this.options.events.refused(refusal);
  }

  private report(membership: Membership | null): void {
    if (membership === this.reported) return;
    this.reported = membership;
    this.options.events.membership(membership);
  }
}
