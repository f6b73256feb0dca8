import { describe, expect, it } from 'vitest';
import { envelopeVectors, messageVectors, scheduleVectors, type FieldVector, type StateAfterVector } from './vectors/index.ts';
import { validatedCase } from './vectors/validated-case.ts';
import { answersJoin, checkJoin, checkMembersSet, joinMessage, membersSetMessage, parseMessage, parseMessageValue } from './message-readers.ts';
import { cutMemberName, HISTORY_INTERVAL_S, inRange, MAX_MEMBER_NAME_LENGTH, parseStateValue } from './messages.ts';
import { isObject, type JsonObject } from './json.ts';
import { checkJsonObject, parseJsonObject } from './json-reader.ts';
import { nextSwitchPoint } from './schedule.ts';
import { parseTimeZone } from './time-zone.ts';
import type { SetMessage } from './messages.ts';

const TEMPERATURES = ['target', 'away_target', 'hysteresis'] as const;

describe('parseMessage', () => {
  it.each(envelopeVectors.open)('parses the vector plaintext of $packet_type $iv', ({ plaintext }) => {
    const parsed = parseMessage(plaintext);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value).toEqual(JSON.parse(plaintext));
  });

  it('parses values already out of JSON, and refuses non-objects', () => {
    expect(parseMessageValue({ type: 'ERROR', code: 'stale_session' })).toMatchObject({ ok: true });
    expect(parseMessageValue(['STATE'])).toMatchObject({ ok: false, error: 'bad_message' });
    expect(parseMessageValue(null)).toMatchObject({ ok: false, error: 'bad_message' });
  });

  it('reads a stale_session ERROR', () => {
    expect(parseMessage('{"type":"ERROR","code":"stale_session"}')).toEqual({
      ok: true,
      value: { type: 'ERROR', code: 'stale_session' },
    });
  });

  it('checks the 0.1 step of every temperature setting without float noise', () => {
    expect(inRange('target', 21.3)).toBe(true);
    expect(inRange('target', 0.1 + 0.2 + 20)).toBe(true);
    expect(inRange('target', 21.25)).toBe(false);
    expect(inRange('away_target', 17.05)).toBe(false);
    expect(inRange('hysteresis', 0.15)).toBe(false);
    expect(inRange('hysteresis', Number.NaN)).toBe(false);
  });
});

/**
 * What the thermostat's answer shows after an accepted SET, by the contract's rules for applying it
 * ("Messages", step 5), from a thermostat whose clock was unknown and which had no zone, schedule or override.
 */
function stateAfter(message: SetMessage): StateAfterVector {
  const state: StateAfterVector = {};
  const { time } = message;
  if (time !== undefined) Object.assign(state, { time, clock: 'app' });
  if (message.time_zone !== undefined) state.time_zone = message.time_zone;
  if (message.schedule !== undefined) state.schedule = message.schedule;
  if (message.manual !== undefined) {
    const rules = message.time_zone === undefined || message.time_zone === null ? null : parseTimeZone(message.time_zone);
    const runs = rules !== null && time !== undefined && message.schedule !== undefined ? nextSwitchPoint(message.schedule, rules, time) : null;
    state.manual = message.manual === null ? null : { setpoint: message.manual, until: runs };
  }
  if (message.boost !== undefined) state.boost = message.boost === null ? null : { setpoint: message.boost.setpoint, until: (time ?? 0) + message.boost.minutes * 60 };
  if (message.away_until !== undefined) state.away_until = message.away_until;
  return state;
}

describe('the SET, HOME_set and HISTORY_get tables of protocol/vectors/messages.json', () => {
  it.each(messageVectors.commands)('$why: $result', ({ text, result, settings, presence, state, thermostat, history }) => {
    const message = validatedCase(text, result);
    expect(thermostat === 'history', 'a HISTORY answers exactly an accepted HISTORY_get').toBe(message?.type === 'HISTORY_get');
    if (message === null) return;
    if (message.type === 'SET') {
      expect(settings).toBeDefined();
      // What the validator hands on is the tenth the thermostat stores, not the noise it was sent with.
      for (const key of TEMPERATURES) {
        const hundredths = settings?.[key];
        expect(message[key], key).toBe(hundredths === undefined ? undefined : hundredths / 100);
      }
      expect(message.mode).toBe(settings?.mode);
      if (thermostat === 'no_clock') expect(state).toBeUndefined();
      else expect(stateAfter(message)).toEqual(state ?? {});
    } else if (message.type === 'HOME_set') {
      expect(presence).toBeDefined();
      expect(message.home).toBe(presence?.home);
      expect(message.distance === presence?.distance).toBe(true);
    } else if (message.type === 'HISTORY_get') {
      // The thermostat of these cases has no clock, so its page has no slots ("Messages", HISTORY).
      expect(history).toEqual({
        time: null,
        from: message.from - (message.from % HISTORY_INTERVAL_S),
        interval_s: HISTORY_INTERVAL_S,
        temperature: [],
        setpoint: [],
        heater_s: [],
      });
      expect(settings).toBeUndefined();
    } else {
      expect.fail(`accepted as ${message.type}`);
    }
  });
});

describe('the schedule values of protocol/vectors/schedule.json, in a SET', () => {
  it.each(scheduleVectors.values)('$name: $result', ({ text, result, schedule }) => {
    const message = validatedCase(`{"type":"SET","session":"${messageVectors.session}","seq":2,"schedule":${text}}`, result);
    if (message === null) return;
    expect(message.type === 'SET' ? message.schedule : message.type).toEqual(schedule);
  });
});

/** What the contract says the thermostat keeps of a name: whole characters within 32 bytes of UTF-8, controls as `?`. */
function keptByThermostat(name: string): string {
  const encoder = new TextEncoder();
  let kept = '';
  let bytes = 0;
  for (const character of name) {
    const code = character.codePointAt(0) ?? 0;
    const shown = code < 0x20 || code === 0x7f ? '?' : character;
    const size = encoder.encode(shown).length;
    if (bytes + size > 32) break;
    kept += shown;
    bytes += size;
  }
  return kept;
}

describe('the START table of protocol/vectors/messages.json', () => {
  it.each(messageVectors.start)('$why: $result', ({ text, result, kept_name }) => {
    const message = validatedCase(text, result);
    if (message === null) return;
    const sent = parseJsonObject(text);
    expect(message).toEqual({ type: 'START', name: sent?.['name'], nonce: sent?.['nonce'] });
    if (message.type === 'START') expect(kept_name).toBe(keptByThermostat(message.name));
  });
});

describe('cutMemberName', () => {
  it('cuts between characters, so that a START with the name passes every JSON reader', () => {
    const emoji = '\u{1F600}';
    expect(cutMemberName(`${'a'.repeat(62)}${emoji}`)).toBe(`${'a'.repeat(62)}${emoji}`);
    expect(cutMemberName(`${'a'.repeat(63)}${emoji}`)).toBe('a'.repeat(63));
    expect(cutMemberName(emoji.repeat(40))).toBe(emoji.repeat(MAX_MEMBER_NAME_LENGTH / 2));
    expect(cutMemberName('n'.repeat(65))).toBe('n'.repeat(MAX_MEMBER_NAME_LENGTH));
    expect(cutMemberName('a\uD83D b')).toBe('a\uFFFD b');
    for (const name of [`${'a'.repeat(63)}${emoji}`, 'a\uD83D b', `${'\uDE00'.repeat(70)}`]) {
      const text = JSON.stringify({ type: 'START', name: cutMemberName(name), nonce: 'bm9uY2Utbm9uY2Ut' });
      expect(parseMessage(text)).toMatchObject({ ok: true });
    }
  });
});

describe('the STATE table of protocol/vectors/messages.json', () => {
  const { example, fields, memberFields, cases } = messageVectors.state;

  const without = (value: JsonObject, keys: readonly string[]): JsonObject =>
    Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));

  it('keeps the largest STATE and the largest HISTORY within the JSON limits every reader holds texts to', () => {
    const largest = cases.find((c) => c.why.startsWith('the largest STATE'));
    expect(largest?.valid).toBe(true);
    expect(checkJsonObject(JSON.stringify({ ...example, ...largest?.change }))).toBeNull();
    const history = messageVectors.history;
    const largestPage = history.cases.find((c) => c.why.startsWith('the largest HISTORY'));
    expect(largestPage?.valid).toBe(true);
    const page = { ...history.example, ...largestPage?.change };
    expect(page['heater_s']).toHaveLength(72);
    expect(checkJsonObject(JSON.stringify(page))).toBeNull();
  });

  it('accepts the example as it is', () => {
    expect(parseMessageValue(example)).toEqual({ ok: true, value: example });
  });

  /** What the app makes of a value that came as a STATE: true when it takes it as one. */
  const verdict = (value: JsonObject): true | string => {
    const parsed = parseMessageValue(value);
    if (!parsed.ok) return parsed.error;
    return parsed.value.type === 'STATE' ? true : `read as ${parsed.value.type}`;
  };

  it.each(cases)('$why: valid $valid', ({ change, remove, valid }) => {
    const result = verdict(without({ ...example, ...change }, remove));
    if (valid) expect(result).toBe(true);
    else expect(result).not.toBe(true);
  });

  it.each(cases)('parseStateValue, which reads only STATEs, agrees: $why', ({ change, remove }) => {
    const value = without({ ...example, ...change }, remove);
    const whole = verdict(value);
    const parsed = parseStateValue(value);
    expect(parsed.ok ? true : parsed.error).toBe(value['type'] === 'STATE' ? whole : 'bad_message');
    const read = parseMessageValue(value);
    if (parsed.ok && read.ok) expect(parsed.value).toEqual(read.value);
  });

  it('parseStateValue refuses every other message, however valid', () => {
    expect(parseMessageValue({ type: 'ERROR', code: 'stale_session' })).toMatchObject({ ok: true });
    expect(parseStateValue({ type: 'ERROR', code: 'stale_session' })).toMatchObject({ ok: false, error: 'bad_message' });
    expect(parseStateValue(null)).toMatchObject({ ok: false, error: 'bad_message' });
  });

  interface Derived {
    why: string;
    value: JsonObject;
    valid: boolean;
  }

  const wrongType: Record<FieldVector['kind'], unknown> = {
    string: 1,
    token: 1,
    nonce: 1,
    id: 1,
    integer: '1',
    number: '1',
    boolean: 'true',
    members: {},
    ids: {},
    time_zone: 1,
    schedule: {},
    // A SET's form of it, not STATE's.
    manual: 21,
    boost: 1,
    away_until: 1,
    next: 1,
    invitation: 1,
    secret: 1,
  };
  const malformed: Partial<Record<FieldVector['kind'], unknown>> = {
    token: 'short',
    nonce: 'short',
    id: 'not an id',
    ids: ['not an id'],
    time_zone: 'CET',
    schedule: [[], [], [], [], [], []],
    manual: { setpoint: 21 },
    boost: { setpoint: 23 },
    away_until: { until: 1796713200 },
    next: { at: 1796112000, setpoint: 17 },
  };
  const idOf = (index: number) => `${'ABCDEFGHIJKLMNOP'.charAt(index)}`.repeat(22);
  const memberOf = (index: number) => ({
    id: idOf(index),
    name: `phone ${index}`,
    home: false,
    distance: index,
    age_s: index,
    source: 'app',
  });
  const itemsOf = (kind: FieldVector['kind'], count: number) =>
    Array.from({ length: count }, (_, index) => (kind === 'ids' ? idOf(index) : memberOf(index)));

  /** The fields among `siblings` that must be null once `name` holds `value` (their null_when says so). */
  const nulledBy = (siblings: readonly FieldVector[], name: string, value: unknown): JsonObject =>
    Object.fromEntries(siblings.filter((f) => f.null_when?.[name] !== undefined && f.null_when[name] === value).map((f) => [f.name, null]));

  /** Cases that follow from one field's description: missing, null, mistyped, on and past each bound. */
  function derive(
    field: FieldVector,
    siblings: readonly FieldVector[],
    put: (value: unknown) => JsonObject,
    remove: () => JsonObject,
    sibling: (change: JsonObject) => JsonObject,
  ): Derived[] {
    const name = field.name;
    const out: Derived[] = [
      { why: `${name} missing`, value: remove(), valid: field.optional },
      { why: `${name} null`, value: put(null), valid: field.nullable },
      { why: `${name} of the wrong type`, value: put(wrongType[field.kind]), valid: false },
    ];
    if (field.kind in malformed) out.push({ why: `${name} malformed`, value: put(malformed[field.kind]), valid: false });
    const nudge = field.kind === 'integer' ? 1 : 0.01;
    if (field.kind === 'integer') out.push({ why: `${name} fractional`, value: put((field.min ?? 0) + 1.5), valid: false });
    if (field.min !== undefined) {
      out.push({ why: `${name} on its minimum`, value: put(field.min), valid: true });
      out.push({ why: `${name} below its minimum`, value: put(field.min - nudge), valid: false });
    }
    if (field.max !== undefined) {
      out.push({ why: `${name} on its maximum`, value: put(field.max), valid: true });
      out.push({ why: `${name} above its maximum`, value: put(field.max + nudge), valid: false });
    }
    for (const allowed of field.values ?? []) {
      out.push({ why: `${name} ${allowed}`, value: sibling({ [name]: allowed, ...nulledBy(siblings, name, allowed) }), valid: true });
    }
    if (field.values !== undefined) out.push({ why: `${name} not one of its values`, value: put('other'), valid: false });
    if (field.max_length !== undefined) {
      out.push({ why: `${name} at its longest`, value: put('n'.repeat(field.max_length)), valid: true });
      out.push({ why: `${name} too long`, value: put('n'.repeat(field.max_length + 1)), valid: false });
    }
    if (field.max_items !== undefined) {
      const items = (count: number) => itemsOf(field.kind, count);
      out.push({ why: `${name} with the most items`, value: put(items(field.max_items)), valid: true });
      out.push({ why: `${name} with one item too many`, value: put(items(field.max_items + 1)), valid: false });
    }
    if (field.null_when_false !== undefined) {
      const flag = field.null_when_false;
      const allNull = Object.fromEntries(fields.filter((f) => f.null_when_false === flag).map((f) => [f.name, null]));
      out.push({ why: `${name} null with ${flag} false`, value: sibling({ ...allNull, [flag]: false }), valid: true });
      out.push({ why: `${name} a number with ${flag} false`, value: sibling({ ...allNull, [flag]: false, [name]: 1 }), valid: false });
    }
    if (field.null_with !== undefined) {
      const other = field.null_with;
      const needing = Object.fromEntries(fields.filter((f) => f.needs === name || f.needs === other).map((f) => [f.name, null]));
      out.push({ why: `${name} null with ${other} null`, value: sibling({ ...needing, [name]: null, [other]: null }), valid: true });
    }
    if (field.needs !== undefined) {
      const needed = field.needs;
      const bothNull = Object.fromEntries(fields.filter((f) => f.null_with === needed || f.name === needed).map((f) => [f.name, null]));
      out.push({ why: `${name} null with ${needed} null`, value: sibling({ ...bothNull, [name]: null }), valid: true });
      out.push({ why: `${name} set with ${needed} null`, value: sibling(bothNull), valid: false });
    }
    for (const source of field.sources ?? []) {
      const value = example[name];
      if (isObject(value)) out.push({ why: `${name} to ${source}`, value: put({ ...value, source }), valid: true });
    }
    if (field.null_when !== undefined) {
      const when = Object.entries(field.null_when).map(([key, value]) => `${key} ${value}`).join(' and ');
      out.push({ why: `${name} null with ${when}`, value: sibling({ ...field.null_when, [name]: null }), valid: true });
      out.push({ why: `${name} a number with ${when}`, value: sibling({ ...field.null_when, [name]: 1 }), valid: false });
    }
    return out;
  }

  const members = example['members'];
  const firstMember: JsonObject = Array.isArray(members) && isObject(members[0]) ? members[0] : {};
  const derived: Derived[] = [
    ...fields.flatMap((field) =>
      derive(
        field,
        fields,
        (value) => ({ ...example, [field.name]: value }),
        () => without(example, [field.name]),
        (change) => ({ ...example, ...change }),
      ),
    ),
    ...memberFields.flatMap((field) =>
      derive(
        field,
        memberFields,
        (value) => ({ ...example, members: [{ ...firstMember, [field.name]: value }] }),
        () => ({ ...example, members: [without(firstMember, [field.name])] }),
        (change) => ({ ...example, members: [{ ...firstMember, ...change }] }),
      ).map((c) => ({ ...c, why: `member ${c.why}` })),
    ),
  ];

  it('has a member in its example, so that member fields are checked', () => {
    expect(Object.keys(firstMember).sort()).toEqual(memberFields.map((f) => f.name).sort());
  });

  it.each(derived)('$why: valid $valid', ({ value, valid }) => {
    expect(verdict(value)).toBe(valid ? true : 'bad_message');
  });
});

describe('the HISTORY table of protocol/vectors/messages.json', () => {
  const { example, cases } = messageVectors.history;

  it('accepts the example as it is', () => {
    expect(parseMessageValue(example)).toEqual({ ok: true, value: example });
  });

  it.each(cases)('$why: valid $valid', ({ change, remove, valid }) => {
    const value = Object.fromEntries(Object.entries({ ...example, ...change }).filter(([key]) => !remove.includes(key)));
    const parsed = parseMessageValue(value);
    if (valid) expect(parsed).toMatchObject({ ok: true, value: { type: 'HISTORY' } });
    else expect(parsed).toMatchObject({ ok: false, error: 'bad_message' });
  });
});

describe('the messages of per-member keys ("Joining", "Members")', () => {
  const point = new Uint8Array(65).fill(1);
  point[0] = 0x04;
  const nonce = 'bm9uY2Utbm9uY2Ut';
  const session = 'c2Vzc2lvbi0xMjM0';

  it('builds a JOIN that checkJoin and parseMessage take as it is', () => {
    const join = joinMessage("Ana's phone", nonce, point);
    expect(join.public_key).toHaveLength(87);
    expect(checkJoin(join)).toEqual({ ok: true, value: join });
    expect(parseMessage(JSON.stringify(join))).toEqual({ ok: true, value: join });
  });

  it('cuts a JOIN\'s name as a START\'s, so the thermostat never drops it for its length', () => {
    expect(joinMessage('n'.repeat(80), nonce, point).name).toBe('n'.repeat(MAX_MEMBER_NAME_LENGTH));
  });

  it('drops a JOIN whose point has another prefix, and anything that is not a JOIN', () => {
    const compressedPrefix = Uint8Array.from(point);
    compressedPrefix[0] = 0x02;
    expect(checkJoin(joinMessage('a', nonce, compressedPrefix))).toMatchObject({ ok: false, error: 'bad_message' });
    expect(checkJoin({ type: 'START', name: 'a', nonce })).toMatchObject({ ok: false, error: 'bad_message' });
    expect(checkJoin('JOIN')).toMatchObject({ ok: false, error: 'bad_message' });
  });

  it('builds MEMBERS_sets that checkMembersSet takes, and judges shapes before values', () => {
    const remove = membersSetMessage(session, 3, { remove: 'Ab_cdEFghIJklMNopQRstu', old_link: false });
    expect(checkMembersSet(remove)).toEqual({ ok: true, value: remove });
    expect(checkMembersSet(membersSetMessage(session, 4))).toEqual({ ok: true, value: { type: 'MEMBERS_set', session, seq: 4 } });
    expect(checkMembersSet({ ...membersSetMessage(session, 5), invite: false, remove: 5 })).toMatchObject({ error: 'bad_message' });
    expect(checkMembersSet({ ...membersSetMessage(session, 5), invite: false })).toMatchObject({ error: 'out_of_range' });
    expect(checkMembersSet({ ...membersSetMessage(session, 5), type: 'SET' })).toMatchObject({ error: 'bad_message' });
  });

  it('reads the three ERROR codes, full only with a nonce, and refuses any other code', () => {
    expect(parseMessage('{"type":"ERROR","code":"not_member"}')).toEqual({ ok: true, value: { type: 'ERROR', code: 'not_member' } });
    expect(parseMessage(`{"type":"ERROR","code":"full","nonce":"${nonce}"}`)).toEqual({ ok: true, value: { type: 'ERROR', code: 'full', nonce } });
    expect(parseMessage('{"type":"ERROR","code":"full"}')).toMatchObject({ ok: false, error: 'bad_message' });
    expect(parseMessage('{"type":"ERROR","code":"reboot"}')).toMatchObject({ ok: false, error: 'bad_message' });
  });

  it('takes a WELCOME or an ERROR full as the answer to a JOIN only with its nonce', () => {
    const welcome = parseMessage(`{"type":"WELCOME","nonce":"${nonce}","public_key":"${joinMessage('a', nonce, point).public_key}"}`);
    if (!welcome.ok) expect.fail(welcome.message);
    expect(answersJoin(welcome.value, nonce)).toBe(true);
    expect(answersJoin(welcome.value, 'b3RoZXItbm9uY2Ut')).toBe(false);
    expect(answersJoin({ type: 'ERROR', code: 'full', nonce }, nonce)).toBe(true);
    expect(answersJoin({ type: 'ERROR', code: 'not_member' }, nonce)).toBe(false);
  });

  it('reads a MEMBERS with its list, old link, invitation and error', () => {
    const members = {
      type: 'MEMBERS',
      session,
      seq: 18,
      members: [
        { id: 'Ab_cdEFghIJklMNopQRstu', name: "Ana's phone", heard_s: 12 },
        { id: 'Bb_cdEFghIJklMNopQRstu', name: "Ben's phone", heard_s: null },
      ],
      old_link: false,
      invitation: { secret: 'A'.repeat(43), expires_s: 86400 },
      error: null,
    };
    expect(parseMessageValue(members)).toEqual({ ok: true, value: members });
    expect(parseMessageValue({ ...members, invitation: { secret: 'A'.repeat(44), expires_s: 86400 } })).toMatchObject({ ok: false });
    expect(parseMessageValue({ ...members, error: 'stale_session' })).toMatchObject({ ok: false });
  });
});
