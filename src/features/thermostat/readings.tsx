import type { StateMessage } from '@protocol';
import { agoPhrase, formatTemperature, NO_VALUE } from '@/lib/format';
import { useNow } from '@/hooks/use-now';
import { heaterPhrase, heldPhrase, nextPhrase } from './heat-words';
import { thermostatZone } from './thermostat-time';

function regimeReason(state: StateMessage): string {
  if (state.mode !== 'auto') return `Set by hand: mode ${state.mode === 'home' ? 'Home' : 'Away'}`;
  const home = state.members.filter((member) => member.home).map((member) => member.name);
  if (state.regime === 'home') {
    if (home.length === 0) return 'Auto: no one has reported yet';
    return `Auto: ${home.join(', ')} ${home.length === 1 ? 'is' : 'are'} home`;
  }
  return state.members.length === 0 ? 'Auto: no one has reported yet' : 'Auto: everyone is away';
}

export function Readings({ state, receivedAt }: { state: StateMessage | null; receivedAt: number | null }) {
  const now = useNow();
  const humidity = state?.humidity;
  const pressure = state?.pressure;
  const next = state === null ? null : nextPhrase(state, thermostatZone(state.time_zone), Math.floor(now / 1000));
  return (
    <section className="card readings" aria-label="Readings">
      <dl className="reading-main">
        <dt id="current-label">Current temperature</dt>
        <dd aria-labelledby="current-label" className="current-value">
          {formatTemperature(state?.temperature)}
        </dd>
        <dt id="held-label" className="visually-hidden">
          Holding
        </dt>
        <dd aria-labelledby="held-label" className="held-setpoint">
          {state === null ? NO_VALUE : heldPhrase(state)}
        </dd>
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
            aria-describedby={state === null ? undefined : 'heater-reason'}
            className={state?.heater === true ? 'heater-on' : undefined}
          >
            {state === null ? NO_VALUE : state.heater ? 'On' : 'Off'}
          </dd>
        </div>
        <div>
          <dt id="regime-label">Regime</dt>
          <dd aria-labelledby="regime-label">{state === null ? NO_VALUE : state.regime === 'home' ? 'Home' : 'Away'}</dd>
        </div>
      </dl>
      {state === null ? null : (
        <p id="heater-reason" className="heater-reason">
          {heaterPhrase(state)}
        </p>
      )}
      <p className="regime-reason">{state === null ? '\u00a0' : regimeReason(state)}</p>
      <p className="last-update" aria-label="Last update">
        {receivedAt === null ? 'No reading yet' : `Updated ${agoPhrase(now - receivedAt)}`}
      </p>
    </section>
  );
}
