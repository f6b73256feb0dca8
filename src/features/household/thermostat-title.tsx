import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { fitThermostatName, isCleanName, MAX_NAME_LENGTH, nameTakenWords, thermostatNamed } from '@/lib/thermostats';
import { useAppStore } from '@/stores/app-store';
import { selectSelectedThermostat } from '@/stores/selectors';

/** The thermostat on screen's name as the page's heading, and a way to rename it (Enter keeps, Escape leaves it). */
export function ThermostatTitle() {
  const thermostat = useAppStore(selectSelectedThermostat);
  const renameThermostat = useAppStore((s) => s.renameThermostat);
  const thermostats = useAppStore((s) => s.thermostats);
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const returnFocus = useRef(false);
  const ids = useId();
  const editing = draft !== null;

  useEffect(() => {
    if (editing) {
      input.current?.focus();
      input.current?.select();
    } else if (returnFocus.current) {
      returnFocus.current = false;
      renameButton.current?.focus();
    }
  }, [editing]);

  if (thermostat === null) return null;
  const namesake = draft === null ? null : thermostatNamed(thermostats, draft, thermostat.id);

  const close = () => {
    returnFocus.current = true;
    setProblem(null);
    setDraft(null);
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (fitThermostatName(draft ?? '') === '') {
      setProblem('A thermostat needs a name.');
      input.current?.focus();
      return;
    }
    if (!isCleanName(draft ?? '')) {
      setProblem('A name cannot hold invisible or control characters: type it again.');
      input.current?.focus();
      return;
    }
    renameThermostat(thermostat.id, draft ?? '');
    close();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    close();
  };

  if (!editing) {
    return (
      <div className="thermostat-title">
        <h1 className="thermostat-name" tabIndex={-1}>
          {thermostat.name}
        </h1>
        <button ref={renameButton} type="button" className="button button-quiet rename-button" onClick={() => setDraft(thermostat.name)}>
          <span aria-hidden="true">✎</span>
          <span className="visually-hidden">Rename {thermostat.name}</span>
        </button>
      </div>
    );
  }
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
      <button type="button" className="button button-quiet" onClick={close}>
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
