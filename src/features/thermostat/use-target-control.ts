import { useCallback, useEffect, useRef, useState } from 'react';
import { useCommands } from '@/lib/connection/commands-context';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState } from '@/stores/selectors';
import { clampTarget, SET_DEBOUNCE_MS, stepTarget } from './target-step';

export interface TargetControl {
  /** What to show: the person's choice while unconfirmed, otherwise the thermostat's. */
  value: number | null;
  /** True from the first tap until a STATE confirms (or the command fails). */
  pending: boolean;
  step: (direction: 1 | -1) => void;
  setTo: (value: number) => void;
  sendNow: () => void;
}

export function useTargetControl(): TargetControl {
  const confirmed = useAppStore((s) => selectCurrentState(s)?.state.target ?? null);
  const pendingTarget = useAppStore((s) => s.pendingSettings?.target);
  const { sendSettings } = useCommands();
  const [draft, setDraft] = useState<number | null>(null);
  const draftRef = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const shown = draft ?? pendingTarget ?? confirmed;

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    const value = draftRef.current;
    draftRef.current = null;
    setDraft(null);
    if (value !== null) sendSettings({ target: value });
  }, [sendSettings]);

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

  return { value: shown, pending: draft !== null || pendingTarget !== undefined, step, setTo, sendNow: flush };
}
