import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { fitThermostatName, isCleanName, MAX_NAME_LENGTH, nameTakenWords, thermostatNamed, type PairedThermostat } from '@/lib/thermostats';
import { useAppStore } from '@/stores/app-store';

/** The thermostat title's rename form (Enter keeps, Escape leaves it): its own chunk, loaded when first asked for. */
export function RenameForm({ thermostat, onClose }: { thermostat: PairedThermostat; onClose: () => void }) {
  const renameThermostat = useAppStore((s) => s.renameThermostat);
  const thermostats = useAppStore((s) => s.thermostats);
  const [draft, setDraft] = useState(thermostat.name);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const ids = useId();

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const namesake = thermostatNamed(thermostats, draft, thermostat.id);
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (fitThermostatName(draft) === '') {
      setProblem('A thermostat needs a name.');
      input.current?.focus();
      return;
    }
    if (!isCleanName(draft)) {
      setProblem('A name cannot hold invisible or control characters: type it again.');
      input.current?.focus();
      return;
    }
    renameThermostat(thermostat.id, draft);
    onClose();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    onClose();
  };

  return (
    <form className="thermostat-title rename-form" onSubmit={save} onKeyDown={onKeyDown} noValidate>
      <h1 className="visually-hidden">{thermostat.name}</h1>
      <label className="visually-hidden" htmlFor={`${ids}-name`}>
        Thermostat name
      </label>
      <input
        ref={input}
        id={`${ids}-name`}
        type="text"
        className="rename-input"
        maxLength={MAX_NAME_LENGTH}
        autoComplete="off"
        value={draft}
        aria-invalid={problem === null ? undefined : true}
        aria-describedby={[problem === null ? `${ids}-hint` : `${ids}-problem`, namesake === null ? null : `${ids}-namesake`].filter((id) => id !== null).join(' ')}
        onChange={(event) => {
          setDraft(event.target.value);
          setProblem(null);
        }}
      />
      <span id={`${ids}-hint`} className="visually-hidden">
        Enter to keep, Escape to leave it as it was.
      </span>
      <button type="submit" className="button button-primary">
        Save name
      </button>
      <button type="button" className="button button-quiet" onClick={onClose}>
        Cancel
      </button>
      {namesake === null ? null : (
        <p id={`${ids}-namesake`} className="muted small">
          {nameTakenWords(namesake.name)}
        </p>
      )}
      {problem === null ? null : (
        <p id={`${ids}-problem`} className="field-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
