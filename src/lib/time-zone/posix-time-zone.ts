import { MAX_TIME_ZONE_BYTES, nextOffsetChange, parseTimeZone, ruleDay, utcOffsetSeconds } from '@protocol';
import { twoDigits } from './clock-text';

const DAY_S = 86_400;
const HOUR_S = 3_600;
/** How far ahead the rules are read from Intl and then checked against it: "the current and next year". */
const HORIZON_S = 2 * 366 * DAY_S;
/**
 * Offsets are read once a day to find the changes; a change is then pinned to the second. A candidate text is checked
 * against these same daily readings and the changes, never by asking Intl again: each Intl reading costs tens of
 * microseconds, and checking every candidate on a finer grid of its own made deriving a long task at start.
 */
const SCAN_STEP_S = DAY_S;
/** A rule's time may run past its day ("Thursday 26:00") or before it; RFC 8536 allows ±167 hours. */
const MAX_RULE_HOURS = 167;
/** How many day shifts a rule may take: back one day (negative time) to six days on (time past 24:00). */
const RULE_DAY_SHIFTS = [0, -1, 1, 2, 3, 4, 5, 6];
const NAME_LOCALES = ['en-US', 'en-GB'];

type OffsetAt = (utc: number) => number;

interface OffsetChange {
  /** The first UTC second of the new offset. */
  at: number;
  before: number;
  after: number;
}

/** The zone's offset (seconds added to UTC) at a UTC second, as Intl reads the browser's tz data; null for an unknown zone. */
export function intlOffsetReader(ianaZone: string): OffsetAt | null {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: ianaZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  return (utc) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(utc * 1000)) parts[part.type] = part.value;
    const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
    const local = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return local / 1000 - utc;
  };
}

/** Intl's offset at one of the scan's instants. */
interface OffsetReading {
  at: number;
  offset: number;
}

function findChanges(offsetAt: OffsetAt, from: number, to: number): { changes: OffsetChange[]; readings: OffsetReading[] } {
  const changes: OffsetChange[] = [];
  let previous = from;
  let previousOffset = offsetAt(from);
  const readings: OffsetReading[] = [{ at: from, offset: previousOffset }];
  for (let probe = from + SCAN_STEP_S; probe <= to; probe += SCAN_STEP_S) {
    const offset = offsetAt(probe);
    readings.push({ at: probe, offset });
    if (offset !== previousOffset) {
      // previous has the old offset and probe the new: the change is the first second that differs.
      let low = previous;
      let high = probe;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offsetAt(middle) === previousOffset) low = middle;
        else high = middle;
      }
      changes.push({ at: high, before: previousOffset, after: offsetAt(high) });
    }
    previous = probe;
    previousOffset = offset;
  }
  return { changes, readings };
}

/** `[+|-]hh[:mm[:ss]]` of "Time zones", shortest form. */
function clockText(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const magnitude = Math.abs(seconds);
  const hours = Math.floor(magnitude / HOUR_S);
  const minutes = Math.floor((magnitude % HOUR_S) / 60);
  const rest = magnitude % 60;
  if (rest !== 0) return `${sign}${hours}:${twoDigits(minutes)}:${twoDigits(rest)}`;
  if (minutes !== 0) return `${sign}${hours}:${twoDigits(minutes)}`;
  return `${sign}${hours}`;
}

/** POSIX offsets are what is added to local time to make UTC: the opposite of the UTC offset. */
const posixOffset = (utcOffset: number) => clockText(-utcOffset);

/** `<+0530>`, `<-03>`: a name of digits when Intl has no letters for the zone. */
function numericName(utcOffset: number): string {
  const sign = utcOffset < 0 ? '-' : '+';
  const magnitude = Math.abs(utcOffset);
  const hours = twoDigits(Math.floor(magnitude / HOUR_S));
  const minutes = Math.floor((magnitude % HOUR_S) / 60);
  return `<${sign}${hours}${minutes === 0 ? '' : twoDigits(minutes)}>`;
}

function zoneName(ianaZone: string, utc: number, utcOffset: number): string {
  for (const locale of NAME_LOCALES) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: ianaZone, timeZoneName: 'short' })
      .formatToParts(utc * 1000)
      .find((part) => part.type === 'timeZoneName')?.value;
    if (name !== undefined && /^[A-Za-z]{3,6}$/.test(name)) return name;
  }
  return numericName(utcOffset);
}

interface Rule {
  month: number;
  /** 1 to 5, 5 being the last such weekday of the month. */
  week: number;
  /** 0 = Sunday. */
  weekday: number;
  /** Seconds from the start of that day, in the local time in force just before the change. */
  time: number;
}

const ruleText = ({ month, week, weekday, time }: Rule) =>
  `M${month}.${week}.${weekday}${time === 2 * HOUR_S ? '' : `/${clockText(time)}`}`;

/**
 * Every `Mm.w.d/time` that names this change, in the local time in force just before it, best first: the day
 * itself before a day on either side with the time shifted, and week 5 ("the last") before the week's number.
 */
function rulesFor(change: OffsetChange): Rule[] {
  const localBefore = change.at + change.before;
  const rules: Rule[] = [];
  for (const shift of RULE_DAY_SHIFTS) {
    const dayStart = Math.floor(localBefore / DAY_S) * DAY_S - shift * DAY_S;
    const time = localBefore - dayStart;
    if (Math.abs(time) > MAX_RULE_HOURS * HOUR_S) continue;
    const date = new Date(dayStart * 1000);
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), month, 0)).getUTCDate();
    const weeks = day > daysInMonth - 7 ? [5] : [];
    if (Math.ceil(day / 7) < 5) weeks.push(Math.ceil(day / 7));
    for (const week of weeks) rules.push({ month, week, weekday: date.getUTCDay(), time });
  }
  return rules;
}

/** The UTC second at which a rule changes the offset in `year`, coming from offset `before`, as the thermostat reads it. */
const ruleInstant = (rule: Rule, year: number, before: number): number => ruleDay(rule, year) * DAY_S + rule.time - before;

/** Years past the horizon in which a rule that agrees with Intl for two years is compared with it. */
const LATER_YEARS = 8;

/**
 * Whether Intl changes the offset where the rule says in the years after the horizon too: two years cannot tell
 * "the Friday before the last Sunday" from "the fourth Friday", a few more can. Only an order of preference, as
 * Intl may know of later changes of rules that no text of the current ones could follow.
 */
function holdsLater(rule: Rule, change: OffsetChange, offsetAt: OffsetAt, to: number): boolean {
  const firstYear = new Date(to * 1000).getUTCFullYear();
  for (let year = firstYear; year <= firstYear + LATER_YEARS; year += 1) {
    const at = ruleInstant(rule, year, change.before);
    if (at <= to) continue;
    if (offsetAt(at - 1) !== change.before || offsetAt(at) !== change.after) return false;
  }
  return true;
}

/** How many rules for each of the two changes are tried, in pairs, before giving up. */
const RULES_TRIED = 4;

/** The rules that name every one of these changes (each year's), best first. */
function commonRules(changes: OffsetChange[], offsetAt: OffsetAt, to: number): string[] {
  const [first, ...others] = changes;
  if (first === undefined) return [];
  const othersRules = others.map((change) => rulesFor(change).map(ruleText));
  const common = rulesFor(first).filter((rule) => othersRules.every((texts) => texts.includes(ruleText(rule))));
  const lasting = common.filter((rule) => holdsLater(rule, first, offsetAt, to));
  const rest = common.filter((rule) => !lasting.includes(rule));
  return [...lasting, ...rest].slice(0, RULES_TRIED).map(ruleText);
}

function reproducesIntl(text: string, readings: OffsetReading[], changes: OffsetChange[], from: number, to: number): boolean {
  if (new TextEncoder().encode(text).length > MAX_TIME_ZONE_BYTES) return false;
  const rules = parseTimeZone(text);
  if (rules === null) return false;
  let cursor = from;
  for (const change of changes) {
    if (nextOffsetChange(rules, cursor) !== change.at) return false;
    if (utcOffsetSeconds(rules, change.at - 1) !== change.before || utcOffsetSeconds(rules, change.at) !== change.after) return false;
    cursor = change.at;
  }
  const after = nextOffsetChange(rules, cursor);
  if (after !== null && after <= to) return false;
  return readings.every(({ at, offset }) => utcOffsetSeconds(rules, at) === offset);
}

/** Texts derived, by zone and UTC day, oldest first. */
const derived = new Map<string, string | null>();
/** More than the zones a person looks at in a day: the editor's select offers every zone, derived one at a time. */
const MAX_DERIVED = 64;

/**
 * The POSIX TZ text ("Time zones") of an IANA zone's current rules, read from Intl alone, or null when no text of
 * that form reproduces Intl's offsets over the next two years (an unknown zone, a zone whose rules change in that
 * time, or rules POSIX cannot say, such as fixed dates): the person then picks another zone.
 */
export function posixTimeZoneFor(ianaZone: string, now: Date): string | null {
  // Deriving probes Intl about a thousand times: once a zone a UTC day is enough, as the text is checked two
  // years ahead.
  const key = `${ianaZone} ${Math.floor(now.getTime() / 1000 / DAY_S)}`;
  const known = derived.get(key);
  if (known !== undefined) return known;
  const text = deriveFromIntl(ianaZone, now);
  const oldest = derived.keys().next();
  if (derived.size >= MAX_DERIVED && oldest.done !== true) derived.delete(oldest.value);
  derived.set(key, text);
  return text;
}

function deriveFromIntl(ianaZone: string, now: Date): string | null {
  const offsetAt = intlOffsetReader(ianaZone);
  if (offsetAt === null) return null;
  const from = Math.floor(now.getTime() / 1000);
  const to = from + HORIZON_S;
  const { changes, readings } = findChanges(offsetAt, from, to);
  const offsets = [...new Set([offsetAt(from), ...changes.map((change) => change.after)])].sort((a, b) => a - b);

  const candidates: string[] = [];
  if (offsets.length === 1) {
    const only = offsets[0] as number;
    candidates.push(`${zoneName(ianaZone, from, only)}${posixOffset(only)}`);
  } else if (offsets.length === 2) {
    // The lower offset is called standard time, so a negative DST (Ireland) comes out as an ordinary one with the
    // same offsets: any text that reproduces them will do.
    const [standard, daylight] = offsets as [number, number];
    const toDaylight = changes.filter((change) => change.after === daylight);
    const toStandard = changes.filter((change) => change.after === standard);
    if (toDaylight.length === 0 || toStandard.length === 0) return null;
    const head =
      `${zoneName(ianaZone, (toStandard[0] as OffsetChange).at, standard)}${posixOffset(standard)}` +
      `${zoneName(ianaZone, (toDaylight[0] as OffsetChange).at, daylight)}${daylight === standard + HOUR_S ? '' : posixOffset(daylight)}`;
    const ends = commonRules(toStandard, offsetAt, to);
    for (const start of commonRules(toDaylight, offsetAt, to)) {
      for (const end of ends) candidates.push(`${head},${start},${end}`);
    }
  }
  return candidates.find((text) => reproducesIntl(text, readings, changes, from, to)) ?? null;
}

/** The IANA zone this device's browser runs in, or null when it does not say. */
export function deviceTimeZone(): string | null {
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return typeof zone === 'string' && zone !== '' ? zone : null;
}
