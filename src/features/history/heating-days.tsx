import type { HeatingDay } from './history-series';
import { dayLabel, hoursText, recordedBy } from './history-words';

const BAR_WIDTH = 28;
const GAP = 10;
const CHART_HEIGHT = 120;
const LABEL_HEIGHT = 18;

/** Heating hours per local day of the thermostat: bars to see at a glance, and the same numbers as a table. */
export function HeatingDays({ days, zoneKnown }: { days: readonly HeatingDay[]; zoneKnown: boolean }) {
  const most = Math.max(3600, ...days.map((day) => day.heating_s));
  const width = days.length * (BAR_WIDTH + GAP);
  const spoken = days.map((day) => `${dayLabel(day)} ${hoursText(day.heating_s)}`).join(', ');
  return (
    <div className="heating-days">
      <figure className="heating-bars">
        <svg
          role="img"
          aria-label={`Heating hours per day, as bars: ${spoken}`}
          viewBox={`0 0 ${width} ${CHART_HEIGHT + LABEL_HEIGHT}`}
          width="100%"
          height={CHART_HEIGHT + LABEL_HEIGHT}
          preserveAspectRatio="none"
        >
          {days.map((day, index) => {
            const height = (day.heating_s / most) * (CHART_HEIGHT - 4);
            const x = index * (BAR_WIDTH + GAP) + GAP / 2;
            return (
              <g key={day.day}>
                <rect
                  x={x}
                  y={CHART_HEIGHT - height}
                  width={BAR_WIDTH}
                  height={height}
                  className={day.today ? 'heating-bar is-today' : 'heating-bar'}
                />
                <text x={x + BAR_WIDTH / 2} y={CHART_HEIGHT + LABEL_HEIGHT - 4} textAnchor="middle" className="heating-bar-label">
                  {day.today ? 'Today' : dayLabel(day).slice(0, 3)}
                </text>
              </g>
            );
          })}
        </svg>
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
              <th scope="row">{dayLabel(day)}</th>
              <td>{hoursText(day.heating_s)}</td>
              <td>{recordedBy(day)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
