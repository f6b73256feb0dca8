import { useEffect, useId, useRef, useState } from 'react';
import type { StateMessage } from '@protocol';
import { agoPhrase, formatTemperature, NO_VALUE } from '@/lib/format';
import { useNow } from '@/hooks/use-now';
import type { Reach } from '@/stores/reach';
import { REACH_WORDS } from '@/stores/reach-words';
import { announcementOf, type Announced } from './announcement';
import { heatingPhrase, heldPhrase, nextPhrase, setpointReasonPhrase } from './heat-words';
import { thermostatZone } from './thermostat-time';

/** "Updated just now" while live; otherwise how old it is and why: "Last heard 3 min ago — thermostat offline". */
export function freshnessPhrase(reach: Reach, age: number | null): string {
  if (reach === 'live') return age === null ? 'No reading yet' : `Updated ${agoPhrase(age)}`;
  const heard = age === null ? 'No reading yet' : `Last heard ${agoPhrase(age)}`;
  return `${heard} — ${REACH_WORDS[reach].why}`;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** What the heater did when the thermostat was last heard from: no present tense for what may have changed since. */
function lastHeardHeating(heater: boolean, age: number | null): string {
  const when = age === null ? 'when last heard' : `when last heard ${agoPhrase(age)}`;
  return `${heater ? 'Was heating' : 'Was not heating'} ${when}`;
}

/**
 * The polite announcement of one thermostat's changes. The baseline is the first STATE received live after mount,
 * not one restored from storage (opening the app announces nothing); a new thermostat on screen starts a new one.
 * Each announcement gets its own node (`count`), so that the same words said twice are read twice.
 */
function useAnnouncement(state: StateMessage | null, thermostatId: string | null, live: boolean): { text: string; count: number } {
  const [said, setSaid] = useState({ text: '', count: 0 });
  const restored = useRef(state);
  const last = useRef<{ thermostatId: string | null; announced: Announced } | null>(null);
  useEffect(() => {
    if (state === null || state === restored.current || !live) return;
    const previous = last.current?.thermostatId === thermostatId ? last.current.announced : null;
    const next = announcementOf(previous, state);
    last.current = { thermostatId, announced: next.announced };
    if (previous !== null && next.text !== '') setSaid((current) => ({ text: next.text, count: current.count + 1 }));
    // `live` is left out on purpose: the link coming back is no news of the room, only a new STATE is.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state, thermostatId]);
  return said;
}

export function Readings({
  state,
  receivedAt,
  reach,
  thermostatId = null,
}: {
  state: StateMessage | null;
  receivedAt: number | null;
  reach: Reach;
  thermostatId?: string | null;
}) {
  const now = useNow();
  const freshnessId = useId();
  const heatingId = useId();
  const announcement = useAnnouncement(state, thermostatId, reach === 'live');
  const stale = reach !== 'live' && state !== null;
  const age = receivedAt === null ? null : now - receivedAt;
  const zone = state === null ? null : thermostatZone(state.time_zone);
  const nowUtc = Math.floor(now / 1000);
  const next = state === null || zone === null ? null : nextPhrase(state, zone, nowUtc);
  const humidity = state?.humidity;
  const pressure = state?.pressure;
  return (
    <section className={stale ? 'card readings is-stale' : 'card readings'} aria-label="Readings">
      <dl className="reading-main">
        <dt id="current-label">Current temperature</dt>
        <dd aria-labelledby="current-label" aria-describedby={stale ? freshnessId : undefined} className="current-value">
          {formatTemperature(state?.temperature)}
        </dd>
        <dt id="held-label" className="visually-hidden">
          Holding
        </dt>
        <dd aria-labelledby="held-label" aria-describedby={stale ? freshnessId : undefined} className="held-setpoint">
          {state === null ? NO_VALUE : stale ? `Was ${lowerFirst(heldPhrase(state))}` : heldPhrase(state)}
        </dd>
        {state === null || zone === null ? null : (
          <>
            <dt id="why-label" className="visually-hidden">
              Why this set point
            </dt>
            <dd aria-labelledby="why-label" className="setpoint-reason">
              {setpointReasonPhrase(state, zone, nowUtc)}
            </dd>
          </>
        )}
        {next === null ? null : (
          <>
            <dt id="next-label" className="visually-hidden">
              Next change
            </dt>
            <dd aria-labelledby="next-label" className="held-setpoint">
              {next}
            </dd>
          </>
        )}
      </dl>
      {state === null ? null : (
        <p id={heatingId} className="heating-now" aria-describedby={stale ? freshnessId : undefined}>
          {stale ? lastHeardHeating(state.heater, age) : heatingPhrase(state)}
        </p>
      )}
      <dl className="reading-grid">
        <div>
          <dt id="humidity-label">Humidity</dt>
          <dd aria-labelledby="humidity-label">{humidity === null || humidity === undefined ? NO_VALUE : `${humidity.toFixed(0)} %`}</dd>
        </div>
        <div>
          <dt id="pressure-label">Pressure</dt>
          <dd aria-labelledby="pressure-label">{pressure === null || pressure === undefined ? NO_VALUE : `${pressure.toFixed(0)} hPa`}</dd>
        </div>
        <div>
          <dt id="heater-label">Heater</dt>
          <dd
            aria-labelledby="heater-label"
            aria-describedby={state === null ? undefined : stale ? freshnessId : heatingId}
            className={state?.heater === true ? 'heater-on' : undefined}
          >
            {state === null ? NO_VALUE : stale ? (state.heater ? 'Was on' : 'Was off') : state.heater ? 'On' : 'Off'}
          </dd>
        </div>
        <div>
          <dt id="regime-label">Home or away</dt>
          <dd aria-labelledby="regime-label">{state === null ? NO_VALUE : state.regime === 'home' ? 'Home' : 'Away'}</dd>
        </div>
      </dl>
      <p className={stale ? 'last-update is-stale-words' : 'last-update'} aria-label="Last update">
        {/* Described by the words alone: a description taken from the paragraph would be its label, "Last update". */}
        <span id={freshnessId}>{freshnessPhrase(reach, age)}</span>
      </p>
      <p className="visually-hidden" aria-live="polite">
        <span key={announcement.count}>{announcement.text}</span>
      </p>
    </section>
  );
}
