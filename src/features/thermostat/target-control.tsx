import { useEffect, useId, type KeyboardEvent } from 'react';
import { nextSwitchPoint, SETTING_RANGES, type StateMessage } from '@protocol';
import { formatTemperature } from '@/lib/format';
import { useNow } from '@/hooks/use-now';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState } from '@/stores/selectors';
import { PAGE_STEP, TARGET_STEP } from './target-step';
import { momentText, thermostatZone } from './thermostat-time';
import type { Reach } from '@/stores/reach';
import { pendingWords, type ControlReach } from './use-reach';
import { useTargetControl, type TargetKind } from './use-target-control';

/**
 * While the schedule or a hold decides, what a change does: hold until the next switch point (docs/protocol.md
 * "Which set point holds"), or until changed when the schedule is not running.
 */
function holdNote(state: StateMessage, nowUtc: number): string {
  const zone = thermostatZone(state.time_zone);
  const { manual } = state;
  const holding = manual !== null;
  const until = holding ? manual.until : nextSwitchPoint(state.schedule, zone.rules, nowUtc);
  const end = until === null ? 'until changed' : `until ${momentText(zone, until, nowUtc)}, then the schedule`;
  return holding ? `Held ${end}` : `A change holds ${end}`;
}

/** What a tap on the +/− changes, in words: the note the controls are described by. */
function kindNote(kind: TargetKind, state: StateMessage | null, awayTarget: number | null, nowUtc: number): string {
  if (state === null) return '';
  if (kind === 'boost') return 'Cancel the boost to change the temperature.';
  if (kind === 'manual') return holdNote(state, nowUtc);
  const comfort = 'A change sets the comfort target.';
  return awayTarget === null ? comfort : `Away: holding ${formatTemperature(awayTarget)}. ${comfort}`;
}

/** What a keyboard draft says while nothing is sent: never "Sending…". */
export const HELD_WORDS = 'Enter to send, Escape to cancel';

export function TargetControl({ control, reach, awayTarget }: { control: ControlReach; reach: Reach; awayTarget: number | null }) {
  const { value, pending, held, kind, step, setTo, sendNow, cancel } = useTargetControl();
  const state = useAppStore((s) => selectCurrentState(s)?.state ?? null);
  const now = useNow();
  const { min, max } = SETTING_RANGES.target;
  const inactive = control === 'off' || value === null || kind === 'boost';
  const noteId = useId();

  // Controls going off (no STATE, a refusal) or a boost starting leave nothing a draft could do: it is dropped.
  useEffect(() => {
    if (inactive) cancel();
  }, [inactive, cancel]);

  // Every key moves a held draft alone, as a slider's thumb moves: nothing is sent until Enter or leaving the control.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (inactive) return;
    const actions: Record<string, () => boolean | void> = {
      ArrowUp: () => step(1, TARGET_STEP, null),
      ArrowRight: () => step(1, TARGET_STEP, null),
      ArrowDown: () => step(-1, TARGET_STEP, null),
      ArrowLeft: () => step(-1, TARGET_STEP, null),
      PageUp: () => step(1, PAGE_STEP, null),
      PageDown: () => step(-1, PAGE_STEP, null),
      Home: () => setTo(min, null),
      End: () => setTo(max, null),
      Enter: sendNow,
      Escape: cancel,
    };
    const action = actions[event.key];
    if (action === undefined) return;
    // Escape with nothing to drop is left to whatever else listens for it.
    if (action() === false) return;
    event.preventDefault();
  };

  return (
    <section className="card target" aria-labelledby="target-heading">
      <h2 id="target-heading" className="card-title">
        Target
      </h2>
      <div className="target-row">
        <button
          type="button"
          className="round-button"
          onClick={() => step(-1)}
          disabled={inactive || (value ?? min) <= min}
          aria-describedby={noteId}
        >
          <span aria-hidden="true">−</span>
          <span className="visually-hidden">Decrease target temperature</span>
        </button>
        <div
          role="spinbutton"
          tabIndex={inactive ? -1 : 0}
          aria-label="Target temperature"
          aria-valuemin={min}
          aria-valuemax={max}
          aria-valuenow={value ?? undefined}
          aria-valuetext={formatTemperature(value)}
          aria-busy={pending}
          aria-disabled={inactive}
          aria-describedby={noteId}
          className={pending ? 'target-value is-pending' : 'target-value'}
          onKeyDown={onKeyDown}
          onBlur={sendNow}
        >
          {formatTemperature(value)}
        </div>
        <button
          type="button"
          className="round-button"
          onClick={() => step(1)}
          disabled={inactive || (value ?? max) >= max}
          aria-describedby={noteId}
        >
          <span aria-hidden="true">+</span>
          <span className="visually-hidden">Increase target temperature</span>
        </button>
      </div>
      {/* Not a live region: what the thermostat then holds is announced once, by the readings. */}
      <p id={noteId} className="target-note">
        {held ? HELD_WORDS : pending ? pendingWords(reach) : kindNote(kind, state, awayTarget, Math.floor(now / 1000))}
      </p>
    </section>
  );
}
