import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatTemperature } from '@/lib/format';
import { HISTORY_WINDOW_S, type Sample } from './history-recorder';

const HEIGHT = 220;

function columns(samples: Sample[]): uPlot.AlignedData {
  return [
    samples.map((s) => s.t),
    samples.map((s) => s.temperature),
    samples.map((s) => s.setpoint),
    samples.map((s) => (s.heater ? 1 : 0)),
  ];
}

function cssColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** uPlot stays out of the first load: this module is imported only when the history is shown. */
export default function HistoryChart({ samples }: { samples: Sample[] }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const text = cssColour('--muted', '#666');
    const axis = { stroke: text, grid: { stroke: cssColour('--line', '#ddd'), width: 1 }, ticks: { show: false } };
    const chart = new uPlot(
      {
        width: element.clientWidth || 320,
        height: HEIGHT,
        legend: { show: true },
        cursor: { y: false },
        // Always the whole last 24 h, so a fresh history reads as "just started", not as a stretched few minutes.
        scales: { x: { time: true, range: () => [Date.now() / 1000 - HISTORY_WINDOW_S, Date.now() / 1000] }, heater: { range: [0, 1] } },
        axes: [axis, { ...axis, values: (_u, ticks) => ticks.map((v) => `${v}°`) }, { show: false, scale: 'heater' }],
        series: [
          {},
          { label: 'Temperature', stroke: cssColour('--accent', '#e4572e'), width: 2, value: (_u, v) => formatTemperature(v) },
          {
            label: 'Setpoint',
            stroke: text,
            width: 1.5,
            dash: [6, 4],
            paths: uPlot.paths.stepped?.({ align: 1 }),
            value: (_u, v) => formatTemperature(v),
          },
          {
            label: 'Heater',
            scale: 'heater',
            stroke: 'transparent',
            fill: cssColour('--heat-fill', 'rgba(228, 87, 46, 0.15)'),
            paths: uPlot.paths.stepped?.({ align: 1 }),
            value: (_u, v) => (v == null ? '—' : v > 0 ? 'On' : 'Off'),
          },
        ],
      },
      columns([]),
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(columns(samples));
  }, [samples]);

  return <div ref={host} className="chart" />;
}
