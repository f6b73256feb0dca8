import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useAppStore } from '@/stores/app-store';
import { selectSelectedThermostat } from '@/stores/selectors';

const loadRenameForm = () => import('./rename-form');
const RenameForm = lazy(() => loadRenameForm().then((m) => ({ default: m.RenameForm })));

/** The thermostat on screen's name as the page's heading, and a way to rename it. */
export function ThermostatTitle() {
  const thermostat = useAppStore(selectSelectedThermostat);
  const [editing, setEditing] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    renameButton.current?.focus();
  }, [editing]);

  if (thermostat === null) return null;
  const heading = (
    <div className="thermostat-title">
      <h1 className="thermostat-name" tabIndex={-1}>
        {thermostat.name}
      </h1>
      <button
        ref={renameButton}
        type="button"
        className="button button-quiet rename-button"
        // The form's chunk is fetched as the person heads for the button, so it is there by the click.
        onPointerEnter={() => void loadRenameForm()}
        onFocus={() => void loadRenameForm()}
        onClick={() => setEditing(true)}
      >
        <span aria-hidden="true">✎</span>
        <span className="visually-hidden">Rename {thermostat.name}</span>
      </button>
    </div>
  );
  if (!editing) return heading;
  const close = () => {
    returnFocus.current = true;
    setEditing(false);
  };
  return (
    <Suspense fallback={heading}>
      <RenameForm thermostat={thermostat} onClose={close} />
    </Suspense>
  );
}
