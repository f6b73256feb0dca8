/** Layer 7: what only the app and the thermostat read, inside the envelope. */
import { fromBase64url } from './base64url.ts';
import { isClientId, type ClientId } from './client-id.ts';
import { field, isFiniteNumber, isObject, type JsonObject } from './json.ts';
import { MAX_MEMBERS } from './member-key.ts';
import type { Result } from './result.ts';
import { fail, ok } from './result.ts';
import { LAST_SWITCH_MINUTE, MAX_SWITCH_POINTS, PLAN_SOURCES, SCHEDULE_DAYS, type PlanInput, type PlanSource, type SwitchPoint, type WeekSchedule } from './schedule.ts';
import { MAX_TIME_S, MIN_TIME_S, parseTimeZone } from './time-zone.ts';

export const MODES = ['auto', 'home', 'away'] as const;
export type Mode = (typeof MODES)[number];
export type Regime = 'home' | 'away';

/** The settings a SET may carry, in °C (docs/protocol.md "Messages"): every one in tenths of a degree. */
export const SETTING_RANGES = {
  target: { min: 5, max: 30, step: 0.1 },
  away_target: { min: 5, max: 25, step: 0.1 },
  hysteresis: { min: 0.1, max: 2, step: 0.1 },
} as const;
export type TemperatureSetting = keyof typeof SETTING_RANGES;
/**
 * How far (in tenths of a degree) a value may lie from a tenth and still count as that tenth: room
 * for binary floating-point noise (21.299999 from a 32-bit float), not for another temperature.
 */
const STEP_TOLERANCE_TENTHS = 0.01;
/** How long a boost may last, in minutes. */
export const BOOST_MINUTES = { min: 5, max: 720 } as const;
/** The longest pre-heat before an away-until ends, in minutes. */
export const MAX_PREHEAT_MINUTES = 720;
/** How far after the thermostat's clock an away-until may end. */
export const MAX_AWAY_AHEAD_S = 366 * 86_400;
/** History (docs/protocol.md "History"): one sample per 10-minute slot of UTC, 72 slots (12 hours) a page, 8 UTC days kept. */
export const HISTORY_INTERVAL_S = 600;
export const HISTORY_PAGE_SLOTS = 72;
export const HISTORY_DAYS = 8;
/** The temperatures a good reading lies in (docs/protocol.md "What the thermostat does, whatever it is told"), so a mean of them too. */
export const GOOD_READING_RANGE = { min: -20, max: 60 } as const;
/** The largest distance a HOME_set or a STATE member may carry, in metres. */
export const MAX_DISTANCE = 100_000_000;
/** A thermostat keeps OwnTracks secrets for at most this many members (docs/protocol.md "What the thermostat accepts"). */
export const MAX_OWNTRACKS_MEMBERS = 8;
/** An OwnTracks member secret as OWNTRACKS_set carries it: 24 bytes as base64url, 32 characters. */
export const OWNTRACKS_SECRET_PATTERN = /^[A-Za-z0-9_-]{32}$/;
export const isOwntracksSecret = (value: unknown): value is string => typeof value === 'string' && OWNTRACKS_SECRET_PATTERN.test(value);

/** base64url of 12 or more random bytes; the upper bound only keeps junk small. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
export const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN_PATTERN.test(value);
/**
 * A START's nonce (docs/protocol.md "Sessions and replay"): base64url of 12 to 48 bytes, 16 to 64
 * characters, strictly decoded as the thermostat decodes it (no padding, no length of 4k + 1, no
 * bits set beyond the last byte), so that both sides take exactly the same texts.
 */
export const START_NONCE_LENGTH = { min: 16, max: 64 } as const;
export const isStartNonce = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= START_NONCE_LENGTH.min && value.length <= START_NONCE_LENGTH.max && fromBase64url(value) !== null;
/** The longest member name a START may carry, in UTF-16 code units (JavaScript's `length`). */
export const MAX_MEMBER_NAME_LENGTH = 64;

/**
 * A name as a START may carry it: at most MAX_MEMBER_NAME_LENGTH code units, cut between characters
 * (never inside a surrogate pair, which JSON.stringify would write as an unpaired escape that every
 * JSON reader of the contract refuses), and a stray unpaired surrogate made U+FFFD.
 */
export function cutMemberName(text: string): string {
  let name = '';
  for (const character of text) {
    const whole = character.length === 1 && character >= '\uD800' && character <= '\uDFFF' ? '\uFFFD' : character;
    if (name.length + whole.length > MAX_MEMBER_NAME_LENGTH) break;
    name += whole;
  }
  return name;
}

export interface StartMessage {
  type: 'START';
  name: string;
  nonce: string;
}

export interface Settings {
  target: number;
  away_target: number;
  hysteresis: number;
  mode: Mode;
}

/** A manual hold as STATE shows it: `until` null while the schedule is not running (no end yet). */
export interface ManualHold {
  setpoint: number;
  until: number | null;
}

export interface Boost {
  setpoint: number;
  until: number;
}

export interface AwayUntil {
  until: number;
  preheat_minutes: number;
}

/** What a SET may change (docs/protocol.md "Messages"): the settings, the time zone, the schedule and the overrides. */
export interface SetFields extends Partial<Settings> {
  time_zone?: string | null;
  schedule?: WeekSchedule;
  manual?: number | null;
  boost?: { setpoint: number; minutes: number } | null;
  away_until?: AwayUntil | null;
}

export interface SetMessage extends SetFields {
  type: 'SET';
  session: string;
  seq: number;
  /** The app's clock, UTC seconds (docs/protocol.md "The wall clock"). */
  time?: number;
}

export interface HomeSetMessage {
  type: 'HOME_set';
  session: string;
  seq: number;
  home: boolean;
  distance: number;
}

/**
 * This member's OwnTracks secret and region (docs/protocol.md "Messages"), or `secret: null` to forget
 * them; `wtst` is there exactly when `secret` is.
 */
export interface OwntracksSetMessage {
  type: 'OWNTRACKS_set';
  session: string;
  seq: number;
  secret: string | null;
  wtst?: number;
}

/** Where a member's last report came from: a HOME_set from its app, or its OwnTracks through the broker. */
export const MEMBER_SOURCES = ['app', 'owntracks'] as const;
export type MemberSource = (typeof MEMBER_SOURCES)[number];

export interface Member {
  id: ClientId;
  name: string;
  home: boolean;
  /** Metres from home when `source` is `app`; null when it is `owntracks` (the thermostat does not know the home). */
  distance: number | null;
  age_s: number;
  source: MemberSource;
}

/**
 * Where the temperature the thermostat holds comes from (docs/protocol.md "Messages", STATE):
 * `comfort` (target, at home), `away` (away_target), `frost` (the frost limit, while frost protection
 * alone asks for heat), `none` (nothing held: no good reading, the heater is held off), `schedule`
 * (the weekly schedule's), `boost` and `manual` (the overrides); "Which set point holds" chooses.
 */
export const SETPOINT_SOURCES = ['comfort', 'away', 'frost', 'none', 'schedule', 'boost', 'manual'] as const;
export type SetpointSource = (typeof SETPOINT_SOURCES)[number];

/** Why the heater is on or off: the firmware core's HeatReason, one code each (docs/protocol.md "Messages", STATE). */
export const HEAT_REASONS = [
  'boot',
  'no_reading',
  'frost',
  'below_band',
  'above_band',
  'in_band',
  'min_on_hold',
  'min_off_hold',
  'heating_limit',
] as const;
export type HeatReason = (typeof HEAT_REASONS)[number];

/**
 * `storage`: the thermostat could not write its settings to its memory yet and keeps trying.
 * `full`: an OWNTRACKS_set for a ninth member when 8 already have a secret.
 * `no_clock`: a SET starting an override while the thermostat's clock is unknown and the SET has no `time`.
 */
export const STATE_ERRORS = ['out_of_range', 'bad_message', 'full', 'storage', 'no_clock'] as const;
export type StateError = (typeof STATE_ERRORS)[number];

/** Where the thermostat's clock came from: SNTP, or an app's SET `time` (docs/protocol.md "The wall clock"). */
export const CLOCK_SOURCES = ['sntp', 'app'] as const;
export type ClockSource = (typeof CLOCK_SOURCES)[number];

export interface StateMessage extends Settings {
  type: 'STATE';
  session: string;
  seq: number;
  nonce?: string;
  temperature: number | null;
  humidity: number | null;
  pressure: number | null;
  sensor_ok: boolean;
  regime: Regime;
  heater: boolean;
  /** The temperature held now, °C; null exactly when `setpoint_source` is `none`. */
  setpoint: number | null;
  setpoint_source: SetpointSource;
  heat_reason: HeatReason;
  members: Member[];
  /** The members that have an OwnTracks secret on this thermostat. */
  owntracks: ClientId[];
  /** The thermostat's clock, UTC seconds, and where it came from; both null while it is unknown. */
  time: number | null;
  clock: ClockSource | null;
  time_zone: string | null;
  schedule: WeekSchedule;
  manual: ManualHold | null;
  boost: Boost | null;
  away_until: AwayUntil | null;
  /** When the held set point or its source next changes, and to what ("What comes next"). */
  next: { at: number; setpoint: number; source: PlanSource } | null;
  uptime_s: number;
  error: StateError | null;
}

/** Asks for the page of history starting at the slot `from` is in (docs/protocol.md "Messages"). */
export interface HistoryGetMessage {
  type: 'HISTORY_get';
  session: string;
  seq: number;
  from: number;
}

/**
 * A page of history (docs/protocol.md "Messages" and "History"): entry `i` of each list describes the
 * slot from `from + 600·i`; null where the thermostat has nothing for it.
 */
export interface HistoryMessage {
  type: 'HISTORY';
  session: string;
  seq: number;
  /** The thermostat's clock, UTC seconds; null while it is unknown. */
  time: number | null;
  from: number;
  interval_s: typeof HISTORY_INTERVAL_S;
  /** The mean of the slot's good readings, °C. */
  temperature: (number | null)[];
  /** The set point held at the slot's end, °C. */
  setpoint: (number | null)[];
  /** The seconds the heater was on in the slot, a multiple of 10. */
  heater_s: (number | null)[];
}

/**
 * A JOIN (docs/protocol.md "Joining"): a START packet sealed under an invitation secret (or the old
 * shared key), carrying the app's one-time ECDH point as 87 characters of base64url.
 */
export interface JoinMessage {
  type: 'JOIN';
  name: string;
  nonce: string;
  public_key: string;
}

/** The thermostat's answer to a JOIN ("Joining"): the JOIN's nonce and its own one-time point. */
export interface WelcomeMessage {
  type: 'WELCOME';
  nonce: string;
  public_key: string;
}

/**
 * The ERROR codes the app reads ("Messages"): `stale_session` ("Sessions and replay"), `not_member` to
 * a removed member ("Members"), `full` answering a JOIN with its nonce ("Joining"). Any other code is
 * not a message the app takes.
 */
export const ERROR_CODES = ['stale_session', 'not_member', 'full'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An ERROR; `nonce` is there exactly when `code` is `full` (the JOIN's nonce). */
export interface ErrorMessage {
  type: 'ERROR';
  code: ErrorCode;
  nonce?: string;
}

/** What a MEMBERS_set may ask besides the list (docs/protocol.md "Members"): each field has one allowed value. */
export interface MembersSetFields {
  invite?: true;
  remove?: string;
  old_link?: false;
}

export interface MembersSetMessage extends MembersSetFields {
  type: 'MEMBERS_set';
  session: string;
  seq: number;
}

/** A member as MEMBERS lists it: `heard_s` whole seconds since it was last heard, null when not since the thermostat started. */
export interface MemberEntry {
  id: ClientId;
  name: string;
  heard_s: number | null;
}

/** MEMBERS's `error` ("Members"): `storage` means the change is in force but not stored yet. */
export const MEMBERS_ERRORS = ['bad_message', 'out_of_range', 'unknown_member', 'full', 'storage'] as const;
export type MembersError = (typeof MEMBERS_ERRORS)[number];

/** An invitation as MEMBERS carries it: the secret (43 characters of base64url) and the whole seconds it stays good. */
export interface InvitationOffer {
  secret: string;
  expires_s: number;
}

/** The thermostat's answer to a MEMBERS_set ("Members"). */
export interface MembersMessage {
  type: 'MEMBERS';
  session: string;
  seq: number;
  members: MemberEntry[];
  /** True while the old shared key is open ("The old shared key"). */
  old_link: boolean;
  /** Only in the answer to a MEMBERS_set that made an invitation. */
  invitation: InvitationOffer | null;
  error: MembersError | null;
}

export type Message =
  | StartMessage
  | SetMessage
  | HomeSetMessage
  | OwntracksSetMessage
  | HistoryGetMessage
  | JoinMessage
  | MembersSetMessage
  | StateMessage
  | HistoryMessage
  | WelcomeMessage
  | MembersMessage
  | ErrorMessage;
export type MessageError = 'bad_message' | 'out_of_range';

export class Invalid {
  constructor(
    readonly error: MessageError,
    readonly message: string,
  ) {}
}

export function need<T>(object: JsonObject, key: string, guard: (value: unknown) => value is T, what: string): T {
  const value = field(object, key);
  if (!guard(value)) throw new Invalid('bad_message', `${key} must be ${what}`);
  return value;
}

export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
export const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_MEMBER_NAME_LENGTH;
const isWhole = (value: unknown, min: number): value is number => Number.isSafeInteger(value) && (value as number) >= min;
export const isNumber = (value: unknown): value is number => typeof value === 'number';
export const isSeq = (value: unknown): value is number => isWhole(value, 1);
export const isSeconds = (value: unknown): value is number => isWhole(value, 0);
/** An OWNTRACKS_set's `wtst`, which is also the `tst` of the region in the OwnTracks configuration. */
export const isWtst = (value: unknown): value is number => isWhole(value, 1);
export const isDistance = (value: unknown): value is number => isFiniteNumber(value) && value >= 0 && value <= MAX_DISTANCE;
const isSource = (value: unknown): value is MemberSource => (MEMBER_SOURCES as readonly unknown[]).includes(value);
export const isMode = (value: unknown): value is Mode => typeof value === 'string' && (MODES as readonly string[]).includes(value);
const isRegime = (value: unknown): value is Regime => value === 'home' || value === 'away';
const isSetpointSource = (value: unknown): value is SetpointSource => (SETPOINT_SOURCES as readonly unknown[]).includes(value);
const isHeatReason = (value: unknown): value is HeatReason => (HEAT_REASONS as readonly unknown[]).includes(value);
const isStateError = (value: unknown): value is StateError | null =>
  value === null || (STATE_ERRORS as readonly unknown[]).includes(value);
/** A setting as a STATE reports it: within its range; the step binds only what a SET may ask for. */
export const isReported = (setting: TemperatureSetting) => (value: unknown): value is number =>
  isFiniteNumber(value) && value >= SETTING_RANGES[setting].min && value <= SETTING_RANGES[setting].max;

/**
 * The tenth of a degree a sent value stands for, or null when it is off the 0.1 step or out of the
 * setting's range. The firmware (thermostat.cpp, tenth_field) does the same arithmetic on the same
 * double, so both sides agree on every value.
 */
export function settingValue(setting: TemperatureSetting, value: number): number | null {
  const tenths = value * 10;
  const nearest = Math.round(tenths);
  // Also false for NaN and ±Infinity (1e400 in JSON), which are out of range like any other number.
  if (!(Math.abs(tenths - nearest) <= STEP_TOLERANCE_TENTHS)) return null;
  const { min, max } = SETTING_RANGES[setting];
  if (nearest < Math.round(min * 10) || nearest > Math.round(max * 10)) return null;
  return nearest / 10;
}

/** True when a SET may carry `value` for that setting: on the 0.1 step and in its range. */
export const inRange = (setting: TemperatureSetting, value: number): boolean => settingValue(setting, value) !== null;

/** A clock time or an `until`: whole UTC seconds in the range of SET's `time`. */
export const isTime = (value: unknown): value is number => isWholeIn(value, MIN_TIME_S, MAX_TIME_S);
export const isWholeIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

type ScheduleShape = readonly (readonly (readonly [number, number])[])[];

/** Step 2 of SET's judging: 7 lists, each of at most 6 lists of exactly two numbers. */
export function isScheduleShape(value: unknown): value is ScheduleShape {
  const isEntry = (entry: unknown): boolean => Array.isArray(entry) && entry.length === 2 && entry.every((item) => typeof item === 'number');
  const isDay = (day: unknown): boolean => Array.isArray(day) && day.length <= MAX_SWITCH_POINTS && day.every(isEntry);
  return Array.isArray(value) && value.length === SCHEDULE_DAYS && value.every(isDay);
}

/** Step 3: whole minutes 0 to 1439 strictly increasing within each day, temperatures as `target`; the tenths, or null. */
export function scheduleValue(shape: ScheduleShape): WeekSchedule | null {
  const days: SwitchPoint[][] = [];
  for (const day of shape) {
    const points: SwitchPoint[] = [];
    for (const [minute, celsius] of day) {
      const tenth = settingValue('target', celsius);
      if (!isWholeIn(minute, 0, LAST_SWITCH_MINUTE) || tenth === null) return null;
      if (points.length > 0 && minute <= points[points.length - 1]![0]) return null;
      points.push([minute + 0, tenth]); // + 0: a minute sent as -0 is stored as 0
    }
    days.push(points);
  }
  return days;
}

/**
 * A weekly schedule as SET's `schedule` allows it (docs/protocol.md "Messages"), each temperature as
 * its tenth: `bad_message` for the wrong shape, `out_of_range` for a value off its range or order.
 */
export function parseSchedule(value: unknown): Result<WeekSchedule, MessageError> {
  if (!isScheduleShape(value)) return fail('bad_message', 'schedule must be 7 lists of at most 6 [minute, °C]');
  const schedule = scheduleValue(value);
  return schedule === null ? fail('out_of_range', 'switch points must be whole minutes 0 to 1439 in increasing order with temperatures as target') : ok(schedule);
}

/** A member's distance goes with its source: metres from an app's HOME_set, null from OwnTracks. */
function readMember(value: unknown): Member {
  if (!isObject(value)) throw new Invalid('bad_message', 'member must be an object');
  const source = need(value, 'source', isSource, 'app or owntracks');
  const isSourcesDistance = source === 'app' ? isDistance : (distance: unknown): distance is null => distance === null;
  return {
    id: need(value, 'id', isClientId, 'an ID'),
    name: need(value, 'name', isName, 'a name'),
    home: need(value, 'home', isBoolean, 'true or false'),
    distance: need(value, 'distance', isSourcesDistance, source === 'app' ? 'metres' : 'null from owntracks'),
    age_s: need(value, 'age_s', isSeconds, 'whole seconds'),
    source,
  };
}

function readMembers(object: JsonObject): Member[] {
  const members = need(object, 'members', Array.isArray, 'a list').map(readMember);
  if (members.length > MAX_MEMBERS) throw new Invalid('bad_message', `members must be at most ${MAX_MEMBERS}`);
  if (new Set(members.map((member) => member.id)).size !== members.length) throw new Invalid('bad_message', 'a member is listed twice');
  return members;
}

function readOwntracksMembers(object: JsonObject): ClientId[] {
  const ids = need(object, 'owntracks', Array.isArray, 'a list');
  if (!ids.every(isClientId)) throw new Invalid('bad_message', 'owntracks must list IDs');
  if (ids.length > MAX_OWNTRACKS_MEMBERS) throw new Invalid('bad_message', `owntracks must list at most ${MAX_OWNTRACKS_MEMBERS}`);
  if (new Set(ids).size !== ids.length) throw new Invalid('bad_message', 'owntracks lists a member twice');
  return ids;
}

/** Readings are numbers exactly when the sensor is good, and all null otherwise. */
function readReadings(object: JsonObject): Pick<StateMessage, 'temperature' | 'humidity' | 'pressure' | 'sensor_ok'> {
  const sensorOk = need(object, 'sensor_ok', isBoolean, 'true or false');
  const isReading = (value: unknown): value is number | null => (sensorOk ? isFiniteNumber(value) : value === null);
  const what = sensorOk ? 'a number while sensor_ok is true' : 'null while sensor_ok is false';
  return {
    temperature: need(object, 'temperature', isReading, what),
    humidity: need(object, 'humidity', isReading, what),
    pressure: need(object, 'pressure', isReading, what),
    sensor_ok: sensorOk,
  };
}

/** The setpoint held and its source: a temperature in target's range, null exactly when nothing is held. */
function readHeld(object: JsonObject): Pick<StateMessage, 'setpoint' | 'setpoint_source'> {
  const source = need(object, 'setpoint_source', isSetpointSource, `one of ${SETPOINT_SOURCES.join(', ')}`);
  const isHeld = (value: unknown): value is number | null => (source === 'none' ? value === null : isReported('target')(value));
  const what = source === 'none' ? 'null while setpoint_source is none' : 'a temperature in range';
  return { setpoint: need(object, 'setpoint', isHeld, what), setpoint_source: source };
}

/** A temperature a STATE reports as held: in target's range, off the 0.1 step as `setpoint` may be. */
const isHeldTemperature = isReported('target');
const isClockSource = (value: unknown): value is ClockSource => (CLOCK_SOURCES as readonly unknown[]).includes(value);

export const isNullableTime = (value: unknown): value is number | null => value === null || isTime(value);
const isPreheat = (value: unknown): value is number => isWholeIn(value, 0, MAX_PREHEAT_MINUTES);

/** One of STATE's overrides (or `next`): null, or an object `read` takes (its other fields are ignored). */
export function readNullable<T>(object: JsonObject, key: string, read: (value: JsonObject) => T): T | null {
  const value = field(object, key);
  if (value === null) return null;
  if (!isObject(value)) throw new Invalid('bad_message', `${key} must be null or an object`);
  return read(value);
}

/**
 * STATE's clock, time zone, schedule, overrides and next change (docs/protocol.md "Messages"): a
 * thermostat of this version always sends them, so each is required, and held to SET's ranges.
 */
function readTimeAndSchedule(object: JsonObject): Pick<StateMessage, 'time' | 'clock' | 'time_zone' | 'schedule' | 'manual' | 'boost' | 'away_until' | 'next'> {
  const time = need(object, 'time', isNullableTime, 'null or a time');
  const clock = need(object, 'clock', (value): value is ClockSource | null => value === null || isClockSource(value), 'null, sntp or app');
  if ((time === null) !== (clock === null)) throw new Invalid('bad_message', 'time and clock are null together');
  const timeZone = need(object, 'time_zone', (value): value is string | null => value === null || (typeof value === 'string' && parseTimeZone(value) !== null), 'null or a TZ text');
  const schedule = parseSchedule(field(object, 'schedule'));
  if (!schedule.ok) throw new Invalid('bad_message', schedule.message);
  return {
    time,
    clock,
    time_zone: timeZone,
    schedule: schedule.value,
    manual: readNullable(object, 'manual', (manual) => ({
      setpoint: need(manual, 'setpoint', isHeldTemperature, 'a temperature in range'),
      until: need(manual, 'until', isNullableTime, 'null or a time'),
    })),
    boost: readNullable(object, 'boost', (boost) => ({
      setpoint: need(boost, 'setpoint', isHeldTemperature, 'a temperature in range'),
      until: need(boost, 'until', isTime, 'a time'),
    })),
    away_until: readNullable(object, 'away_until', (awayUntil) => ({
      until: need(awayUntil, 'until', isTime, 'a time'),
      preheat_minutes: need(awayUntil, 'preheat_minutes', isPreheat, `whole minutes from 0 to ${MAX_PREHEAT_MINUTES}`),
    })),
    next: readNext(object, time),
  };
}

const isPlanSource = (value: unknown): value is PlanSource => (PLAN_SOURCES as readonly unknown[]).includes(value);

/** STATE's `next` ("What comes next"): null while the clock is unknown, and a source only the table gives. */
function readNext(object: JsonObject, time: number | null): StateMessage['next'] {
  const next = readNullable(object, 'next', (value) => ({
    at: need(value, 'at', isTime, 'a time'),
    setpoint: need(value, 'setpoint', isHeldTemperature, 'a temperature in range'),
    source: need(value, 'source', isPlanSource, `one of ${PLAN_SOURCES.join(', ')}`),
  }));
  if (next !== null && time === null) throw new Invalid('bad_message', 'next must be null while time is');
  return next;
}

/** A STATE's fields ("Messages"), as read off the wire and out of the app's storage alike. */
export function readState(object: JsonObject): StateMessage {
  const nonce = field(object, 'nonce');
  if (nonce !== undefined && !isStartNonce(nonce)) throw new Invalid('bad_message', 'nonce must be a nonce');
  return {
    type: 'STATE',
    session: need(object, 'session', isToken, 'a session'),
    seq: need(object, 'seq', isSeq, 'a positive integer'),
    ...(nonce === undefined ? {} : { nonce }),
    ...readReadings(object),
    target: need(object, 'target', isReported('target'), 'a temperature in range'),
    away_target: need(object, 'away_target', isReported('away_target'), 'a temperature in range'),
    hysteresis: need(object, 'hysteresis', isReported('hysteresis'), 'a temperature in range'),
    mode: need(object, 'mode', isMode, 'a mode'),
    regime: need(object, 'regime', isRegime, 'home or away'),
    heater: need(object, 'heater', isBoolean, 'true or false'),
    ...readHeld(object),
    heat_reason: need(object, 'heat_reason', isHeatReason, 'a heat reason code'),
    members: readMembers(object),
    owntracks: readOwntracksMembers(object),
    ...readTimeAndSchedule(object),
    uptime_s: need(object, 'uptime_s', isSeconds, 'whole seconds'),
    error: need(object, 'error', isStateError, 'null or an error code'),
  };
}

/**
 * A STATE out of JSON, such as the last one kept in local storage: read as parseMessageValue reads one, without the
 * other messages' readers, so that the first paint loads only these.
 */
export function parseStateValue(value: unknown): Result<StateMessage, MessageError> {
  return checked(value, (object): StateMessage => {
    if (field(object, 'type') !== 'STATE') throw new Invalid('bad_message', 'type must be STATE');
    return readState(object);
  });
}

/** Runs one message reader on a value out of JSON, giving its error as a Result. */
export function checked<T>(value: unknown, read: (object: JsonObject) => T): Result<T, MessageError> {
  if (!isObject(value)) return fail('bad_message', 'message is not a JSON object');
  try {
    return ok(read(value));
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return fail(error.error, error.message);
  }
}

/** What the table of "Which set point holds" reads of a STATE: the thermostat's clock, zone, schedule, settings and overrides. */
export function planInputOf(
  state: Pick<StateMessage, 'time' | 'time_zone' | 'schedule' | 'target' | 'away_target' | 'regime' | 'mode' | 'manual' | 'boost' | 'away_until'>,
): PlanInput {
  return {
    clock: state.time,
    timeZone: state.time_zone,
    schedule: state.schedule,
    target: state.target,
    awayTarget: state.away_target,
    regime: state.regime,
    mode: state.mode,
    manual: state.manual,
    boost: state.boost,
    awayUntil: state.away_until,
  };
}
