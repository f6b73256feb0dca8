// Issue 11, "Done when": a week of schedule runs in the simulator with the expected set point at every
// switch point. The real simulated thermostat gets a time zone and a weekly schedule in a SET from a Node
// app (through the real broker), then its clock is moved, as SNTP would move it, to one minute before and
// one minute after every switch point of a week that ends with the autumn change of offset, across the
// week's wrap, and over the spring gap. At each moment its `state` (set point, source, `next`) must be what
// the contract's TypeScript (protocol/schedule.ts) computes from the schedule, independently of the C++.
// It prints the table it checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../broker/integration/helpers.ts';
import type { RunningBroker } from '../../broker/server.ts';
import { SimulatedThermostat, type SimulatorState } from '../../scripts/system/thermostat.ts';
import {
  heldSetpoint,
  localParts,
  nextChange,
  parseTimeZone,
  scheduleSetpointAt,
  type PlanInput,
  type StateMessage,
  type TimeZoneRules,
  type WeekSchedule,
} from '../../protocol/index.ts';
import { PairedApp } from './paired-app.ts';

const TIME_ZONE = 'CET-1CEST,M3.5.0,M10.5.0/3';
const TARGET = 20;
const AWAY_TARGET = 16;
const SCHEDULE: WeekSchedule = [
  [[390, 21], [510, 17], [1020, 21], [1350, 17]], // Monday
  [[390, 21], [510, 17], [1020, 21], [1350, 17]], // Tuesday
  [[360, 20.5], [1320, 16.5]], // Wednesday
  [], // Thursday: Wednesday's last switch point holds all day
  [[390, 21], [510, 17], [960, 21.5], [1410, 17]], // Friday
  [[480, 21], [1380, 17]], // Saturday
  [[150, 19], [600, 21.5], [1320, 16]], // Sunday: 02:30 is in autumn's repeated hour and spring's gap
];
/** The week of the autumn change: Sunday 2026-10-25, 03:00 CEST becomes 02:00 CET (01:00 UTC). */
const WEEK_DATES = ['2026-10-19', '2026-10-20', '2026-10-21', '2026-10-22', '2026-10-23', '2026-10-24', '2026-10-25'];
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/**
 * Real time: nothing here needs time to pass (each `time` command moves the clock and ticks the thermostat), so a
 * state read within the minute after the moment set, a minute from its switch point, is on the same side of it
 * even when a busy machine stalls the test for most of that minute.
 */
const SPEED = 1;
const READ_SLACK_S = 60;

function zoneRules(): TimeZoneRules {
  const rules = parseTimeZone(TIME_ZONE);
  if (rules === null) throw new Error(`${TIME_ZONE} is not a time zone the contract allows`);
  return rules;
}
const RULES = zoneRules();

const twoDigits = (value: number): string => String(value).padStart(2, '0');
const clockText = (minute: number): string => `${twoDigits(Math.floor(minute / 60))}:${twoDigits(minute % 60)}`;

/** One moment the test moves the clock to: a `time` argument, and what the switch point it is about says. */
interface Moment {
  /** The argument of the simulator's `time` command (local time, or UTC with Z). */
  time: string;
  /** What the table says about it. */
  note: string;
  /** The schedule's set point the contract says holds then, written down from SCHEDULE by hand. */
  scheduled: number;
}

/** One minute before and one after each switch point of the week, in order; `previous` is what held before. */
function weekMoments(): Moment[] {
  const moments: Moment[] = [];
  let previous = 16; // Sunday's last switch point, from the week before
  SCHEDULE.forEach((day, index) => {
    const date = WEEK_DATES[index] as string;
    if (day.length === 0) moments.push({ time: `${date}T12:00`, note: 'empty day: the day before holds', scheduled: previous });
    for (const [minute, celsius] of day) {
      const at = clockText(minute);
      moments.push({ time: `${date}T${clockText(minute - 1)}`, note: `before ${at}`, scheduled: previous });
      moments.push({ time: `${date}T${clockText(minute + 1)}`, note: `after ${at}`, scheduled: celsius });
      previous = celsius;
      if (index === 6 && minute === 150) {
        // 02:29 and 02:31 above were the first pass (CEST); the second pass (CET, 01:00 to 02:00 UTC) changes nothing.
        moments.push({ time: '2026-10-25T01:29Z', note: '02:29 again (CET): no switch', scheduled: celsius });
        moments.push({ time: '2026-10-25T01:31Z', note: '02:31 again (CET): no switch', scheduled: celsius });
      }
    }
  });
  moments.push({ time: '2026-10-26T06:29', note: "week's wrap: Sunday's last holds", scheduled: 16 });
  moments.push({ time: '2026-10-26T06:31', note: 'after 06:30', scheduled: 21 });
  return moments;
}

/** What the thermostat holds and what comes next, as the contract computes it or the thermostat says it. */
interface HeldAndNext {
  setpoint: number | null;
  source: string;
  next: { at: number; setpoint: number; source: string } | null;
}

/** A row of the printed table. */
interface Row {
  day: string;
  local: string;
  utc: string;
  note: string;
  expected: string;
  got: string;
}

const describeHeld = (setpoint: number | null, source: string, next: StateMessage['next']): string =>
  `${setpoint === null ? '-' : setpoint.toFixed(1)} ${source}, next ${next === null ? 'none' : `${new Date(next.at * 1000).toISOString().slice(5, 16)}Z ${next.setpoint.toFixed(1)} ${next.source}`}`;

function printTable(rows: readonly Row[]): void {
  const header: Row = { day: 'day', local: 'local', utc: 'UTC', note: 'moment', expected: 'expected', got: 'got' };
  const all = [header, ...rows];
  const width = (key: keyof Row): number => Math.max(...all.map((row) => row[key].length));
  const keys: (keyof Row)[] = ['day', 'local', 'utc', 'note', 'expected', 'got'];
  const lines = all.map((row) => keys.map((key) => row[key].padEnd(width(key))).join(' | '));
  console.log(`A week of schedule in the simulator (${TIME_ZONE}), ${rows.length} moments checked:\n${lines.join('\n')}`);
}

describe('a week of schedule in the simulated thermostat', () => {
  let broker: RunningBroker;
  let stateDir: string;
  let thermostat: SimulatedThermostat;
  let app: PairedApp;
  const rows: Row[] = [];

  beforeAll(async () => {
    broker = await startTestBroker({});
    stateDir = mkdtempSync(join(tmpdir(), 'hearth-schedule-week-'));
    // The first start may compile the simulator; start waits for the PAIR line.
    thermostat = await SimulatedThermostat.start({
      brokerWsUrl: broker.wsUrl,
      appUrl: 'http://localhost:8080/',
      stateDir,
      speed: SPEED,
      name: 'schedule-week',
      startTime: '2026-10-18T12:00Z',
    });
    await thermostat.waitForOnline(0, 30_000);
    app = await PairedApp.pair(broker, thermostat, 'Week test');
  }, 190_000);

  afterAll(async () => {
    if (rows.length > 0) printTable(rows);
    await app?.close();
    await thermostat?.stop();
    await broker?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  /** Moves the clock, reads the state, and checks it against the contract's own computation. */
  async function check(moment: Moment): Promise<void> {
    const set = await thermostat.setTime(moment.time);
    const state: SimulatorState = await thermostat.state();
    const clock = state.time;
    expect(state.clock, `${moment.time}: the clock came from the simulator's SNTP`).toBe('sntp');
    if (clock === null) throw new Error(`${moment.time}: the thermostat has no clock`);
    // Still within the minute after the moment set, so on the same side of the switch point.
    expect(clock - set, `${moment.time}: read ${clock - set} s after it was set`).toBeGreaterThanOrEqual(0);
    expect(clock - set).toBeLessThan(READ_SLACK_S);

    const input: PlanInput = {
      clock,
      timeZone: TIME_ZONE,
      schedule: SCHEDULE,
      target: TARGET,
      awayTarget: AWAY_TARGET,
      regime: 'home',
      mode: 'home',
      manual: null,
      boost: null,
      awayUntil: null,
    };
    const held = heldSetpoint(input);
    const next = nextChange(input);
    const parts = localParts(RULES, clock);
    rows.push({
      day: `${DAY_NAMES[parts.weekday] ?? '?'} ${parts.year}-${twoDigits(parts.month)}-${twoDigits(parts.day)}`,
      local: `${twoDigits(parts.hour)}:${twoDigits(parts.minute)}:${twoDigits(parts.second)}`,
      utc: `${new Date(clock * 1000).toISOString().slice(11, 19)}Z`,
      note: moment.note,
      expected: describeHeld(held.setpoint, held.source, next),
      got: describeHeld(state.setpoint, state.setpoint_source, state.next),
    });
    // The contract's TypeScript agrees with the schedule as written down by hand…
    expect(scheduleSetpointAt(SCHEDULE, RULES, clock), `${moment.time} (${moment.note})`).toBe(moment.scheduled);
    expect(held).toEqual({ setpoint: moment.scheduled, source: 'schedule' });
    // …and the thermostat with both.
    const expected: HeldAndNext = { setpoint: held.setpoint, source: held.source, next };
    const got: HeldAndNext = { setpoint: state.setpoint, source: state.setpoint_source, next: state.next };
    expect(got, `${moment.time} (${moment.note})`).toEqual(expected);
  }

  it('holds the scheduled set point on either side of every switch point, across the week, its wrap and both changes of offset', async () => {
    const answer = await app.request(
      'SET',
      { mode: 'home', target: TARGET, away_target: AWAY_TARGET, time_zone: TIME_ZONE, schedule: SCHEDULE },
      (m): m is StateMessage => m.type === 'STATE' && (m.time_zone === TIME_ZONE || m.error !== null),
    );
    expect(answer).toMatchObject({ error: null, time_zone: TIME_ZONE, schedule: SCHEDULE, clock: 'sntp' });
    // In real time the sensor may not have been read yet: the world moves on until it has, or nothing is held.
    await thermostat.run('10s');
    expect((await thermostat.state()).sensor_ok, 'a good reading after 10 s').toBe(true);

    for (const moment of weekMoments()) await check(moment);

    // Spring: a local time in the gap does not exist; `dst` jumps to 60 s before the change instead.
    expect(await thermostat.command('time 2027-03-28T02:30')).toMatch(/^error /);
    const beforeSpring = await thermostat.jumpToDstChange();
    expect(new Date(beforeSpring * 1000).toISOString()).toBe('2027-03-28T00:59:00.000Z');
    await check({ time: '2027-03-28T00:59Z', note: '01:59 CET, before the gap', scheduled: 17 });
    await check({ time: '2027-03-28T01:01Z', note: "03:01 CEST: the gap's 02:30 happened at the jump", scheduled: 19 });
  }, 60_000);
});
