import { useEffect, useId, useRef } from 'react';
import type { ClientId } from '@protocol';
import { agoPhrase, formatTemperature, NO_VALUE } from '@/lib/format';
import type { PairedThermostat } from '@/lib/thermostats';
import { useNow } from '@/hooks/use-now';
import { useAppStore } from '@/stores/app-store';
import { reachOf } from '@/stores/reach';
import { REACH_WORDS } from './reach-words';

/** Every paired thermostat at a glance; each opens its own screen. `focusOn`: the room a person came back from. */
export function RoomsOverview({ focusOn = null }: { focusOn?: ClientId | null }) {
  const thermostats = useAppStore((s) => s.thermostats);
  const now = useNow();
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (focusOn === null) return;
    list.current?.querySelector<HTMLElement>(`[data-room="${focusOn}"]`)?.focus();
  }, [focusOn]);
  return (
    <ul ref={list} className="rooms" aria-label="Rooms">
      {thermostats.map((thermostat) => (
        <Room key={thermostat.id} thermostat={thermostat} now={now} />
      ))}
    </ul>
  );
}

/** "Live", or why not and how old the reading is: "Not responding · reading from 3 min ago". */
function statusText(reach: ReturnType<typeof reachOf>, receivedAt: number | null, now: number): string {
  if (reach === 'live') return 'Live';
  const age = receivedAt === null ? 'no reading yet' : `reading from ${agoPhrase(now - receivedAt)}`;
  return `${REACH_WORDS[reach]} · ${age}`;
}

function Room({ thermostat, now }: { thermostat: PairedThermostat; now: number }) {
  const { id } = thermostat;
  const received = useAppStore((s) => s.lastStates[id] ?? null);
  const reach = useAppStore((s) => reachOf(s, id, now));
  const selectThermostat = useAppStore((s) => s.selectThermostat);
  const ids = useId();
  const state = received?.state ?? null;
  const live = reach === 'live';
  return (
    <li className={live ? 'card room' : 'card room room-stale'}>
      <h2 className="room-name">
        <button type="button" className="room-open" data-room={id} aria-describedby={`${ids}-status`} onClick={() => selectThermostat(id)}>
          {thermostat.name}
        </button>
      </h2>
      <dl className="room-readings">
        <div className="room-temperature">
          <dt id={`${ids}-temperature`}>Temperature</dt>
          <dd aria-labelledby={`${ids}-temperature`}>{formatTemperature(state?.temperature)}</dd>
        </div>
        <div>
          <dt id={`${ids}-holding`}>Holding</dt>
          <dd aria-labelledby={`${ids}-holding`}>{state === null ? NO_VALUE : formatTemperature(state.setpoint)}</dd>
        </div>
        <div>
          <dt id={`${ids}-heater`}>Heater</dt>
          <dd aria-labelledby={`${ids}-heater`} className={state?.heater === true ? 'heater-on' : undefined}>
            {state === null ? NO_VALUE : state.heater ? 'On' : 'Off'}
          </dd>
        </div>
        <div className="room-status">
          <dt id={`${ids}-status-label`} className="visually-hidden">
            Status
          </dt>
          <dd id={`${ids}-status`} aria-labelledby={`${ids}-status-label`}>
            {statusText(reach, received?.receivedAt ?? null, now)}
          </dd>
        </div>
      </dl>
    </li>
  );
}
