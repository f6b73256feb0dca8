import { LAST_SWITCH_MINUTE, MAX_SWITCH_POINTS, SCHEDULE_DAYS, SETTING_RANGES, type SwitchPoint, type WeekSchedule } from '@protocol';
import { parseTemperatureText } from '@/lib/temperature-text';
import { hourMinuteText } from '@/lib/time-zone/clock-text';

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const WEEKDAYS = [0, 1, 2, 3, 4];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

/** One switch point as the person is typing it; `key` keeps the row's identity while rows come and go. */
export interface DraftPoint {
  key: number;
  /** "HH:MM", as an `<input type="time">` gives it. */
  time: string;
  /** °C as typed: "21", "21.5" or "21,5". */
  temperature: string;
}

export type DraftWeek = readonly (readonly DraftPoint[])[];

let nextKey = 1;
const newKey = () => nextKey++;

/** "06:30" for minute 390 of the day. */
export const minuteText = (minute: number) => hourMinuteText(Math.floor(minute / 60), minute % 60);

/** "21.0" for the editor's field, in the dot form every locale's keyboard can type. */
const temperatureText = (celsius: number) => celsius.toFixed(1);

export function draftOf(schedule: WeekSchedule): DraftWeek {
  return Array.from({ length: SCHEDULE_DAYS }, (_, day) =>
    (schedule[day] ?? []).map(([minute, celsius]) => ({ key: newKey(), time: minuteText(minute), temperature: temperatureText(celsius) })),
  );
}

/** The minute of the day of "06:30" (or "06:30:00", which some browsers give), or null. */
export function parseTimeText(text: string): number | null {
  const found = /^(\d{1,2}):(\d{2})(?::00(?:\.0+)?)?$/.exec(text.trim());
  if (found === null) return null;
  const hours = Number(found[1]);
  const minutes = Number(found[2]);
  return hours > 23 || minutes > 59 ? null : hours * 60 + minutes;
}

export { parseTemperatureText };

export type PointField = 'time' | 'temperature';

export interface FieldProblem {
  day: number;
  key: number;
  field: PointField;
  message: string;
}

const { min: MIN_C, max: MAX_C } = SETTING_RANGES.target;
export const TEMPERATURE_PROBLEM = `Enter a temperature from ${MIN_C.toFixed(1)} to ${MAX_C.toFixed(1)} °C, in steps of 0.1.`;
export const TIME_PROBLEM = 'Enter a time, such as 06:30.';

/**
 * The week the draft stands for, each day sorted by time, or the problems with it, each at its field: a time or
 * temperature that does not read, and a second switch point at a time the day already has.
 */
export function readDraft(draft: DraftWeek): { schedule: WeekSchedule } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const days = draft.map((points, day) => {
    const seen = new Set<number>();
    const read: SwitchPoint[] = [];
    for (const point of points) {
      const minute = parseTimeText(point.time);
      const celsius = parseTemperatureText(point.temperature);
      if (minute === null) problems.push({ day, key: point.key, field: 'time', message: TIME_PROBLEM });
      else if (seen.has(minute)) {
        problems.push({ day, key: point.key, field: 'time', message: `${DAY_NAMES[day]} already has a switch point at ${minuteText(minute)}.` });
      } else seen.add(minute);
      if (celsius === null) problems.push({ day, key: point.key, field: 'temperature', message: TEMPERATURE_PROBLEM });
      if (minute !== null && celsius !== null) read.push([minute, celsius]);
    }
    return read.sort((a, b) => a[0] - b[0]);
  });
  return problems.length > 0 ? { problems } : { schedule: days };
}

export function addPoint(draft: DraftWeek, day: number): DraftWeek {
  const points = draft[day] ?? [];
  if (points.length >= MAX_SWITCH_POINTS) return draft;
  // A new row starts an hour after the day's last one, with its temperature, so a quick "add" is already valid: late
  // in the day, at the latest minute the day does not have yet (never a second 23:59).
  const last = points[points.length - 1];
  const lastMinute = last === undefined ? null : parseTimeText(last.time);
  const taken = new Set(points.map((point) => parseTimeText(point.time)));
  let minute = lastMinute === null ? 7 * 60 : Math.min(lastMinute + 60, LAST_SWITCH_MINUTE);
  while (taken.has(minute) && minute > 0) minute -= 1;
  const time = minuteText(minute);
  const temperature = last?.temperature ?? '21.0';
  return draft.map((existing, index) => (index === day ? [...existing, { key: newKey(), time, temperature }] : existing));
}

export function removePoint(draft: DraftWeek, day: number, key: number): DraftWeek {
  return draft.map((points, index) => (index === day ? points.filter((point) => point.key !== key) : points));
}

export function changePoint(draft: DraftWeek, day: number, key: number, field: PointField, value: string): DraftWeek {
  return draft.map((points, index) => (index === day ? points.map((point) => (point.key === key ? { ...point, [field]: value } : point)) : points));
}

/** Monday's switch points, as typed, copied onto the weekdays (Tuesday to Friday) or onto every other day. */
export function copyMonday(draft: DraftWeek, to: 'weekdays' | 'every-day'): DraftWeek {
  const monday = draft[0] ?? [];
  const targets = to === 'weekdays' ? WEEKDAYS : EVERY_DAY;
  return draft.map((points, day) => (day === 0 || !targets.includes(day) ? points : monday.map((point) => ({ ...point, key: newKey() }))));
}

export function sameSchedule(a: WeekSchedule, b: WeekSchedule): boolean {
  return (
    a.length === b.length &&
    a.every((day, index) => {
      const other = b[index] ?? [];
      return day.length === other.length && day.every(([minute, celsius], point) => minute === other[point]?.[0] && Math.abs(celsius - (other[point]?.[1] ?? NaN)) < 0.01);
    })
  );
}
