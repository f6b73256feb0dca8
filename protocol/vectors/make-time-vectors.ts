/**
 * Writes protocol/vectors/time.json (docs/protocol.md "Time zones" and "The weekly schedule"). Run with
 * `npx tsx protocol/vectors/make-time-vectors.ts`; a rerun writes the same file byte for byte.
 *
 * Shape (numbers are whole seconds; UTC seconds since 1970-01-01):
 * - `texts`: `{name, text, accepted}`, and when accepted what it reads as: `std_offset` and `dst`
 *   (null, or `{offset, start, end}`, each rule `{month 1-12, week 1-5 (5 the last), weekday 0 =
 *   Sunday, time: seconds of the local day, may be negative or past 24 h}`). Offsets are seconds ADDED
 *   to UTC to get local time (CET-1 is +3600).
 * - `instants`: `{name, zone (a TZ text of texts), iana (the tz database zone with the same rules in
 *   2024-2032, or null), utc, offset, local {year, month 1-12, day, hour, minute, second, weekday 0 =
 *   Monday}, schedule_time (seconds on the local scale, see time-zone.ts scheduleTime),
 *   next_offset_change (the first UTC second after utc at which the offset changes, or null)}`.
 *
 * The instants' values come from protocol/time-zone.ts; protocol/time-vectors.test.ts checks every one
 * with an `iana` zone against the ICU of Node (Intl.DateTimeFormat), so they are not merely its echo.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAX_TIME_ZONE_BYTES, MIN_TIME_S, localParts, nextOffsetChange, parseTimeZone, scheduleTime, utcOffsetSeconds, type TimeZoneRules } from '../time-zone.ts';

interface TextCase {
  name: string;
  text: string;
  accepted: boolean;
}

/** 64 bytes exactly: the longest text a thermostat keeps. */
const LONGEST = 'AAAAAA-23:59:59BBBBBB-24:59:59,M10.5.0/-167:59:59,M2.5.6/-167:59';
/** The same with a month of two digits: one byte too many, and refused for that alone. */
const TOO_LONG = 'AAAAAA-23:59:59BBBBBB-24:59:59,M10.5.0/-167:59:59,M12.5.6/-167:59';
if (LONGEST.length !== MAX_TIME_ZONE_BYTES || TOO_LONG.length !== MAX_TIME_ZONE_BYTES + 1) throw new Error('the longest texts are miscounted');

const TEXTS: TextCase[] = [
  { name: 'UTC', text: 'UTC0', accepted: true },
  { name: 'central Europe', text: 'CET-1CEST,M3.5.0,M10.5.0/3', accepted: true },
  { name: 'Britain', text: 'GMT0BST,M3.5.0/1,M10.5.0', accepted: true },
  { name: 'US Eastern', text: 'EST5EDT,M3.2.0,M11.1.0', accepted: true },
  { name: 'Sydney, a southern zone', text: 'AEST-10AEDT,M10.1.0,M4.1.0/3', accepted: true },
  { name: 'India, a half hour, the name in brackets', text: '<+0530>-5:30', accepted: true },
  { name: 'India as the tz database names it', text: 'IST-5:30', accepted: true },
  { name: 'Ireland: its DST is an hour behind its standard time', text: 'IST-1GMT0,M10.5.0,M3.5.0/1', accepted: true },
  { name: 'Sao Paulo, west of UTC, no DST', text: '<-03>3', accepted: true },
  { name: 'Chatham: quarter hours, rule times with minutes', text: '<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45', accepted: true },
  { name: 'New Zealand', text: 'NZST-12NZDT,M9.5.0,M4.1.0/3', accepted: true },
  { name: "Lord Howe: a DST of half an hour, given", text: '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0', accepted: true },
  { name: 'Newfoundland: a half-hour offset west of UTC', text: 'NST3:30NDT,M3.2.0,M11.1.0', accepted: true },
  { name: 'Chile: changes at 24:00 of a Saturday', text: '<-04>4<-03>,M9.1.6/24,M4.1.6/24', accepted: true },
  { name: 'Greenland: a change at -1:00 and one at 0:00', text: '<-02>2<-01>,M3.5.0/-1,M10.5.0/0', accepted: true },
  { name: 'Kiritimati, 14 hours ahead', text: '<+14>-14', accepted: true },
  { name: 'Etc/GMT+12, 12 hours behind', text: '<-12>12', accepted: true },
  { name: 'Moscow', text: 'MSK-3', accepted: true },
  { name: 'Arizona', text: 'MST7', accepted: true },
  { name: 'an explicit plus sign', text: 'EST+5EDT,M3.2.0/+2,M11.1.0/+2:00:00', accepted: true },
  { name: 'a DST offset given explicitly', text: 'AAA3BBB1,M1.1.0,M12.5.6', accepted: true },
  { name: 'minutes and seconds of one digit', text: 'ABC-1:2:3', accepted: true },
  { name: 'hours of two digits with a leading zero', text: 'ABC-01', accepted: true },
  { name: 'offset hours 24, the most', text: 'ABC24', accepted: true },
  { name: 'offset -24:59:59', text: 'ABC-24:59:59', accepted: true },
  { name: 'names of 6 letters, lower case', text: 'abcdef0ghijkl,M3.5.0,M10.5.0', accepted: true },
  { name: 'bracketed names of 3 and 6 characters', text: '<A+1>0<-abc12>,M3.5.0,M10.5.0', accepted: true },
  { name: 'rule times 167 h and -167 h, the extremes', text: 'AAA0BBB,M3.5.0/167,M10.5.0/-167', accepted: true },
  { name: 'rule times with seconds', text: 'AAA0BBB,M3.5.0/1:02:03,M10.5.0/-0:30', accepted: true },
  { name: 'month with a leading zero, month 12, week 5, day 6', text: 'AAA0BBB,M03.5.6,M12.5.6', accepted: true },
  { name: 'UTC-0', text: 'UTC-0', accepted: true },
  { name: 'the longest, 64 bytes', text: LONGEST, accepted: true },

  { name: 'empty', text: '', accepted: false },
  { name: 'a name without an offset', text: 'CET', accepted: false },
  { name: 'a DST name without rules', text: 'CET-1CEST', accepted: false },
  { name: 'a DST name and offset without rules', text: 'CET-1CEST-2', accepted: false },
  { name: 'one rule only', text: 'CET-1CEST,M3.5.0', accepted: false },
  { name: 'a trailing comma', text: 'CET-1CEST,M3.5.0,M10.5.0/3,', accepted: false },
  { name: 'Julian day rules (Jn)', text: 'CET-1CEST,J87,J300', accepted: false },
  { name: 'zero-based day rules (n)', text: 'CET-1CEST,86,299', accepted: false },
  { name: 'a trailing space', text: 'CET-1CEST,M3.5.0,M10.5.0/3 ', accepted: false },
  { name: 'a trailing newline', text: 'UTC0\n', accepted: false },
  { name: 'a leading space', text: ' UTC0', accepted: false },
  { name: 'text after the rules', text: 'CET-1CEST,M3.5.0,M10.5.0/3x', accepted: false },
  { name: 'a name of 2 letters', text: 'CE-1', accepted: false },
  { name: 'a name of 7 letters', text: 'CENTRAL-1', accepted: false },
  { name: 'a digit in a plain name', text: 'C3T-1', accepted: false },
  { name: 'a bracketed name of 2 characters', text: '<+5>-5', accepted: false },
  { name: 'a bracketed name of 7 characters', text: '<+053000>-5', accepted: false },
  { name: 'a bracketed name with a space', text: '<+05 30>-5:30', accepted: false },
  { name: 'an unclosed bracket', text: '<+0530-5:30', accepted: false },
  { name: 'offset hours 25', text: 'ABC25', accepted: false },
  { name: 'offset hours of three digits', text: 'ABC-001', accepted: false },
  { name: 'offset minutes 60', text: 'ABC-1:60', accepted: false },
  { name: 'offset seconds 60', text: 'ABC-1:00:60', accepted: false },
  { name: 'offset minutes of three digits', text: 'ABC-1:000', accepted: false },
  { name: 'a sign without digits', text: 'ABC-', accepted: false },
  { name: 'a colon without minutes', text: 'ABC-1:', accepted: false },
  { name: 'two signs', text: 'ABC+-1', accepted: false },
  { name: 'month 13', text: 'AAA0BBB,M13.1.0,M1.1.0', accepted: false },
  { name: 'month 0', text: 'AAA0BBB,M0.1.0,M10.5.0', accepted: false },
  { name: 'week 0', text: 'AAA0BBB,M3.0.0,M10.5.0', accepted: false },
  { name: 'week 6', text: 'AAA0BBB,M3.6.0,M10.5.0', accepted: false },
  { name: 'day 7', text: 'AAA0BBB,M3.5.7,M10.5.0', accepted: false },
  { name: 'a rule time of 168 h', text: 'AAA0BBB,M3.5.0/168,M10.5.0', accepted: false },
  { name: 'a rule time of -168 h', text: 'AAA0BBB,M3.5.0,M10.5.0/-168', accepted: false },
  { name: 'a rule time with minutes 60', text: 'AAA0BBB,M3.5.0/2:60,M10.5.0', accepted: false },
  { name: 'a rule slash without a time', text: 'AAA0BBB,M3.5.0/,M10.5.0', accepted: false },
  { name: 'a rule without its day', text: 'AAA0BBB,M3.5,M10.5.0', accepted: false },
  { name: 'a tz database name', text: 'Europe/Berlin', accepted: false },
  { name: 'a colon form', text: ':Europe/Berlin', accepted: false },
  { name: 'a letter outside A-Z', text: 'CÉT-1', accepted: false },
  { name: 'a bracketed name outside its characters', text: '<ÄÄÄ>-1', accepted: false },
  { name: '65 bytes, one too many', text: TOO_LONG, accepted: false },
];

/** The tz database zone whose rules the TZ text is, for ICU to check the instants against. */
const ZONES: { text: string; iana: string }[] = [
  { text: 'UTC0', iana: 'UTC' },
  { text: 'CET-1CEST,M3.5.0,M10.5.0/3', iana: 'Europe/Berlin' },
  { text: 'GMT0BST,M3.5.0/1,M10.5.0', iana: 'Europe/London' },
  { text: 'EST5EDT,M3.2.0,M11.1.0', iana: 'America/New_York' },
  { text: 'AEST-10AEDT,M10.1.0,M4.1.0/3', iana: 'Australia/Sydney' },
  { text: 'IST-1GMT0,M10.5.0,M3.5.0/1', iana: 'Europe/Dublin' },
  { text: '<+0530>-5:30', iana: 'Asia/Kolkata' },
  { text: '<-03>3', iana: 'America/Sao_Paulo' },
  { text: '<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45', iana: 'Pacific/Chatham' },
  { text: 'NZST-12NZDT,M9.5.0,M4.1.0/3', iana: 'Pacific/Auckland' },
  { text: '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0', iana: 'Australia/Lord_Howe' },
  { text: 'NST3:30NDT,M3.2.0,M11.1.0', iana: 'America/St_Johns' },
  { text: '<-04>4<-03>,M9.1.6/24,M4.1.6/24', iana: 'America/Santiago' },
  { text: '<-02>2<-01>,M3.5.0/-1,M10.5.0/0', iana: 'America/Nuuk' },
  { text: '<+14>-14', iana: 'Pacific/Kiritimati' },
  { text: '<-12>12', iana: 'Etc/GMT+12' },
];

const FIRST_YEAR_UTC = Date.UTC(2026, 0, 1) / 1000;
const LAST_YEAR_END_UTC = Date.UTC(2031, 0, 1) / 1000;

const iso = (utc: number): string => new Date(utc * 1000).toISOString().replace('.000', '');

interface Instant {
  name: string;
  zone: string;
  iana: string | null;
  utc: number;
  offset: number;
  local: ReturnType<typeof localParts>;
  schedule_time: number;
  next_offset_change: number | null;
}

function instant(rules: TimeZoneRules, zone: string, iana: string | null, utc: number, what: string): Instant {
  return {
    name: `${iana ?? zone}: ${what}`,
    zone,
    iana,
    utc,
    offset: utcOffsetSeconds(rules, utc),
    local: localParts(rules, utc),
    schedule_time: scheduleTime(rules, utc),
    next_offset_change: nextOffsetChange(rules, utc),
  };
}

function instantsOf(zone: string, iana: string): Instant[] {
  const rules = parseTimeZone(zone);
  if (rules === null) throw new Error(`${zone} is refused`);
  const out: Instant[] = [instant(rules, zone, iana, MIN_TIME_S, 'the earliest time a SET may carry')];
  for (let year = 2026; year <= 2030; year += 1) {
    for (const [month, day] of [
      [1, 1],
      [7, 1],
      [12, 31],
    ] as const) {
      const utc = Date.UTC(year, month - 1, day, 12, 34, 56) / 1000;
      out.push(instant(rules, zone, iana, utc, `an ordinary moment, ${iso(utc)}`));
    }
  }
  for (let change = nextOffsetChange(rules, FIRST_YEAR_UTC - 1); change !== null && change < LAST_YEAR_END_UTC; change = nextOffsetChange(rules, change)) {
    const back = utcOffsetSeconds(rules, change - 1) - utcOffsetSeconds(rules, change);
    const kind = back > 0 ? `back by ${back} s` : `forward by ${-back} s`;
    out.push(instant(rules, zone, iana, change - 1, `1 s before the change ${kind} at ${iso(change)}`));
    out.push(instant(rules, zone, iana, change, `the change ${kind} at ${iso(change)}`));
    out.push(instant(rules, zone, iana, change + 1, `1 s after the change ${kind} at ${iso(change)}`));
    if (back > 0) {
      out.push(instant(rules, zone, iana, change + back / 2, `halfway through the repeat after ${iso(change)}`));
      out.push(instant(rules, zone, iana, change + back - 1, `the last second of the repeat after ${iso(change)}`));
      out.push(instant(rules, zone, iana, change + back, `the end of the repeat after ${iso(change)}`));
    }
  }
  return out;
}

function textCase({ name, text, accepted }: TextCase): Record<string, unknown> {
  const rules = parseTimeZone(text);
  if ((rules !== null) !== accepted) throw new Error(`${name}: time-zone.ts ${rules === null ? 'refuses' : 'accepts'} ${JSON.stringify(text)}`);
  return rules === null ? { name, text, accepted } : { name, text, accepted, std_offset: rules.stdOffset, dst: rules.dst };
}

const about =
  'Time zone vectors (docs/protocol.md "Time zones", "The weekly schedule"), read by protocol/time-vectors.test.ts and the ' +
  "thermostat's tests. Times are whole seconds, UTC seconds since 1970-01-01. texts: a TZ text, whether it is accepted (a " +
  'refused one is out_of_range in a SET) and, when accepted, what it reads as: std_offset and dst (null, or {offset, start, ' +
  'end}, each rule {month 1-12, week 1-5 with 5 the last, weekday 0 = Sunday, time: seconds of the local day in the local ' +
  'time in force just before the change, may be negative or past 24 h}); offsets are seconds ADDED to UTC to get local time ' +
  '(CET-1 is +3600). instants: for zone (a TZ text) at utc: offset; local {year, month 1-12, day, hour, minute, second, ' +
  'weekday 0 = Monday}; schedule_time, seconds on the local scale (utc + offset, except that for the d seconds after local ' +
  'time jumps back by d at T it stands still at T - 1 + the offset before T: the running maximum of utc + offset); ' +
  'next_offset_change, the first UTC second after utc at which the offset changes, or null. iana names the tz database zone ' +
  "with the same rules, against whose ICU data the offsets, local parts, schedule times and changes are checked. Regenerate " +
  'with: npx tsx protocol/vectors/make-time-vectors.ts';

const vectors = {
  about,
  texts: TEXTS.map(textCase),
  instants: ZONES.flatMap(({ text, iana }) => instantsOf(text, iana)),
};

/** One line per case, so that a diff shows which changed. */
const lines = (items: readonly unknown[]): string => items.map((item) => `    ${JSON.stringify(item)}`).join(',\n');
const text = `{\n  "about": ${JSON.stringify(vectors.about)},\n  "texts": [\n${lines(vectors.texts)}\n  ],\n  "instants": [\n${lines(vectors.instants)}\n  ]\n}\n`;
writeFileSync(fileURLToPath(new URL('./time.json', import.meta.url)), text);
