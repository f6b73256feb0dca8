import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { HISTORY_INTERVAL_S, utcOffsetSeconds, type TimeZoneRules } from '@protocol';
import { formatTemperature } from '@/lib/format';
import type { Slot } from './history-series';

const HEIGHT = 220;

function columns(slots: readonly { start: number; slot: Slot | null }[]): uPlot.AlignedData {
  return [
    slots.map((s) => s.start),
    slots.map((s) => s.slot?.temperature ?? null),
    slots.map((s) => s.slot?.setpoint ?? null),
    // The share of the slot the heater was on; null where nothing was recorded, so a gap stays a gap.
    slots.map((s) => (s.slot === null ? null : s.slot.heater_s / HISTORY_INTERVAL_S)),
  ];
}

function cssColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/**
 * uPlot reads a Date's local fields for its axis; these show the thermostat's wall clock whatever zone this browser is
 * in, so the chart's midnight is the heating table's.
 */
const wallClockDate = (rules: TimeZoneRules) => (utc: number) => {
  const wall = new Date((utc + utcOffsetSeconds(rules, utc)) * 1000);
  return new Date(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds());
};

export interface HistoryChartProps {
  slots: readonly { start: number; slot: Slot | null }[];
  from: number;
  to: number;
  rules: TimeZoneRules;
}

/** uPlot stays out of the first load: this module is imported only when the history is shown. */
export default function HistoryChart({ slots, from, to, rules }: HistoryChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const range = useRef<[number, number]>([from, to]);

  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const text = cssColour('--muted', '#666');
    const axis = { stroke: text, grid: { stroke: cssColour('--line', '#ddd'), width: 1 }, ticks: { show: false } };
    const chart = new uPlot(
      {
        width: element.clientWidth || 320,
        height: HEIGHT,
        tzDate: wallClockDate(rules),
        legend: { show: true },
        cursor: { y: false },
        // Always the whole period, so a fresh history reads as "just started", not as a stretched few minutes.
        scales: { x: { time: true, range: () => range.current }, heater: { range: [0, 1] } },
        axes: [axis, { ...axis, values: (_u, ticks) => ticks.map((v) => `${v}°`) }, { show: false, scale: 'heater' }],
        series: [
          {},
          { label: 'Temperature', stroke: cssColour('--accent', '#e4572e'), width: 2, value: (_u, v) => formatTemperature(v) },
          {
            label: 'Set point',
            stroke: text,
            width: 1.5,
            dash: [6, 4],
            paths: uPlot.paths.stepped?.({ align: 1 }),
            value: (_u, v) => formatTemperature(v),
          },
          {
            label: 'Heater on',
            scale: 'heater',
            stroke: 'transparent',
            fill: cssColour('--heat-fill', 'rgba(228, 87, 46, 0.15)'),
            paths: uPlot.paths.stepped?.({ align: 1 }),
            value: (_u, v) => (v == null ? '—' : `${Math.round(v * 100)} %`),
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
  }, [rules]);

  useEffect(() => {
    range.current = [from, to];
    plot.current?.setData(columns(slots));
  }, [slots, from, to, rules]);

  return <div ref={host} className="chart" />;
}
