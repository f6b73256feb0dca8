import { useId, useState, type FormEvent } from 'react';
import type { SetFields } from '@protocol';
import { Dialog } from '@/components/dialog';
import { BOOST_CHOICES, boostFields, defaultBoostSetpoint, minutesText } from './override-fields';

/** Starts a boost: a temperature for a while, then back to what was running (docs/protocol.md "Which set point holds"). */
export function BoostDialog({
  held,
  target,
  onStart,
  onClose,
}: {
  held: number | null;
  target: number;
  onStart: (fields: SetFields) => void;
  onClose: () => void;
}) {
  const [setpoint, setSetpoint] = useState(() => defaultBoostSetpoint(held, target).toFixed(1));
  const [minutes, setMinutes] = useState<number>(60);
  const [problem, setProblem] = useState<string | null>(null);
  const problemId = useId();

  const start = (event: FormEvent) => {
    event.preventDefault();
    const checked = boostFields(setpoint, minutes);
    if (!checked.ok) {
      setProblem(checked.problem);
      return;
    }
    onStart(checked.fields);
    onClose();
  };

  return (
    <Dialog title="Boost" onClose={onClose}>
      <form className="form" onSubmit={start} noValidate>
        <label className="field">
          <span>Boost temperature (°C)</span>
          <input
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={setpoint}
            onChange={(event) => {
              setSetpoint(event.target.value);
              // The alert was about the value before this change: Start finds it again if it is still wrong.
              setProblem(null);
            }}
            aria-invalid={problem !== null}
            aria-describedby={problem === null ? undefined : problemId}
          />
        </label>
        <fieldset className="fieldset">
          <legend>For how long</legend>
          <div className="segmented segmented-4">
            {BOOST_CHOICES.map((choice) => (
              <label key={choice} className="segment">
                <input type="radio" name="boost-minutes" value={choice} checked={minutes === choice} onChange={() => setMinutes(choice)} />
                <span className="segment-name">{minutesText(choice)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {problem === null ? null : (
          <p id={problemId} role="alert" className="location-problem">
            {problem}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button-primary">
            Start boost
          </button>
        </div>
      </form>
    </Dialog>
  );
}
