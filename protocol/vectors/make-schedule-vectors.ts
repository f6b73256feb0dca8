/**
 * Writes protocol/vectors/schedule.json (docs/protocol.md "The weekly schedule", "Which set point
 * holds", "What comes next"). Run with `npx tsx protocol/vectors/make-schedule-vectors.ts`; a rerun
 * writes the same file byte for byte.
 *
 * Every expected value below is written by hand from the contract (the comment beside each says why),
 * never computed by protocol/schedule.ts, which protocol/schedule-vectors.test.ts then holds to them.
 * Local times are turned into UTC seconds by the offsets Berlin and Sydney have (CET = UTC+1, CEST =
 * UTC+2 from 2027-03-28 01:00Z to 2027-10-31 01:00Z; see aest/aedt), not by our time zone code.
 *
 * Shape:
 * - `values`: `{name, text, result, schedule?}`: `text` is a `schedule` value exactly as a SET carries it
 *   (JSON text); `result` what the validator and the thermostat make of a SET carrying only it
 *   (`accepted`, `bad_message` or `out_of_range`); `schedule`, set exactly when accepted, what is
 *   stored (each temperature as its tenth).
 * - `plans`: `{name, input, held, next}`: `input` is `{clock (UTC seconds or null), time_zone (TZ text
 *   or null), schedule (7 lists, Monday first, of [minute, °C]), target, away_target, regime (home or
 *   away), mode (auto, home or away), manual (null or {setpoint, until: UTC seconds or null}), boost (null
 *   or {setpoint, until}), away_until (null or {until, preheat_minutes})}`; `held` is `{setpoint,
 *   source}` as "Which set point holds" gives it at the clock, and `next` `null` or `{at, setpoint,
 *   source}` as "What comes next" gives it (the reading good and at or above 5 °C).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Point = [number, number];
type Week = Point[][];

/** UTC seconds of a wall time in Berlin, given its offset by hand. */
const at = (iso: string, offsetHours: number): number => Date.UTC(
  Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)), Number(iso.slice(11, 13)), Number(iso.slice(14, 16)), Number(iso.slice(17, 19) || '0'),
) / 1000 - offsetHours * 3600;
const cet = (iso: string): number => at(iso, 1);
const cest = (iso: string): number => at(iso, 2);
/** Sydney: AEST = UTC+10, AEDT = UTC+11 (to 2027-04-03 16:00Z and from 2027-10-02 16:00Z). */
const aest = (iso: string): number => at(iso, 10);
const aedt = (iso: string): number => at(iso, 11);
const SYDNEY = 'AEST-10AEDT,M10.1.0,M4.1.0/3';

const BERLIN = 'CET-1CEST,M3.5.0,M10.5.0/3';
const hm = (text: string): number => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

/** A working week: the same four points Monday to Friday, two at the weekend. */
const workday: Point[] = [[hm('06:30'), 21], [hm('08:30'), 17], [hm('17:00'), 21], [hm('22:30'), 17]];
const WORK_WEEK: Week = [workday, workday, workday, workday, workday, [[hm('08:00'), 21.5], [hm('23:30'), 17]], [[hm('09:00'), 20.5], [hm('22:00'), 16.5]]];
/** docs/protocol.md's example: Tuesday to Friday and Sunday empty. */
const SPARSE_WEEK: Week = [[[390, 21], [510, 17], [1020, 21], [1350, 17]], [], [], [], [], [[480, 21], [1380, 17]], []];
/** One switch point in the whole week, on Wednesday. */
const ONE_POINT: Week = [[], [], [[hm('12:00'), 19]], [], [], [], []];
/** Sunday 28 March 2027 loses 02:00-03:00: 02:30 lies in the skipped hour. */
const SPRING: Week = [[], [], [], [], [], [], [[hm('01:00'), 18], [hm('02:30'), 22], [hm('10:00'), 19]]];
/** Sunday 31 October 2027 has 02:00-03:00 twice: 02:30 and 02:45 lie in the repeated hour. */
const AUTUMN: Week = [[], [], [], [], [], [], [[hm('02:30'), 22], [hm('02:45'), 19], [hm('12:00'), 20]]];
const AUTUMN_THREE: Week = [[], [], [], [], [], [], [[hm('02:30'), 22], [hm('03:00'), 18], [hm('12:00'), 20]]];
const EMPTY: Week = [[], [], [], [], [], [], []];
/** Sundays at 02:30 and 12:00: Sydney's changes fall in the night to Sunday 4 April and Sunday 3 October 2027. */
const SYDNEY_SUNDAY: Week = [[], [], [], [], [], [], [[hm('02:30'), 22], [hm('12:00'), 20]]];

interface Input {
  clock: number | null;
  time_zone: string | null;
  schedule: Week;
  target: number;
  away_target: number;
  regime: 'home' | 'away';
  mode: 'auto' | 'home' | 'away';
  manual: { setpoint: number; until: number | null } | null;
  boost: { setpoint: number; until: number } | null;
  away_until: { until: number; preheat_minutes: number } | null;
}

type Source = 'comfort' | 'away' | 'schedule' | 'boost' | 'manual';
interface Plan {
  name: string;
  input: Input;
  held: { setpoint: number; source: Source };
  next: { at: number; setpoint: number; source: Source } | null;
}

/** Monday 30 November 2026, 07:00 CET: the working week's 06:30 point (21.0) holds, 08:30 (17.0) comes next. */
const MONDAY_7 = cet('2026-11-30T07:00');
const BASE: Input = {
  clock: MONDAY_7,
  time_zone: BERLIN,
  schedule: WORK_WEEK,
  target: 21.5,
  away_target: 17,
  regime: 'home',
  mode: 'auto',
  manual: null,
  boost: null,
  away_until: null,
};
const plan = (name: string, change: Partial<Input>, held: Plan['held'], next: Plan['next']): Plan => ({ name, input: { ...BASE, ...change }, held, next });

/** Sunday 6 December 2026, 18:00 CET: the end of the away-until used below; pre-heat of 120 minutes from 16:00 CET. */
const BACK = cet('2026-12-06T18:00');
const AWAY_UNTIL = { until: BACK, preheat_minutes: 120 };
const PREHEAT_START = cet('2026-12-06T16:00');

const PLANS: Plan[] = [
  // Row 5: the home set point, from the schedule while it runs, else target.
  plan('row 5: the schedule runs: the 06:30 point holds, 08:30 comes next', {}, { setpoint: 21, source: 'schedule' }, { at: cet('2026-11-30T08:30'), setpoint: 17, source: 'schedule' }),
  plan('row 5 without the clock: target, and no next', { clock: null }, { setpoint: 21.5, source: 'comfort' }, null),
  plan('row 5 without a time zone: the schedule does not run, target holds and nothing comes', { time_zone: null }, { setpoint: 21.5, source: 'comfort' }, null),
  plan('row 5 with an empty schedule: target holds and nothing comes', { schedule: EMPTY }, { setpoint: 21.5, source: 'comfort' }, null),
  plan('row 5 on a switch point itself: it holds from that second', { clock: cet('2026-11-30T08:30') }, { setpoint: 17, source: 'schedule' }, { at: cet('2026-11-30T17:00'), setpoint: 21, source: 'schedule' }),
  plan('row 5 one second before a switch point', { clock: cet('2026-11-30T08:29:59') }, { setpoint: 21, source: 'schedule' }, { at: cet('2026-11-30T08:30'), setpoint: 17, source: 'schedule' }),

  // Row 4: away by presence or mode: the lower of the home set point and away_target, the home one's source when lower or equal.
  plan('row 4: away, the schedule higher: away_target', { regime: 'away' }, { setpoint: 17, source: 'away' },
    // At 08:30 the schedule asks 17.0, equal to away_target: the source becomes the schedule's.
    { at: cet('2026-11-30T08:30'), setpoint: 17, source: 'schedule' }),
  plan('row 4: away, away_target lower than every switch point: nothing changes within 8 days', { regime: 'away', away_target: 16 }, { setpoint: 16, source: 'away' }, null),
  plan('row 4: mode away', { regime: 'away', mode: 'away', away_target: 16 }, { setpoint: 16, source: 'away' }, null),
  plan('row 4: away, the schedule lower than away_target: the schedule', { regime: 'away', away_target: 18, clock: cet('2026-11-30T09:00') }, { setpoint: 17, source: 'schedule' },
    // At 17:00 the schedule asks 21.0: away_target 18.0 is lower.
    { at: cet('2026-11-30T17:00'), setpoint: 18, source: 'away' }),
  plan('row 4: away, the schedule equal to away_target: the schedule', { regime: 'away', clock: cet('2026-11-30T09:00') }, { setpoint: 17, source: 'schedule' },
    { at: cet('2026-11-30T17:00'), setpoint: 17, source: 'away' }),
  plan('row 4 without the clock: the lower of target and away_target', { regime: 'away', clock: null }, { setpoint: 17, source: 'away' }, null),
  plan('row 4 without the clock, target lower than away_target: target', { regime: 'away', clock: null, away_target: 22 }, { setpoint: 21.5, source: 'comfort' }, null),
  plan('row 4 without a time zone, target equal to away_target: target', { regime: 'away', time_zone: null, away_target: 21.5 }, { setpoint: 21.5, source: 'comfort' }, null),

  // Row 3: away-until runs until its pre-heat starts.
  plan('row 3: away-until runs, the schedule higher', { away_until: AWAY_UNTIL }, { setpoint: 17, source: 'away' },
    { at: cet('2026-11-30T08:30'), setpoint: 17, source: 'schedule' }),
  plan('row 3: away-until runs, away_target lowest: the pre-heat start comes next', { away_until: AWAY_UNTIL, away_target: 16 }, { setpoint: 16, source: 'away' },
    // Every switch point before the pre-heat gives 16.0 away; from 16:00 CET on Sunday the schedule's 09:00 point (20.5) holds.
    { at: PREHEAT_START, setpoint: 20.5, source: 'schedule' }),
  plan('row 3: one second before the pre-heat starts', { away_until: AWAY_UNTIL, away_target: 16, clock: PREHEAT_START - 1 }, { setpoint: 16, source: 'away' },
    { at: PREHEAT_START, setpoint: 20.5, source: 'schedule' }),
  plan('row 3: the pre-heat has started: the home set point', { away_until: AWAY_UNTIL, away_target: 16, clock: PREHEAT_START }, { setpoint: 20.5, source: 'schedule' },
    // The end of the away-until (18:00) changes nothing; Sunday's 22:00 point does.
    { at: cet('2026-12-06T22:00'), setpoint: 16.5, source: 'schedule' }),
  plan('row 3 without pre-heat: it runs to its end', { away_until: { until: BACK, preheat_minutes: 0 }, away_target: 16, clock: BACK - 1 }, { setpoint: 16, source: 'away' },
    { at: BACK, setpoint: 20.5, source: 'schedule' }),
  plan('row 3 whose end has passed is over', { away_until: AWAY_UNTIL, away_target: 16, clock: cet('2026-12-06T19:00') }, { setpoint: 20.5, source: 'schedule' },
    { at: cet('2026-12-06T22:00'), setpoint: 16.5, source: 'schedule' }),
  plan('row 3 without the clock does not apply', { away_until: AWAY_UNTIL, away_target: 16, clock: null }, { setpoint: 21.5, source: 'comfort' }, null),
  plan('row 3: the schedule lower than away_target', { away_until: AWAY_UNTIL, away_target: 18, clock: cet('2026-11-30T09:00') }, { setpoint: 17, source: 'schedule' },
    { at: cet('2026-11-30T17:00'), setpoint: 18, source: 'away' }),
  plan('row 3: the schedule equal to away_target', { away_until: AWAY_UNTIL, clock: cet('2026-11-30T09:00') }, { setpoint: 17, source: 'schedule' },
    { at: cet('2026-11-30T17:00'), setpoint: 17, source: 'away' }),
  plan('row 3 in auto with presence away: from the pre-heat start the regime is home', { away_until: AWAY_UNTIL, away_target: 16, regime: 'away' }, { setpoint: 16, source: 'away' },
    { at: PREHEAT_START, setpoint: 20.5, source: 'schedule' }),
  plan('row 3 with mode away: the regime stays away after the pre-heat start', { away_until: AWAY_UNTIL, away_target: 16, regime: 'away', mode: 'away' }, { setpoint: 16, source: 'away' }, null),

  // Row 2: a manual hold.
  plan('row 2: a manual hold until the next switch point', { manual: { setpoint: 19, until: cet('2026-11-30T08:30') } }, { setpoint: 19, source: 'manual' },
    { at: cet('2026-11-30T08:30'), setpoint: 17, source: 'schedule' }),
  plan('row 2 whose end has passed is over', { manual: { setpoint: 19, until: cet('2026-11-30T08:30') }, clock: cet('2026-11-30T09:00') }, { setpoint: 17, source: 'schedule' },
    { at: cet('2026-11-30T17:00'), setpoint: 21, source: 'schedule' }),
  plan('row 2 at its end is over', { manual: { setpoint: 19, until: cet('2026-11-30T08:30') }, clock: cet('2026-11-30T08:30') }, { setpoint: 17, source: 'schedule' },
    { at: cet('2026-11-30T17:00'), setpoint: 21, source: 'schedule' }),
  plan('row 2 without an end while the schedule does not run', { manual: { setpoint: 19, until: null }, time_zone: null }, { setpoint: 19, source: 'manual' }, null),
  plan('row 2 without an end holds through every switch point', { manual: { setpoint: 19, until: null } }, { setpoint: 19, source: 'manual' }, null),
  plan('row 2 without the clock does not apply', { manual: { setpoint: 19, until: null }, clock: null }, { setpoint: 21.5, source: 'comfort' }, null),
  plan('row 2 beats away-until and away', { manual: { setpoint: 19, until: cet('2026-11-30T08:30') }, away_until: AWAY_UNTIL, away_target: 16, regime: 'away' }, { setpoint: 19, source: 'manual' },
    { at: cet('2026-11-30T08:30'), setpoint: 16, source: 'away' }),
  plan('row 2 equal to the schedule: the source still changes at its end', { manual: { setpoint: 17, until: cet('2026-11-30T08:30') } }, { setpoint: 17, source: 'manual' },
    { at: cet('2026-11-30T08:30'), setpoint: 17, source: 'schedule' }),

  // Row 1: a boost.
  plan('row 1: a boost, then the schedule', { boost: { setpoint: 23, until: cet('2026-11-30T08:00') } }, { setpoint: 23, source: 'boost' },
    { at: cet('2026-11-30T08:00'), setpoint: 21, source: 'schedule' }),
  plan('row 1 beats a manual hold, which follows it', { boost: { setpoint: 23, until: cet('2026-11-30T08:00') }, manual: { setpoint: 19, until: cet('2026-11-30T08:30') } },
    { setpoint: 23, source: 'boost' }, { at: cet('2026-11-30T08:00'), setpoint: 19, source: 'manual' }),
  plan('row 1 beats away', { boost: { setpoint: 23, until: cet('2026-11-30T08:00') }, regime: 'away' }, { setpoint: 23, source: 'boost' },
    { at: cet('2026-11-30T08:00'), setpoint: 17, source: 'away' }),
  plan('row 1 at its end is over', { boost: { setpoint: 23, until: MONDAY_7 } }, { setpoint: 21, source: 'schedule' },
    { at: cet('2026-11-30T08:30'), setpoint: 17, source: 'schedule' }),
  plan('row 1 one second before its end', { boost: { setpoint: 23, until: MONDAY_7 + 1 } }, { setpoint: 23, source: 'boost' },
    { at: MONDAY_7 + 1, setpoint: 21, source: 'schedule' }),
  plan('row 1 without the clock does not apply', { boost: { setpoint: 23, until: cet('2026-11-30T08:00') }, clock: null }, { setpoint: 21.5, source: 'comfort' }, null),
  plan('row 1 equal to the schedule: the source changes at its end', { boost: { setpoint: 21, until: cet('2026-11-30T08:00') } }, { setpoint: 21, source: 'boost' },
    { at: cet('2026-11-30T08:00'), setpoint: 21, source: 'schedule' }),
  plan('row 1 ending with a switch point: the switch point holds', { boost: { setpoint: 23, until: cet('2026-11-30T08:30') } }, { setpoint: 23, source: 'boost' },
    { at: cet('2026-11-30T08:30'), setpoint: 17, source: 'schedule' }),

  // Days, midnight and the week's wrap.
  plan('an empty day keeps the last switch point before it; the next is days ahead', { schedule: SPARSE_WEEK, clock: cet('2026-12-01T08:00') },
    // Tuesday is empty: Monday's 22:30 (17.0) holds; Saturday 08:00 (21.0) is the next.
    { setpoint: 17, source: 'schedule' }, { at: cet('2026-12-05T08:00'), setpoint: 21, source: 'schedule' }),
  plan('across midnight: the evening point holds after 00:00', { clock: cet('2026-12-01T00:30') }, { setpoint: 17, source: 'schedule' },
    { at: cet('2026-12-01T06:30'), setpoint: 21, source: 'schedule' }),
  plan("the week wraps: Monday before its first point keeps Sunday's last", { clock: cet('2026-11-30T03:00') }, { setpoint: 16.5, source: 'schedule' },
    { at: cet('2026-11-30T06:30'), setpoint: 21, source: 'schedule' }),
  plan("the week wraps over an empty Sunday: Saturday's last point", { schedule: SPARSE_WEEK, clock: cet('2026-11-30T03:00') }, { setpoint: 17, source: 'schedule' },
    { at: cet('2026-11-30T06:30'), setpoint: 21, source: 'schedule' }),
  plan('Sunday night to Monday morning: the next is in the new week', { schedule: SPARSE_WEEK, clock: cet('2026-12-06T23:30') }, { setpoint: 17, source: 'schedule' },
    { at: cet('2026-12-07T06:30'), setpoint: 21, source: 'schedule' }),
  plan('one switch point in the week holds all week, and nothing changes', { schedule: ONE_POINT }, { setpoint: 19, source: 'schedule' }, null),
  plan('switch points at 00:00 and 23:59', { schedule: [[[0, 18], [1439, 22]], [], [], [], [], [], []], clock: cet('2026-11-30T23:58:59') }, { setpoint: 18, source: 'schedule' },
    { at: cet('2026-11-30T23:59'), setpoint: 22, source: 'schedule' }),

  // The 8-day horizon.
  plan('a change exactly 8 days ahead is next', { schedule: ONE_POINT, away_target: 16, away_until: { until: MONDAY_7 + 8 * 86_400, preheat_minutes: 0 } }, { setpoint: 16, source: 'away' },
    { at: MONDAY_7 + 8 * 86_400, setpoint: 19, source: 'schedule' }),
  plan('a change 8 days and 1 s ahead is not', { schedule: ONE_POINT, away_target: 16, away_until: { until: MONDAY_7 + 8 * 86_400 + 1, preheat_minutes: 0 } }, { setpoint: 16, source: 'away' }, null),
  plan('a pre-heat start within 8 days of an end beyond them', { schedule: ONE_POINT, away_target: 16, away_until: { until: MONDAY_7 + 8 * 86_400 + 3600, preheat_minutes: 120 } },
    { setpoint: 16, source: 'away' }, { at: MONDAY_7 + 8 * 86_400 - 3600, setpoint: 19, source: 'schedule' }),
  // The end of SET's `time` range, 2099-12-31T23:59:59Z, a Thursday: no `at` beyond it, which STATE may not carry.
  plan('the last hour of 2099: a switch point after the last time SET allows is not next', { time_zone: 'UTC0', clock: at('2099-12-31T23:00', 0) },
    // Thursday's 22:30 (17.0) holds; Friday 2100-01-01 06:30 is past the range.
    { setpoint: 17, source: 'schedule' }, null),
  plan('the last hour of 2099: a boost ending at the last time SET allows', { time_zone: 'UTC0', clock: at('2099-12-31T23:00', 0), boost: { setpoint: 23, until: 4_102_444_799 } },
    { setpoint: 23, source: 'boost' }, { at: 4_102_444_799, setpoint: 17, source: 'schedule' }),

  // Spring: 2027-03-28 02:00 CET becomes 03:00 CEST at 01:00Z.
  plan('spring: before the night', { schedule: SPRING, clock: cet('2027-03-28T00:30') },
    // The last point before is the Sunday before's 10:00 (19.0).
    { setpoint: 19, source: 'schedule' }, { at: cet('2027-03-28T01:00'), setpoint: 18, source: 'schedule' }),
  plan('spring: a point in the skipped hour happens at the jump', { schedule: SPRING, clock: cet('2027-03-28T01:30') }, { setpoint: 18, source: 'schedule' },
    { at: cet('2027-03-28T02:00'), setpoint: 22, source: 'schedule' }),
  plan('spring: one second before the jump', { schedule: SPRING, clock: cet('2027-03-28T01:59:59') }, { setpoint: 18, source: 'schedule' },
    { at: cest('2027-03-28T03:00'), setpoint: 22, source: 'schedule' }),
  plan('spring: at the jump the skipped point holds', { schedule: SPRING, clock: cest('2027-03-28T03:00') }, { setpoint: 22, source: 'schedule' },
    { at: cest('2027-03-28T10:00'), setpoint: 19, source: 'schedule' }),

  // Autumn: 2027-10-31 03:00 CEST becomes 02:00 CET at 01:00Z; 02:00-03:00 comes twice.
  plan('autumn: before the repeated hour', { schedule: AUTUMN, clock: cest('2027-10-31T02:00') }, { setpoint: 20, source: 'schedule' },
    { at: cest('2027-10-31T02:30'), setpoint: 22, source: 'schedule' }),
  plan('autumn: the first pass of the repeated hour', { schedule: AUTUMN, clock: cest('2027-10-31T02:30') }, { setpoint: 22, source: 'schedule' },
    { at: cest('2027-10-31T02:45'), setpoint: 19, source: 'schedule' }),
  plan('autumn: at the jump back the first pass holds', { schedule: AUTUMN, clock: cet('2027-10-31T02:00') }, { setpoint: 19, source: 'schedule' },
    // 02:30 and 02:45 do not happen again: 12:00 CET is next.
    { at: cet('2027-10-31T12:00'), setpoint: 20, source: 'schedule' }),
  plan('autumn: the second pass of 02:30 happens once only', { schedule: AUTUMN, clock: cet('2027-10-31T02:30') }, { setpoint: 19, source: 'schedule' },
    { at: cet('2027-10-31T12:00'), setpoint: 20, source: 'schedule' }),
  plan('autumn: a 03:00 point comes when 03:00 is shown after the repeat', { schedule: AUTUMN_THREE, clock: cest('2027-10-31T02:30') }, { setpoint: 22, source: 'schedule' },
    // Schedule time stands at 02:59:59 through the repeat, and reaches 03:00 at 03:00 CET.
    { at: cet('2027-10-31T03:00'), setpoint: 18, source: 'schedule' }),
  plan('autumn: in the repeated hour before a 03:00 point', { schedule: AUTUMN_THREE, clock: cet('2027-10-31T02:59:59') }, { setpoint: 22, source: 'schedule' },
    { at: cet('2027-10-31T03:00'), setpoint: 18, source: 'schedule' }),

  // A southern zone: Sydney's autumn is in April (03:00 AEDT becomes 02:00 AEST), its spring in October.
  plan('southern autumn: before the first pass of 02:30', { time_zone: SYDNEY, schedule: SYDNEY_SUNDAY, clock: aedt('2027-04-04T02:29:59') }, { setpoint: 20, source: 'schedule' },
    { at: aedt('2027-04-04T02:30'), setpoint: 22, source: 'schedule' }),
  plan('southern autumn: the second pass of 02:30 happens once only', { time_zone: SYDNEY, schedule: SYDNEY_SUNDAY, clock: aest('2027-04-04T02:30') }, { setpoint: 22, source: 'schedule' },
    { at: aest('2027-04-04T12:00'), setpoint: 20, source: 'schedule' }),
  plan('southern spring: 02:30 is skipped and happens at the jump', { time_zone: SYDNEY, schedule: SYDNEY_SUNDAY, clock: aest('2027-10-03T01:30') }, { setpoint: 20, source: 'schedule' },
    { at: aedt('2027-10-03T03:00'), setpoint: 22, source: 'schedule' }),
];

interface ValueCase {
  name: string;
  text: string;
  result: 'accepted' | 'bad_message' | 'out_of_range';
  schedule?: Week;
}

const days = (...list: string[]): string => `[${list.join(',')}]`;
const SIX = '[[0,5],[240,10],[480,15],[720,20],[960,25],[1439,30]]';
const VALUES: ValueCase[] = [
  { name: 'seven empty days', text: days('[]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'accepted', schedule: EMPTY },
  { name: "the contract's example", text: JSON.stringify(SPARSE_WEEK), result: 'accepted', schedule: SPARSE_WEEK },
  { name: 'six points every day, 00:00 to 23:59, 5.0 to 30.0 °C', text: days(SIX, SIX, SIX, SIX, SIX, SIX, SIX), result: 'accepted',
    schedule: Array.from({ length: 7 }, (): Point[] => [[0, 5], [240, 10], [480, 15], [720, 20], [960, 25], [1439, 30]]) },
  { name: 'a temperature 0.04 off its tenth', text: days('[[390,20.999999],[510,17.04]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'float noise within 0.001 °C is the tenth', text: days('[[390,20.999999],[510,17.0004]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'accepted',
    schedule: [[[390, 21], [510, 17]], [], [], [], [], [], []] },
  { name: 'a minute written 390.0 and -0 are whole', text: days('[[-0,18],[390.0,21]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'accepted',
    schedule: [[[0, 18], [390, 21]], [], [], [], [], [], []] },
  { name: 'a minute with an exponent', text: days('[[3.9e2,21]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'accepted', schedule: [[[390, 21]], [], [], [], [], [], []] },

  { name: 'null', text: 'null', result: 'bad_message' },
  { name: 'an object', text: '{}', result: 'bad_message' },
  { name: 'text', text: '"[]"', result: 'bad_message' },
  { name: 'six days', text: days('[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'eight days', text: days('[]', '[]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a day that is not a list', text: days('[]', '{}', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a day of 7 switch points', text: days('[[0,5],[1,5],[2,5],[3,5],[4,5],[5,5],[6,5]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a day of 7 switch points, also out of order', text: days('[[9,5],[1,5],[2,5],[3,5],[4,5],[5,5],[6,5]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a switch point of one number', text: days('[[390]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a switch point of three numbers', text: days('[[390,21,1]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a switch point that is an object', text: days('[{"minute":390,"celsius":21}]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a minute as text', text: days('[["390",21]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a temperature as text', text: days('[[390,"21"]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a temperature null', text: days('[[390,null]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },
  { name: 'a bad shape beside a value out of range', text: days('[[1440,21]]', '[[390,true]]', '[]', '[]', '[]', '[]', '[]'), result: 'bad_message' },

  { name: 'minute 1440', text: days('[[1440,21]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'minute -1', text: days('[[-1,21]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'a fractional minute', text: days('[[390.5,21]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'minute 1e400 (infinity)', text: days('[[1e400,21]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'a temperature of 4.9', text: days('[[390,4.9]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'a temperature of 30.1', text: days('[[390,30.1]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'a temperature off the 0.1 step', text: days('[[390,21.05]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'a temperature of -0', text: days('[[390,-0]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'a temperature of 1e400 (infinity)', text: days('[[390,1e400]]', '[]', '[]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'the same minute twice', text: days('[]', '[]', '[[390,21],[390,17]]', '[]', '[]', '[]', '[]'), result: 'out_of_range' },
  { name: 'minutes in decreasing order', text: days('[]', '[]', '[]', '[]', '[]', '[]', '[[510,17],[390,21]]'), result: 'out_of_range' },
];

const about =
  'Weekly schedule vectors (docs/protocol.md "The weekly schedule", "Which set point holds", "What comes next"), read by ' +
  "protocol/schedule-vectors.test.ts, protocol/messages.test.ts and the thermostat's tests. Times are UTC seconds. values: " +
  'text is a schedule value exactly as a SET carries it (JSON text); result what both sides make of a SET carrying it ' +
  '(accepted, bad_message or out_of_range); schedule, exactly when accepted, what is stored, each temperature as its tenth. ' +
  'plans: input {clock (null while unknown), time_zone (a TZ text or null), schedule (7 lists, Monday first, of [minute, °C]), ' +
  'target, away_target, regime (home or away, by presence or mode), mode (auto, home or away: in auto the regime is home from ' +
  "an away-until's pre-heat start), manual (null or {setpoint, until: time or null}), boost (null or {setpoint, until}), " +
  'away_until (null or {until, preheat_minutes})}; held {setpoint, source} as the table gives it at the clock; next null ' +
  'or {at, setpoint, source}: the first moment within 8 days (at - clock <= 691200) among switch points and override ends ' +
  'at which the table gives another setpoint or source. Every expected value is written by hand from the contract. ' +
  'Regenerate with: npx tsx protocol/vectors/make-schedule-vectors.ts';

/** One line per case, so that a diff shows which changed. */
const lines = (items: readonly unknown[]): string => items.map((item) => `    ${JSON.stringify(item)}`).join(',\n');
const text = `{\n  "about": ${JSON.stringify(about)},\n  "values": [\n${lines(VALUES)}\n  ],\n  "plans": [\n${lines(PLANS)}\n  ]\n}\n`;
writeFileSync(fileURLToPath(new URL('./schedule.json', import.meta.url)), text);
