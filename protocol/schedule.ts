/**
 * The weekly schedule and the one table of which set point holds (docs/protocol.md "The weekly
 * schedule", "Which set point holds", "What comes next"). The thermostat's core does the same in C++
 * (schedule.cpp); both are held to protocol/vectors/schedule.json.
 */
import { MAX_TIME_S, parseTimeZone, scheduleTime, type TimeZoneRules } from './time-zone.ts';

export const SCHEDULE_DAYS = 7;
export const MAX_SWITCH_POINTS = 6;
/** The last minute of a day a switch point may name (23:59). */
export const LAST_SWITCH_MINUTE = 1439;
/** How far ahead STATE's `next` looks. */
export const NEXT_HORIZON_S = 8 * 86_400;

const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;

/** `[minute of the local day, °C]`: from that minute the schedule asks for that temperature. */
export type SwitchPoint = readonly [minute: number, celsius: number];
/** Seven days, Monday first, each with its switch points in strictly increasing minutes. */
export type WeekSchedule = readonly (readonly SwitchPoint[])[];

export const EMPTY_SCHEDULE: WeekSchedule = Array.from({ length: SCHEDULE_DAYS }, (): readonly SwitchPoint[] => []);

/** Where a set point the table chooses comes from: the table gives no `frost` or `none`, which are the reading's. */
export const PLAN_SOURCES = ['comfort', 'away', 'schedule', 'boost', 'manual'] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];

export interface Held {
  setpoint: number;
  source: PlanSource;
}

export interface NextChange extends Held {
  /** UTC seconds. */
  at: number;
}

/** What "Which set point holds" looks at; every time in UTC seconds. */
export interface PlanInput {
  /** The thermostat's clock, null while it is unknown. */
  clock: number | null;
  timeZone: string | null;
  schedule: WeekSchedule;
  target: number;
  awayTarget: number;
  /** The regime now: presence (in `auto`) or `mode`. */
  regime: 'home' | 'away';
  /**
   * The SET's `mode`, when known: in `auto` the regime is home from the start of an away-until's
   * pre-heat (presence reported before it no longer counts), which `nextChange` needs to look ahead.
   * Left out, the regime stays as it is.
   */
  mode?: 'auto' | 'home' | 'away';
  manual: { setpoint: number; until: number | null } | null;
  boost: { setpoint: number; until: number } | null;
  awayUntil: { until: number; preheat_minutes: number } | null;
}

/** The week's switch points as seconds from Monday 00:00, in order. */
function weekPoints(schedule: WeekSchedule): { offset: number; celsius: number }[] {
  return schedule.flatMap((day, index) => day.map(([minute, celsius]) => ({ offset: index * DAY_S + minute * 60, celsius })));
}

/** Seconds from the Monday 00:00 at or before local-scale time `local` (1970-01-05 was a Monday). */
const sinceMonday = (local: number): number => (((local - 4 * DAY_S) % WEEK_S) + WEEK_S) % WEEK_S;

/** The set point of the latest switch point at or before schedule time `local`, or null without switch points. */
function setpointAtScheduleTime(schedule: WeekSchedule, local: number): number | null {
  const points = weekPoints(schedule);
  if (points.length === 0) return null;
  const now = sinceMonday(local);
  // Before the week's first point, the last one of the week before holds (an empty day keeps the one before it).
  let held = points[points.length - 1]!.celsius;
  for (const point of points) {
    if (point.offset <= now) held = point.celsius;
  }
  return held;
}

/**
 * Whether the schedule runs ("The weekly schedule"): the clock is known, a time zone the contract allows is set
 * and the week has at least one switch point.
 */
export function scheduleRuns(clock: number | null, timeZone: string | null, schedule: WeekSchedule): boolean {
  return clock !== null && timeZone !== null && parseTimeZone(timeZone) !== null && schedule.some((day) => day.length > 0);
}

/** The schedule's set point at `utc`, or null when it has no switch point. */
export function scheduleSetpointAt(schedule: WeekSchedule, rules: TimeZoneRules, utc: number): number | null {
  return setpointAtScheduleTime(schedule, scheduleTime(rules, utc));
}

/**
 * The first UTC second after `utc` at which schedule time reaches a switch point it had not reached at
 * `utc`, or null without switch points. Schedule time never decreases, so a binary search finds it.
 */
export function nextSwitchPoint(schedule: WeekSchedule, rules: TimeZoneRules, utc: number): number | null {
  const points = weekPoints(schedule);
  if (points.length === 0) return null;
  const now = scheduleTime(rules, utc);
  const weekStart = now - sinceMonday(now);
  const after = points.map((p) => weekStart + p.offset).find((local) => local > now);
  const wanted = after ?? weekStart + WEEK_S + points[0]!.offset;
  // Schedule time stands still for as long as local time jumps back, which "Time zones" lets reach two days
  // (offsets up to ±24:59:59): the bound moves on a day at a time until schedule time has reached the point.
  let low = utc;
  let high = utc + (wanted - now) + DAY_S;
  while (scheduleTime(rules, high) < wanted) {
    low = high;
    high += DAY_S;
  }
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (scheduleTime(rules, middle) >= wanted) high = middle;
    else low = middle;
  }
  return high;
}

/** The regime at `at`: in `auto`, home once an away-until's pre-heat has started since the clock (see PlanInput.mode). */
function regimeAt(input: PlanInput, at: number): 'home' | 'away' {
  const { clock, awayUntil, mode } = input;
  if (mode !== 'auto' || awayUntil === null || clock === null) return input.regime;
  const preheatStart = awayUntil.until - awayUntil.preheat_minutes * 60;
  return clock < preheatStart && preheatStart <= at ? 'home' : input.regime;
}

/** The set point held at `input.clock`: the first row of "Which set point holds" that applies. */
export function heldSetpoint(input: PlanInput): Held {
  const { clock, boost, manual, awayUntil } = input;
  const rules = clock === null || input.timeZone === null ? null : parseTimeZone(input.timeZone);
  const scheduled = clock === null || rules === null ? null : scheduleSetpointAt(input.schedule, rules, clock);
  const home: Held = scheduled === null ? { setpoint: input.target, source: 'comfort' } : { setpoint: scheduled, source: 'schedule' };
  const lower = (): Held => (input.awayTarget < home.setpoint ? { setpoint: input.awayTarget, source: 'away' } : home);
  if (clock !== null) {
    if (boost !== null && clock < boost.until) return { setpoint: boost.setpoint, source: 'boost' };
    if (manual !== null && (manual.until === null || clock < manual.until)) return { setpoint: manual.setpoint, source: 'manual' };
    if (awayUntil !== null && clock < awayUntil.until - awayUntil.preheat_minutes * 60) return lower();
  }
  return input.regime === 'away' ? lower() : home;
}

/**
 * STATE's `next` ("What comes next"): the first moment within NEXT_HORIZON_S after the clock, among
 * the switch points and the ends of the overrides, at which the held set point or its source changes,
 * and what holds then; null when none does or the clock is unknown.
 */
export function nextChange(input: PlanInput): NextChange | null {
  const { clock } = input;
  if (clock === null) return null;
  // Never past the last time `next.at` may carry, which STATE's validator refuses.
  const horizon = Math.min(clock + NEXT_HORIZON_S, MAX_TIME_S);
  const moments: number[] = [];
  if (input.boost !== null) moments.push(input.boost.until);
  if (input.manual !== null && input.manual.until !== null) moments.push(input.manual.until);
  if (input.awayUntil !== null) moments.push(input.awayUntil.until - input.awayUntil.preheat_minutes * 60, input.awayUntil.until);
  const rules = input.timeZone === null ? null : parseTimeZone(input.timeZone);
  if (rules !== null) {
    for (let at = nextSwitchPoint(input.schedule, rules, clock); at !== null && at <= horizon; at = nextSwitchPoint(input.schedule, rules, at)) {
      moments.push(at);
    }
  }
  const now = heldSetpoint(input);
  for (const at of moments.filter((m) => m > clock && m <= horizon).sort((a, b) => a - b)) {
    const then = heldSetpoint({ ...input, clock: at, regime: regimeAt(input, at) });
    if (then.setpoint !== now.setpoint || then.source !== now.source) return { at, ...then };
  }
  return null;
}
