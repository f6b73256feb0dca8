import { useId, useState, type FormEvent } from 'react';
import { localParts, type AwayUntil, type SetFields } from '@protocol';
import { awayUntilFields, PREHEAT_CHOICES } from './override-fields';
import { MinutesChoice, OverrideDialog } from './override-dialog';
import type { ThermostatZone } from './thermostat-time';
import { inputValueOf } from './typed-time';

const DAY_S = 86_400;

/** What the form offers first: the away-until already set, else tomorrow at 18:00 on the thermostat's wall. */
function firstChoice(zone: ThermostatZone, current: AwayUntil | null, nowUtc: number): { text: string; preheat: number } {
  if (current !== null) return { text: inputValueOf(localParts(zone.rules, current.until)), preheat: current.preheat_minutes };
  const tomorrow = localParts(zone.rules, nowUtc + DAY_S);
  return { text: inputValueOf({ ...tomorrow, hour: 18, minute: 0 }), preheat: 60 };
}

/**
 * Away until a date and time in the thermostat's local time, with a warm-up before it (docs/protocol.md "Which set
 * point holds", row 3). The time is read on the thermostat's wall, not this device's: that is where people come home.
 */
export function AwayUntilDialog({
  zone,
  current,
  onSet,
  onClose,
}: {
  zone: ThermostatZone;
  current: AwayUntil | null;
  onSet: (fields: SetFields) => void;
  onClose: () => void;
}) {
  const [first] = useState(() => firstChoice(zone, current, Math.floor(Date.now() / 1000)));
  const [text, setText] = useState(first.text);
  const [preheat, setPreheat] = useState(first.preheat);
  const [problem, setProblem] = useState<string | null>(null);
  const problemId = useId();
  const hintId = useId();

  const set = (event: FormEvent) => {
    event.preventDefault();
    const nowUtc = Math.floor(Date.now() / 1000);
    // The date-time field shows minutes on the thermostat's wall: read back, an until set elsewhere to the second, or
    // in a repeated hour, would move. Untouched, the until stays exactly as the thermostat has it.
    const keep = current !== null && text === first.text && current.until > nowUtc;
    const checked = keep ? awayUntilFields(zone, text, preheat, nowUtc, current.until) : awayUntilFields(zone, text, preheat, nowUtc);
    if (!checked.ok) {
      setProblem(checked.problem);
      return;
    }
    onSet(checked.fields);
    onClose();
  };

  return (
    <OverrideDialog title="Away until" submitText="Set away-until" problem={problem} problemId={problemId} onSubmit={set} onClose={onClose}>
      <p id={hintId} className="muted small">
        {zone.known
          ? 'The thermostat keeps the away temperature until then, in its own local time.'
          : 'The thermostat has no time zone yet, so this time is in UTC.'}
      </p>
      <label className="field">
        <span>Back on</span>
        <input
          type="datetime-local"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            // The alert was about the value before this change: Set finds it again if it is still wrong.
            setProblem(null);
          }}
          aria-invalid={problem !== null}
          aria-describedby={problem === null ? hintId : `${hintId} ${problemId}`}
        />
      </label>
      <MinutesChoice legend="Warm up before" name="preheat-minutes" choices={PREHEAT_CHOICES} value={preheat} onChange={setPreheat} />
    </OverrideDialog>
  );
}
