import { useId, useState, type FormEvent } from 'react';
import { MAX_NAME_LENGTH, nameTakenWords, thermostatNamed } from '@/lib/thermostats';
import { Dialog } from '@/components/dialog';
import {
  ALREADY_IN_APP,
  DEFAULT_THERMOSTAT_NAME,
  knownPairing,
  MAX_DEVICE_LINK_LENGTH,
  MAX_PAIRING_LINK_LENGTH,
  memberAlreadyWords,
  pairedThermostat,
  parsePairingLink,
} from '@/lib/pairing-link';
import type { PairedThermostat } from '@/lib/thermostats';
import { useAppStore } from '@/stores/app-store';
import { isIosBrowserTab } from '@/lib/pairing-link-browser';
import { askToPersistStorage } from '@/lib/persistent-storage';
import { QrScanSection } from './pairing-dialog-scanner';

interface PairingDialogProps {
  /** What an opened `#pair=` link held; absent when the person opened the dialog. */
  fromLink?: string;
  onClose: () => void;
  /** Switches to "Set up a new thermostat", for one that has never been on the Wi-Fi. */
  onSetUp?: () => void;
  /** A browser tab on an iPhone or iPad, not the app on the Home Screen (lib/pairing-link-browser). */
  iosTab?: boolean;
}

/** Opened from a link: what the browser may have kept of it, and on iOS, which app it pairs. */
function OpenedLinkNotes({ iosTab }: { iosTab: boolean }) {
  return (
    <>
      {iosTab ? (
        <p role="note" className="banner banner-warn">
          On iPhone and iPad a link opens in Safari, and the Hearth app on your Home Screen keeps its own storage: adding the
          thermostat here adds it to Safari only. If you use the Hearth app, open it, choose Add thermostat, and paste or scan
          the link there.
        </p>
      ) : null}
      <p className="muted small">
        The key was taken out of the address bar, but your browser’s history may have kept the link. Once this phone has
        joined, the invitation in it is used up and lets no one else in. Scanning or pasting a link inside the app keeps it
        out of the history altogether.
      </p>
    </>
  );
}

export function PairingDialog({ fromLink, onClose, onSetUp, iosTab = isIosBrowserTab() }: PairingDialogProps) {
  const addThermostat = useAppStore((s) => s.addThermostat);
  const renameThermostat = useAppStore((s) => s.renameThermostat);
  const known = useAppStore((s) => s.thermostats);
  const membershipOf = useAppStore((s) => s.membershipOf);
  const [fromLinkResult] = useState(() => (fromLink === undefined ? null : parsePairingLink(fromLink)));
  const linked = fromLinkResult?.ok === true ? fromLinkResult.value : null;
  const knownAs = linked === null ? null : knownPairing(known, linked, membershipOf);
  // A thermostat the app holds keeps its name unless another is typed; a new one is offered the name its link carries.
  const [name, setName] = useState(() =>
    knownAs === null || knownAs.kind === 'new' ? (linked?.name ?? DEFAULT_THERMOSTAT_NAME) : knownAs.thermostat.name,
  );
  /** The person typed a name: a link pasted or scanned later does not overwrite it. */
  const [nameTyped, setNameTyped] = useState(false);
  /** A code typed by hand turned out to be for a thermostat this phone is a member of: said, and not used. */
  const [typedForMember, setTypedForMember] = useState<PairedThermostat | null>(null);
  // A bad link stays in the field, with the reason beside it, so the person can see and fix it.
  const [link, setLink] = useState(fromLinkResult?.ok === false ? (fromLink ?? '') : '');
  const [id, setId] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(fromLinkResult?.ok === false ? fromLinkResult.message : null);
  const canPaste = typeof navigator.clipboard?.readText === 'function';
  const namesakeId = useId();
  const typedCode = parsePairingLink(link.trim() !== '' ? link : `${id.trim()}.${key.trim()}`);
  // The thermostat being added may hold this name itself (pairing again): only another one's counts.
  const namesake = thermostatNamed(known, name, linked?.id ?? (typedCode.ok ? typedCode.value.id : id.trim()));

  /** A link pasted, typed or scanned: the name it carries is offered for a thermostat the app does not hold yet. */
  const takeLink = (text: string) => {
    setLink(text);
    const parsed = parsePairingLink(text);
    if (!parsed.ok || parsed.value.name === undefined || nameTyped) return;
    if (knownPairing(known, parsed.value, membershipOf).kind === 'new') setName(parsed.value.name);
  };

  /** A scanned or pasted link is checked at once, so a wrong code is said where it was chosen. */
  const takeWholeLink = (text: string) => {
    takeLink(text);
    const parsed = parsePairingLink(text);
    setError(parsed.ok ? null : parsed.message);
  };

  const paste = async () => {
    try {
      takeWholeLink((await navigator.clipboard.readText()).slice(0, MAX_DEVICE_LINK_LENGTH));
    } catch {
      setError('The clipboard could not be read: paste the link into the field instead.');
    }
  };

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
    // Once paired, the app holds keys the browser must not evict; asked once, never waited for.
    void askToPersistStorage();
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
            <OpenedLinkNotes iosTab={iosTab} />
          </>
        ) : (
          <>
            <p className="muted small">
              Scan the QR code of an invitation from someone in the household, or of the link the thermostat shows, or paste the
              link here. A link scanned or pasted here never enters the browser’s history.
            </p>
            {onSetUp === undefined ? null : (
              <p className="muted small">
                A new thermostat, never set up?{' '}
                <button type="button" className="link-button" onClick={onSetUp}>
                  Set up a new thermostat
                </button>
              </p>
            )}
            <QrScanSection onText={takeWholeLink} />
            <label className="field">
              <span>Pairing link</span>
              <input
                type="text"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                maxLength={MAX_PAIRING_LINK_LENGTH}
                value={link}
                placeholder="https://…#pair=…"
                onChange={(event) => takeLink(event.target.value)}
              />
            </label>
            {canPaste ? (
              <button type="button" className="button" onClick={() => void paste()}>
                Paste a link
              </button>
            ) : null}
            <fieldset className="fieldset">
              <legend>Or enter ID and key by hand</legend>
              <label className="field">
                <span>Thermostat ID</span>
                <input type="text" autoComplete="off" spellCheck={false} maxLength={64} value={id} onChange={(event) => setId(event.target.value)} />
              </label>
              <label className="field">
                <span>Key</span>
                <input type="text" autoComplete="off" spellCheck={false} maxLength={128} value={key} onChange={(event) => setKey(event.target.value)} />
              </label>
            </fieldset>
          </>
        )}
        <label className="field">
          <span>Thermostat name</span>
          <input
            type="text"
            maxLength={MAX_NAME_LENGTH}
            value={name}
            aria-describedby={namesake === null ? undefined : namesakeId}
            onChange={(event) => {
              setNameTyped(true);
              setName(event.target.value);
            }}
          />
        </label>
        {namesake === null ? null : (
          <p id={namesakeId} className="muted small">
            {nameTakenWords(namesake.name)}
          </p>
        )}
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
