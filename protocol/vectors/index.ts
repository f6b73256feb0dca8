/** The contract's test vectors, read by the TypeScript tests; the C++ tests read the same files (firmware/test/vectors.h). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isObject, type JsonObject } from '../json.ts';
import { JSON_FAULTS, type JsonFault } from '../json-reader.ts';
import { MODES, type Mode } from '../messages.ts';
import type { PlanInput, SwitchPoint, WeekSchedule } from '../schedule.ts';
import type { LocalParts } from '../time-zone.ts';

export interface LogonIdVector {
  public_key: string;
  id: string;
}

export interface LogonKeyVector extends LogonIdVector {
  private_key: string;
}

export interface LogonVerifyVector {
  why: string;
  nonce: string;
  host: string;
  transmitter: string;
  public_key: string;
  signature: string;
  valid: boolean;
}

export interface EnvelopeVector {
  why: string;
  packet_type: string;
  transmitter: string;
  receiver: string;
  aad: string;
  iv: string;
  plaintext: string;
  envelope: string;
}

const vectorsDir = fileURLToPath(new URL('./', import.meta.url));

function load(name: string): Record<string, unknown> {
  const value: unknown = JSON.parse(readFileSync(`${vectorsDir}${name}`, 'utf8'));
  if (typeof value !== 'object' || value === null) throw new Error(`${name}: not an object`);
  return value as Record<string, unknown>;
}

function strings<K extends string>(value: unknown, keys: readonly K[], optional: readonly K[] = []): Record<K, string> {
  if (typeof value !== 'object' || value === null) throw new Error('vector is not an object');
  const record = value as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const key of keys) {
    const text = record[key] ?? (optional.includes(key) ? '' : undefined);
    if (typeof text !== 'string') throw new Error(`vector field ${key} is not text`);
    out[key] = text;
  }
  return out;
}

function list(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${name} is not a list`);
  return value;
}

const envelopeKeys = ['why', 'packet_type', 'transmitter', 'receiver', 'aad', 'iv', 'plaintext', 'envelope'] as const;

const logon = load('logon.json');
const verifyKeys = ['why', 'nonce', 'host', 'transmitter', 'public_key', 'signature'] as const;
export const logonVectors = {
  ids: list(logon['ids'], 'logon.ids').map((v): LogonIdVector => strings(v, ['public_key', 'id'])),
  keys: list(logon['keys'], 'logon.keys').map((v): LogonKeyVector => strings(v, ['private_key', 'public_key', 'id'])),
  verify: list(logon['verify'], 'logon.verify').map((v): LogonVerifyVector => {
    if (typeof v !== 'object' || v === null || !('valid' in v) || typeof v.valid !== 'boolean') {
      throw new Error('logon.verify: valid is not true or false');
    }
    return { ...strings(v, verifyKeys), valid: v.valid };
  }),
};

const envelopes = load('envelope.json');
export const envelopeVectors = {
  key: strings(envelopes, ['key']).key,
  open: list(envelopes['open'], 'open').map((v): EnvelopeVector => strings(v, envelopeKeys, ['why'])),
  reject: list(envelopes['reject'], 'reject').map((v): EnvelopeVector => strings(v, envelopeKeys)),
};

export interface JsonVector {
  why: string;
  text: string;
  /** The first fault the text has, or 'ok'. */
  expect: JsonFault | 'ok';
}

const isJsonExpectation = (value: string): value is JsonFault | 'ok' =>
  value === 'ok' || (JSON_FAULTS as readonly string[]).includes(value);

function count(record: JsonObject, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${key} is not a whole number`);
  return value;
}

const jsonRules = load('json.json');
const jsonLimits = jsonRules['limits'];
if (!isObject(jsonLimits)) throw new Error('json.limits is not an object');
export const jsonVectors = {
  maxDepth: count(jsonLimits, 'max_depth'),
  maxKeysPerObject: count(jsonLimits, 'max_keys_per_object'),
  maxValues: count(jsonLimits, 'max_values'),
  maxNumberLength: count(jsonLimits, 'max_number_length'),
  cases: list(jsonRules['cases'], 'json.cases').map((v): JsonVector => {
    const { why, text, expect } = strings(v, ['why', 'text', 'expect']);
    if (!isJsonExpectation(expect)) throw new Error(`json.cases: unknown expectation ${expect}`);
    return { why, text, expect };
  }),
};

/** What the validator makes of a command: accepted, or the error its STATE answer carries. */
export type CommandResult = 'accepted' | 'out_of_range' | 'bad_message';
/**
 * How the thermostat answers a command other than with a STATE whose error is the validator's result:
 * `stale_session` or `dropped` for one its validator refused before reading its fields; `no_clock` (a
 * STATE with that error, nothing changed) for an override while its clock is unknown; `history` (a
 * HISTORY, nothing changed) for an accepted HISTORY_get.
 */
export type ThermostatAnswer = 'stale_session' | 'dropped' | 'no_clock' | 'history';
const THERMOSTAT_ANSWERS: readonly ThermostatAnswer[] = ['stale_session', 'dropped', 'no_clock', 'history'];

/** The fields of the HISTORY answering an accepted HISTORY_get (all but type, session and seq). */
export interface HistoryPageVector {
  time: number | null;
  from: number;
  interval_s: number;
  temperature: (number | null)[];
  setpoint: (number | null)[];
  heater_s: (number | null)[];
}

/** What the STATE answering an accepted SET shows of the clock, zone, schedule and overrides it set. */
export interface StateAfterVector {
  time?: number;
  clock?: 'app';
  time_zone?: string | null;
  schedule?: WeekSchedule;
  manual?: { setpoint: number; until: number | null } | null;
  boost?: { setpoint: number; until: number } | null;
  away_until?: { until: number; preheat_minutes: number } | null;
}

export interface CommandVector {
  why: string;
  /** The plaintext exactly as sent; its session is messageVectors.session. */
  text: string;
  result: CommandResult;
  /** Set when the thermostat answers other than with a STATE whose error is `result`. */
  thermostat?: ThermostatAnswer;
  /** What an accepted SET sets: temperatures in hundredths of a degree, the mode by name. */
  settings?: { target?: number; away_target?: number; hysteresis?: number; mode?: string };
  /** What an accepted HOME_set records. */
  presence?: { home: boolean; distance: number };
  /** What an accepted SET's answer shows of the new fields it set. */
  state?: StateAfterVector;
  /** Set exactly when thermostat is `history`: the HISTORY it answers with. */
  history?: HistoryPageVector;
}

/** A START case: what the validator makes of it and, when accepted, the name the thermostat keeps. */
export interface StartVector {
  why: string;
  /** The plaintext exactly as sent. */
  text: string;
  result: 'accepted' | 'bad_message';
  /** Set exactly when accepted: at most 32 bytes of UTF-8 of the name, cut between characters. */
  kept_name?: string;
}

/**
 * `nonce`: as a START's nonce (docs/protocol.md "Sessions and replay"); `ids`: a list of distinct IDs;
 * `time_zone`, `schedule`: as SET's; `manual`, `boost`, `away_until`, `next`: the objects STATE describes.
 */
export type FieldKind =
  | 'string'
  | 'token'
  | 'nonce'
  | 'id'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'members'
  | 'ids'
  | 'time_zone'
  | 'schedule'
  | 'manual'
  | 'boost'
  | 'away_until'
  | 'next'
  | 'invitation'
  | 'secret';

/** One field of a STATE (or of a member in it): bounds are inclusive. */
export interface FieldVector {
  name: string;
  kind: FieldKind;
  optional: boolean;
  nullable: boolean;
  /** Null exactly when the named boolean field is false. */
  null_when_false?: string;
  /** Null exactly when every field named has the text it gives (distance is null exactly when source is owntracks). */
  null_when?: Record<string, string>;
  /** Null exactly when the named field is null (time and clock). */
  null_with?: string;
  /** Null whenever the named field is null (next while time is). */
  needs?: string;
  /** The sources a `next` may name (those the table of "Which set point holds" gives). */
  sources?: string[];
  min?: number;
  max?: number;
  values?: string[];
  max_length?: number;
  max_items?: number;
}

export interface StateCaseVector {
  why: string;
  change: JsonObject;
  remove: string[];
  valid: boolean;
}

const FIELD_KINDS: readonly FieldKind[] = [
  'string',
  'token',
  'nonce',
  'id',
  'integer',
  'number',
  'boolean',
  'members',
  'ids',
  'time_zone',
  'schedule',
  'manual',
  'boost',
  'away_until',
  'next',
  'invitation',
  'secret',
];
const isFieldKind = (value: string): value is FieldKind => (FIELD_KINDS as readonly string[]).includes(value);

function object(value: unknown, name: string): JsonObject {
  if (!isObject(value)) throw new Error(`${name} is not an object`);
  return value;
}

function optionalNumber(record: JsonObject, key: string): { [k: string]: number } {
  const value = record[key];
  if (value === undefined) return {};
  if (typeof value !== 'number') throw new Error(`${key} is not a number`);
  return { [key]: value };
}

function texts(value: unknown, name: string): string[] {
  return list(value, name).map((item) => {
    if (typeof item !== 'string') throw new Error(`${name} holds something other than text`);
    return item;
  });
}

function flag(record: JsonObject, key: string): boolean {
  const value = record[key] ?? false;
  if (typeof value !== 'boolean') throw new Error(`${key} is not true or false`);
  return value;
}

function required(record: JsonObject, key: string): boolean {
  const value = record[key];
  if (typeof value !== 'boolean') throw new Error(`${key} is not true or false`);
  return value;
}

function readCommand(value: unknown): CommandVector {
  const record = object(value, 'messages.commands[]');
  const { why, text, result } = strings(record, ['why', 'text', 'result']);
  if (result !== 'accepted' && result !== 'out_of_range' && result !== 'bad_message') throw new Error(`${why}: unknown result ${result}`);
  const thermostat = record['thermostat'];
  const answer = THERMOSTAT_ANSWERS.find((known) => known === thermostat);
  if (thermostat !== undefined && answer === undefined) throw new Error(`${why}: unknown answer`);
  const vector: CommandVector = { why, text, result, ...(answer === undefined ? {} : { thermostat: answer }) };
  if ((answer === 'history') !== (record['history'] !== undefined)) throw new Error(`${why}: history is given exactly when the thermostat answers with one`);
  if (record['history'] !== undefined) vector.history = readHistoryPage(record['history'], `${why}: history`);
  if (record['settings'] !== undefined) {
    const settings = object(record['settings'], `${why}: settings`);
    const mode = settings['mode'];
    if (mode !== undefined && typeof mode !== 'string') throw new Error(`${why}: mode is not text`);
    vector.settings = {
      ...optionalNumber(settings, 'target'),
      ...optionalNumber(settings, 'away_target'),
      ...optionalNumber(settings, 'hysteresis'),
      ...(mode === undefined ? {} : { mode }),
    };
  }
  if (record['presence'] !== undefined) {
    const presence = object(record['presence'], `${why}: presence`);
    const { home, distance } = presence;
    if (typeof home !== 'boolean' || typeof distance !== 'number') throw new Error(`${why}: presence is not home and distance`);
    vector.presence = { home, distance };
  }
  if (record['state'] !== undefined) vector.state = readStateAfter(object(record['state'], `${why}: state`), why);
  return vector;
}

function nullableNumbers(value: unknown, what: string): (number | null)[] {
  return list(value, what).map((item) => {
    if (item !== null && (typeof item !== 'number' || !Number.isFinite(item))) throw new Error(`${what}: holds something other than a number or null`);
    return item;
  });
}

/** A HISTORY page as a vector gives it: every field but type, session and seq. */
export function readHistoryPage(value: unknown, what: string): HistoryPageVector {
  const record = object(value, what);
  return {
    time: nullableWholeNumber(record, 'time', what),
    from: wholeNumber(record, 'from', what),
    interval_s: wholeNumber(record, 'interval_s', what),
    temperature: nullableNumbers(record['temperature'], `${what}: temperature`),
    setpoint: nullableNumbers(record['setpoint'], `${what}: setpoint`),
    heater_s: nullableNumbers(record['heater_s'], `${what}: heater_s`),
  };
}

function readStateAfter(record: JsonObject, why: string): StateAfterVector {
  const state: StateAfterVector = {};
  if ('time' in record) state.time = wholeNumber(record, 'time', why);
  if ('clock' in record) {
    if (record['clock'] !== 'app') throw new Error(`${why}: clock is not app`);
    state.clock = 'app';
  }
  if ('time_zone' in record) {
    const zone = record['time_zone'];
    if (zone !== null && typeof zone !== 'string') throw new Error(`${why}: time_zone is neither text nor null`);
    state.time_zone = zone;
  }
  if ('schedule' in record) state.schedule = readWeek(record['schedule'], `${why}: schedule`);
  if ('manual' in record) {
    const manual = nullableObject(record['manual'], `${why}: manual`);
    state.manual = manual === null ? null : { setpoint: finiteNumber(manual, 'setpoint', why), until: nullableWholeNumber(manual, 'until', why) };
  }
  if ('boost' in record) {
    const boost = nullableObject(record['boost'], `${why}: boost`);
    state.boost = boost === null ? null : { setpoint: finiteNumber(boost, 'setpoint', why), until: wholeNumber(boost, 'until', why) };
  }
  if ('away_until' in record) {
    const awayUntil = nullableObject(record['away_until'], `${why}: away_until`);
    state.away_until = awayUntil === null ? null : { until: wholeNumber(awayUntil, 'until', why), preheat_minutes: wholeNumber(awayUntil, 'preheat_minutes', why) };
  }
  return state;
}

function readStart(value: unknown): StartVector {
  const record = object(value, 'messages.start[]');
  const { why, text, result } = strings(record, ['why', 'text', 'result']);
  if (result !== 'accepted' && result !== 'bad_message') throw new Error(`${why}: unknown result ${result}`);
  const keptName = record['kept_name'];
  if ((result === 'accepted') !== (typeof keptName === 'string')) throw new Error(`${why}: kept_name is text exactly when accepted`);
  return { why, text, result, ...(typeof keptName === 'string' ? { kept_name: keptName } : {}) };
}

function readField(value: unknown): FieldVector {
  const record = object(value, 'messages.state fields[]');
  const { name, kind } = strings(record, ['name', 'kind']);
  if (!isFieldKind(kind)) throw new Error(`${name}: unknown kind ${kind}`);
  const nullWhenFalse = record['null_when_false'];
  if (nullWhenFalse !== undefined && typeof nullWhenFalse !== 'string') throw new Error(`${name}: null_when_false is not a field name`);
  const nullWhen = record['null_when'] === undefined ? undefined : object(record['null_when'], `${name}: null_when`);
  const nullWith = record['null_with'];
  if (nullWith !== undefined && typeof nullWith !== 'string') throw new Error(`${name}: null_with is not a field name`);
  const needs = record['needs'];
  if (needs !== undefined && typeof needs !== 'string') throw new Error(`${name}: needs is not a field name`);
  return {
    name,
    kind,
    optional: flag(record, 'optional'),
    nullable: flag(record, 'nullable'),
    ...(nullWhenFalse === undefined ? {} : { null_when_false: nullWhenFalse }),
    ...(nullWhen === undefined ? {} : { null_when: strings(nullWhen, Object.keys(nullWhen)) }),
    ...(nullWith === undefined ? {} : { null_with: nullWith }),
    ...(needs === undefined ? {} : { needs }),
    ...(record['sources'] === undefined ? {} : { sources: texts(record['sources'], `${name}.sources`) }),
    ...optionalNumber(record, 'min'),
    ...optionalNumber(record, 'max'),
    ...(record['values'] === undefined ? {} : { values: texts(record['values'], `${name}.values`) }),
    ...optionalNumber(record, 'max_length'),
    ...optionalNumber(record, 'max_items'),
  };
}

function readStateCase(value: unknown): StateCaseVector {
  const record = object(value, 'messages.state.cases[]');
  const { why } = strings(record, ['why']);
  return {
    why,
    change: record['change'] === undefined ? {} : object(record['change'], `${why}: change`),
    remove: record['remove'] === undefined ? [] : texts(record['remove'], `${why}: remove`),
    valid: required(record, 'valid'),
  };
}

const messages = load('messages.json');
const stateTables = object(messages['state'], 'messages.state');
const historyTables = object(messages['history'], 'messages.history');
/** Layer 7 message tables (docs/protocol.md "Messages"): what both the app's validator and the thermostat make of each case. */
export const messageVectors = {
  session: strings(messages, ['session']).session,
  commands: list(messages['commands'], 'messages.commands').map(readCommand),
  start: list(messages['start'], 'messages.start').map(readStart),
  state: {
    example: object(stateTables['example'], 'messages.state.example'),
    fields: list(stateTables['fields'], 'messages.state.fields').map(readField),
    memberFields: list(stateTables['member_fields'], 'messages.state.member_fields').map(readField),
    cases: list(stateTables['cases'], 'messages.state.cases').map(readStateCase),
  },
  /** HISTORY as the app takes it: an example and changes to it, each valid or not (as state.cases). */
  history: {
    example: object(historyTables['example'], 'messages.history.example'),
    cases: list(historyTables['cases'], 'messages.history.cases').map(readStateCase),
  },
};

/** An OwnTracks encrypted body's `data` (docs/protocol.md "OwnTracks bodies") and what it opens to under its secret. */
export interface SecretboxVector {
  why: string;
  /** The OwnTracks secret as text; the key is owntracksKey(secret). */
  secret: string;
  /** Standard padded base64 of nonce(24) || tag(16) || ciphertext, as sent. */
  data: string;
  /** The UTF-8 text it opens to, or null when it must not open. */
  plaintext: string | null;
}

const secretbox = load('secretbox.json');
export const secretboxVectors = {
  cases: list(secretbox['cases'], 'secretbox.cases').map((v): SecretboxVector => {
    const record = object(v, 'secretbox.cases[]');
    const plaintext = record['plaintext'];
    if (plaintext !== null && typeof plaintext !== 'string') throw new Error('secretbox.cases: plaintext is neither text nor null');
    return { ...strings(record, ['why', 'secret', 'data']), plaintext };
  }),
};

/** A frame and what a thermostat makes of it as a RELAY (docs/protocol.md "RELAY"). */
export interface RelayVector {
  why: string;
  text: string;
  result: 'accepted' | 'dropped';
  /** Set exactly when accepted. */
  member?: string;
  data?: string;
}

/** An ingress body (docs/protocol.md "The ingress") and the broker's answer to it. */
export interface OwntracksBodyVector {
  why: string;
  /** The body's bytes: `text` as UTF-8, or `bytes` (base64) for a body that is not UTF-8. */
  bytes: Uint8Array;
  status: 200 | 400 | 413;
  /** Set exactly when 200: the data every RELAY carries. */
  data?: string;
  /** Set exactly when 400. */
  error?: 'bad_json' | 'not_encrypted' | 'bad_data';
}

export interface IngressPathVector {
  why: string;
  path: string;
  /** null: the broker answers 404. */
  result: { member: string; thermostats: string[] } | null;
}

function readRelayVector(value: unknown): RelayVector {
  const record = object(value, 'relay.relay[]');
  const { why, text, result } = strings(record, ['why', 'text', 'result']);
  if (result === 'dropped') return { why, text, result };
  if (result !== 'accepted') throw new Error(`${why}: unknown result ${result}`);
  return { why, text, result, ...strings(record, ['member', 'data']) };
}

function readBodyVector(value: unknown): OwntracksBodyVector {
  const record = object(value, 'relay.bodies[]');
  const { why } = strings(record, ['why']);
  const { text, bytes } = record;
  if ((typeof text === 'string') === (typeof bytes === 'string')) throw new Error(`${why}: give text or bytes`);
  const body = typeof text === 'string' ? new TextEncoder().encode(text) : new Uint8Array(Buffer.from(String(bytes), 'base64'));
  const status = record['status'];
  if (status === 413) return { why, bytes: body, status };
  if (status === 200) return { why, bytes: body, status, data: strings(record, ['data']).data };
  if (status !== 400) throw new Error(`${why}: unknown status ${String(status)}`);
  const { error } = strings(record, ['error']);
  if (error !== 'bad_json' && error !== 'not_encrypted' && error !== 'bad_data') throw new Error(`${why}: unknown error ${error}`);
  return { why, bytes: body, status, error };
}

function readPathVector(value: unknown): IngressPathVector {
  const record = object(value, 'relay.paths[]');
  const { why, path } = strings(record, ['why', 'path']);
  if (record['result'] === null) return { why, path, result: null };
  const result = object(record['result'], `${why}: result`);
  return { why, path, result: { member: strings(result, ['member']).member, thermostats: texts(result['thermostats'], `${why}: thermostats`) } };
}

const relay = load('relay.json');
/** docs/protocol.md "Presence from OwnTracks": RELAY frames, ingress bodies and ingress paths. */
export const relayVectors = {
  thermostat: strings(relay, ['thermostat']).thermostat,
  relay: list(relay['relay'], 'relay.relay').map(readRelayVector),
  bodies: list(relay['bodies'], 'relay.bodies').map(readBodyVector),
  paths: list(relay['paths'], 'relay.paths').map(readPathVector),
};

/** An OWNTRACKS_set case (docs/protocol.md "Messages"): the validator's verdict and what an accepted one leaves the member. */
export interface OwntracksSetVector {
  why: string;
  /** The plaintext exactly as sent; its session is owntracksVectors.session. */
  text: string;
  result: CommandResult;
  /** Set when the thermostat answers other than with a STATE whose error is `result`. */
  thermostat?: ThermostatAnswer;
  /** Set exactly when accepted: the secret the member then holds, or null when forgotten. */
  secret?: string | null;
  /** Set exactly when accepted with a secret: the member's region. */
  wtst?: number;
}

export interface PresenceMemberVector {
  id: string;
  name: string;
  /** Whose body shapes the member's phone sends. */
  platform: 'ios' | 'android';
  /** Two letters, as the app puts in the configuration. */
  tid: string;
  secret: string;
  /** The region's tst the member's app sent with OWNTRACKS_set. */
  wtst: number;
  /** True when the member's app sent OWNTRACKS_set {secret, wtst} before the first step; false: its bodies are sealed, but not for this thermostat. */
  registered: boolean;
}

/** A member's presence in STATE after a step, or null when it has none. */
export type PresenceExpectation = { home: boolean; source: 'owntracks'; age_s: number } | null;

/** One step of the presence scenario: a RELAY delivered, a reboot, or (neither) the clock reaching at_ms. */
export interface PresenceStepVector {
  why: string;
  /** The thermostat's clock, in ms. */
  at_ms: number;
  /** The RELAY frame text exactly as the broker sends it. */
  relay?: string;
  /** Set exactly with relay: what its data opens to under the named member's secret, or null when it must not open. */
  plaintext?: string | null;
  reboot?: true;
  /** Every member's presence afterwards, by ID. */
  expect: Record<string, PresenceExpectation>;
  regime: 'home' | 'away';
}

function wholeNumber(record: JsonObject, key: string, what: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`${what}: ${key} is not a whole number`);
  return value;
}

function readOwntracksSet(value: unknown): OwntracksSetVector {
  const command = readCommand(value);
  const record = object(value, 'owntracks.owntracks_set[]');
  const { secret, wtst } = record;
  const accepted = command.result === 'accepted';
  if (accepted !== ('secret' in record)) throw new Error(`${command.why}: secret is given exactly when accepted`);
  if (secret !== undefined && secret !== null && typeof secret !== 'string') throw new Error(`${command.why}: secret is neither text nor null`);
  if ((typeof secret === 'string') !== (wtst !== undefined)) throw new Error(`${command.why}: wtst is given exactly with a secret`);
  return {
    ...command,
    ...(accepted ? { secret: secret ?? null } : {}),
    ...(wtst === undefined ? {} : { wtst: wholeNumber(record, 'wtst', command.why) }),
  };
}

function readPresenceMember(value: unknown): PresenceMemberVector {
  const record = object(value, 'owntracks.presence.members[]');
  const { id, name, platform, tid, secret } = strings(record, ['id', 'name', 'platform', 'tid', 'secret']);
  if (platform !== 'ios' && platform !== 'android') throw new Error(`${id}: unknown platform ${platform}`);
  return { id, name, platform, tid, secret, wtst: wholeNumber(record, 'wtst', id), registered: required(record, 'registered') };
}

function readExpectation(value: unknown, what: string): PresenceExpectation {
  if (value === null) return null;
  const record = object(value, what);
  if (record['source'] !== 'owntracks') throw new Error(`${what}: source is not owntracks`);
  return { home: required(record, 'home'), source: 'owntracks', age_s: wholeNumber(record, 'age_s', what) };
}

function readPresenceStep(value: unknown, members: readonly PresenceMemberVector[]): PresenceStepVector {
  const record = object(value, 'owntracks.presence.steps[]');
  const { why } = strings(record, ['why']);
  const { relay, plaintext, reboot, regime } = record;
  if (relay !== undefined && typeof relay !== 'string') throw new Error(`${why}: relay is not text`);
  if (reboot !== undefined && reboot !== true) throw new Error(`${why}: reboot is not true`);
  if (relay !== undefined && reboot !== undefined) throw new Error(`${why}: both a relay and a reboot`);
  if ((relay !== undefined) !== ('plaintext' in record)) throw new Error(`${why}: plaintext is given exactly with a relay`);
  if (plaintext !== undefined && plaintext !== null && typeof plaintext !== 'string') throw new Error(`${why}: plaintext is neither text nor null`);
  if (regime !== 'home' && regime !== 'away') throw new Error(`${why}: regime is not home or away`);
  const expected = object(record['expect'], `${why}: expect`);
  const ids = members.map((member) => member.id);
  if (Object.keys(expected).sort().join() !== [...ids].sort().join()) throw new Error(`${why}: expect does not name every member`);
  return {
    why,
    at_ms: wholeNumber(record, 'at_ms', why),
    ...(relay === undefined ? {} : { relay, plaintext: plaintext ?? null }),
    ...(reboot === undefined ? {} : { reboot }),
    expect: Object.fromEntries(ids.map((id) => [id, readExpectation(expected[id], `${why}: expect ${id}`)])),
    regime,
  };
}

const owntracks = load('owntracks.json');
const presence = object(owntracks['presence'], 'owntracks.presence');
const presenceMembers = list(presence['members'], 'owntracks.presence.members').map(readPresenceMember);
/** OwnTracks tables (docs/protocol.md "Messages" and "What the thermostat accepts"), read by the app's tests and the thermostat's. */
export const owntracksVectors = {
  session: strings(owntracks, ['session']).session,
  owntracksSet: list(owntracks['owntracks_set'], 'owntracks.owntracks_set').map(readOwntracksSet),
  presence: {
    thermostat: strings(presence, ['thermostat']).thermostat,
    region: strings(presence, ['region']).region,
    leaveDelayMs: wholeNumber(presence, 'leave_delay_ms', 'owntracks.presence'),
    members: presenceMembers,
    steps: list(presence['steps'], 'owntracks.presence.steps').map((step) => readPresenceStep(step, presenceMembers)),
  },
};

/** A rule of a parsed time zone: the week-th weekday (0 = Sunday) of month, week 5 the last; time in seconds of the local day. */
export interface TransitionRuleVector {
  month: number;
  week: number;
  weekday: number;
  time: number;
}

/** A TZ text and what "Time zones" makes of it; offsets are seconds added to UTC to get local time. */
export interface TimeZoneTextVector {
  name: string;
  text: string;
  accepted: boolean;
  /** Set exactly when accepted. */
  std_offset?: number;
  dst?: { offset: number; start: TransitionRuleVector; end: TransitionRuleVector } | null;
}

/** The local parts a time vector expects: the same fields as localParts gives. */
export type LocalPartsVector = LocalParts;

/** A zone at one UTC second: its offset, local time, schedule time and next change of offset. */
export interface TimeInstantVector {
  name: string;
  zone: string;
  /** The tz database zone with the same rules, or null. */
  iana: string | null;
  utc: number;
  offset: number;
  local: LocalPartsVector;
  schedule_time: number;
  next_offset_change: number | null;
}

function readRule(value: unknown, what: string): TransitionRuleVector {
  const record = object(value, what);
  return {
    month: wholeNumber(record, 'month', what),
    week: wholeNumber(record, 'week', what),
    weekday: wholeNumber(record, 'weekday', what),
    time: wholeNumber(record, 'time', what),
  };
}

function readTimeZoneText(value: unknown): TimeZoneTextVector {
  const record = object(value, 'time.texts[]');
  const { name, text } = strings(record, ['name', 'text']);
  const accepted = required(record, 'accepted');
  if (!accepted) return { name, text, accepted };
  const dst = record['dst'] === null ? null : object(record['dst'], `${name}: dst`);
  return {
    name,
    text,
    accepted,
    std_offset: wholeNumber(record, 'std_offset', name),
    dst: dst === null ? null : { offset: wholeNumber(dst, 'offset', name), start: readRule(dst['start'], `${name}: start`), end: readRule(dst['end'], `${name}: end`) },
  };
}

function readLocalParts(value: unknown, what: string): LocalPartsVector {
  const record = object(value, what);
  const part = (key: string): number => wholeNumber(record, key, what);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second'), weekday: part('weekday') };
}

function nullableWholeNumber(record: JsonObject, key: string, what: string): number | null {
  return record[key] === null ? null : wholeNumber(record, key, what);
}

function readTimeInstant(value: unknown): TimeInstantVector {
  const record = object(value, 'time.instants[]');
  const { name, zone } = strings(record, ['name', 'zone']);
  const iana = record['iana'];
  if (iana !== null && typeof iana !== 'string') throw new Error(`${name}: iana is neither text nor null`);
  return {
    name,
    zone,
    iana,
    utc: wholeNumber(record, 'utc', name),
    offset: wholeNumber(record, 'offset', name),
    local: readLocalParts(record['local'], `${name}: local`),
    schedule_time: wholeNumber(record, 'schedule_time', name),
    next_offset_change: nullableWholeNumber(record, 'next_offset_change', name),
  };
}

const time = load('time.json');
/** docs/protocol.md "Time zones": TZ texts accepted or refused, and zones at given UTC seconds. */
export const timeVectors = {
  texts: list(time['texts'], 'time.texts').map(readTimeZoneText),
  instants: list(time['instants'], 'time.instants').map(readTimeInstant),
};

/** A `schedule` value as a SET carries it and what both sides make of it (docs/protocol.md "Messages"). */
export interface ScheduleValueVector {
  name: string;
  /** The value exactly as sent, as JSON text. */
  text: string;
  result: CommandResult;
  /** Set exactly when accepted: what is stored, each temperature as its tenth. */
  schedule?: WeekSchedule;
}

type PlanSourceVector = 'comfort' | 'away' | 'schedule' | 'boost' | 'manual';

/** A case of "Which set point holds" and "What comes next": the input, what holds at its clock, and what comes next. */
export interface PlanVector {
  name: string;
  input: PlanInput & { mode: Mode };
  held: { setpoint: number; source: PlanSourceVector };
  next: { at: number; setpoint: number; source: PlanSourceVector } | null;
}

function finiteNumber(record: JsonObject, key: string, what: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what}: ${key} is not a number`);
  return value;
}

function readWeek(value: unknown, what: string): WeekSchedule {
  return list(value, what).map((day) =>
    list(day, what).map((point): SwitchPoint => {
      const [minute, celsius, ...rest] = list(point, what);
      if (typeof minute !== 'number' || typeof celsius !== 'number' || rest.length > 0) throw new Error(`${what}: a switch point is not [minute, °C]`);
      return [minute, celsius];
    }),
  );
}

const PLAN_SOURCES: readonly PlanSourceVector[] = ['comfort', 'away', 'schedule', 'boost', 'manual'];
function planSource(record: JsonObject, what: string): PlanSourceVector {
  const source = PLAN_SOURCES.find((known) => known === record['source']);
  if (source === undefined) throw new Error(`${what}: unknown source`);
  return source;
}

function readScheduleValue(value: unknown): ScheduleValueVector {
  const record = object(value, 'schedule.values[]');
  const { name, text, result } = strings(record, ['name', 'text', 'result']);
  if (result !== 'accepted' && result !== 'out_of_range' && result !== 'bad_message') throw new Error(`${name}: unknown result ${result}`);
  if ((result === 'accepted') !== (record['schedule'] !== undefined)) throw new Error(`${name}: schedule is given exactly when accepted`);
  return { name, text, result, ...(record['schedule'] === undefined ? {} : { schedule: readWeek(record['schedule'], name) }) };
}

function nullableObject(value: unknown, what: string): JsonObject | null {
  return value === null ? null : object(value, what);
}

function readPlanInput(value: unknown, what: string): PlanVector['input'] {
  const record = object(value, what);
  const timeZone = record['time_zone'];
  if (timeZone !== null && typeof timeZone !== 'string') throw new Error(`${what}: time_zone is neither text nor null`);
  const { regime, mode } = strings(record, ['regime', 'mode']);
  if (regime !== 'home' && regime !== 'away') throw new Error(`${what}: unknown regime`);
  const knownMode = MODES.find((known) => known === mode);
  if (knownMode === undefined) throw new Error(`${what}: unknown mode`);
  const manual = nullableObject(record['manual'], `${what}: manual`);
  const boost = nullableObject(record['boost'], `${what}: boost`);
  const awayUntil = nullableObject(record['away_until'], `${what}: away_until`);
  return {
    clock: nullableWholeNumber(record, 'clock', what),
    timeZone,
    schedule: readWeek(record['schedule'], `${what}: schedule`),
    target: finiteNumber(record, 'target', what),
    awayTarget: finiteNumber(record, 'away_target', what),
    regime,
    mode: knownMode,
    manual: manual === null ? null : { setpoint: finiteNumber(manual, 'setpoint', what), until: nullableWholeNumber(manual, 'until', what) },
    boost: boost === null ? null : { setpoint: finiteNumber(boost, 'setpoint', what), until: wholeNumber(boost, 'until', what) },
    awayUntil: awayUntil === null ? null : { until: wholeNumber(awayUntil, 'until', what), preheat_minutes: wholeNumber(awayUntil, 'preheat_minutes', what) },
  };
}

function readPlan(value: unknown): PlanVector {
  const record = object(value, 'schedule.plans[]');
  const { name } = strings(record, ['name']);
  const held = object(record['held'], `${name}: held`);
  const next = nullableObject(record['next'], `${name}: next`);
  return {
    name,
    input: readPlanInput(record['input'], `${name}: input`),
    held: { setpoint: finiteNumber(held, 'setpoint', name), source: planSource(held, name) },
    next: next === null ? null : { at: wholeNumber(next, 'at', name), setpoint: finiteNumber(next, 'setpoint', name), source: planSource(next, name) },
  };
}

const schedules = load('schedule.json');
/** docs/protocol.md "The weekly schedule", "Which set point holds", "What comes next": SET values and the table's cases. */
export const scheduleVectors = {
  values: list(schedules['values'], 'schedule.values').map(readScheduleValue),
  plans: list(schedules['plans'], 'schedule.plans').map(readPlan),
};

/**
 * One step of a history scenario (docs/protocol.md "History"; protocol/vectors/make-history-vectors.ts
 * says what each means): the clock set, time passing with what happens at its end, a reboot, a day
 * blob damaged or unreadable, or a page asked for and the HISTORY expected.
 */
export type HistoryStepVector =
  | { kind: 'clock'; clock: number }
  | { kind: 'at'; at: number; reading?: number | null; heater?: boolean; setpoint?: number | null }
  | { kind: 'reboot' }
  | { kind: 'damage_day'; day: number }
  | { kind: 'unreadable_day'; day: number }
  | { kind: 'page'; page: number; expect: HistoryPageVector };

export interface HistoryScenarioVector {
  why: string;
  steps: HistoryStepVector[];
}

function nullableFinite(record: JsonObject, key: string, what: string): number | null {
  return record[key] === null ? null : finiteNumber(record, key, what);
}

function readHistoryStep(value: unknown, what: string): HistoryStepVector {
  const record = object(value, what);
  const keys = Object.keys(record);
  const only = (...allowed: string[]): void => {
    const other = keys.find((key) => !allowed.includes(key));
    if (other !== undefined) throw new Error(`${what}: ${other} does not go with ${allowed[0]}`);
  };
  if ('clock' in record) {
    only('clock');
    return { kind: 'clock', clock: wholeNumber(record, 'clock', what) };
  }
  if ('at' in record) {
    only('at', 'reading', 'heater', 'setpoint');
    const heater = record['heater'];
    if (heater !== undefined && typeof heater !== 'boolean') throw new Error(`${what}: heater is not true or false`);
    return {
      kind: 'at',
      at: wholeNumber(record, 'at', what),
      ...('reading' in record ? { reading: nullableFinite(record, 'reading', what) } : {}),
      ...(heater === undefined ? {} : { heater }),
      ...('setpoint' in record ? { setpoint: nullableFinite(record, 'setpoint', what) } : {}),
    };
  }
  if ('reboot' in record) {
    only('reboot');
    if (record['reboot'] !== true) throw new Error(`${what}: reboot is not true`);
    return { kind: 'reboot' };
  }
  if ('damage_day' in record) {
    only('damage_day');
    return { kind: 'damage_day', day: wholeNumber(record, 'damage_day', what) };
  }
  if ('unreadable_day' in record) {
    only('unreadable_day');
    return { kind: 'unreadable_day', day: wholeNumber(record, 'unreadable_day', what) };
  }
  if ('page' in record) {
    only('page', 'expect');
    return { kind: 'page', page: wholeNumber(record, 'page', what), expect: readHistoryPage(record['expect'], `${what}: expect`) };
  }
  throw new Error(`${what}: an unknown step`);
}

const history = load('history.json');
/** docs/protocol.md "History": scenarios of events and the pages the thermostat answers along them. */
export const historyVectors = {
  scenarios: list(history['scenarios'], 'history.scenarios').map((value): HistoryScenarioVector => {
    const record = object(value, 'history.scenarios[]');
    const { why } = strings(record, ['why']);
    return { why, steps: list(record['steps'], `${why}: steps`).map((step, index) => readHistoryStep(step, `${why}: step ${index + 1}`)) };
  }),
};

/** One derivation of a member key ("Joining"): fixed one-time private keys (hex scalars) and what follows from them. */
export interface MemberKeyDerivationVector {
  why: string;
  /** Whether `secret` is an invitation secret or the old shared key ("The old shared key"). */
  role: 'invitation' | 'old_shared_key';
  app_private_key: string;
  app_public_key: string;
  thermostat_private_key: string;
  thermostat_public_key: string;
  /** hex */
  shared_x: string;
  secret: string;
  thermostat_id: string;
  member_id: string;
  member_key: string;
}

export interface BadPointVector {
  why: string;
  /** base64url of bytes that are no uncompressed P-256 point. */
  public_key: string;
}

export interface JoinVector {
  why: string;
  text: string;
  valid: boolean;
}

/** What the app takes a plaintext as after sending a JOIN with `nonce`; null: it ignores it. */
export type JoinAnswerVector = 'welcome' | 'full' | 'not_member' | 'stale_session' | null;
const JOIN_ANSWERS: readonly JoinAnswerVector[] = ['welcome', 'full', 'not_member', 'stale_session', null];

export interface WelcomeVector {
  why: string;
  text: string;
  nonce: string;
  takes: JoinAnswerVector;
}

export type MembersSetExpectation = 'bad_message' | 'out_of_range' | 'unknown_member' | 'full' | null;
const MEMBERS_SET_EXPECTATIONS: readonly MembersSetExpectation[] = ['bad_message', 'out_of_range', 'unknown_member', 'full', null];

export interface MembersSetVector {
  why: string;
  text: string;
  /** The members before, in the order they joined; the first sends the message. */
  members: string[];
  /** Whether the old shared key is open before. */
  old_link: boolean;
  expect: MembersSetExpectation;
  /** As messages.json's commands: the thermostat answers stale_session, or drops the message. */
  thermostat?: 'stale_session' | 'dropped';
  /** What an accepted MEMBERS_set leaves: the members, whether the old shared key is open, whether an invitation was made. */
  after?: { members: string[]; old_link: boolean; invitation: boolean };
}

function readMembersSet(value: unknown): MembersSetVector {
  const record = object(value, 'members.members_set[]');
  const { why, text } = strings(record, ['why', 'text']);
  const expect = MEMBERS_SET_EXPECTATIONS.find((known) => known === record['expect']);
  if (expect === undefined) throw new Error(`${why}: unknown expect`);
  const thermostat = record['thermostat'];
  if (thermostat !== undefined && thermostat !== 'stale_session' && thermostat !== 'dropped') throw new Error(`${why}: unknown answer`);
  const vector: MembersSetVector = {
    why,
    text,
    members: texts(record['members'], `${why}: members`),
    old_link: required(record, 'old_link'),
    expect,
    ...(thermostat === undefined ? {} : { thermostat }),
  };
  if ((record['after'] !== undefined) !== (expect === null && thermostat === undefined)) throw new Error(`${why}: after is given exactly for an accepted one`);
  if (record['after'] !== undefined) {
    const after = object(record['after'], `${why}: after`);
    vector.after = { members: texts(after['members'], `${why}: after.members`), old_link: required(after, 'old_link'), invitation: required(after, 'invitation') };
  }
  return vector;
}

const derivationKeys = [
  'why',
  'app_private_key',
  'app_public_key',
  'thermostat_private_key',
  'thermostat_public_key',
  'shared_x',
  'secret',
  'thermostat_id',
  'member_id',
  'member_key',
] as const;

const membersFile = load('members.json');
const membersFields = object(membersFile['members_fields'], 'members.members_fields');
/** docs/protocol.md "Joining" and "Members": the member key worked through, and what both sides make of JOIN, WELCOME, MEMBERS_set and MEMBERS. */
export const membersVectors = {
  session: strings(membersFile, ['session']).session,
  derivation: list(membersFile['derivation'], 'members.derivation').map((value): MemberKeyDerivationVector => {
    const record = object(value, 'members.derivation[]');
    const role = record['role'];
    if (role !== 'invitation' && role !== 'old_shared_key') throw new Error('members.derivation: unknown role');
    return { ...strings(record, derivationKeys), role };
  }),
  badPoints: list(membersFile['bad_points'], 'members.bad_points').map((value): BadPointVector => strings(value, ['why', 'public_key'])),
  join: list(membersFile['join'], 'members.join').map((value): JoinVector => ({ ...strings(value, ['why', 'text']), valid: required(object(value, 'members.join[]'), 'valid') })),
  welcome: list(membersFile['welcome'], 'members.welcome').map((value): WelcomeVector => {
    const record = object(value, 'members.welcome[]');
    const takes = JOIN_ANSWERS.find((known) => known === record['takes']);
    if (takes === undefined) throw new Error('members.welcome: unknown takes');
    return { ...strings(record, ['why', 'text', 'nonce']), takes };
  }),
  membersSet: list(membersFile['members_set'], 'members.members_set').map(readMembersSet),
  members: list(membersFile['members'], 'members.members').map((value): JoinVector => ({ ...strings(value, ['why', 'text']), valid: required(object(value, 'members.members[]'), 'valid') })),
  /** MEMBERS's fields as messages.json describes STATE's. */
  membersFields: {
    fields: list(membersFields['fields'], 'members.members_fields.fields').map(readField),
    memberFields: list(membersFields['member_fields'], 'members.members_fields.member_fields').map(readField),
    invitationFields: list(membersFields['invitation_fields'], 'members.members_fields.invitation_fields').map(readField),
  },
};
