import { useCallback, useEffect, useRef, useState } from 'react';
import { heldSetpoint, planInputOf, scheduleRuns, type SetFields, type StateMessage } from '@protocol';
import { useCommands } from '@/lib/link/commands-context';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState, selectPendingSettings } from '@/stores/selectors';
import { clampTarget, SET_DEBOUNCE_MS, stepTarget, TARGET_STEP } from './target-step';

/**
 * What a change of the shown temperature asks of the thermostat (docs/protocol.md "Which set point holds"):
 * - `target`, the comfort temperature, when nothing but the regime decides;
 * - `manual`, a hold until the next switch point, while the schedule runs or a hold does: a hold beats the
 *   schedule, an away-until and the away regime (rows 2 to 5), where a new `target` would change nothing held;
 * - nothing while a boost runs: it beats a hold too (row 1), so the control waits until the boost is cancelled.
 */
export type TargetKind = 'target' | 'manual' | 'boost';

type KindFields = Pick<StateMessage, 'time' | 'time_zone' | 'schedule' | 'boost' | 'manual'>;

export function targetKindOf(state: KindFields | undefined): TargetKind {
  if (state === undefined) return 'target';
  // Overrides are shown while the clock is unknown but run only once it is known; STATE nulls an ended one.
  if (state.time !== null && state.boost !== null) return 'boost';
  if (state.time !== null && state.manual !== null) return 'manual';
  return scheduleRuns(state.time, state.time_zone, state.schedule) ? 'manual' : 'target';
}

export interface TargetControl {
  /** What to show: the person's choice while unconfirmed, otherwise the thermostat's. */
  value: number | null;
  /** True from the first tap until a STATE confirms (or the command fails). */
  pending: boolean;
  kind: TargetKind;
  /** Moves the draft by `by` on its grid; it is sent once nothing moved it for `settleMs`. */
  step: (direction: 1 | -1, by?: number, settleMs?: number) => void;
  setTo: (value: number, settleMs?: number) => void;
  /** Sends the draft, if any, at once. */
  sendNow: () => void;
  /** Drops the draft unsent; true when there was one. */
  cancel: () => boolean;
}

/**
 * The temperature the control shows: the comfort target when that is what changes, else what the table holds
 * (the boost's, the hold's, or the schedule's as the regime leaves it), whatever the reading's safety rules do.
 */
function confirmedValue(state: StateMessage | undefined, kind: TargetKind): number | null {
  if (state === undefined) return null;
  if (kind === 'target') return state.target;
  return heldSetpoint(planInputOf(state)).setpoint;
}

export function useTargetControl(): TargetControl {
  const kind = useAppStore((s) => targetKindOf(selectCurrentState(s)?.state));
  const confirmed = useAppStore((s) => confirmedValue(selectCurrentState(s)?.state, kind));
  const pendingValue = useAppStore((s) => {
    if (kind === 'boost') return undefined;
    const sent = selectPendingSettings(s)?.[kind];
    return typeof sent === 'number' ? sent : undefined;
  });
  const { sendSettings } = useCommands();
  const [draft, setDraft] = useState<number | null>(null);
  const draftRef = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const shown = draft ?? pendingValue ?? confirmed;

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    const value = draftRef.current;
    draftRef.current = null;
    setDraft(null);
    if (value === null || kind === 'boost') return;
    // The kind at the last tap: what the note beside the control said the change would do.
    const fields: SetFields = kind === 'manual' ? { manual: value } : { target: value };
    sendSettings(fields);
  }, [sendSettings, kind]);

  const setTo = useCallback(
    (value: number, settleMs = SET_DEBOUNCE_MS) => {
      const next = clampTarget(value);
      draftRef.current = next;
      setDraft(next);
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, settleMs);
    },
    [flush],
  );

  const step = useCallback(
    (direction: 1 | -1, by = TARGET_STEP, settleMs = SET_DEBOUNCE_MS) => {
      if (shown === null || kind === 'boost') return;
      setTo(stepTarget(shown, direction, by), settleMs);
    },
    [shown, kind, setTo],
  );

  const cancel = useCallback(() => {
    clearTimeout(timer.current);
    const had = draftRef.current !== null;
    draftRef.current = null;
    setDraft(null);
    return had;
  }, []);

  useEffect(() => () => clearTimeout(timer.current), []);

  return { value: shown, pending: draft !== null || pendingValue !== undefined, kind, step, setTo, sendNow: flush, cancel };
}
