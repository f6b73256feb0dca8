import { useCallback, useEffect, useRef, useState } from 'react';
import type { SetFields, StateMessage } from '@protocol';
import { useCommands } from '@/lib/connection/commands-context';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState } from '@/stores/selectors';
import { clampTarget, SET_DEBOUNCE_MS, stepTarget } from './target-step';

/**
 * What a change of the shown temperature asks of the thermostat: `target`, the comfort temperature, or, while the
 * schedule (or a hold) decides, `manual`: a hold until the next switch point (docs/protocol.md "Which set point
 * holds"), since a new `target` would change nothing the schedule holds.
 */
export type TargetKind = 'target' | 'manual';

export const targetKindOf = (source: StateMessage['setpoint_source'] | undefined): TargetKind =>
  source === 'schedule' || source === 'manual' ? 'manual' : 'target';

export interface TargetControl {
  /** What to show: the person's choice while unconfirmed, otherwise the thermostat's. */
  value: number | null;
  /** True from the first tap until a STATE confirms (or the command fails). */
  pending: boolean;
  kind: TargetKind;
  step: (direction: 1 | -1) => void;
  setTo: (value: number) => void;
  sendNow: () => void;
}

/** The temperature the control shows: the hold's or the schedule's while they decide, else the comfort target. */
function confirmedValue(state: StateMessage | undefined, kind: TargetKind): number | null {
  if (state === undefined) return null;
  if (kind === 'target') return state.target;
  return state.manual?.setpoint ?? state.setpoint;
}

export function useTargetControl(): TargetControl {
  const kind = useAppStore((s) => targetKindOf(selectCurrentState(s)?.state.setpoint_source));
  const confirmed = useAppStore((s) => confirmedValue(selectCurrentState(s)?.state, kind));
  const pendingValue = useAppStore((s) => {
    const sent = s.pendingSettings?.[kind];
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
    if (value === null) return;
    // The kind at the last tap: what the note beside the control said the change would do.
    const fields: SetFields = kind === 'manual' ? { manual: value } : { target: value };
    sendSettings(fields);
  }, [sendSettings, kind]);

  const setTo = useCallback(
    (value: number) => {
      const next = clampTarget(value);
      draftRef.current = next;
      setDraft(next);
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, SET_DEBOUNCE_MS);
    },
    [flush],
  );

  const step = useCallback(
    (direction: 1 | -1) => {
      if (shown === null) return;
      setTo(stepTarget(shown, direction));
    },
    [shown, setTo],
  );

  useEffect(() => () => clearTimeout(timer.current), []);

  return { value: shown, pending: draft !== null || pendingValue !== undefined, kind, step, setTo, sendNow: flush };
}
