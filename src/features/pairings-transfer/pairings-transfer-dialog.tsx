import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { ClientId } from '@protocol';
import { Dialog } from '@/components/dialog';
import { StatusAndAlert } from '@/components/status-and-alert';
import { parsePairingLink } from '@/lib/pairing-link';
import { askToPersistStorage } from '@/lib/persistent-storage';
import { useAppStore } from '@/stores/app-store';
import {
  importPlan,
  MAX_PAIRINGS_FILE_BYTES,
  MIN_PASSPHRASE_LENGTH,
  openPairings,
  PairingsFileProblem,
  sealPairings,
  transferOf,
  type ImportPlan,
  type OpenInvitations,
  type ScryptParams,
} from './pairings-file';

export const PAIRINGS_FILE_NAME = 'hearth-pairings.json';

const untilWords = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** The invitations this phone asked for and still shows, by thermostat, as keys (from their pairing links). */
function useOpenInvitations(): OpenInvitations {
  const membersOf = useAppStore((s) => s.membersOf);
  return useMemo(() => {
    const open: Record<ClientId, { key: string; expiresAt: number }> = {};
    for (const [id, view] of Object.entries(membersOf)) {
      const parsed = view.invitation === null ? null : parsePairingLink(view.invitation.link);
      if (parsed?.ok === true && parsed.value.id === id && view.invitation !== null) open[id] = { key: parsed.value.key, expiresAt: view.invitation.expiresAt };
    }
    return open;
  }, [membersOf]);
}

/** scrypt reports progress thousands of times: one state update per whole percent. */
function percentReporter(what: string, setProgress: (progress: Progress) => void): (fraction: number) => void {
  let shown = -1;
  return (fraction) => {
    const percent = Math.floor(fraction * 100);
    if (percent === shown) return;
    shown = percent;
    setProgress({ kind: 'working', what: `${what} ${percent}%` });
  };
}

/** A chosen file's text; FileReader, which every engine (and jsdom) has, where Blob.text() is newer. */
export function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => (typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('not text')));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(file);
  });
}

type Progress = { kind: 'idle' } | { kind: 'working'; what: string } | { kind: 'done'; what: string } | { kind: 'failed'; message: string };

function ProgressLine({ progress }: { progress: Progress }) {
  return (
    <StatusAndAlert
      status={progress.kind === 'working' || progress.kind === 'done' ? progress.what : ''}
      alert={progress.kind === 'failed' ? progress.message : null}
    />
  );
}

function ExportSection({ params, now }: { params?: ScryptParams; now: () => number }) {
  const headingId = useId();
  const thermostats = useAppStore((s) => s.thermostats);
  const invitations = useOpenInvitations();
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [progress, setProgress] = useState<Progress>({ kind: 'idle' });
  const [file, setFile] = useState<string | null>(null);
  const transfer = transferOf(thermostats, invitations, now());
  const carried = new Set(transfer.thermostats.map((t) => t.id));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      setProgress({ kind: 'failed', message: `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.` });
      return;
    }
    if (passphrase !== again) {
      setProgress({ kind: 'failed', message: 'The two passphrases differ: type the same one twice.' });
      return;
    }
    setProgress({ kind: 'working', what: 'Protecting the file with your passphrase…' });
    try {
      const text = await sealPairings(transfer, passphrase, {
        ...(params === undefined ? {} : { params }),
        onProgress: percentReporter('Protecting the file with your passphrase…', setProgress),
      });
      setFile(URL.createObjectURL(new Blob([text], { type: 'application/json' })));
      setPassphrase('');
      setAgain('');
      setProgress({ kind: 'done', what: 'The file is ready.' });
    } catch {
      setProgress({ kind: 'failed', message: 'The file could not be made on this phone. Nothing was saved; try again.' });
    }
  };

  // One blob URL at a time, let go when a newer file replaces it or the dialog closes.
  useEffect(() => (file === null ? undefined : () => URL.revokeObjectURL(file)), [file]);

  return (
    <section className="fieldset settings-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Take them to a new phone</h3>
      <p className="small">
        Keys of this phone work only on this phone: each is bound to its identity, which never leaves it. So the file does
        not copy this phone. It carries, for each thermostat, only an open invitation this phone made, and the new phone
        joins with it as a member of its own. For a thermostat without one, use Invite someone in its Household card first
        (and pass that invitation to no one else), or ask someone in the household for one later.
      </p>
      <ul className="transfer-list" aria-label="In the file">
        {thermostats.map((t) => {
          const invitation = invitations[t.id];
          return (
            <li key={t.id}>
              <strong>{t.name}</strong>:{' '}
              {carried.has(t.id) && invitation !== undefined
                ? `the invitation this phone made: the new phone can join it once, until ${untilWords.format(new Date(invitation.expiresAt))}`
                : 'needs an invitation: the file carries only its name'}
            </li>
          );
        })}
      </ul>
      <form className="form" onSubmit={(event) => void save(event)} noValidate>
        <label className="field">
          <span>Passphrase for the file</span>
          <input type="password" autoComplete="new-password" maxLength={256} value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        </label>
        <label className="field">
          <span>Passphrase again</span>
          <input type="password" autoComplete="new-password" maxLength={256} value={again} onChange={(e) => setAgain(e.target.value)} />
        </label>
        <p className="muted small">
          Whoever has the file and the passphrase can join the thermostats carrying an invitation, once each and until the time
          shown. Tell the passphrase only to yourself.
        </p>
        <div className="actions">
          <button type="submit" className="button" disabled={progress.kind === 'working'}>
            Make the file
          </button>
          {file === null ? null : (
            <a className="button button-primary" href={file} download={PAIRINGS_FILE_NAME}>
              Save {PAIRINGS_FILE_NAME}
            </a>
          )}
        </div>
        <ProgressLine progress={progress} />
        {file === null ? null : (
          <p className="muted small">
            On the new phone: Settings, Move to a new phone, Open a pairings file. Once it works there, remove this phone in
            each Household card if you are giving it up.
          </p>
        )}
      </form>
    </section>
  );
}

function ImportSection({ params, now }: { params?: ScryptParams; now: () => number }) {
  const headingId = useId();
  const held = useAppStore((s) => s.thermostats);
  const membershipOf = useAppStore((s) => s.membershipOf);
  const addThermostat = useAppStore((s) => s.addThermostat);
  const [chosen, setChosen] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [progress, setProgress] = useState<Progress>({ kind: 'idle' });
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [replace, setReplace] = useState<ReadonlySet<ClientId>>(new Set());

  const open = async (event: FormEvent) => {
    event.preventDefault();
    setPlan(null);
    if (chosen === null) {
      setProgress({ kind: 'failed', message: 'Choose the pairings file first.' });
      return;
    }
    if (chosen.size > MAX_PAIRINGS_FILE_BYTES) {
      setProgress({ kind: 'failed', message: 'This file is far too big to be a Hearth pairings file.' });
      return;
    }
    setProgress({ kind: 'working', what: 'Opening the file…' });
    try {
      const transfer = await openPairings(await readText(chosen), passphrase, {
        ...(params === undefined ? {} : { params }),
        now: now(),
        onProgress: percentReporter('Opening the file…', setProgress),
      });
      setPlan(importPlan(transfer, held, membershipOf));
      setReplace(new Set());
      setProgress({ kind: 'idle' });
    } catch (error) {
      setProgress({ kind: 'failed', message: error instanceof PairingsFileProblem ? error.message : 'This file could not be read.' });
    }
  };

  const apply = () => {
    if (plan === null) return;
    const taken = [...plan.added, ...plan.alreadyHere.filter(({ fromFile }) => replace.has(fromFile.id)).map(({ fromFile }) => fromFile)];
    for (const { id, key, name } of taken) addThermostat({ id, key, name, joined: false });
    if (taken.length > 0) void askToPersistStorage();
    setPlan(null);
    setPassphrase('');
    setProgress({
      kind: 'done',
      what:
        taken.length === 0
          ? 'Nothing was added: this app keeps what it had.'
          : `Added ${taken.map((t) => t.name).join(', ')}. This phone joins each as a member of its own when it next reaches it.`,
    });
  };

  return (
    <section className="fieldset settings-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Open a pairings file</h3>
      <form className="form" onSubmit={(event) => void open(event)} noValidate>
        <label className="field">
          <span>Pairings file</span>
          <input type="file" accept=".json,application/json" onChange={(e) => setChosen(e.target.files?.[0] ?? null)} />
        </label>
        <label className="field">
          <span>Passphrase of the file</span>
          <input type="password" autoComplete="off" maxLength={256} value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" className="button" disabled={progress.kind === 'working'}>
            Open file
          </button>
        </div>
        <ProgressLine progress={progress} />
      </form>
      {plan === null ? null : (
        <div className="transfer-plan">
          {plan.added.length === 0 && plan.alreadyHere.length === 0 ? (
            <p>Nothing new in this file: this app holds all of it already.</p>
          ) : (
            <>
              {plan.added.length === 0 ? null : <p>To add: {plan.added.map((t) => t.name).join(', ')}.</p>}
              {plan.alreadyHere.map(({ fromFile, held: mine }) => (
                <label key={fromFile.id} className="check">
                  <input
                    type="checkbox"
                    checked={replace.has(fromFile.id)}
                    onChange={(e) =>
                      setReplace((current) => {
                        const next = new Set(current);
                        if (e.target.checked) next.add(fromFile.id);
                        else next.delete(fromFile.id);
                        return next;
                      })
                    }
                  />{' '}
                  {mine.name} is in this app already: use the file’s invitation instead of what this app holds
                </label>
              ))}
              <button type="button" className="button button-primary" onClick={apply}>
                Add to this app
              </button>
            </>
          )}
          {plan.alreadyMember.length === 0 ? null : (
            <p className="small">
              This phone is a member of {plan.alreadyMember.map((t) => t.name).join(', ')} already, with a key of its own: nothing
              to do, and this app keeps its key.
            </p>
          )}
          {plan.needInvitation.length === 0 ? null : (
            <p className="muted small">
              The file carries no invitation that still works for {plan.needInvitation.map((t) => t.name).join(', ')}: ask someone
              in the household for one.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** Settings' "Move to a new phone": a passphrase-protected file of the thermostats, and opening one. */
export function PairingsTransferDialog({ onClose, params, now = Date.now }: { onClose: () => void; params?: ScryptParams; now?: () => number }) {
  const hasThermostats = useAppStore((s) => s.thermostats.length > 0);
  return (
    <Dialog title="Move to a new phone" onClose={onClose}>
      {hasThermostats ? <ExportSection now={now} {...(params === undefined ? {} : { params })} /> : null}
      <ImportSection now={now} {...(params === undefined ? {} : { params })} />
    </Dialog>
  );
}
