/**
 * The readers of every message but STATE (docs/protocol.md "Messages", "Joining", "Members") and parseMessage, which
 * reads any message off the wire. Apart from messages.ts, whose STATE reader the app's first paint needs (the last
 * STATE it kept) without these: the build loads them with the connection (vite.config.ts).
 */
import { fromBase64url, toBase64url } from './base64url.ts';
import { isClientId } from './client-id.ts';
import { field, isFiniteNumber, isObject, type JsonObject } from './json.ts';
import { readJsonObject } from './json-reader.ts';
import { INVITATION_BYTES, INVITATION_LIFETIME_S, JOIN_PUBLIC_KEY_BYTES, MAX_MEMBERS } from './member-key.ts';
import { fail, type Result } from './result.ts';
import { MAX_TIME_S, MIN_TIME_S, parseTimeZone } from './time-zone.ts';
import {
  BOOST_MINUTES,
  ERROR_CODES,
  GOOD_READING_RANGE,
  HISTORY_INTERVAL_S,
  HISTORY_PAGE_SLOTS,
  Invalid,
  MAX_AWAY_AHEAD_S,
  MAX_DISTANCE,
  MAX_PREHEAT_MINUTES,
  MEMBERS_ERRORS,
  SETTING_RANGES,
  checked,
  cutMemberName,
  isBoolean,
  isDistance,
  isMode,
  isName,
  isNullableTime,
  isNumber,
  isOwntracksSecret,
  isReported,
  isScheduleShape,
  isSeconds,
  isSeq,
  isStartNonce,
  isTime,
  isToken,
  isWholeIn,
  isWtst,
  need,
  readNullable,
  readState,
  scheduleValue,
  settingValue,
  type AwayUntil,
  type ErrorCode,
  type ErrorMessage,
  type HistoryMessage,
  type JoinMessage,
  type MemberEntry,
  type MembersError,
  type MembersMessage,
  type MembersSetFields,
  type MembersSetMessage,
  type Message,
  type MessageError,
  type OwntracksSetMessage,
  type SetFields,
  type Settings,
  type TemperatureSetting,
  type WelcomeMessage,
} from './messages.ts';

/** A slot's heater time is counted to the nearest 10 s (docs/protocol.md "History"). */
const HEATER_STEP_S = 10;

/** An object whose named fields are all numbers (others are ignored), or not. */
const hasNumbers = <K extends string>(value: unknown, keys: readonly K[]): value is { [key in K]: number } =>
  isObject(value) && keys.every((key) => typeof field(value, key) === 'number');

/** Reads a field that must be absent or a number: a mistyped one is bad_message at once. */
function optionalNumber(object: JsonObject, key: string): number | undefined {
  const value = field(object, key);
  if (value !== undefined && typeof value !== 'number') throw new Invalid('bad_message', `${key} must be a number`);
  return value;
}

/**
 * An OWNTRACKS_set's secret and region. Types first (a secret of another shape, or a missing or
 * mistyped wtst beside a secret, is bad_message even when wtst is also out of range), then the range
 * of wtst. Without a secret wtst is not read.
 */
function readOwntracksSet(object: JsonObject): Pick<OwntracksSetMessage, 'secret' | 'wtst'> {
  const secret = need(object, 'secret', (value): value is string | null => value === null || isOwntracksSecret(value), 'null or 32 characters of base64url');
  if (secret === null) return { secret };
  const wtst = need(object, 'wtst', isNumber, 'a number');
  if (!isWtst(wtst)) throw new Invalid('out_of_range', 'wtst must be a whole number from 1 to 2^53 - 1');
  return { secret, wtst };
}

/**
 * A SET's fields. Every field's type is checked before any value (steps 2 and 3 of SET's judging), so
 * that a mistyped field makes the whole SET bad_message even when another is out of range, as on the
 * thermostat. Whether the thermostat's clock allows an override (step 4, `no_clock`) is its own judgement.
 */
function readSetFields(object: JsonObject): SetFields & { time?: number } {
  const sent = {
    target: optionalNumber(object, 'target'),
    away_target: optionalNumber(object, 'away_target'),
    hysteresis: optionalNumber(object, 'hysteresis'),
  };
  const mode = field(object, 'mode');
  if (mode !== undefined && typeof mode !== 'string') throw new Invalid('bad_message', 'mode must be text');
  const time = optionalNumber(object, 'time');
  const timeZone = field(object, 'time_zone');
  if (timeZone !== undefined && timeZone !== null && typeof timeZone !== 'string') throw new Invalid('bad_message', 'time_zone must be text or null');
  const schedule = field(object, 'schedule');
  if (schedule !== undefined && !isScheduleShape(schedule)) throw new Invalid('bad_message', 'schedule must be 7 lists of at most 6 [minute, °C]');
  const manual = field(object, 'manual');
  if (manual !== undefined && manual !== null && typeof manual !== 'number') throw new Invalid('bad_message', 'manual must be a number or null');
  const boost = field(object, 'boost');
  if (boost !== undefined && boost !== null && !hasNumbers(boost, ['setpoint', 'minutes'])) throw new Invalid('bad_message', 'boost must be null or {setpoint, minutes}');
  const awayUntil = field(object, 'away_until');
  if (awayUntil !== undefined && awayUntil !== null && !hasNumbers(awayUntil, ['until', 'preheat_minutes'])) {
    throw new Invalid('bad_message', 'away_until must be null or {until, preheat_minutes}');
  }

  const fields: SetFields & { time?: number } = readSettingValues(sent, mode);
  if (time !== undefined) {
    if (!isTime(time)) throw new Invalid('out_of_range', `time must be whole seconds from ${MIN_TIME_S} to ${MAX_TIME_S}`);
    fields.time = time;
  }
  if (timeZone !== undefined) {
    if (timeZone !== null && parseTimeZone(timeZone) === null) throw new Invalid('out_of_range', 'time_zone is not a TZ text "Time zones" allows');
    fields.time_zone = timeZone;
  }
  if (schedule !== undefined) {
    const value = scheduleValue(schedule);
    if (value === null) throw new Invalid('out_of_range', 'switch points must be whole minutes 0 to 1439 in increasing order with temperatures as target');
    fields.schedule = value;
  }
  if (manual !== undefined) fields.manual = manual === null ? null : temperature('manual', manual);
  if (boost !== undefined) {
    if (boost !== null && !isWholeIn(boost.minutes, BOOST_MINUTES.min, BOOST_MINUTES.max)) {
      throw new Invalid('out_of_range', `boost.minutes must be whole minutes from ${BOOST_MINUTES.min} to ${BOOST_MINUTES.max}`);
    }
    fields.boost = boost === null ? null : { setpoint: temperature('boost.setpoint', boost.setpoint), minutes: boost.minutes };
  }
  if (awayUntil !== undefined) fields.away_until = awayUntil === null ? null : awayUntilValue(awayUntil, time);
  return fields;
}

/** A temperature a SET asks to hold, as its tenth: on `target`'s step and in its range. */
function temperature(key: string, value: number): number {
  const tenth = settingValue('target', value);
  if (tenth === null) throw new Invalid('out_of_range', `${key} must be ${SETTING_RANGES.target.min} to ${SETTING_RANGES.target.max} in steps of 0.1`);
  return tenth;
}

/**
 * An away-until's end and pre-heat. The end must come after the thermostat's clock and at most 366
 * days after it: the validator knows only the SET's own `time`, which is the thermostat's clock when
 * it had none (or none better), so it checks against that when there is one.
 */
function awayUntilValue(awayUntil: AwayUntil, time: number | undefined): AwayUntil {
  const { until, preheat_minutes } = awayUntil;
  if (!isTime(until)) throw new Invalid('out_of_range', `away_until.until must be whole seconds from ${MIN_TIME_S} to ${MAX_TIME_S}`);
  if (!isWholeIn(preheat_minutes, 0, MAX_PREHEAT_MINUTES)) throw new Invalid('out_of_range', `away_until.preheat_minutes must be whole minutes from 0 to ${MAX_PREHEAT_MINUTES}`);
  if (time !== undefined && (until <= time || until > time + MAX_AWAY_AHEAD_S)) {
    throw new Invalid('out_of_range', 'away_until.until must be after the clock and at most 366 days after it');
  }
  return { until, preheat_minutes: preheat_minutes + 0 };
}

/** The temperature settings and mode of a SET, their types already checked. */
function readSettingValues(sent: { [key in TemperatureSetting]: number | undefined }, mode: string | undefined): Partial<Settings> {
  const settings: Partial<Settings> = {};
  for (const key of ['target', 'away_target', 'hysteresis'] as const) {
    const value = sent[key];
    if (value === undefined) continue;
    const tenth = settingValue(key, value);
    if (tenth === null) throw new Invalid('out_of_range', `${key} must be ${SETTING_RANGES[key].min} to ${SETTING_RANGES[key].max} in steps of 0.1`);
    settings[key] = tenth;
  }
  // A mode of the right type but not one we know is a value out of range, as the firmware says.
  if (mode !== undefined && !isMode(mode)) throw new Invalid('out_of_range', 'mode must be auto, home or away');
  if (mode !== undefined) settings.mode = mode;
  return settings;
}

/** A HISTORY_get's `from`: types before ranges, as for SET (a mistyped one bad_message, a number off the range out_of_range). */
function readHistoryFrom(object: JsonObject): number {
  const from = need(object, 'from', isNumber, 'a number');
  if (!isTime(from)) throw new Invalid('out_of_range', `from must be whole seconds from ${MIN_TIME_S} to ${MAX_TIME_S}`);
  return from;
}

const isSlotStart = (value: unknown): value is number => isTime(value) && value % HISTORY_INTERVAL_S === 0;

const isMeanReading = (value: unknown): value is number | null =>
  value === null || (isFiniteNumber(value) && value >= GOOD_READING_RANGE.min && value <= GOOD_READING_RANGE.max);

const isSlotSetpoint = (value: unknown): value is number | null => value === null || isReported('target')(value);

const isHeaterSeconds = (value: unknown): value is number | null =>
  value === null || (isWholeIn(value, 0, HISTORY_INTERVAL_S) && value % HEATER_STEP_S === 0);

/** One of HISTORY's three lists: at most a page of slots, each entry null or what `isEntry` takes. */
function readSlots(object: JsonObject, key: string, isEntry: (value: unknown) => value is number | null, what: string): (number | null)[] {
  const slots = need(object, key, Array.isArray, 'a list');
  if (slots.length > HISTORY_PAGE_SLOTS) throw new Invalid('bad_message', `${key} must have at most ${HISTORY_PAGE_SLOTS} slots`);
  if (!slots.every(isEntry)) throw new Invalid('bad_message', `${key} must hold null or ${what}`);
  return slots;
}

/** A HISTORY's page: its types and ranges (docs/protocol.md "Messages"); which slots are null is the thermostat's business. */
function readHistoryPage(object: JsonObject): Pick<HistoryMessage, 'time' | 'from' | 'interval_s' | 'temperature' | 'setpoint' | 'heater_s'> {
  const time = need(object, 'time', isNullableTime, 'null or a time');
  const from = need(object, 'from', isSlotStart, `a time that is a multiple of ${HISTORY_INTERVAL_S}`);
  const interval = need(object, 'interval_s', (value): value is typeof HISTORY_INTERVAL_S => value === HISTORY_INTERVAL_S, `${HISTORY_INTERVAL_S}`);
  const temperature = readSlots(object, 'temperature', isMeanReading, `°C from ${GOOD_READING_RANGE.min} to ${GOOD_READING_RANGE.max}`);
  const setpoint = readSlots(object, 'setpoint', isSlotSetpoint, "a temperature in target's range");
  const heaterS = readSlots(object, 'heater_s', isHeaterSeconds, `whole seconds from 0 to ${HISTORY_INTERVAL_S} in steps of ${HEATER_STEP_S}`);
  if (setpoint.length !== temperature.length || heaterS.length !== temperature.length) throw new Invalid('bad_message', 'temperature, setpoint and heater_s must be of the same length');
  return { time, from, interval_s: interval, temperature, setpoint, heater_s: heaterS };
}

/** Strict base64url of exactly `bytes` bytes (no padding, no spare bits set), as every reader of the contract decodes it. */
const isBase64urlOf = (bytes: number) => (value: unknown): value is string =>
  typeof value === 'string' && value.length === Math.ceil((bytes * 4) / 3) && fromBase64url(value)?.length === bytes;

/**
 * A JOIN's or WELCOME's `public_key` ("Joining"): 87 characters of strict base64url of 65 bytes that
 * start with 0x04. Whether the point lies on the curve is sharedSecretX's (member-key.ts) to say.
 */
export const isJoinPublicKey = (value: unknown): value is string =>
  isBase64urlOf(JOIN_PUBLIC_KEY_BYTES)(value) && fromBase64url(value)?.[0] === 0x04;

/** An invitation secret as MEMBERS carries it: 43 characters of strict base64url of 32 bytes. */
export const isInvitationSecret = isBase64urlOf(INVITATION_BYTES);

const isErrorCode = (value: unknown): value is ErrorCode => (ERROR_CODES as readonly unknown[]).includes(value);

/** A JOIN's fields: `name` and `nonce` as START's ("Sessions and replay"), `public_key` a point as isJoinPublicKey takes. */
function readJoin(object: JsonObject): Omit<JoinMessage, 'type'> {
  return {
    name: need(object, 'name', isName, 'a name'),
    nonce: need(object, 'nonce', isStartNonce, 'a nonce'),
    public_key: need(object, 'public_key', isJoinPublicKey, `the base64url of a ${JOIN_PUBLIC_KEY_BYTES}-byte uncompressed point`),
  };
}

/**
 * The stateless steps of MEMBERS_set's judging ("Members"), after session and seq: shapes first
 * (`invite` or `old_link` not true/false, `remove` not text: bad_message), then values (`invite` false,
 * `old_link` true, `remove` not an ID: out_of_range). Whether `remove` names a member and whether
 * there is room for an invitation are the thermostat's to judge.
 */
function readMembersSetFields(object: JsonObject): MembersSetFields {
  const invite = field(object, 'invite');
  const oldLink = field(object, 'old_link');
  const remove = field(object, 'remove');
  if (invite !== undefined && !isBoolean(invite)) throw new Invalid('bad_message', 'invite must be true or false');
  if (oldLink !== undefined && !isBoolean(oldLink)) throw new Invalid('bad_message', 'old_link must be true or false');
  if (remove !== undefined && typeof remove !== 'string') throw new Invalid('bad_message', 'remove must be text');
  if (invite === false) throw new Invalid('out_of_range', 'invite must be true');
  if (oldLink === true) throw new Invalid('out_of_range', 'old_link must be false (the old shared key is never opened again)');
  if (remove !== undefined && !isClientId(remove)) throw new Invalid('out_of_range', 'remove must be a member ID');
  return {
    ...(invite === true ? { invite } : {}),
    ...(remove === undefined ? {} : { remove }),
    ...(oldLink === false ? { old_link: oldLink } : {}),
  };
}

const isHeardSeconds = (value: unknown): value is number | null => value === null || isSeconds(value);

function readMemberEntry(value: unknown): MemberEntry {
  if (!isObject(value)) throw new Invalid('bad_message', 'member must be an object');
  return {
    id: need(value, 'id', isClientId, 'an ID'),
    name: need(value, 'name', isName, 'a name'),
    heard_s: need(value, 'heard_s', isHeardSeconds, 'null or whole seconds'),
  };
}

/** MEMBERS's list, old_link, invitation and error ("Members"): at most 8 members, each ID once. */
function readMembersList(object: JsonObject): Omit<MembersMessage, 'type' | 'session' | 'seq'> {
  const members = need(object, 'members', Array.isArray, 'a list');
  if (members.length > MAX_MEMBERS) throw new Invalid('bad_message', `members must be at most ${MAX_MEMBERS}`);
  const entries = members.map(readMemberEntry);
  if (new Set(entries.map((member) => member.id)).size !== entries.length) throw new Invalid('bad_message', 'a member is listed twice');
  return {
    members: entries,
    old_link: need(object, 'old_link', isBoolean, 'true or false'),
    invitation: readNullable(object, 'invitation', (invitation) => ({
      secret: need(invitation, 'secret', isInvitationSecret, `the base64url of ${INVITATION_BYTES} bytes`),
      expires_s: need(invitation, 'expires_s', (value): value is number => isWholeIn(value, 1, INVITATION_LIFETIME_S), `whole seconds from 1 to ${INVITATION_LIFETIME_S}`),
    })),
    error: need(object, 'error', (value): value is MembersError | null => value === null || (MEMBERS_ERRORS as readonly unknown[]).includes(value), 'null or an error code'),
  };
}

function readMessage(object: JsonObject): Message {
  const type = field(object, 'type');
  switch (type) {
    case 'START':
      return { type, name: need(object, 'name', isName, 'a name'), nonce: need(object, 'nonce', isStartNonce, 'a nonce') };
    case 'SET':
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        ...readSetFields(object),
      };
    case 'HOME_set': {
      const session = need(object, 'session', isToken, 'a session');
      const seq = need(object, 'seq', isSeq, 'a positive integer');
      const home = need(object, 'home', isBoolean, 'true or false');
      const distance = need(object, 'distance', (value): value is number => typeof value === 'number', 'a number');
      if (!isDistance(distance)) throw new Invalid('out_of_range', `distance must be 0 to ${MAX_DISTANCE} metres`);
      return { type, session, seq, home, distance };
    }
    case 'OWNTRACKS_set':
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        ...readOwntracksSet(object),
      };
    case 'HISTORY_get':
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        from: readHistoryFrom(object),
      };
    case 'HISTORY':
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        ...readHistoryPage(object),
      };
    case 'STATE':
      return readState(object);
    case 'JOIN':
      return { type, ...readJoin(object) };
    case 'WELCOME':
      return {
        type,
        nonce: need(object, 'nonce', isStartNonce, 'a nonce'),
        public_key: need(object, 'public_key', isJoinPublicKey, `the base64url of a ${JOIN_PUBLIC_KEY_BYTES}-byte uncompressed point`),
      };
    case 'MEMBERS_set':
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        ...readMembersSetFields(object),
      };
    case 'MEMBERS':
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        ...readMembersList(object),
      };
    case 'ERROR': {
      const code = need(object, 'code', isErrorCode, ERROR_CODES.join(', '));
      // Only `full` answers a JOIN, so only it names one; on the others a nonce is an unknown field, ignored.
      if (code !== 'full') return { type, code };
      return { type, code, nonce: need(object, 'nonce', isStartNonce, "the JOIN's nonce") };
    }
    default:
      throw new Invalid('bad_message', 'unknown message type');
  }
}

/** Parses an opened envelope's plaintext into a typed message, or names what is wrong with it. */
export function parseMessage(plaintext: string): Result<Message, MessageError> {
  const read = readJsonObject(plaintext);
  return read.ok ? parseMessageValue(read.value) : fail('bad_message', read.message);
}

/** The same for a value already out of JSON, such as a message kept in local storage. */
export function parseMessageValue(value: unknown): Result<Message, MessageError> {
  return checked(value, readMessage);
}

/**
 * The thermostat's check of an opened JOIN ("Joining"): every field required, as parseMessage reads it.
 * A JOIN that fails is dropped without an answer; whether its point lies on the curve is sharedSecretX's.
 */
export function checkJoin(value: unknown): Result<JoinMessage, 'bad_message'> {
  const read = checked(value, (object): JoinMessage => {
    if (field(object, 'type') !== 'JOIN') throw new Invalid('bad_message', 'type must be JOIN');
    return { type: 'JOIN', ...readJoin(object) };
  });
  return read.ok ? read : fail('bad_message', read.message);
}

/**
 * The steps of MEMBERS_set's judging that need no state ("Members"): session and seq as SET's, then
 * shapes, then values. `unknown_member` and `full` are the thermostat's, from its members.
 */
export function checkMembersSet(value: unknown): Result<MembersSetMessage, MessageError> {
  return checked(value, (object): MembersSetMessage => {
    if (field(object, 'type') !== 'MEMBERS_set') throw new Invalid('bad_message', 'type must be MEMBERS_set');
    return {
      type: 'MEMBERS_set',
      session: need(object, 'session', isToken, 'a session'),
      seq: need(object, 'seq', isSeq, 'a positive integer'),
      ...readMembersSetFields(object),
    };
  });
}

/** The JOIN an app sends with its one-time point (65 bytes), its name cut as a START's. */
export function joinMessage(name: string, nonce: string, publicKey: Uint8Array): JoinMessage {
  return { type: 'JOIN', name: cutMemberName(name), nonce, public_key: toBase64url(publicKey) };
}

export function membersSetMessage(session: string, seq: number, fields: MembersSetFields = {}): MembersSetMessage {
  return { type: 'MEMBERS_set', session, seq, ...fields };
}

/**
 * Whether a message answers the app's latest JOIN ("Joining"): a WELCOME or an ERROR `full` carrying
 * that JOIN's nonce. The app takes nothing else as the answer; a WELCOME's point may still be off the
 * curve, which sharedSecretX refuses.
 */
export function answersJoin(message: Message, nonce: string): message is WelcomeMessage | (ErrorMessage & { code: 'full'; nonce: string }) {
  if (message.type === 'WELCOME') return message.nonce === nonce;
  return message.type === 'ERROR' && message.code === 'full' && message.nonce === nonce;
}
