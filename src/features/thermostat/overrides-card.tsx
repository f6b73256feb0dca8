import { lazy, Suspense, useEffect, useLayoutEffect, useRef, useState, type FocusEvent } from 'react';
import type { SetFields } from '@protocol';
import { useNow } from '@/hooks/use-now';
import { useCommands } from '@/lib/link/commands-context';
import { useAppStore } from '@/stores/app-store';
import { selectCurrentState, selectPendingSettings } from '@/stores/selectors';
import { awayUntilPhrase, boostPhrase, manualPhrase } from './override-words';
import { thermostatZone } from './thermostat-time';
import type { Reach } from '@/stores/reach';
import { pendingWords, type ControlReach } from './use-reach';

// Opened by a press, never part of the first paint: their own chunk, to keep the first load within budget.
const BoostDialog = lazy(() => import('./boost-dialog').then((m) => ({ default: m.BoostDialog })));
const AwayUntilDialog = lazy(() => import('./away-until-dialog').then((m) => ({ default: m.AwayUntilDialog })));

type Opened = 'boost' | 'away-until' | null;

/**
 * Where focus goes when the focused button goes with the STATE that confirms it: to the button that does the
 * opposite, once it is there (Boost and Cancel boost swap places), else to the card's heading.
 */
const COUNTERPART: Record<string, string> = {
  boost: 'cancel-boost',
  'cancel-boost': 'boost',
  'cancel-away-until': 'away-until',
};

/**
 * The overrides (docs/protocol.md "Which set point holds"): a boost, a manual hold and an away-until, each with its
 * end and a way to end it, and the buttons that start a boost or an away-until.
 */
export function OverridesCard({ control, reach }: { control: ControlReach; reach: Reach }) {
  const state = useAppStore((s) => selectCurrentState(s)?.state ?? null);
  // A hold the +/− sends says "Sending…" beside the +/−; what this card sends says it here.
  const sending = useAppStore((s) => {
    const pending = selectPendingSettings(s);
    return pending !== null && (pending.boost !== undefined || pending.away_until !== undefined || pending.manual === null);
  });
  // A boost or an away-until runs from the moment the thermostat takes it: none is queued for a thermostat out of reach.
  const disabled = control !== 'send';
  const { sendSettings } = useCommands();
  const now = useNow();
  const [opened, setOpened] = useState<Opened>(null);
  const boostButton = useRef<HTMLButtonElement>(null);
  const awayButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const card = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const focused = useRef<HTMLElement | null>(null);

  const noteFocus = (event: FocusEvent<HTMLElement>) => {
    // Focus inside the dialogs (portals, whose events reach the card through React) is theirs to look after.
    if (event.target instanceof HTMLElement && card.current?.contains(event.target) === true) focused.current = event.target;
  };

  // Before paint, after each render: a focused button the STATE took away leaves focus nowhere, so it moves on.
  useLayoutEffect(() => {
    const gone = focused.current;
    if (gone === null || gone.isConnected) return;
    focused.current = null;
    if (document.activeElement !== null && document.activeElement !== document.body) return;
    const counterpart = COUNTERPART[gone.dataset.action ?? ''];
    const next = counterpart === undefined ? null : card.current?.querySelector<HTMLElement>(`[data-action="${counterpart}"]`);
    (next ?? heading.current)?.focus();
  });

  // Runs after the dialog's own clean-up has made the app usable again: focus goes back where the person was.
  useEffect(() => {
    if (opened !== null || returnFocus.current === null) return;
    if (returnFocus.current.isConnected) returnFocus.current.focus();
    returnFocus.current = null;
  }, [opened]);

  const open = (which: Exclude<Opened, null>) => {
    returnFocus.current = which === 'boost' ? boostButton.current : awayButton.current;
    setOpened(which);
  };
  const close = () => setOpened(null);
  const send = (fields: SetFields) => sendSettings(fields);

  if (state === null) return null;
  const zone = thermostatZone(state.time_zone);
  const nowUtc = Math.floor(now / 1000);

  return (
    <section ref={card} className="card" aria-labelledby="overrides-heading" onFocus={noteFocus}>
      <h2 id="overrides-heading" ref={heading} tabIndex={-1} className="card-title">
        Boost and away
      </h2>
      {state.manual === null && state.boost === null && state.away_until === null ? null : (
        <ul className="overrides" aria-label="Running overrides">
          {state.boost === null ? null : (
            <li className="row-between">
              <span>{boostPhrase(state.boost, zone, nowUtc)}</span>
              <button type="button" className="button" data-action="cancel-boost" disabled={disabled} onClick={() => send({ boost: null })}>
                Cancel boost
              </button>
            </li>
          )}
          {state.manual === null ? null : (
            <li className="row-between">
              <span>{manualPhrase(state.manual, zone, nowUtc)}</span>
              <button type="button" className="button" data-action="end-hold" disabled={disabled} onClick={() => send({ manual: null })}>
                {state.manual.until === null ? 'End hold' : 'Resume schedule'}
              </button>
            </li>
          )}
          {state.away_until === null ? null : (
            <li className="row-between">
              <span>{awayUntilPhrase(state.away_until, zone, nowUtc)}</span>
              <button type="button" className="button" data-action="cancel-away-until" disabled={disabled} onClick={() => send({ away_until: null })}>
                Cancel away-until
              </button>
            </li>
          )}
        </ul>
      )}
      {state.time === null && (state.manual !== null || state.boost !== null || state.away_until !== null) ? (
        <p className="muted small">These start once the thermostat knows the time.</p>
      ) : null}
      <div className="actions overrides-actions">
        {state.boost === null ? (
          <button ref={boostButton} type="button" className="button" data-action="boost" disabled={disabled} onClick={() => open('boost')}>
            Boost
          </button>
        ) : null}
        <button ref={awayButton} type="button" className="button" data-action="away-until" disabled={disabled} onClick={() => open('away-until')}>
          Away until…
        </button>
      </div>
      <p className="target-note" aria-live="polite">
        {sending ? pendingWords(reach) : disabled && control === 'queue' ? 'Boost and away-until can be started once the thermostat is back.' : ''}
      </p>
      <Suspense fallback={null}>
        {opened === 'boost' ? <BoostDialog held={state.setpoint} target={state.target} onStart={send} onClose={close} /> : null}
        {opened === 'away-until' ? <AwayUntilDialog zone={zone} current={state.away_until} onSet={send} onClose={close} /> : null}
      </Suspense>
    </section>
  );
}
