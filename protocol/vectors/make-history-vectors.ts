/**
 * Writes protocol/vectors/history.json (docs/protocol.md "History" and "Messages": HISTORY_get and
 * HISTORY). Run with `npx tsx protocol/vectors/make-history-vectors.ts`; a rerun writes the same file
 * byte for byte (protocol/history-vectors.test.ts checks it).
 *
 * Every expected page below is written by hand from the contract, slot by slot (the comment beside
 * each says why), never computed by a model of the log: the thermostat's tests replay the steps
 * through its real history log and compare its pages with these; the TypeScript test checks that each
 * is a HISTORY the app takes and that its length and its nulls follow from the steps.
 *
 * A scenario is `{why, steps}`, the steps in order, starting from a thermostat just powered on with
 * empty storage (no day blob), its clock unknown, the heater off and no set point held. Times are UTC
 * seconds on the thermostat's clock. Time passes only where a step says `at`; between two moments the
 * heater and the set point stay as the last step left them.
 *
 * - `{"clock": T}`: the wall clock is set to T at once (an SNTP answer or an app's SET): known from now
 *   on; when it was known, a jump (back when T is earlier, forward when later). No time passes.
 * - `{"at": T}`: the clock runs on to T (T at or after the clock; the clock is known). With any of
 *   these, what they say happens at T, after the clock has reached it:
 *   `"reading": x` a good reading of x °C is taken (at most two decimals: the core holds readings
 *   in hundredths), `"reading": null` a reading that is not good (failed or outside -20..60 °C), in no mean;
 *   `"heater": true|false` the heater is on (off) from T; `"setpoint": x|null` the set point held from
 *   T (null: none is held). At most one reading a second.
 * - `{"reboot": true}`: a power cut and a restart at once: what was in memory is lost, storage keeps
 *   what was written; afterwards the clock is unknown, the heater off, no set point held, until steps
 *   say otherwise. The time the thermostat was off is the gap to its next `clock`.
 * - `{"damage_day": T}`: the stored blob of the UTC day that starts at T gets one byte changed (its
 *   check fails). `{"unreadable_day": T}`: from now on reading that day's blob fails (an io error).
 * - `{"page": F, "expect": {...}}`: a HISTORY_get with `from` F at this moment (no time passes);
 *   `expect` holds every field of the HISTORY answering it but type, session and seq.
 *
 * What the expectations hold the log to (docs/protocol.md "History"):
 * - A slot is [600·k, 600·(k + 1)) of UTC: what happens at 600·k belongs to the slot it starts.
 * - temperature: the mean of the good readings taken in the slot, from the readings in hundredths,
 *   rounded to a whole hundredth half away from zero (-0.015 is -0.02, 20.015 is 20.02); null without one.
 * - setpoint: the set point held at the slot's end (a change at 600·(k + 1) belongs to the next slot),
 *   for the slot the clock is in the one held now; null when none is held then.
 * - heater_s: the seconds the heater was on in the slot, counted in the time that really passed (a
 *   jump of the clock takes none), rounded to the nearest 10 s, 5 up (245 is 250, 14 is 10).
 * - A slot is recorded from the moment the clock, known, is first in it, to the moment the clock
 *   leaves it (the slot's end, a jump, a reboot): a slot that ends early keeps what it had; a slot
 *   the clock lands in with nothing recorded (it was just set, it jumped forward) is recorded from
 *   the landing. Slots never recorded are null in all three: before the clock was known, skipped by a
 *   jump forward, lost with a reboot, dropped by a jump back.
 * - The clock jumping back within the slot in progress changes nothing (the slot goes on: a small SNTP
 *   correction costs nothing). Jumping back into an earlier slot drops the samples of every slot after
 *   the one it lands in, in memory and in storage (they do not come back after a reboot or when the
 *   clock comes forward again); the slot it lands in began before the new time, so it keeps its
 *   sample and takes nothing more (that sample already covers its 600 s), or, when it has none, is
 *   recorded from the landing; the next slot is recorded afresh when the clock reaches it.
 * - Storage: one blob per UTC day; the day in progress is written on every hour of UTC (the write at
 *   hh:00:00 holds every slot before hh:00) and when the day ends (also when the clock jumps out of
 *   it), so a reboot loses what was recorded since the last write. A blob damaged or unreadable counts
 *   as unrecorded; the day's next write replaces it.
 * - A page asked at clock time t: from = F rounded down to a multiple of 600; the slots from `from` up
 *   to and including the slot t is in, at most 72; none when `from` is later or the clock is unknown
 *   (then time is null). Slots of a UTC day before the 7 days before t's day are null (8 days are
 *   kept: the day in progress and the 7 before it), even while that day's blob is still in storage.
 *
 * A runner that ticks the log once a second of the clock, each tick with the state in force then and
 * the tick at a step's `at` carrying that step's changes, sees every moment these expectations depend
 * on; so does any faster tick that includes those moments and every multiple of 600 s.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Slot = readonly [temperature: number | null, setpoint: number | null, heater_s: number | null];

interface Page {
  time: number | null;
  from: number;
  interval_s: 600;
  temperature: (number | null)[];
  setpoint: (number | null)[];
  heater_s: (number | null)[];
}

type Step =
  | { clock: number }
  | { at: number; reading?: number | null; heater?: boolean; setpoint?: number | null }
  | { reboot: true }
  | { damage_day: number }
  | { unreadable_day: number }
  | { page: number; expect: Page };

interface Scenario {
  why: string;
  steps: Step[];
}

/** UTC seconds of an ISO date and time read as UTC. */
const utc = (iso: string): number => Date.parse(`${iso}Z`) / 1000;

/** The days the scenarios run on: Monday 30 November 2026 to Wednesday 9 December 2026. */
const N = '2026-11-30';
const D = '2026-12-01';
const D1 = '2026-12-02';
const D2 = '2026-12-03';
const D7 = '2026-12-08';
const D8 = '2026-12-09';

/** Never recorded: all three null. */
const U: Slot = [null, null, null];
const times = (count: number, slot: Slot): Slot[] => Array.from({ length: count }, () => slot);

const clock = (iso: string): Step => ({ clock: utc(iso) });
const at = (iso: string, change: { reading?: number | null; heater?: boolean; setpoint?: number | null } = {}): Step => ({ at: utc(iso), ...change });
const reboot: Step = { reboot: true };
const damageDay = (day: string): Step => ({ damage_day: utc(`${day}T00:00:00`) });
const unreadableDay = (day: string): Step => ({ unreadable_day: utc(`${day}T00:00:00`) });

/** A HISTORY_get from `request` while the clock reads `time` (null: unknown), answered with `from` and these slots. */
function page(request: string | number, time: string | null, from: string | number, slots: readonly Slot[]): Step {
  const seconds = (value: string | number): number => (typeof value === 'number' ? value : utc(value));
  return {
    page: seconds(request),
    expect: {
      time: time === null ? null : utc(time),
      from: seconds(from),
      interval_s: 600,
      temperature: slots.map((slot) => slot[0]),
      setpoint: slots.map((slot) => slot[1]),
      heater_s: slots.map((slot) => slot[2]),
    },
  };
}

const SCENARIOS: Scenario[] = [
  {
    why: "one slot: the mean of its good readings, the set point held at its end, the heater's seconds to the nearest 10",
    steps: [
      clock(`${D}T10:00:00`),
      at(`${D}T10:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T10:01:00`, { reading: 20.5 }),
      at(`${D}T10:02:00`, { reading: null }),
      at(`${D}T10:03:00`, { reading: 20.61 }),
      at(`${D}T10:04:05`, { heater: false }),
      at(`${D}T10:05:00`, { reading: 20.7 }),
      at(`${D}T10:07:00`, { setpoint: 21.5 }),
      at(`${D}T10:15:00`),
      // 10:00: (2050 + 2061 + 2070) / 3 = 2060.33 hundredths, the failed reading in no mean; 21.5 held
      // at its end; on 10:00:00-10:04:05, 245 s, is 250. 10:10 is in progress: nothing read, off.
      page(`${D}T10:00:00`, `${D}T10:15:00`, `${D}T10:00:00`, [[20.6, 21.5, 250], [null, 21.5, 0]]),
      // A from within a slot is that slot's start.
      page(`${D}T10:09:59`, `${D}T10:15:00`, `${D}T10:00:00`, [[20.6, 21.5, 250], [null, 21.5, 0]]),
      page(`${D}T10:10:00`, `${D}T10:15:00`, `${D}T10:10:00`, [[null, 21.5, 0]]),
    ],
  },
  {
    why: 'slot edges: what happens at a multiple of 600 s belongs to the slot it starts; a slot recorded with nothing read or held',
    steps: [
      clock(`${D}T09:55:00`),
      at(`${D}T09:55:00`, { setpoint: 20 }),
      at(`${D}T09:59:50`, { heater: true }),
      at(`${D}T09:59:59`, { reading: 19.9 }),
      at(`${D}T10:00:00`, { reading: 20.1, setpoint: 20.5 }),
      at(`${D}T10:00:10`, { heater: false }),
      at(`${D}T10:02:00`, { heater: true }),
      at(`${D}T10:02:04`, { heater: false }),
      at(`${D}T10:10:00`, { setpoint: null }),
      at(`${D}T10:12:00`),
      // 09:40: the clock was not known. 09:50, recorded from 09:55: 19.9, 20.0 held at its end (20.5
      // came at 10:00:00), on 09:59:50-10:00:00. 10:00: 20.1, 20.5, on 10 s + 4 s = 14 s, is 10.
      // 10:10: no reading, nothing held, off: recorded all the same.
      page(`${D}T09:40:00`, `${D}T10:12:00`, `${D}T09:40:00`, [U, [19.9, 20, 10], [20.1, 20.5, 10], [null, null, 0]]),
    ],
  },
  {
    why: 'means to 0.01 rounded half away from zero from readings in hundredths; a slot whose set point ends null beside its temperature',
    steps: [
      clock(`${D}T06:00:00`),
      at(`${D}T06:00:00`, { setpoint: 5 }),
      at(`${D}T06:01:00`, { reading: -0.01 }),
      at(`${D}T06:02:00`, { reading: -0.02 }),
      at(`${D}T06:10:00`, { reading: 20.01 }),
      at(`${D}T06:11:00`, { reading: 20.02 }),
      at(`${D}T06:12:00`, { reading: null, setpoint: null }),
      at(`${D}T06:20:00`, { reading: 59.99, setpoint: 21 }),
      at(`${D}T06:21:00`, { reading: 60 }),
      at(`${D}T06:30:00`, { reading: -20 }),
      at(`${D}T06:30:30`, { reading: -19.99 }),
      at(`${D}T06:35:00`),
      // -1.5 hundredths is -2; 2001.5 is 2002; 5999.5 is 6000; -1999.5 is -2000. 06:10 ends with
      // nothing held (the sensor failed at 06:12) but had good readings before.
      page(`${D}T06:00:00`, `${D}T06:35:00`, `${D}T06:00:00`, [[-0.02, 5, 0], [20.02, null, 0], [60, 21, 0], [-20, 21, 0]]),
    ],
  },
  {
    why: "the day's end: yesterday is written whole and a page spans two days; a reboot just after midnight loses only today's slots",
    steps: [
      clock(`${N}T23:40:00`),
      at(`${N}T23:40:00`, { setpoint: 21, heater: true }),
      at(`${N}T23:45:00`, { reading: 20 }),
      at(`${N}T23:55:00`, { reading: 20.2 }),
      at(`${N}T23:58:00`, { heater: false }),
      at(`${D}T00:00:00`, { reading: 20.3 }),
      at(`${D}T00:05:00`, { setpoint: 18 }),
      at(`${D}T00:15:00`),
      // 23:30: no clock yet. 23:40 on throughout; 23:50 on until 23:58, 480 s. 00:00 holds 18 at its end.
      page(`${N}T23:30:00`, `${D}T00:15:00`, `${N}T23:30:00`, [U, [20, 21, 600], [20.2, 21, 480], [20.3, 18, 0], [null, 18, 0]]),
      reboot,
      // The clock unknown: no slots, time null.
      page(`${N}T23:30:00`, null, `${N}T23:30:00`, []),
      clock(`${D}T00:16:00`),
      at(`${D}T00:16:00`, { setpoint: 18 }),
      // Yesterday was written when it ended; 00:00 was not written yet (the first write is at 01:00),
      // so it is lost; 00:10 is recorded from 00:16.
      page(`${N}T23:30:00`, `${D}T00:16:00`, `${N}T23:30:00`, [U, [20, 21, 600], [20.2, 21, 480], U, [null, 18, 0]]),
    ],
  },
  {
    why: 'written on the hour: a reboot just before the hourly write loses the hour, one just after it keeps it',
    steps: [
      clock(`${D}T10:00:00`),
      at(`${D}T10:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T10:10:00`, { reading: 20 }),
      at(`${D}T10:59:59`),
      reboot,
      clock(`${D}T11:02:00`),
      at(`${D}T11:02:00`, { setpoint: 21 }),
      at(`${D}T11:05:00`),
      // Nothing of 10:00-10:59 was written; 11:00 is recorded from 11:02, the heater off since the reboot.
      page(`${D}T10:00:00`, `${D}T11:05:00`, `${D}T10:00:00`, [...times(6, U), [null, 21, 0]]),
      at(`${D}T11:10:00`, { heater: true, reading: 20.5 }),
      at(`${D}T12:00:30`),
      reboot,
      clock(`${D}T12:01:00`),
      at(`${D}T12:01:00`, { setpoint: 21 }),
      at(`${D}T12:05:00`),
      // The write at 12:00:00 kept 11:00-11:50; 12:00 lost its first 30 s and is recorded from 12:01.
      page(`${D}T11:00:00`, `${D}T12:05:00`, `${D}T11:00:00`, [[null, 21, 0], [20.5, 21, 600], ...times(4, [null, 21, 600]), [null, 21, 0]]),
    ],
  },
  {
    why: 'the clock jumping back drops the slots after the one it lands in; that one keeps its sample and takes nothing more',
    steps: [
      clock(`${D}T10:00:00`),
      at(`${D}T10:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T10:05:00`, { reading: 20 }),
      at(`${D}T10:15:00`, { reading: 20.4 }),
      at(`${D}T10:25:00`, { reading: 20.8, heater: false }),
      at(`${D}T10:32:00`),
      clock(`${D}T10:12:30`),
      at(`${D}T10:14:00`, { reading: 19.5 }),
      at(`${D}T10:18:00`),
      // 10:10 keeps what it had (20.4, on throughout); 19.5 is in no slot.
      page(`${D}T10:00:00`, `${D}T10:18:00`, `${D}T10:00:00`, [[20, 21, 600], [20.4, 21, 600]]),
      at(`${D}T10:35:00`),
      // 10:20 is recorded afresh (not 20.8 and 300 s from before the jump); 10:30 is in progress.
      page(`${D}T10:00:00`, `${D}T10:35:00`, `${D}T10:00:00`, [[20, 21, 600], [20.4, 21, 600], [null, 21, 0], [null, 21, 0]]),
    ],
  },
  {
    why: 'the clock jumping back into a slot never recorded records it from the landing',
    steps: [
      clock(`${D}T10:20:00`),
      at(`${D}T10:20:00`, { setpoint: 21, heater: true }),
      at(`${D}T10:25:00`),
      clock(`${D}T10:05:00`),
      at(`${D}T10:08:00`, { heater: false }),
      at(`${D}T10:12:00`),
      // 10:00 was before the clock was first set: recorded from 10:05, on until 10:08.
      page(`${D}T10:00:00`, `${D}T10:12:00`, `${D}T10:00:00`, [[null, 21, 180], [null, 21, 0]]),
      at(`${D}T10:25:00`),
      // 10:20 (on 300 s before the jump) was dropped and is recorded anew from 10:20:00.
      page(`${D}T10:00:00`, `${D}T10:25:00`, `${D}T10:00:00`, [[null, 21, 180], [null, 21, 0], [null, 21, 0]]),
    ],
  },
  {
    why: 'an SNTP correction of 3 s back within the slot in progress changes nothing: the slot goes on, its heater counted in real time',
    steps: [
      clock(`${D}T10:00:00`),
      at(`${D}T10:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T10:04:00`, { reading: 20 }),
      at(`${D}T10:06:00`),
      clock(`${D}T10:05:57`),
      at(`${D}T10:07:00`, { reading: 20.2 }),
      at(`${D}T10:08:00`, { heater: false }),
      at(`${D}T10:12:00`),
      // Both readings count: 20.1. On 360 s before the correction and 123 s after it: 483, is 480.
      page(`${D}T10:00:00`, `${D}T10:12:00`, `${D}T10:00:00`, [[20.1, 21, 480], [null, 21, 0]]),
    ],
  },
  {
    why: 'an SNTP correction of 3 s back across a slot boundary: the slot before keeps its sample, the slot after starts again when the clock reaches it',
    steps: [
      clock(`${D}T10:00:00`),
      at(`${D}T10:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T10:05:00`, { reading: 20 }),
      at(`${D}T10:10:01`),
      clock(`${D}T10:09:58`),
      at(`${D}T10:09:59`, { reading: 20.4 }),
      at(`${D}T10:12:00`, { heater: false }),
      at(`${D}T10:15:00`),
      // 10:00 as it was at 10:10:00 (20.4 came after it ended); 10:10's first second is dropped and it is
      // recorded from 10:10:00 again: on until 10:12:00, 120 s.
      page(`${D}T10:00:00`, `${D}T10:15:00`, `${D}T10:00:00`, [[20, 21, 600], [null, 21, 120]]),
    ],
  },
  {
    why: 'the clock jumping forward: the slot it leaves keeps what it had, the slots it skips are unrecorded, the one it lands in is recorded from the landing',
    steps: [
      clock(`${D}T10:00:00`),
      at(`${D}T10:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T10:02:00`, { reading: 20 }),
      at(`${D}T10:05:00`),
      clock(`${D}T10:43:20`),
      at(`${D}T10:45:00`, { reading: 20.6 }),
      at(`${D}T10:47:00`, { heater: false }),
      at(`${D}T10:55:00`),
      // 10:00: on 300 s of real time; 10:40: on 10:43:20-10:47:00, 220 s; 10:50 in progress.
      page(`${D}T10:00:00`, `${D}T10:55:00`, `${D}T10:00:00`, [[20, 21, 300], U, U, U, [20.6, 21, 220], [null, 21, 0]]),
    ],
  },
  {
    why: 'the clock jumping forward over a whole day: the day it leaves is written, the day skipped is unrecorded, a page stops at 72 slots',
    steps: [
      clock(`${D}T22:00:00`),
      at(`${D}T22:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T22:01:00`, { reading: 20 }),
      at(`${D}T22:05:00`),
      clock(`${D2}T01:00:00`),
      at(`${D2}T01:05:00`),
      // 72 slots from 22:00: the rest of that day (11) and the first 60 of the day skipped.
      page(`${D}T22:00:00`, `${D2}T01:05:00`, `${D}T22:00:00`, [[20, 21, 300], ...times(71, U)]),
      // The heater stayed on through the jump: 01:00 on since 01:00:00.
      page(`${D2}T00:00:00`, `${D2}T01:05:00`, `${D2}T00:00:00`, [...times(6, U), [null, 21, 300]]),
      reboot,
      clock(`${D2}T01:06:00`),
      // The day left was written when the clock jumped out of it.
      page(`${D}T22:00:00`, `${D2}T01:06:00`, `${D}T22:00:00`, [[20, 21, 300], ...times(71, U)]),
    ],
  },
  {
    why: 'the clock back into yesterday drops its later slots and all of today, and they stay dropped when the clock comes forward again and after a reboot',
    steps: [
      clock(`${D}T23:30:00`),
      at(`${D}T23:30:00`, { setpoint: 21, heater: true }),
      at(`${D}T23:35:00`, { reading: 20 }),
      at(`${D1}T00:05:00`, { reading: 20.5 }),
      at(`${D1}T01:05:00`),
      clock(`${D}T23:45:00`),
      at(`${D}T23:45:00`, { heater: false }),
      at(`${D}T23:48:00`),
      // 23:40 keeps its sample (on throughout, from before the jump).
      page(`${D}T23:30:00`, `${D}T23:48:00`, `${D}T23:30:00`, [[20, 21, 600], [null, 21, 600]]),
      clock(`${D1}T01:10:00`),
      at(`${D1}T01:12:00`),
      // 23:50 and 00:00-01:00 were dropped (20.5 and the hour written at 01:00 included); 01:10 is
      // recorded from the landing, the heater off since 23:45.
      page(`${D}T23:30:00`, `${D1}T01:12:00`, `${D}T23:30:00`, [[20, 21, 600], [null, 21, 600], U, ...times(7, U), [null, 21, 0]]),
      reboot,
      clock(`${D1}T01:13:00`),
      at(`${D1}T01:13:00`, { setpoint: 21 }),
      page(`${D}T23:30:00`, `${D1}T01:13:00`, `${D}T23:30:00`, [[20, 21, 600], [null, 21, 600], U, ...times(7, U), [null, 21, 0]]),
    ],
  },
  {
    why: 'eight UTC days are kept: a day 7 days back is there, one 8 days back is gone at midnight, before and after its blob is replaced',
    steps: [
      clock(`${D}T12:00:00`),
      at(`${D}T12:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T12:01:00`, { reading: 20 }),
      at(`${D}T12:05:00`, { heater: false }),
      at(`${D7}T23:55:00`),
      // 1 December is 7 days before 8 December: kept.
      page(`${D}T12:00:00`, `${D7}T23:55:00`, `${D}T12:00:00`, [[20, 21, 300], ...times(71, [null, 21, 0])]),
      at(`${D8}T00:00:00`),
      // 8 days before 9 December: gone, though its blob (the same one 9 December will use) is not yet written over.
      page(`${D}T12:00:00`, `${D8}T00:00:00`, `${D}T12:00:00`, times(72, U)),
      page(`${D1}T00:00:00`, `${D8}T00:00:00`, `${D1}T00:00:00`, times(72, [null, 21, 0])),
      at(`${D8}T01:00:00`),
      page(`${D}T12:00:00`, `${D8}T01:00:00`, `${D}T12:00:00`, times(72, U)),
    ],
  },
  {
    why: "a damaged day blob counts as unrecorded and never stops the log: the day's next write replaces it",
    steps: [
      clock(`${D}T23:00:00`),
      at(`${D}T23:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T23:01:00`, { reading: 20 }),
      at(`${D}T23:06:00`, { heater: false }),
      at(`${D1}T01:05:00`),
      damageDay(D),
      // 1 December as written at its end is damaged: unrecorded. Today is as recorded.
      page(`${D}T23:00:00`, `${D1}T01:05:00`, `${D}T23:00:00`, [...times(6, U), ...times(7, [null, 21, 0])]),
      damageDay(D1),
      reboot,
      clock(`${D1}T01:10:00`),
      at(`${D1}T01:10:00`, { setpoint: 21 }),
      at(`${D1}T02:00:30`),
      // Today's blob, written at 01:00, is damaged too, and 01:00 was lost with the reboot.
      page(`${D}T23:00:00`, `${D1}T02:00:30`, `${D}T23:00:00`, [...times(6, U), ...times(7, U), ...times(6, [null, 21, 0])]),
      reboot,
      clock(`${D1}T02:01:00`),
      at(`${D1}T02:01:00`, { setpoint: 21 }),
      // The write at 02:00 replaced the damaged blob.
      page(`${D1}T01:00:00`, `${D1}T02:01:00`, `${D1}T01:00:00`, [U, ...times(5, [null, 21, 0]), [null, 21, 0]]),
    ],
  },
  {
    why: 'a day blob that cannot be read counts as unrecorded',
    steps: [
      clock(`${D}T23:50:00`),
      at(`${D}T23:50:00`, { setpoint: 21 }),
      at(`${D}T23:51:00`, { reading: 20 }),
      at(`${D1}T00:05:00`),
      unreadableDay(D),
      page(`${D}T23:50:00`, `${D1}T00:05:00`, `${D}T23:50:00`, [U, [null, 21, 0]]),
    ],
  },
  {
    why: 'a page reaching into the future stops at the slot the clock is in; one from later has no slots; at most 72 slots',
    steps: [
      clock(`${D}T10:00:00`),
      at(`${D}T10:00:00`, { setpoint: 21, heater: true }),
      at(`${D}T10:25:00`),
      page(`${D}T10:00:00`, `${D}T10:25:00`, `${D}T10:00:00`, [[null, 21, 600], [null, 21, 600], [null, 21, 300]]),
      page(`${D}T10:20:00`, `${D}T10:25:00`, `${D}T10:20:00`, [[null, 21, 300]]),
      page(`${D}T10:29:59`, `${D}T10:25:00`, `${D}T10:20:00`, [[null, 21, 300]]),
      page(`${D}T10:30:00`, `${D}T10:25:00`, `${D}T10:30:00`, []),
      page(`${D1}T00:00:00`, `${D}T10:25:00`, `${D1}T00:00:00`, []),
      // From midnight: the 60 slots before the clock was set, then the 3 since.
      page(`${D}T00:00:00`, `${D}T10:25:00`, `${D}T00:00:00`, [...times(60, U), [null, 21, 600], [null, 21, 600], [null, 21, 300]]),
      // From yesterday 22:00: 72 slots end at 09:50, before the first recorded one.
      page(`${N}T22:00:00`, `${D}T10:25:00`, `${N}T22:00:00`, times(72, U)),
      page(`${N}T12:00:00`, `${D}T10:25:00`, `${N}T12:00:00`, times(72, U)),
      // The lowest from a HISTORY_get may carry, years before anything kept.
      page(1_704_067_200, `${D}T10:25:00`, 1_704_067_200, times(72, U)),
    ],
  },
  {
    why: 'the clock unknown: no slots and time null; once it is set the slot it is in is recorded, with nothing held and the heater off',
    steps: [
      page(`${D}T10:00:00`, null, `${D}T10:00:00`, []),
      page(`${D}T10:05:00`, null, `${D}T10:00:00`, []),
      clock(`${D}T10:05:00`),
      page(`${D}T10:00:00`, `${D}T10:05:00`, `${D}T10:00:00`, [[null, null, 0]]),
    ],
  },
];

const about =
  'History vectors (docs/protocol.md "History", and HISTORY_get and HISTORY in "Messages"), read by ' +
  "protocol/history-vectors.test.ts and the thermostat's tests, which replay each scenario's steps through its " +
  'history log and compare every page. Times are UTC seconds. Each scenario starts from a thermostat just powered on: ' +
  'empty storage, clock unknown, heater off, no set point held. Steps: {clock: T} sets the wall clock at once (a jump ' +
  'when it was known; no time passes); {at: T} lets the clock run on to T (heater and set point as last set) and then ' +
  'applies, at T, any of reading (a good reading in °C, or null for one that is not good), heater (on or off from T) and ' +
  'setpoint (held from T, null for none); {reboot: true}: memory lost, storage kept, then clock unknown, heater off, no ' +
  'set point; {damage_day: T}: one byte of the stored blob of the UTC day starting at T changed; {unreadable_day: T}: ' +
  'reading that blob fails from now on; {page: F, expect}: a HISTORY_get from F now, answered by a HISTORY with the ' +
  'fields of expect. Expectations: temperature the mean of the slot\'s good readings in hundredths rounded half away ' +
  'from zero; setpoint the one held at the slot\'s end (now, for the slot in progress); heater_s the real seconds on in ' +
  'the slot to the nearest 10, 5 up; a slot is recorded from when the known clock is first in it until it leaves it; ' +
  'a jump back within the slot in progress changes nothing, into an earlier slot drops every later slot in memory and ' +
  'storage while the slot it lands in keeps its sample and takes nothing more (without one, it is recorded from the landing); a jump forward leaves the slots skipped ' +
  'unrecorded; the day is written on every hour of UTC and when the clock leaves it; damaged or unreadable blobs are ' +
  'unrecorded; days before the 7 before the clock\'s are unrecorded. The generator\'s header says it in full. Every ' +
  'expected value is written by hand. Regenerate with: npx tsx protocol/vectors/make-history-vectors.ts';

/** One line per step, so that a diff shows which changed. */
function scenarioText(scenario: Scenario): string {
  const steps = scenario.steps.map((step) => `        ${JSON.stringify(step)}`).join(',\n');
  return `    {\n      "why": ${JSON.stringify(scenario.why)},\n      "steps": [\n${steps}\n      ]\n    }`;
}

export function makeHistoryVectors(): string {
  return `{\n  "about": ${JSON.stringify(about)},\n  "scenarios": [\n${SCENARIOS.map(scenarioText).join(',\n')}\n  ]\n}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('./history.json', import.meta.url));
  writeFileSync(target, makeHistoryVectors());
  console.log(`wrote ${target}`);
}
