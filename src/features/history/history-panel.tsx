import { lazy, Suspense, useCallback, useEffect, useSyncExternalStore } from 'react';
import type { ClientId } from '@protocol';
import { historyRecorder, type HistoryRecorder } from './history-recorder';

const HistoryChart = lazy(() => import('./history-chart'));

export function HistoryPanel({ thermostatId, recorder = historyRecorder }: { thermostatId: ClientId; recorder?: HistoryRecorder }) {
  // A stable subscribe, or React would unsubscribe and subscribe again on every render.
  const subscribe = useCallback((listener: () => void) => recorder.subscribe(listener), [recorder]);
  const samples = useSyncExternalStore(subscribe, () => recorder.samples(thermostatId));
  useEffect(() => {
    void recorder.load(thermostatId);
  }, [recorder, thermostatId]);

  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading" className="card-title">
        Last 24 hours
      </h2>
      <div className="chart-frame">
        {samples.length < 2 ? (
          <p className="muted">The chart fills in as readings arrive; they are kept on this device for 24 hours.</p>
        ) : (
          <Suspense fallback={<p className="muted">Loading chart…</p>}>
            <HistoryChart samples={samples} />
          </Suspense>
        )}
      </div>
    </section>
  );
}
