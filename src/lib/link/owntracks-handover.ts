import type { ClientId, OwntracksSetMessage, StateMessage } from '@protocol';
import { isOwntracksRefusal, type OwntracksAnswer, type OwntracksSetting } from './owntracks-delivery';

export type OwntracksBody = Omit<OwntracksSetMessage, 'session' | 'seq'>;

/** A STATE's session, and whether its `owntracks` listed this member. */
export interface SeenState {
  session: string;
  listed: boolean;
}

/**
 * Where one thermostat stands with this member's OwnTracks setting:
 * - `deciding`: nothing is known of what it holds; the first STATE of the session the body would go out in decides
 *   (it lists this member: `clearing`; it does not: `installing`).
 * - `clearing`: it may hold another secret of this member's. STATE's `owntracks` only says that the member has SOME
 *   secret, so a STATE listing the member cannot confirm a new one: `secret: null` first, until a STATE in the
 *   session it went out in omits the member, which only the forget applied (or a factory reset) can bring.
 * - `installing`: it holds no secret of this member's, or this very one (a new `wtst` or a resend): the setting,
 *   until a STATE in the session it went out in lists the member (for `null`: omits it), which only the setting
 *   applied can bring. A refusal (`full`, `bad_message`, `out_of_range`) in that session is final.
 * - `answered`: the answer is known; a thermostat that held the secret and is seen without it (a factory reset)
 *   goes back to `installing`.
 */
type Phase =
  | { kind: 'deciding' }
  | { kind: 'clearing'; sentIn: string | null }
  | { kind: 'installing'; sentIn: string | null }
  | { kind: 'answered'; answer: OwntracksAnswer };

/** What reading a STATE did: `send` when a body is now due in the current session, `answer` what to report. */
export interface HandoverStep {
  send: boolean;
  /** undefined: nothing to report; null: it lost the secret it had confirmed. */
  answer?: OwntracksAnswer | null;
}

const bodyOf = (setting: OwntracksSetting): OwntracksBody =>
  setting.secret === null ? { type: 'OWNTRACKS_set', secret: null } : { type: 'OWNTRACKS_set', secret: setting.secret, wtst: setting.wtst };

/** One thermostat's hand-over of the OwnTracks setting (docs/protocol.md, "Messages", OWNTRACKS_set). */
export class OwntracksHandover {
  private phase: Phase;
  constructor(
    private readonly me: ClientId,
    private setting: OwntracksSetting,
    known: OwntracksAnswer | undefined,
    /** The latest authentic STATE's session and whether it listed this member. */
    private lastSeen: SeenState | null = null,
  ) {
    this.phase = known === undefined ? { kind: 'deciding' } : { kind: 'answered', answer: known };
  }

  get current(): OwntracksSetting {
    return this.setting;
  }

  /** Where it stands, for tests and logs. */
  get state(): Phase['kind'] {
    return this.phase.kind;
  }

  /**
   * A new setting. A thermostat keeps what it was told: the same secret (a new region) goes straight in, since
   * forgetting it would restart its replay times and let old bodies in again; any other may first need clearing.
   */
  retarget(setting: OwntracksSetting, known: OwntracksAnswer | undefined): void {
    const previous = this.setting;
    const phase = this.phase;
    this.setting = { ...setting };
    if (known !== undefined) {
      this.phase = { kind: 'answered', answer: known };
      return;
    }
    const sameSecret = previous.secret !== null && previous.secret === setting.secret;
    const settled = phase.kind === 'installing' || (phase.kind === 'answered' && phase.answer === 'holds');
    // Another secret still on its way may yet be applied: whatever a STATE says now, it must be cleared first.
    const otherOnItsWay = phase.kind === 'installing' && phase.sentIn !== null && !sameSecret && previous.secret !== null;
    if (sameSecret && settled) this.phase = { kind: 'installing', sentIn: null };
    else if (phase.kind === 'clearing' || otherOnItsWay) this.phase = { kind: 'clearing', sentIn: null };
    else this.phase = { kind: 'deciding' };
  }

  pending(): boolean {
    return this.phase.kind !== 'answered';
  }

  /** The body due in `session`, or null: none is due, or the first STATE of that session must decide first. */
  bodyFor(session: string): OwntracksBody | null {
    if (this.phase.kind === 'deciding') this.decide(session);
    switch (this.phase.kind) {
      case 'clearing':
        return { type: 'OWNTRACKS_set', secret: null };
      case 'installing':
        return bodyOf(this.setting);
      default:
        return null;
    }
  }

  /** The body from bodyFor went out in `session`: only a STATE in it can answer it. */
  sent(session: string): void {
    if (this.phase.kind === 'clearing' || this.phase.kind === 'installing') this.phase = { ...this.phase, sentIn: session };
  }

  /** An authentic STATE from the thermostat, in whichever session it has with this app. */
  read(state: StateMessage): HandoverStep {
    const listed = state.owntracks.includes(this.me);
    this.lastSeen = { session: state.session, listed };
    const phase = this.phase;
    const answering = (phase.kind === 'clearing' || phase.kind === 'installing') && phase.sentIn === state.session;
    switch (phase.kind) {
      case 'deciding':
        // This STATE decides what goes out next in its session.
        return { send: true };
      case 'clearing':
        if (!answering || listed) return { send: false };
        if (this.setting.secret === null) return this.answer('forgot');
        this.phase = { kind: 'installing', sentIn: null };
        return { send: true };
      case 'installing':
        if (!answering) return { send: false };
        if (isOwntracksRefusal(state.error)) return this.answer(state.error);
        if (this.setting.secret === null) return listed ? { send: false } : this.answer('forgot');
        return listed ? this.answer('holds') : { send: false };
      case 'answered':
        if (phase.answer !== 'holds' || listed || state.error === 'full') return { send: false };
        // It lost the secret it had confirmed (a factory reset): it holds none of ours, so the setting goes straight in.
        this.phase = { kind: 'installing', sentIn: null };
        return { send: true, answer: null };
    }
  }

  private answer(answer: OwntracksAnswer): HandoverStep {
    this.phase = { kind: 'answered', answer };
    return { send: false, answer };
  }

  private decide(session: string): void {
    if (this.setting.secret === null) {
      this.phase = { kind: 'installing', sentIn: null };
      return;
    }
    if (this.lastSeen === null || this.lastSeen.session !== session) return;
    this.phase = this.lastSeen.listed ? { kind: 'clearing', sentIn: null } : { kind: 'installing', sentIn: null };
  }
}
