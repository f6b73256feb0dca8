import type { ClientId, StateMessage } from '@protocol';
import { sameOwntracksSetting, type OwntracksAnswer, type OwntracksDelivery, type OwntracksSetting } from './owntracks-delivery';
import { OwntracksHandover, type OwntracksBody, type SeenState } from './owntracks-handover';

/**
 * The OwnTracks setting's hand-over to each thermostat (one OwntracksHandover each), shared by the selected
 * thermostat's session and the presence courier's: a thermostat is sent what its hand-over asks for, in whichever
 * session it has with this app, until a STATE in that session answers it, and again when it loses a secret it had
 * confirmed.
 */
export class OwntracksLedger {
  private setting: OwntracksSetting | null = null;
  private known: Record<ClientId, OwntracksAnswer> = {};
  private readonly handovers = new Map<ClientId, OwntracksHandover>();
  /** Each thermostat's latest STATE, kept while nothing is to be delivered too: a new setting's first step depends on it. */
  private readonly seen = new Map<ClientId, SeenState>();

  constructor(
    private readonly me: ClientId,
    private readonly report: (thermostat: ClientId, sent: OwntracksSetting, answer: OwntracksAnswer | null) => void,
  ) {}

  /** Takes what the store holds; true when some thermostat now has a setting to be sent that it did not have before. */
  update(delivery: OwntracksDelivery | null): boolean {
    if (delivery === null) {
      this.setting = null;
      this.known = {};
      this.handovers.clear();
      return false;
    }
    const changed = this.setting === null || !sameOwntracksSetting(this.setting, delivery.setting);
    this.setting = { ...delivery.setting };
    const forgotten = Object.keys(this.known).some((id) => !(id in delivery.answers));
    this.known = { ...delivery.answers };
    if (changed) {
      for (const [id, handover] of this.handovers) handover.retarget(this.setting, this.known[id]);
    }
    return changed || forgotten;
  }

  pending(thermostat: ClientId): boolean {
    return this.handover(thermostat)?.pending() ?? false;
  }

  /** Its latest STATE listed this member: it holds a secret of this member's, as far as the app knows. */
  mayHold(thermostat: ClientId): boolean {
    return this.seen.get(thermostat)?.listed === true;
  }

  /** The message due for a thermostat in `session`, else null (nothing due, or its next STATE must decide first). */
  bodyFor(thermostat: ClientId, session: string): OwntracksBody | null {
    return this.handover(thermostat)?.bodyFor(session) ?? null;
  }

  /** The body from bodyFor went out to `thermostat` in `session`. */
  sent(thermostat: ClientId, session: string): void {
    this.handover(thermostat)?.sent(session);
  }

  /** An authentic STATE from `thermostat`; true when a body is now due in its session. */
  read(thermostat: ClientId, state: StateMessage): boolean {
    this.seen.set(thermostat, { session: state.session, listed: state.owntracks.includes(this.me) });
    const handover = this.handover(thermostat);
    if (handover === undefined) return false;
    const step = handover.read(state);
    if (step.answer !== undefined) this.report(thermostat, handover.current, step.answer);
    return step.send;
  }

  private handover(thermostat: ClientId): OwntracksHandover | undefined {
    if (this.setting === null) return undefined;
    let handover = this.handovers.get(thermostat);
    if (handover === undefined) {
      handover = new OwntracksHandover(this.me, this.setting, this.known[thermostat], this.seen.get(thermostat) ?? null);
      this.handovers.set(thermostat, handover);
    }
    return handover;
  }
}
