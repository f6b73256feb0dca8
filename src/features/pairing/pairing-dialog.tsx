import { useState, type FormEvent } from 'react';
import { MAX_NAME_LENGTH } from '@/lib/thermostats';
import { Dialog } from '@/components/dialog';
import { ALREADY_IN_APP, DEFAULT_THERMOSTAT_NAME, knownPairing, pairedThermostat, parsePairingLink } from '@/lib/pairing-link';
import { useAppStore } from '@/stores/app-store';

interface PairingDialogProps {
  /** What an opened `#pair=` link held; absent when the person opened the dialog. */
  fromLink?: string;
  onClose: () => void;
  /** Switches to "Set up a new thermostat", for one that has never been on the Wi-Fi. */
  onSetUp?: () => void;
}

export function PairingDialog({ fromLink, onClose, onSetUp }: PairingDialogProps) {
  const addThermostat = useAppStore((s) => s.addThermostat);
  const known = useAppStore((s) => s.thermostats);
  const [fromLinkResult] = useState(() => (fromLink === undefined ? null : parsePairingLink(fromLink)));
  const linked = fromLinkResult?.ok === true ? fromLinkResult.value : null;
  const [name, setName] = useState(DEFAULT_THERMOSTAT_NAME);
  // A bad link stays in the field, with the reason beside it, so the person can see and fix it.
  const [link, setLink] = useState(fromLinkResult?.ok === false ? (fromLink ?? '') : '');
  const [id, setId] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(fromLinkResult?.ok === false ? fromLinkResult.message : null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let code = linked;
    if (code === null) {
      const manual = id.trim() !== '' || key.trim() !== '';
      const parsed = parsePairingLink(link.trim() !== '' ? link : manual ? `${id.trim()}.${key.trim()}` : '');
      if (!parsed.ok) {
        setError(parsed.message);
        return;
      }
      code = parsed.value;
    }
    addThermostat(pairedThermostat(code, name));
    onClose();
  };

  const knownAs = linked === null ? null : knownPairing(known, linked);
  const already = knownAs !== null && knownAs.kind !== 'new';
  // An invitation opened on a phone that is a member already would be used up here, not by the person it was for.
  const memberAlready = knownAs?.kind === 'other-key' && knownAs.thermostat.joined;
  return (
    <Dialog title="Add thermostat" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {linked !== null ? (
          <>
            <p>
              {already ? ALREADY_IN_APP : 'Add this thermostat to the app?'}{' '}
              <span className="muted small">ID {linked.id}</span>
            </p>
            {memberAlready ? (
              <p role="note" className="banner banner-warn">
                This phone is a member of {knownAs.thermostat.name} already. An invitation works only once: if it was meant
                for someone else, cancel and pass the link on to them instead.
              </p>
            ) : null}
          </>
        ) : (
          <>
            <p className="muted small">
              Open the pairing link the thermostat shows, or the invitation someone in the household sends you, or paste it here.
            </p>
            {onSetUp === undefined ? null : (
              <p className="muted small">
                A new thermostat, never set up?{' '}
                <button type="button" className="link-button" onClick={onSetUp}>
                  Set up a new thermostat
                </button>
              </p>
            )}
            <label className="field">
              <span>Pairing link</span>
              <input
                type="text"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                value={link}
                placeholder="https://…#pair=…"
                onChange={(event) => setLink(event.target.value)}
              />
            </label>
            <fieldset className="fieldset">
              <legend>Or enter ID and key by hand</legend>
              <label className="field">
                <span>Thermostat ID</span>
                <input type="text" autoComplete="off" spellCheck={false} value={id} onChange={(event) => setId(event.target.value)} />
              </label>
              <label className="field">
                <span>Key</span>
                <input type="text" autoComplete="off" spellCheck={false} value={key} onChange={(event) => setKey(event.target.value)} />
              </label>
            </fieldset>
          </>
        )}
        <label className="field">
          <span>Thermostat name</span>
          <input type="text" maxLength={MAX_NAME_LENGTH} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        {error === null ? null : (
          <p role="alert" className="banner banner-danger">
            {error}
          </p>
        )}
        <p className="muted small">Adding it makes this phone a member of the household, with a key of its own. An invitation works only once.</p>
        <div className="actions">
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Add
          </button>
        </div>
      </form>
    </Dialog>
  );
}
