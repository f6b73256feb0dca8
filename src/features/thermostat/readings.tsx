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

/** The polite announcement of one thermostat's changes; a new thermostat on screen starts a new baseline. */
function useAnnouncement(state: StateMessage | null, thermostatId: string | null): string {
  const [text, setText] = useState('');
  const last = useRef<{ thermostatId: string | null; announced: Announced } | null>(null);
  useEffect(() => {
    if (state === null) return;
    const previous = last.current?.thermostatId === thermostatId ? last.current.announced : null;
    const next = announcementOf(previous, state);
    last.current = { thermostatId, announced: next.announced };
    setText(previous === null ? '' : next.text === '' ? (current) => current : next.text);
  }, [state, thermostatId]);
  return text;
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
  const announcement = useAnnouncement(state, thermostatId);
  const stale = reach !== 'live' && state !== null;
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
        <dd aria-labelledby="held-label" className="held-setpoint">
          {state === null ? NO_VALUE : heldPhrase(state)}
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
        <p id={heatingId} className="heating-now">
          {heatingPhrase(state)}
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
            aria-describedby={state === null ? undefined : heatingId}
            className={state?.heater === true ? 'heater-on' : undefined}
          >
            {state === null ? NO_VALUE : state.heater ? 'On' : 'Off'}
          </dd>
        </div>
        <div>
          <dt id="regime-label">Home or away</dt>
          <dd aria-labelledby="regime-label">{state === null ? NO_VALUE : state.regime === 'home' ? 'Home' : 'Away'}</dd>
        </div>
      </dl>
      <p className={stale ? 'last-update is-stale-words' : 'last-update'} aria-label="Last update">
        {/* Described by the words alone: a description taken from the paragraph would be its label, "Last update". */}
        <span id={freshnessId}>{freshnessPhrase(reach, receivedAt === null ? null : now - receivedAt)}</span>
      </p>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </section>
  );
}
