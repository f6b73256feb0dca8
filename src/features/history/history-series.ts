import { HISTORY_INTERVAL_S, partsOfLocal, utcOffsetSeconds, type TimeZoneRules } from '@protocol';
import type { HistoryPages } from '@/lib/link/history-pages';
import type { Sample } from '@/stores/live-samples';

const SLOT_S = HISTORY_INTERVAL_S;
const DAY_S = 86_400;
/**
 * The thermostat pushes a STATE at least every minute while this app is heard: a heater state the app saw holds until
 * the next sample, but no longer than this (the app's own silence limit). Beyond it the app does not know.
 */
const LIVE_HOLD_S = 150;

/** Where a slot's values come from: the thermostat's own record, or what this app saw of its STATEs. */
export type SlotSource = 'thermostat' | 'app';

/** One 10-minute slot of UTC (docs/protocol.md "History"). */
export interface Slot {
  start: number;
  temperature: number | null;
  setpoint: number | null;
  /** Seconds the heater was on in the slot. */
  heater_s: number;
  source: SlotSource;
}

export const slotOf = (utc: number): number => Math.floor(utc / SLOT_S) * SLOT_S;

/**
 * The first slot of a period from `from`: the first that starts in it, so the slots listed, the chart's span and the
 * slots it shows all begin at the same bound (a slot begun before `from` is partly outside the period).
 */
export const firstSlotFrom = (from: number): number => Math.ceil(from / SLOT_S) * SLOT_S;

/** The slots the thermostat recorded, each with whether it had ended when the thermostat answered. */
function thermostatSlots(pages: HistoryPages): Map<number, { slot: Slot; ended: boolean }> {
  const slots = new Map<number, { slot: Slot; ended: boolean }>();
  for (const page of Object.values(pages)) {
    page.heater_s.forEach((heater_s, index) => {
      // heater_s is null only for a slot the thermostat did not record.
      if (heater_s === null) return;
      const start = page.from + index * SLOT_S;
      const slot: Slot = { start, temperature: page.temperature[index] ?? null, setpoint: page.setpoint[index] ?? null, heater_s, source: 'thermostat' };
      slots.set(start, { slot, ended: start + SLOT_S <= page.time });
    });
  }
  return slots;
}

/**
 * What this app saw, as slots: the mean of the temperatures it saw in each, the set point it saw last and the
 * seconds it saw the heater on (each sample holding until the next, for at most LIVE_HOLD_S).
 */
export function liveSlots(samples: readonly Sample[], nowS: number): Map<number, Slot> {
  const sums = new Map<number, { total: number; count: number; setpoint: number | null; heater_s: number }>();
  samples.forEach((sample, index) => {
    const end = Math.min(samples[index + 1]?.t ?? nowS, sample.t + LIVE_HOLD_S);
    for (let start = slotOf(sample.t); start === slotOf(sample.t) || start < end; start += SLOT_S) {
      const sum = sums.get(start) ?? { total: 0, count: 0, setpoint: null, heater_s: 0 };
      if (sample.t >= start && sample.temperature !== null) {
        sum.total += sample.temperature;
        sum.count += 1;
      }
      sum.setpoint = sample.setpoint;
      if (sample.heater) sum.heater_s += Math.max(0, Math.min(end, start + SLOT_S) - Math.max(sample.t, start));
      sums.set(start, sum);
    }
  });
  return new Map(
    [...sums].map(([start, sum]) => [
      start,
      {
        start,
        temperature: sum.count === 0 ? null : Math.round((sum.total / sum.count) * 100) / 100,
        setpoint: sum.setpoint,
        heater_s: Math.min(SLOT_S, Math.round(sum.heater_s / 10) * 10),
        source: 'app',
      },
    ]),
  );
}

/**
 * The one history the app shows: the thermostat's samples are the truth for every slot they cover that had ended
 * when it answered; what the app saw fills the slot in progress and the slots the thermostat did not record.
 */
export function mergeHistory(pages: HistoryPages, samples: readonly Sample[], nowS: number): Map<number, Slot> {
  const merged = new Map<number, Slot>();
  const own = thermostatSlots(pages);
  for (const [start, { slot, ended }] of own) if (ended) merged.set(start, slot);
  for (const [start, slot] of liveSlots(samples, nowS)) if (!merged.has(start)) merged.set(start, slot);
  for (const [start, { slot }] of own) if (!merged.has(start)) merged.set(start, slot);
  return merged;
}

/** The slots from `from` to the one `to` is in, each slot or null where nothing is known: the chart's gaps. */
export function slotsBetween(history: ReadonlyMap<number, Slot>, from: number, to: number): { start: number; slot: Slot | null }[] {
  const result: { start: number; slot: Slot | null }[] = [];
  for (let start = firstSlotFrom(from); start <= to; start += SLOT_S) result.push({ start, slot: history.get(start) ?? null });
  return result;
}

/**
 * The shortest stretch the chart spans: a first slot alone is a point in half an hour, not a line stretched across the
 * whole chart.
 */
export const MIN_CHART_SPAN_S = 30 * 60;

/**
 * The stretch the chart shows, ending now: from the first slot of the period anything is known of, so 6 minutes of
 * history fill the chart instead of a sliver at the edge of 24 hours, but at least MIN_CHART_SPAN_S; the whole period
 * when nothing is known in it, which then reads as empty.
 */
export function chartSpan(slots: readonly { start: number; slot: Slot | null }[], from: number, to: number): { from: number; to: number } {
  const first = slots.find(({ start, slot }) => slot !== null && start >= firstSlotFrom(from));
  if (first === undefined) return { from, to };
  return { from: Math.min(first.start, to - MIN_CHART_SPAN_S), to };
}

/** Heating in one local day of the thermostat. */
export interface HeatingDay {
  /** Days since 1970-01-01 of the local date. */
  day: number;
  year: number;
  month: number;
  date: number;
  /** 0 = Monday. */
  weekday: number;
  today: boolean;
  heating_s: number;
  /** The day's slots up to now, and how many of them the thermostat recorded or this app saw. */
  slots: number;
  fromThermostat: number;
  fromApp: number;
}

/**
 * Heating per local day of the thermostat's zone, for the `days` days before today and today so far (docs/protocol.md
 * "History": heating hours per day in the thermostat's local days). A slot counts for the local day its start is in,
 * so a day of a DST change has 23 or 25 hours of slots.
 */
export function heatingDays(history: ReadonlyMap<number, Slot>, rules: TimeZoneRules, nowS: number, days = 7): HeatingDay[] {
  const localDay = (utc: number) => Math.floor((utc + utcOffsetSeconds(rules, utc)) / DAY_S);
  const today = localDay(nowS);
  const first = today - days;
  const result = new Map<number, HeatingDay>();
  for (let day = first; day <= today; day += 1) {
    const parts = partsOfLocal(day * DAY_S);
    result.set(day, {
      day,
      year: parts.year,
      month: parts.month,
      date: parts.day,
      weekday: parts.weekday,
      today: day === today,
      heating_s: 0,
      slots: 0,
      fromThermostat: 0,
      fromApp: 0,
    });
  }
  // Two days of slack either side cover any offset a zone may have (at most 25 hours).
  for (let start = slotOf(nowS - (days + 2) * DAY_S); start <= nowS; start += SLOT_S) {
    const entry = result.get(localDay(start));
    if (entry === undefined) continue;
    entry.slots += 1;
    const slot = history.get(start);
    if (slot === undefined) continue;
    entry.heating_s += slot.heater_s;
    if (slot.source === 'thermostat') entry.fromThermostat += 1;
    else entry.fromApp += 1;
  }
  return [...result.values()];
}
