/** Layer 7: what only the app and the thermostat read, inside the envelope. */
import { isClientId, type ClientId } from './client-id.ts';
import { field, isFiniteNumber, isObject, parseJsonObject, type JsonObject } from './json.ts';
import type { Result } from './result.ts';
import { fail, ok } from './result.ts';

export const MODES = ['auto', 'home', 'away'] as const;
export type Mode = (typeof MODES)[number];
export type Regime = 'home' | 'away';

export const SETTING_RANGES = {
  target: { min: 5, max: 30, step: 0.1 },
  away_target: { min: 5, max: 25 },
  hysteresis: { min: 0.1, max: 2 },
} as const;

/** base64url of 12 or more random bytes; the upper bound only keeps junk small. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
export const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN_PATTERN.test(value);
/** The longest member name a START may carry. */
export const MAX_MEMBER_NAME_LENGTH = 64;

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

export interface SetMessage extends Partial<Settings> {
  type: 'SET';
  session: string;
  seq: number;
}

export interface HomeSetMessage {
  type: 'HOME_set';
  session: string;
  seq: number;
  home: boolean;
  distance: number;
}

export interface Member {
  id: ClientId;
  name: string;
  home: boolean;
  distance: number;
  age_s: number;
}

export type StateError = 'out_of_range' | 'bad_message';

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
  members: Member[];
  uptime_s: number;
  error: StateError | null;
}

export interface ErrorMessage {
  type: 'ERROR';
  code: string;
}

export type Message = StartMessage | SetMessage | HomeSetMessage | StateMessage | ErrorMessage;
export type MessageError = 'bad_message' | 'out_of_range';

class Invalid {
  constructor(
    readonly error: MessageError,
    readonly message: string,
  ) {}
}

function need<T>(object: JsonObject, key: string, guard: (value: unknown) => value is T, what: string): T {
  const value = field(object, key);
  if (!guard(value)) throw new Invalid('bad_message', `${key} must be ${what}`);
  return value;
}

const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_MEMBER_NAME_LENGTH;
const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;
const isNonNegative = (value: unknown): value is number => isFiniteNumber(value) && value >= 0;
const isMode = (value: unknown): value is Mode => typeof value === 'string' && (MODES as readonly string[]).includes(value);
const isRegime = (value: unknown): value is Regime => value === 'home' || value === 'away';
const isReading = (value: unknown): value is number | null => value === null || isFiniteNumber(value);
const isStateError = (value: unknown): value is StateError | null =>
  value === null || value === 'out_of_range' || value === 'bad_message';

const onStep = (value: number, step: number): boolean => Math.abs(value / step - Math.round(value / step)) < 1e-6;

/** True when `value` is a number of that setting's range (and step, for the target). */
export function inRange(setting: keyof typeof SETTING_RANGES, value: number): boolean {
  const range = SETTING_RANGES[setting];
  if (value < range.min || value > range.max) return false;
  return !('step' in range) || onStep(value, range.step);
}

function optionalSetting(object: JsonObject, key: keyof typeof SETTING_RANGES): { [k: string]: number } {
  const value = field(object, key);
  if (value === undefined) return {};
  if (!isFiniteNumber(value)) throw new Invalid('bad_message', `${key} must be a number`);
  if (!inRange(key, value)) throw new Invalid('out_of_range', `${key} is out of range`);
  return { [key]: value };
}

function readMember(value: unknown): Member {
  if (!isObject(value)) throw new Invalid('bad_message', 'member must be an object');
  return {
    id: need(value, 'id', isClientId, 'an ID'),
    name: need(value, 'name', isName, 'a name'),
    home: need(value, 'home', isBoolean, 'true or false'),
    distance: need(value, 'distance', isNonNegative, 'metres'),
    age_s: need(value, 'age_s', isNonNegative, 'seconds'),
  };
}

function readMessage(object: JsonObject): Message {
  const type = field(object, 'type');
  switch (type) {
    case 'START':
      return { type, name: need(object, 'name', isName, 'a name'), nonce: need(object, 'nonce', isToken, 'a nonce') };
    case 'SET': {
      const mode = field(object, 'mode');
      // A mode of the right type but not one we know is a value out of range, as the firmware says.
      if (mode !== undefined && typeof mode !== 'string') throw new Invalid('bad_message', 'mode must be text');
      if (mode !== undefined && !isMode(mode)) throw new Invalid('out_of_range', 'mode must be auto, home or away');
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        ...optionalSetting(object, 'target'),
        ...optionalSetting(object, 'away_target'),
        ...optionalSetting(object, 'hysteresis'),
        ...(mode === undefined ? {} : { mode }),
      };
    }
    case 'HOME_set':
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        home: need(object, 'home', isBoolean, 'true or false'),
        distance: need(object, 'distance', isNonNegative, 'metres'),
      };
    case 'STATE': {
      const members = need(object, 'members', Array.isArray, 'a list');
      const nonce = field(object, 'nonce');
      if (nonce !== undefined && !isToken(nonce)) throw new Invalid('bad_message', 'nonce must be a nonce');
      return {
        type,
        session: need(object, 'session', isToken, 'a session'),
        seq: need(object, 'seq', isSeq, 'a positive integer'),
        ...(nonce === undefined ? {} : { nonce }),
        temperature: need(object, 'temperature', isReading, 'a number or null'),
        humidity: need(object, 'humidity', isReading, 'a number or null'),
        pressure: need(object, 'pressure', isReading, 'a number or null'),
        sensor_ok: need(object, 'sensor_ok', isBoolean, 'true or false'),
        target: need(object, 'target', isFiniteNumber, 'a number'),
        away_target: need(object, 'away_target', isFiniteNumber, 'a number'),
        hysteresis: need(object, 'hysteresis', isFiniteNumber, 'a number'),
        mode: need(object, 'mode', isMode, 'a mode'),
        regime: need(object, 'regime', isRegime, 'home or away'),
        heater: need(object, 'heater', isBoolean, 'true or false'),
        members: members.map(readMember),
        uptime_s: need(object, 'uptime_s', isNonNegative, 'seconds'),
        error: need(object, 'error', isStateError, 'null or an error code'),
      };
    }
    case 'ERROR':
      return { type, code: need(object, 'code', (v): v is string => typeof v === 'string', 'a code') };
    default:
      throw new Invalid('bad_message', 'unknown message type');
  }
}

/** Parses an opened envelope's plaintext into a typed message, or names what is wrong with it. */
export function parseMessage(plaintext: string): Result<Message, MessageError> {
  return parseMessageValue(parseJsonObject(plaintext));
}

/** The same for a value already out of JSON, such as a message kept in local storage. */
export function parseMessageValue(value: unknown): Result<Message, MessageError> {
  if (!isObject(value)) return fail('bad_message', 'message is not a JSON object');
  try {
    return ok(readMessage(value));
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return fail(error.error, error.message);
  }
}
