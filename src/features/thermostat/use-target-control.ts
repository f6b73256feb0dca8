import { useCallback, useEffect, useRef, useState } from 'react';
import { heldSetpoint, planInputOf, scheduleRuns, type ClientId, type SetFields, type StateMessage } from '@protocol';
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
  /** True while a keyboard draft waits for Enter (or leaving the control) and nothing has been sent. */
  held: boolean;
  kind: TargetKind;
  /** Moves the draft by `by` on its grid; sent once nothing moved it for `settleMs`, or held for sendNow when null. */
  step: (direction: 1 | -1, by?: number, settleMs?: number | null) => void;
  setTo: (value: number, settleMs?: number | null) => void;
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

/**
 * A change not sent yet, with the thermostat and the kind it was made for: it goes to that thermostat, as that
 * kind, even if the screen has moved to another one or unmounts before it is sent.
 */
interface Draft {
  value: number;
  thermostatId: ClientId;
  kind: Exclude<TargetKind, 'boost'>;
}

export function useTargetControl(): TargetControl {
  const thermostatId = useAppStore((s) => s.selectedId);
  const kind = useAppStore((s) => targetKindOf(selectCurrentState(s)?.state));
  const confirmed = useAppStore((s) => confirmedValue(selectCurrentState(s)?.state, kind));
  const pendingValue = useAppStore((s) => {
    if (kind === 'boost') return undefined;
    const sent = selectPendingSettings(s)?.[kind];
    return typeof sent === 'number' ? sent : undefined;
  });
  const { sendSettingsTo } = useCommands();
  const [draft, setDraft] = useState<{ value: number; held: boolean } | null>(null);
  const draftRef = useRef<Draft | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const shown = draft?.value ?? pendingValue ?? confirmed;

  /** Sends what the draft holds, to the thermostat it was made on; no state is touched, so unmounting may call it. */
  const sendDraft = useCallback(() => {
    clearTimeout(timer.current);
    const sending = draftRef.current;
    draftRef.current = null;
    if (sending === null) return false;
    // The kind at the last tap: what the note beside the control said the change would do.
    const fields: SetFields = sending.kind === 'manual' ? { manual: sending.value } : { target: sending.value };
    sendSettingsTo(sending.thermostatId, fields);
    return true;
  }, [sendSettingsTo]);

  const flush = useCallback(() => {
    sendDraft();
    setDraft(null);
  }, [sendDraft]);

  const setTo = useCallback(
    (value: number, settleMs: number | null = SET_DEBOUNCE_MS) => {
      if (thermostatId === null || kind === 'boost') return;
      const next = clampTarget(value);
      // A draft begun on one thermostat is sent there before one for another starts.
      if (draftRef.current !== null && draftRef.current.thermostatId !== thermostatId) sendDraft();
      draftRef.current = { value: next, thermostatId: draftRef.current?.thermostatId ?? thermostatId, kind };
      setDraft({ value: next, held: settleMs === null });
      clearTimeout(timer.current);
      if (settleMs !== null) timer.current = setTimeout(flush, settleMs);
    },
    [flush, sendDraft, thermostatId, kind],
  );

  const step = useCallback(
    (direction: 1 | -1, by = TARGET_STEP, settleMs: number | null = SET_DEBOUNCE_MS) => {
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

  // A draft made for one kind of change would do something else under another (a boost started meanwhile): dropped.
  const draftKind = useRef(kind);
  useEffect(() => {
    if (draftKind.current !== kind && draftRef.current !== null && draftRef.current.kind !== kind) cancel();
    draftKind.current = kind;
  }, [kind, cancel]);

  // Another thermostat on screen: what was tapped on the last one goes to it now, before anything could drop it.
  useEffect(() => {
    if (draftRef.current !== null && draftRef.current.thermostatId !== thermostatId) flush();
  }, [thermostatId, flush]);

  // Leaving the screen sends what was tapped: "← All rooms" right after a tap must not lose it.
  const sendOnUnmount = useRef(sendDraft);
  useEffect(() => {
    sendOnUnmount.current = sendDraft;
  }, [sendDraft]);
  useEffect(() => () => void sendOnUnmount.current(), []);

  return {
    value: shown,
    pending: (draft !== null && !draft.held) || pendingValue !== undefined,
    held: draft?.held === true,
    kind,
    step,
    setTo,
    sendNow: flush,
    cancel,
  };
}
