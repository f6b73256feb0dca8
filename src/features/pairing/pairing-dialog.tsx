import { useState, type FormEvent } from 'react';
import { MAX_NAME_LENGTH } from '@/lib/thermostats';
import { Dialog } from '@/components/dialog';
import { ALREADY_IN_APP, DEFAULT_THERMOSTAT_NAME, knownPairing, memberAlreadyWords, pairedThermostat, parsePairingLink } from '@/lib/pairing-link';
import type { PairedThermostat } from '@/lib/thermostats';
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
  const renameThermostat = useAppStore((s) => s.renameThermostat);
  const known = useAppStore((s) => s.thermostats);
  const membershipOf = useAppStore((s) => s.membershipOf);
  const [fromLinkResult] = useState(() => (fromLink === undefined ? null : parsePairingLink(fromLink)));
  const linked = fromLinkResult?.ok === true ? fromLinkResult.value : null;
  const knownAs = linked === null ? null : knownPairing(known, linked, membershipOf);
  // A thermostat the app holds keeps its name unless another is typed.
  const [name, setName] = useState(() => (knownAs === null || knownAs.kind === 'new' ? DEFAULT_THERMOSTAT_NAME : knownAs.thermostat.name));
  /** A code typed by hand turned out to be for a thermostat this phone is a member of: said, and not used. */
  const [typedForMember, setTypedForMember] = useState<PairedThermostat | null>(null);
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
    const pairing = knownPairing(known, code, membershipOf);
    if (pairing.kind === 'member') {
      // Its member key is kept: the invitation is not needed, and left good for the person it was meant for.
      if (linked === null) {
        setError(null);
        setTypedForMember(pairing.thermostat);
        return;
      }
      const { name: named } = pairedThermostat(code, name, pairing.thermostat);
      if (named !== pairing.thermostat.name) renameThermostat(pairing.thermostat.id, named);
      onClose();
      return;
    }
    addThermostat(pairedThermostat(code, name, pairing.kind === 'new' ? undefined : pairing.thermostat));
    onClose();
  };

  const already = knownAs?.kind === 'same-key' || knownAs?.kind === 'other-key';
  // A removed phone's record is 'other-key': the invitation is its way back, and nothing warns it off.
  const memberOf = knownAs?.kind === 'member' ? knownAs.thermostat : typedForMember;
  return (
    <Dialog title="Add thermostat" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {linked !== null ? (
          <>
            <p>
              {already ? ALREADY_IN_APP : knownAs?.kind === 'member' ? 'This thermostat is already in the app.' : 'Add this thermostat to the app?'}{' '}
              <span className="muted small">ID {linked.id}</span>
            </p>
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
        {memberOf === null ? null : (
          <p role="note" className="banner banner-warn">
            {memberAlreadyWords(memberOf.name)}
          </p>
        )}
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
