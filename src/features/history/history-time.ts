import { utcOffsetSeconds, type TimeZoneRules } from '@protocol';

const DAY_S = 86_400;

/**
 * Times on the thermostat's wall clock, in the words of this browser's locale (`undefined`: the browser's own; "13:05"
 * under en-GB, "1:05 PM" under en-US). The wall clock is the thermostat's whatever zone this browser is in, so the
 * chart's midnight is the heating table's.
 */
export interface HistoryTimes {
  /** "13:05" */
  time(utc: number): string;
  /** "Wed 2 Dec" */
  day(utc: number): string;
  /** "Wed 2 Dec, 13:05" */
  dayAndTime(utc: number): string;
  /** The thermostat's wall clock at `utc`, in seconds since 1970 as if it were UTC. */
  wall(utc: number): number;
  /**
   * The same words for a time already on the thermostat's wall clock (`wall`'s seconds, or a day's start): what a step
   * or a day of that clock is called, whatever offset was in force at its start.
   */
  ofWall: {
    /** "13:05" */
    time(wall: number): string;
    /** "Wed 2 Dec" */
    day(wall: number): string;
    /** "Wed 2 Dec, 13:05" */
    dayAndTime(wall: number): string;
    /** "Wed" */
    weekday(wall: number): string;
  };
  /** The days since 1970 of the thermostat's local date at `utc`. */
  localDay(utc: number): number;
  /**
   * The labels of the time axis for ticks `increment` seconds apart: the time, with the day under the first tick and
   * under each tick that starts another day; only the day when the ticks are a day or more apart.
   */
  axisLabels(ticks: readonly number[], increment: number): string[];
}

export function historyTimes(rules: TimeZoneRules, locale?: string): HistoryTimes {
  // Formatting a shifted instant in UTC gives the thermostat's wall clock with no help from this browser's zone.
  // Each format is made when first used: a page's first Intl object costs tens of milliseconds (the browser loads its
  // locale data), which a card that shows no date yet need not spend.
  const utcFormat = (options: Intl.DateTimeFormatOptions) => {
    let format: Intl.DateTimeFormat | null = null;
    return () => (format ??= new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }));
  };
  // The locale's own clock: "00:05" where the day has 24 hours, "12:05 AM" where it has twice 12.
  let hour: '2-digit' | 'numeric' | null = null;
  const hourStyle = () => {
    if (hour !== null) return hour;
    const { hourCycle } = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'UTC' }).resolvedOptions();
    hour = hourCycle === 'h11' || hourCycle === 'h12' ? 'numeric' : '2-digit';
    return hour;
  };
  const withHours = (options: Intl.DateTimeFormatOptions) => {
    let format: Intl.DateTimeFormat | null = null;
    return () => (format ??= new Intl.DateTimeFormat(locale, { ...options, hour: hourStyle(), minute: '2-digit', timeZone: 'UTC' }));
  };
  const timeFormat = withHours({});
  const dayFormat = utcFormat({ weekday: 'short', day: 'numeric', month: 'short' });
  const dayAndTimeFormat = withHours({ weekday: 'short', day: 'numeric', month: 'short' });
  const weekdayFormat = utcFormat({ weekday: 'short' });
  const ofWall = {
    time: (wallS: number) => timeFormat().format(wallS * 1000),
    day: (wallS: number) => dayFormat().format(wallS * 1000),
    dayAndTime: (wallS: number) => dayAndTimeFormat().format(wallS * 1000),
    weekday: (wallS: number) => weekdayFormat().format(wallS * 1000),
  };
  const wall = (utc: number) => utc + utcOffsetSeconds(rules, utc);
  const localDay = (utc: number) => Math.floor(wall(utc) / DAY_S);
  const time = (utc: number) => ofWall.time(wall(utc));
  const day = (utc: number) => ofWall.day(wall(utc));
  return {
    time,
    day,
    dayAndTime: (utc) => ofWall.dayAndTime(wall(utc)),
    wall,
    ofWall,
    localDay,
    axisLabels: (ticks, increment) => {
      if (increment >= DAY_S) return ticks.map(day);
      return ticks.map((tick, index) => {
        const previous = ticks[index - 1];
        const newDay = previous === undefined || localDay(previous) !== localDay(tick);
        return newDay ? `${time(tick)}\n${day(tick)}` : time(tick);
      });
    },
  };
}

/** "2 h 10 min", "45 min", "3 h": a duration to the minute. */
export function durationText(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const [hours, rest] = [Math.floor(minutes / 60), minutes % 60];
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "last 30 minutes", "last 6 hours", "last 7 days": a stretch up to now, rounded up so it holds everything shown. */
export function lastPhrase(seconds: number): string {
  if (seconds < 2 * 3600) return `last ${Math.ceil(seconds / 60)} minutes`;
  if (seconds < 2 * DAY_S) return `last ${Math.ceil(seconds / 3600)} hours`;
  return `last ${Math.ceil(seconds / DAY_S)} days`;
}
