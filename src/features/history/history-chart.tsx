import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { HISTORY_INTERVAL_S, type TimeZoneRules } from '@protocol';
import { AXIS_FONT, timeAxisSpace, valueAxisSize, type Measure } from './history-axis';
import { legendIndex, legendTexts } from './history-legend';
import type { Slot } from './history-series';
import { historyTimes } from './history-time';

const HEIGHT = 220;
/** Between the temperatures and the plot, in CSS pixels. */
const VALUE_GAP_PX = 6;

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

/** Text's width in the axes' font, measured on the chart's own canvas (in CSS pixels: the font is not scaled). */
const measureOn =
  (u: uPlot): Measure =>
  (text) => {
    const saved = u.ctx.font;
    u.ctx.font = AXIS_FONT;
    const { width } = u.ctx.measureText(text);
    u.ctx.font = saved;
    return width;
  };

/**
 * uPlot reads a Date's local fields to place its time ticks; these carry the thermostat's wall clock whatever zone this
 * browser is in, so the ticks fall on the thermostat's hours and midnights.
 */
const wallClockDate = (wall: (utc: number) => number) => (utc: number) => {
  const local = new Date(wall(utc) * 1000);
  return new Date(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds());
};

export interface HistoryChartProps {
  /** The slots shown, from `from` on. */
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
    const times = historyTimes(rules);
    const words = legendTexts(times);
    // With no cursor on the chart the legend shows the latest slot anything is known of (see legendIndex).
    const legendValue =
      (text: (value: number | null | undefined) => string): uPlot.Series.Value =>
      (u, _raw, seriesIndex, cursor) => {
        const index = legendIndex(u.data, cursor);
        return text(index === null ? null : u.data[seriesIndex]?.[index]);
      };
    const text = cssColour('--muted', '#666');
    const axis = { stroke: text, font: AXIS_FONT, grid: { stroke: cssColour('--line', '#ddd'), width: 1 }, ticks: { show: false } };
    const chart = new uPlot(
      {
        width: element.clientWidth || 320,
        height: HEIGHT,
        tzDate: wallClockDate(times.wall),
        legend: { show: true },
        cursor: { y: false },
        // The stretch the panel chose (chartSpan): what is known of the period, not a sliver of it.
        scales: { x: { time: true, range: () => range.current }, heater: { range: [0, 1] } },
        axes: [
          // Times in this browser's locale on the thermostat's wall clock; "13:00" is wider in some locales ("1:00 PM").
          // Ticks are as far apart as the widest label needs: on a phone a week's days never run into each other.
          {
            ...axis,
            space: (u, _axis, min, max) => timeAxisSpace(times, measureOn(u), min, max),
            values: (_u, ticks, _axis, _space, increment) => times.axisLabels(ticks, increment),
          },
          // As wide as its labels: the plot gets the rest of the card.
          {
            ...axis,
            gap: VALUE_GAP_PX,
            size: (u, values) => valueAxisSize(values, measureOn(u), 2 * VALUE_GAP_PX),
            values: (_u, ticks) => ticks.map((v) => `${v}°`),
          },
          { show: false, scale: 'heater' },
        ],
        series: [
          { label: 'Time', value: legendValue(words.time) },
          { label: 'Temperature', stroke: cssColour('--accent', '#e4572e'), width: 2, value: legendValue(words.temperature) },
          {
            label: 'Set point',
            stroke: text,
            width: 1.5,
            dash: [6, 4],
            paths: uPlot.paths.stepped?.({ align: 1 }),
            value: legendValue(words.temperature),
          },
          {
            label: 'Heater on',
            scale: 'heater',
            stroke: 'transparent',
            fill: cssColour('--heat-fill', 'rgba(228, 87, 46, 0.15)'),
            paths: uPlot.paths.stepped?.({ align: 1 }),
            value: legendValue(words.heater),
          },
        ],
      },
      columns([]),
      element,
    );
    plot.current = chart;
    // Follows the card both ways: the host's width comes from the card, never from the canvas (history.css).
    const resize = new ResizeObserver(([entry]) => {
      const width = Math.floor(entry?.contentRect.width ?? element.clientWidth);
      if (width > 0 && width !== chart.width) chart.setSize({ width, height: HEIGHT });
    });
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
