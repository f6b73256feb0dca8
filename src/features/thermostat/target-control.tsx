import { useId, type KeyboardEvent } from 'react';
import { nextSwitchPoint, SETTING_RANGES, type StateMessage } from '@protocol';
import { formatTemperature } from '@/lib/format';
import { useNow } from '@/hooks/use-now';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState } from '@/stores/selectors';
import { momentText, thermostatZone } from './thermostat-time';
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

export function TargetControl({ disabled, awayTarget }: { disabled: boolean; awayTarget: number | null }) {
  const { value, pending, kind, step, setTo, sendNow } = useTargetControl();
  const state = useAppStore((s) => selectCurrentState(s)?.state ?? null);
  const now = useNow();
  const { min, max } = SETTING_RANGES.target;
  const inactive = disabled || value === null || kind === 'boost';
  const noteId = useId();

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (inactive) return;
    const actions: Record<string, () => void> = {
      ArrowUp: () => step(1),
      ArrowRight: () => step(1),
      ArrowDown: () => step(-1),
      ArrowLeft: () => step(-1),
      PageUp: () => setTo((value ?? min) + 1),
      PageDown: () => setTo((value ?? min) - 1),
      Home: () => setTo(min),
      End: () => setTo(max),
      Enter: sendNow,
    };
    const action = actions[event.key];
    if (action === undefined) return;
    event.preventDefault();
    action();
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
      <p id={noteId} className="target-note" aria-live="polite">
        {pending ? 'Sending…' : kindNote(kind, state, awayTarget, Math.floor(now / 1000))}
      </p>
    </section>
  );
}
