import type { FormEvent, ReactNode } from 'react';
import { Dialog } from '@/components/dialog';
import { minutesText } from './override-fields';

/**
 * The frame of an override's dialog (boost, away-until): a form whose problem, when its submit finds one, is an alert
 * the field it concerns points at with `problemId`.
 */
export function OverrideDialog({
  title,
  submitText,
  problem,
  problemId,
  onSubmit,
  onClose,
  children,
}: {
  title: string;
  submitText: string;
  problem: string | null;
  problemId: string;
  onSubmit: (event: FormEvent) => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        {children}
        {problem === null ? null : (
          <p id={problemId} role="alert" className="location-problem">
            {problem}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button-primary">
            {submitText}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A row of radio buttons for a number of minutes (how long a boost lasts, how early to warm up). */
export function MinutesChoice({
  legend,
  name,
  choices,
  value,
  onChange,
}: {
  legend: string;
  name: string;
  choices: readonly number[];
  value: number;
  onChange: (minutes: number) => void;
}) {
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      <div className="segmented segmented-4">
        {choices.map((choice) => (
          <label key={choice} className="segment">
            <input type="radio" name={name} value={choice} checked={value === choice} onChange={() => onChange(choice)} />
            <span className="segment-name">{minutesText(choice)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
