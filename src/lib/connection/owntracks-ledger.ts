import type { ClientId, OwntracksSetMessage, StateMessage } from '@protocol';
import { sameOwntracksSetting, type OwntracksAnswer, type OwntracksDelivery, type OwntracksSetting } from './owntracks-delivery';

function owntracksBody(setting: OwntracksSetting): Omit<OwntracksSetMessage, 'session' | 'seq'> {
  return setting.secret === null
    ? { type: 'OWNTRACKS_set', secret: null }
    : { type: 'OWNTRACKS_set', secret: setting.secret, wtst: setting.wtst };
}

/**
 * A STATE in the session the setting went out in, read as its answer: `owntracks` lists this member once it holds
 * the secret, and not once it forgot it; `full` refuses a ninth member. null: no answer yet (a push that was
 * already on its way, or a refusal that is not about this).
 */
function owntracksAnswerIn(state: StateMessage, me: ClientId, setting: OwntracksSetting): OwntracksAnswer | null {
  if (state.error === 'full') return setting.secret === null ? null : 'full';
  if (state.error === 'bad_message' || state.error === 'out_of_range') return null;
  const listed = state.owntracks.includes(me);
  if (setting.secret === null) return listed ? null : 'forgot';
  return listed ? 'holds' : null;
}

/** A STATE that no longer lists this member at a thermostat that had confirmed the secret: it lost it (a factory reset). */
const lostOwntracks = (state: StateMessage, me: ClientId, setting: OwntracksSetting, answer: OwntracksAnswer | undefined) =>
  setting.secret !== null && answer === 'holds' && state.error !== 'full' && !state.owntracks.includes(me);

/**
 * Which thermostats have answered the OwnTracks setting, shared by the selected thermostat's session and the
 * presence courier's: a thermostat is sent the setting, in whichever session it has with this app, until a STATE
 * in that session answers it, and again when it loses a secret it had confirmed.
 */
export class OwntracksLedger {
  private setting: OwntracksSetting | null = null;
  private answers = new Map<ClientId, OwntracksAnswer>();

  constructor(
    private readonly me: ClientId,
    private readonly report: (thermostat: ClientId, sent: OwntracksSetting, answer: OwntracksAnswer | null) => void,
  ) {}

  /** Takes what the store holds; true when some thermostat now has a setting to be sent that it did not have before. */
  update(delivery: OwntracksDelivery | null): boolean {
    if (delivery === null) {
      this.setting = null;
      this.answers.clear();
      return false;
    }
    const changed = this.setting === null || !sameOwntracksSetting(this.setting, delivery.setting);
    const before = this.answers;
    this.setting = { ...delivery.setting };
    this.answers = new Map(Object.entries(delivery.answers));
    return changed || [...before.keys()].some((id) => !this.answers.has(id));
  }

  pending(thermostat: ClientId): boolean {
    return this.setting !== null && !this.answers.has(thermostat);
  }

  /** The message for a thermostat still pending, else null. */
  bodyFor(thermostat: ClientId): Omit<OwntracksSetMessage, 'session' | 'seq'> | null {
    return this.setting !== null && this.pending(thermostat) ? owntracksBody(this.setting) : null;
  }

  /** An authentic STATE from `thermostat`; `answering` when it came in the session the setting went out in. */
  read(thermostat: ClientId, state: StateMessage, answering: boolean): void {
    const setting = this.setting;
    if (setting === null) return;
    const known = this.answers.get(thermostat);
    if (known === undefined) {
      const answer = answering ? owntracksAnswerIn(state, this.me, setting) : null;
      if (answer === null) return;
      this.answers.set(thermostat, answer);
      this.report(thermostat, setting, answer);
    } else if (lostOwntracks(state, this.me, setting, known)) {
      this.answers.delete(thermostat);
      this.report(thermostat, setting, null);
    }
  }
}
