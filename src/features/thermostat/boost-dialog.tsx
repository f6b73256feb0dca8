import { useId, useState, type FormEvent } from 'react';
import type { SetFields } from '@protocol';
import { BOOST_CHOICES, boostFields, defaultBoostSetpoint } from './override-fields';
import { MinutesChoice, OverrideDialog } from './override-dialog';

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
    <OverrideDialog title="Boost" submitText="Start boost" problem={problem} problemId={problemId} onSubmit={start} onClose={onClose}>
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
      <MinutesChoice legend="For how long" name="boost-minutes" choices={BOOST_CHOICES} value={minutes} onChange={setMinutes} />
    </OverrideDialog>
  );
}
