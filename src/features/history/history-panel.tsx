import { lazy, Suspense, useId, useMemo, useState } from 'react';
import type { ClientId } from '@protocol';
import type { HistoryPages } from '@/lib/link/history-pages';
import { useNearViewport } from '@/hooks/use-near-viewport';
import { useNow } from '@/hooks/use-now';
import { useAppStore } from '@/stores/app-store';
import type { Sample } from '@/stores/live-samples';
import { HeatingDays } from './heating-days';
import { chartSpan, heatingDays, mergeHistory, slotsBetween } from './history-series';
import { HistoryTable } from './history-table';
import { historyTimes, lastPhrase } from './history-time';
import { chartLabel, chartTitle, historySummary, historyZone } from './history-words';

const HistoryChart = lazy(() => import('./history-chart'));

const DAY_S = 86_400;
const PERIODS = {
  day: { label: '24 hours', phrase: 'last 24 hours', seconds: DAY_S },
  week: { label: '7 days', phrase: 'last 7 days', seconds: 7 * DAY_S },
} as const;
type Period = keyof typeof PERIODS;

/** Shared empty values: a selector must give the same value back while nothing changed. */
const NO_PAGES: HistoryPages = {};
const NO_SAMPLES: Sample[] = [];

/**
 * What really happened at home: the thermostat's own history, with what this app saw filling the slots the thermostat
 * has no record of, over 24 hours or 7 days, and the heating hours of each of the thermostat's days.
 */
export function HistoryPanel({ thermostatId, locale }: { thermostatId: ClientId; /** The browser's own when not given. */ locale?: string }) {
  const samples = useAppStore((state) => state.liveSamples[thermostatId] ?? NO_SAMPLES);
  const pages = useAppStore((state) => state.historyPages[thermostatId] ?? NO_PAGES);
  const timeZone = useAppStore((state) => state.lastStates[thermostatId]?.state.time_zone ?? null);
  const clockUnknown = useAppStore((state) => state.lastStates[thermostatId]?.state.time === null);
  const hasPages = Object.keys(pages).length > 0;
  const [period, setPeriod] = useState<Period>('week');
  // The slots move on every 10 minutes; a minute's step keeps the work to once a minute.
  const nowS = Math.floor(useNow() / 60_000) * 60;
  const zone = useMemo(() => historyZone(timeZone), [timeZone]);
  const history = useMemo(() => mergeHistory(pages, samples, nowS), [pages, samples, nowS]);
  const from = nowS - PERIODS[period].seconds;
  const slots = useMemo(() => slotsBetween(history, from, nowS), [history, from, nowS]);
  // The chart (uPlot, its own chunk) and the days (dates in this browser's words) are drawn once the card comes near the
  // screen: on a phone it is far below the first screen, and drawing them at start held the main thread for long.
  const [near, card] = useNearViewport();
  const days = useMemo(() => (near ? heatingDays(history, zone.rules, nowS) : []), [near, history, zone, nowS]);
  // The chart and its table span what is known of the period, up to now.
  const span = useMemo(() => chartSpan(slots, from, nowS), [slots, from, nowS]);
  const shown = useMemo(() => slots.filter(({ start }) => start >= span.from), [slots, span]);
  const phrase = span.to - span.from === PERIODS[period].seconds ? PERIODS[period].phrase : lastPhrase(span.to - span.from);
  // The chart's name and its description speak of the same slots.
  const label = useMemo(() => chartLabel(shown, phrase), [shown, phrase]);
  const summary = useMemo(() => historySummary(shown, phrase), [shown, phrase]);
  const times = useMemo(() => historyTimes(zone.rules, locale), [zone, locale]);
  const ids = { period: useId(), summary: useId() };

  return (
    <section ref={card} className="card history-card" aria-labelledby="history-heading">
      <h2 id="history-heading" className="card-title">
        History
      </h2>
      <div role="radiogroup" aria-labelledby={ids.period} className="history-period">
        <span id={ids.period} className="muted">
          Show
        </span>
        {(Object.keys(PERIODS) as Period[]).map((key) => (
          <label key={key}>
            <input type="radio" name={`${ids.period}-period`} checked={period === key} onChange={() => setPeriod(key)} /> {PERIODS[key].label}
          </label>
        ))}
      </div>
      {clockUnknown ? (
        <p className="muted">The thermostat does not know the time yet, so it records no history: what you see is what this app saw.</p>
      ) : hasPages ? (
        <p className="muted">From the thermostat’s own record; what this app saw fills the slots it has none for.</p>
      ) : (
        <p className="muted">The thermostat’s own record has not arrived yet: what you see is what this app saw.</p>
      )}
      <figure className="chart-frame">
        <figcaption>{chartTitle(phrase)}</figcaption>
        <div role="img" aria-label={label} aria-describedby={ids.summary} className="chart-image">
          {history.size === 0 ? null : near ? (
            <Suspense fallback={<p className="muted">Loading chart…</p>}>
              <HistoryChart slots={shown} from={span.from} to={span.to} rules={zone.rules} />
            </Suspense>
          ) : (
            <div className="chart" />
          )}
        </div>
        <p id={ids.summary} className="muted">
          {summary}
        </p>
      </figure>
      <HistoryTable slots={shown} times={times} phrase={phrase} />
      {near ? <HeatingDays days={days} zoneKnown={zone.known} times={times} /> : <div className="heating-days heating-days-placeholder" />}
    </section>
  );
}
