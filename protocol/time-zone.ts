/**
 * Local time from a POSIX TZ text (docs/protocol.md "Time zones") and the schedule time that never goes
 * back (docs/protocol.md "The weekly schedule"). Times are whole seconds since 1970-01-01 UTC; local
 * times are seconds on the same scale with the offset added (so a local day is 86400 seconds of it).
 */

/** The longest TZ text a thermostat keeps, in bytes of UTF-8. */
/** The range of a clock time, a SET's `time` and every `until` (docs/protocol.md "Messages"): 2024-01-01 to 2099-12-31, UTC seconds. */
export const MIN_TIME_S = 1_704_067_200;
export const MAX_TIME_S = 4_102_444_799;
export const MAX_TIME_ZONE_BYTES = 64;

const HOUR_S = 3600;
const DAY_S = 86_400;

/** `Mm.w.d[/time]`: the `week`th `weekday` (0 = Sunday) of `month`, 5 the last; `time` seconds of that day's local time. */
export interface TransitionRule {
  readonly month: number;
  readonly week: number;
  readonly weekday: number;
  readonly time: number;
}

/**
 * A parsed time zone. Offsets are seconds ADDED to UTC to get local time (the opposite sign of the TZ
 * text, where `CET-1` means local = UTC + 1 h).
 */
export interface TimeZoneRules {
  readonly stdOffset: number;
  readonly dst: { readonly offset: number; readonly start: TransitionRule; readonly end: TransitionRule } | null;
}

/** A strict reader over the TZ text: each method takes one element of the grammar or gives null. */
class Reader {
  position = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position === this.text.length;
  }

  take(character: string): boolean {
    if (this.text[this.position] !== character) return false;
    this.position += 1;
    return true;
  }

  /** One to `most` decimal digits, as a number. */
  digits(most: number): number | null {
    const start = this.position;
    while (this.position - start < most && /[0-9]/.test(this.text[this.position] ?? '')) this.position += 1;
    return this.position === start ? null : Number(this.text.slice(start, this.position));
  }

  /** `std` or `dst`: 3 to 6 letters, or `<` 3 to 6 of `A-Z a-z 0-9 + -` `>`. */
  name(): boolean {
    const rest = this.text.slice(this.position);
    const found = /^(?:[A-Za-z]{3,6}(?![A-Za-z])|<[A-Za-z0-9+-]{3,6}>)/.exec(rest);
    if (found === null) return false;
    this.position += found[0].length;
    return true;
  }

  /** `[+|-]hh[:mm[:ss]]` with hours up to `maxHours` (of up to `hourDigits` digits), in signed seconds. */
  clock(maxHours: number, hourDigits: number): number | null {
    const negative = this.take('-');
    if (!negative) this.take('+');
    const hours = this.digits(hourDigits);
    if (hours === null || hours > maxHours) return null;
    let seconds = hours * HOUR_S;
    for (const scale of [60, 1]) {
      if (!this.take(':')) break;
      const part = this.digits(2);
      if (part === null || part > 59) return null;
      seconds += part * scale;
    }
    return negative ? -seconds : seconds;
  }

  /** `Mm.w.d[/time]`, the time 02:00 when left out. */
  rule(): TransitionRule | null {
    if (!this.take('M')) return null;
    const month = this.digits(2);
    if (month === null || month < 1 || month > 12 || !this.take('.')) return null;
    const week = this.digits(1);
    if (week === null || week < 1 || week > 5 || !this.take('.')) return null;
    const weekday = this.digits(1);
    if (weekday === null || weekday > 6) return null;
    let time = 2 * HOUR_S;
    if (this.take('/')) {
      const given = this.clock(167, 3);
      if (given === null) return null;
      time = given;
    }
    return { month, week, weekday, time };
  }
}

/**
 * The rules of a TZ text exactly as "Time zones" allows it, or null when it is refused (a SET's
 * `out_of_range`): at most 64 bytes, `M` rules only, nothing after them.
 */
export function parseTimeZone(text: string): TimeZoneRules | null {
  if (new TextEncoder().encode(text).length > MAX_TIME_ZONE_BYTES) return null;
  const reader = new Reader(text);
  if (!reader.name()) return null;
  const stdPosix = reader.clock(24, 2);
  if (stdPosix === null) return null;
  const stdOffset = -stdPosix;
  if (reader.done) return { stdOffset: stdOffset + 0, dst: null };
  if (!reader.name()) return null;
  let dstOffset = stdOffset + HOUR_S;
  if (!reader.done && !reader.text.startsWith(',', reader.position)) {
    const dstPosix = reader.clock(24, 2);
    if (dstPosix === null) return null;
    dstOffset = -dstPosix;
  }
  if (!reader.take(',')) return null;
  const start = reader.rule();
  if (start === null || !reader.take(',')) return null;
  const end = reader.rule();
  if (end === null || !reader.done) return null;
  // `+ 0` turns the -0 of `UTC0` into 0, so that offsets compare and print plainly.
  return { stdOffset: stdOffset + 0, dst: { offset: dstOffset + 0, start, end } };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The date of a day number (days since 1970-01-01). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const floorMod = (value: number, modulus: number): number => ((value % modulus) + modulus) % modulus;

/** The day number of a rule's day in `year`: the week-th weekday of the month, week 5 being the last. */
export function ruleDay(rule: TransitionRule, year: number): number {
  const first = daysFromCivil(year, rule.month, 1);
  const firstWeekday = floorMod(first + 4, 7); // 1970-01-01 was a Thursday (4, Sunday being 0).
  let day = first + floorMod(rule.weekday - firstWeekday, 7) + (rule.week - 1) * 7;
  const nextMonth = rule.month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, rule.month + 1, 1);
  while (day >= nextMonth) day -= 7;
  return day;
}

/** One change of offset: at UTC second `at`, the offset goes from `before` to `after`. */
interface OffsetChange {
  at: number;
  before: number;
  after: number;
}

/**
 * The changes of offset of the years around `utc`, in order. A rule's time is in the local time in
 * force just before the change: standard time for the start of DST, DST for its end.
 */
function changesAround(rules: TimeZoneRules, utc: number): OffsetChange[] {
  const { dst } = rules;
  if (dst === null) return [];
  const year = civilFromDays(Math.floor(utc / DAY_S)).year;
  const changes: OffsetChange[] = [];
  for (const y of [year - 1, year, year + 1]) {
    changes.push({ at: ruleDay(dst.start, y) * DAY_S + dst.start.time - rules.stdOffset, before: rules.stdOffset, after: dst.offset });
    changes.push({ at: ruleDay(dst.end, y) * DAY_S + dst.end.time - dst.offset, before: dst.offset, after: rules.stdOffset });
  }
  return changes.sort((a, b) => a.at - b.at);
}

/** The last change at or before `utc`, among those around it (for a zone with DST there always is one). */
function lastChange(rules: TimeZoneRules, utc: number): OffsetChange | null {
  let last: OffsetChange | null = null;
  for (const change of changesAround(rules, utc)) {
    if (change.at <= utc) last = change;
  }
  return last;
}

/** Seconds added to UTC to get local time at `utc` (CET: +3600). */
export function utcOffsetSeconds(rules: TimeZoneRules, utc: number): number {
  return lastChange(rules, utc)?.after ?? rules.stdOffset;
}

/** The first UTC second after `utc` at which the offset changes, or null for a zone without DST. */
export function nextOffsetChange(rules: TimeZoneRules, utc: number): number | null {
  const now = utcOffsetSeconds(rules, utc);
  for (const probe of [utc, utc + 366 * DAY_S]) {
    const change = changesAround(rules, probe).find((c) => c.at > utc && c.after !== now);
    if (change !== undefined) return change.at;
  }
  return null;
}

export interface LocalParts {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday, as the schedule's days. */
  weekday: number;
}

/** The calendar parts of seconds on the local scale. */
export function partsOfLocal(local: number): LocalParts {
  const days = Math.floor(local / DAY_S);
  const second = local - days * DAY_S;
  return {
    ...civilFromDays(days),
    hour: Math.floor(second / HOUR_S),
    minute: Math.floor((second % HOUR_S) / 60),
    second: second % 60,
    weekday: floorMod(days + 3, 7), // 1970-01-01 was a Thursday (3, Monday being 0).
  };
}

/** The local date and time at `utc`. */
export function localParts(rules: TimeZoneRules, utc: number): LocalParts {
  return partsOfLocal(utc + utcOffsetSeconds(rules, utc));
}

/**
 * The schedule time at `utc` ("The weekly schedule"): local time, except that after local time jumps
 * back by d seconds at T it stands still, for the d seconds from T, at the last second of local time
 * before T (T − 1 + the offset before). So it never decreases, a switch point in the repeated stretch
 * is reached on its first pass only, and one at the end of it (03:00 when 03:00 becomes 02:00) is
 * reached when local time first shows it after the repeat.
 */
export function scheduleTime(rules: TimeZoneRules, utc: number): number {
  const change = lastChange(rules, utc);
  if (change === null) return utc + rules.stdOffset;
  const back = change.before - change.after;
  if (back > 0 && utc < change.at + back) return change.at - 1 + change.before;
  return utc + change.after;
}
