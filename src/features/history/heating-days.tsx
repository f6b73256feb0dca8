import type { HeatingDay } from './history-series';
import type { HistoryTimes } from './history-time';
import { dayLabel, hoursText, recordedBy, weekdayLabel } from './history-words';

/** Heating hours per local day of the thermostat: bars to see at a glance, and the same numbers as a table. */
export function HeatingDays({ days, zoneKnown, times }: { days: readonly HeatingDay[]; zoneKnown: boolean; times: HistoryTimes }) {
  const most = Math.max(3600, ...days.map((day) => day.heating_s));
  const spoken = days.map((day) => `${dayLabel(day, times)} ${hoursText(day.heating_s)}`).join(', ');
  return (
    <div className="heating-days">
      <figure className="heating-bars">
        <div role="img" aria-label={`Heating hours per day, as bars: ${spoken}`} className="heating-bar-row">
          {days.map((day) => (
            <div key={day.day} className="heating-bar-column">
              <div className="heating-bar-track">
                <div className={day.today ? 'heating-bar is-today' : 'heating-bar'} style={{ height: `${(day.heating_s / most) * 100}%` }} />
              </div>
              <span className="heating-bar-label">{weekdayLabel(day, times)}</span>
            </div>
          ))}
        </div>
        <figcaption className="muted">
          Heating hours per day{zoneKnown ? ', in the thermostat’s local days' : ', in UTC days: the thermostat has no time zone'}; today’s bar so far.
        </figcaption>
      </figure>
      <table className="heating-table">
        <caption>Heating hours per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Heating</th>
            <th scope="col">Recorded by</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.day}>
              <th scope="row">{dayLabel(day, times)}</th>
              <td>{hoursText(day.heating_s)}</td>
              <td>{recordedBy(day)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
