/**
 * protocol/vectors/members.json through the contract's TypeScript definitions (member-key.ts and
 * messages.ts): the derivation from fixed private keys, the points both sides refuse, and what the
 * thermostat and the app make of JOIN, WELCOME, MEMBERS_set and MEMBERS ("Joining", "Members").
 * The thermostat's tests run the same file through members.h and its integration.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from './base64url.ts';
import { isObject, type JsonObject } from './json.ts';
import { readJsonObject } from './json-reader.ts';
import { deriveMemberKey, MAX_MEMBERS, sharedSecretX, type JoinPrivateKey } from './member-key.ts';
import { answersJoin, checkJoin, checkMembersSet, parseMessage, parseMessageValue } from './message-readers.ts';
import { isToken, type MembersSetMessage } from './messages.ts';
import { membersVectors, type FieldVector, type JoinAnswerVector, type MembersSetVector } from './vectors/index.ts';
import { makeMembersVectors } from './vectors/make-members-vectors.ts';

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** A fixed private scalar (hex) with its public point, into WebCrypto through JWK. */
function importPrivateKey(scalarHex: string, publicKey: string): Promise<JoinPrivateKey> {
  const point = bytesOf(publicKey);
  const jwk = { kty: 'EC', crv: 'P-256', d: toBase64url(hexToBytes(scalarHex)), x: toBase64url(point.subarray(1, 33)), y: toBase64url(point.subarray(33)) };
  return crypto.subtle.importKey('jwk', jwk, ECDH_P256, false, ['deriveBits']);
}

function bytesOf(text: string): Uint8Array {
  const bytes = fromBase64url(text);
  if (bytes === null) throw new Error(`not base64url: ${text}`);
  return bytes;
}

function objectOf(text: string): JsonObject {
  const read = readJsonObject(text);
  if (!read.ok) throw new Error(`${text}: ${read.message}`);
  return read.value;
}

const [first] = membersVectors.derivation;
if (first === undefined) throw new Error('members.json has no derivation');
/** The thermostat's one-time key of the first derivation, to check whether a point lies on the curve. */
const thermostatKey = (): Promise<JoinPrivateKey> => importPrivateKey(first.thermostat_private_key, first.thermostat_public_key);
const appKey = (): Promise<JoinPrivateKey> => importPrivateKey(first.app_private_key, first.app_public_key);

describe('protocol/vectors/members.json', () => {
  it('is what make-members-vectors.ts writes, byte for byte', () => {
    const file = readFileSync(fileURLToPath(new URL('./vectors/members.json', import.meta.url)), 'utf8');
    expect(makeMembersVectors()).toBe(file);
  });

  it('has the derivations and points the contract asks for', () => {
    expect(membersVectors.derivation.length).toBeGreaterThanOrEqual(3);
    expect(new Set(membersVectors.derivation.map((d) => d.member_id)).size).toBeGreaterThan(1);
    expect(new Set(membersVectors.derivation.map((d) => d.secret)).size).toBe(membersVectors.derivation.length);
    expect(membersVectors.derivation.map((d) => d.role)).toContain('old_shared_key');
    expect(membersVectors.badPoints.length).toBeGreaterThanOrEqual(6);
  });
});

describe('the member key derivations ("Joining")', () => {
  it.each(membersVectors.derivation)('$why', async (vector) => {
    const app = await importPrivateKey(vector.app_private_key, vector.app_public_key);
    const thermostat = await importPrivateKey(vector.thermostat_private_key, vector.thermostat_public_key);
    const appX = await sharedSecretX(app, bytesOf(vector.thermostat_public_key));
    const thermostatX = await sharedSecretX(thermostat, bytesOf(vector.app_public_key));
    // Both ends agree only when each public key is its scalar's.
    expect(appX && bytesToHex(appX)).toBe(vector.shared_x);
    expect(thermostatX && bytesToHex(thermostatX)).toBe(vector.shared_x);
    const key = deriveMemberKey(hexToBytes(vector.shared_x), bytesOf(vector.secret), vector.thermostat_id, vector.member_id);
    expect(toBase64url(key)).toBe(vector.member_key);
  });

  it('binds the key to the member and the thermostat', () => {
    const [one, two] = membersVectors.derivation;
    if (one === undefined || two === undefined) throw new Error('two derivations needed');
    const x = hexToBytes(one.shared_x);
    const secret = bytesOf(one.secret);
    expect(toBase64url(deriveMemberKey(x, secret, one.thermostat_id, two.member_id))).not.toBe(one.member_key);
    expect(toBase64url(deriveMemberKey(x, secret, two.thermostat_id, one.member_id))).not.toBe(one.member_key);
  });
});

describe('the bad points of protocol/vectors/members.json', () => {
  it.each(membersVectors.badPoints)('$why: refused by sharedSecretX', async ({ public_key }) => {
    expect(await sharedSecretX(await thermostatKey(), bytesOf(public_key))).toBeNull();
  });
});

describe('the JOIN cases, as the thermostat takes them', () => {
  it.each(membersVectors.join)('$why: valid $valid', async ({ text, valid }) => {
    const checked = checkJoin(objectOf(text));
    const parsed = parseMessage(text);
    expect(parsed.ok && parsed.value.type === 'JOIN', 'parseMessage and checkJoin agree').toBe(checked.ok);
    const onCurve = checked.ok && (await sharedSecretX(await thermostatKey(), bytesOf(checked.value.public_key))) !== null;
    expect(onCurve).toBe(valid);
  });
});

/** What the app makes of a plaintext opened after its JOIN with `nonce` went out. */
async function appTakes(text: string, nonce: string): Promise<JoinAnswerVector> {
  const parsed = parseMessage(text);
  if (!parsed.ok) return null;
  const message = parsed.value;
  if (message.type === 'ERROR' && (message.code === 'not_member' || message.code === 'stale_session')) return message.code;
  if (!answersJoin(message, nonce)) return null;
  if (message.type === 'ERROR') return message.code;
  return (await sharedSecretX(await appKey(), bytesOf(message.public_key))) === null ? null : 'welcome';
}

describe('the WELCOME and ERROR cases, as the app takes them after its JOIN', () => {
  it.each(membersVectors.welcome)('$why: $takes', async ({ text, nonce, takes }) => {
    expect(await appTakes(text, nonce)).toBe(takes);
  });
});

/**
 * The thermostat's judging of a MEMBERS_set ("Members"): checkMembersSet for the steps that need no
 * state, then a member to remove, then room for an invitation after the removal; and what it leaves.
 */
function judge(vector: MembersSetVector): Pick<MembersSetVector, 'expect' | 'thermostat' | 'after'> {
  const value = objectOf(vector.text);
  const checked = checkMembersSet(value);
  if (!checked.ok) {
    const seq = value['seq'];
    const thermostat = !isToken(value['session']) ? 'stale_session' : !(Number.isSafeInteger(seq) && (seq as number) >= 1) ? 'dropped' : undefined;
    return { expect: checked.error, ...(thermostat === undefined ? {} : { thermostat }) };
  }
  const message: MembersSetMessage = checked.value;
  if (message.remove !== undefined && !vector.members.includes(message.remove)) return { expect: 'unknown_member' };
  const remaining = vector.members.filter((id) => id !== message.remove);
  if (message.invite === true && remaining.length >= MAX_MEMBERS) return { expect: 'full' };
  return {
    expect: null,
    after: { members: remaining, old_link: vector.old_link && message.remove === undefined && message.old_link === undefined, invitation: message.invite === true },
  };
}

describe('the MEMBERS_set cases, judged in order', () => {
  it.each(membersVectors.membersSet)('$why: $expect', (vector) => {
    const { why: _why, text: _text, members: _members, old_link: _oldLink, ...expected } = vector;
    expect(judge(vector)).toEqual(expected);
  });

  it('cover every step of the judging order', () => {
    const seen = new Set(membersVectors.membersSet.map((c) => `${c.expect ?? 'null'} ${c.thermostat ?? ''}`.trim()));
    expect([...seen].sort()).toEqual(['bad_message', 'bad_message dropped', 'bad_message stale_session', 'full', 'null', 'out_of_range', 'unknown_member']);
    expect(membersVectors.membersSet.every((c) => c.members.length <= MAX_MEMBERS && new Set(c.members).size === c.members.length)).toBe(true);
  });
});

describe('the MEMBERS cases, as the app takes them', () => {
  it.each(membersVectors.members)('$why: valid $valid', ({ text, valid }) => {
    const parsed = parseMessage(text);
    expect(parsed.ok && parsed.value.type === 'MEMBERS').toBe(valid);
  });
});

describe('the MEMBERS field descriptions, which the thermostat checks its MEMBERS against', () => {
  const { fields, memberFields, invitationFields } = membersVectors.membersFields;
  const [exampleCase] = membersVectors.members;
  if (exampleCase === undefined) throw new Error('members.json has no MEMBERS');
  const example = objectOf(exampleCase.text);
  const firstMember = Array.isArray(example['members']) && isObject(example['members'][0]) ? example['members'][0] : {};
  const invitation = isObject(example['invitation']) ? example['invitation'] : {};

  it('describe every field of the example, which the app takes', () => {
    expect(exampleCase.valid).toBe(true);
    expect(fields.map((f) => f.name).sort()).toEqual(Object.keys(example).sort());
    expect(memberFields.map((f) => f.name).sort()).toEqual(Object.keys(firstMember).sort());
    expect(invitationFields.map((f) => f.name).sort()).toEqual(Object.keys(invitation).sort());
  });

  const without = (value: JsonObject, key: string): JsonObject => Object.fromEntries(Object.entries(value).filter(([name]) => name !== key));
  const entries = (count: number) => Array.from({ length: count }, (_, index) => ({ ...firstMember, id: `${'ABCDEFGHIJ'.charAt(index)}`.repeat(22) }));
  const wrongType: Partial<Record<FieldVector['kind'], unknown>> = { string: 1, token: 1, id: 1, integer: '1', boolean: 'true', members: {}, invitation: 'x', secret: 1 };
  const malformed: Partial<Record<FieldVector['kind'], unknown>> = { token: 'short', id: 'not an id', secret: 'A'.repeat(42), invitation: { expires_s: 1 } };

  /** Cases that follow from one field's description: missing, null, mistyped, malformed, on and past each bound. */
  function derive(field: FieldVector, put: (value: unknown) => JsonObject, remove: () => JsonObject): { why: string; value: JsonObject; valid: boolean }[] {
    const name = field.name;
    const out = [
      { why: `${name} missing`, value: remove(), valid: field.optional },
      { why: `${name} null`, value: put(null), valid: field.nullable },
      { why: `${name} of the wrong type`, value: put(wrongType[field.kind]), valid: false },
    ];
    if (field.kind in malformed) out.push({ why: `${name} malformed`, value: put(malformed[field.kind]), valid: false });
    if (field.kind === 'integer') out.push({ why: `${name} fractional`, value: put((field.min ?? 0) + 1.5), valid: false });
    if (field.min !== undefined) out.push({ why: `${name} on its minimum`, value: put(field.min), valid: true }, { why: `${name} below it`, value: put(field.min - 1), valid: false });
    if (field.max !== undefined) out.push({ why: `${name} on its maximum`, value: put(field.max), valid: true }, { why: `${name} above it`, value: put(field.max + 1), valid: false });
    for (const allowed of field.values ?? []) out.push({ why: `${name} ${allowed}`, value: put(allowed), valid: true });
    if (field.values !== undefined) out.push({ why: `${name} not one of its values`, value: put('other'), valid: false });
    if (field.max_length !== undefined) {
      out.push({ why: `${name} at its longest`, value: put('n'.repeat(field.max_length)), valid: true }, { why: `${name} too long`, value: put('n'.repeat(field.max_length + 1)), valid: false });
    }
    if (field.max_items !== undefined) {
      out.push({ why: `${name} with the most items`, value: put(entries(field.max_items)), valid: true }, { why: `${name} with one too many`, value: put(entries(field.max_items + 1)), valid: false });
    }
    return out;
  }

  const derived = [
    ...fields.flatMap((field) => derive(field, (value) => ({ ...example, [field.name]: value }), () => without(example, field.name))),
    ...memberFields.flatMap((field) =>
      derive(field, (value) => ({ ...example, members: [{ ...firstMember, [field.name]: value }] }), () => ({ ...example, members: [without(firstMember, field.name)] })).map((c) => ({ ...c, why: `member ${c.why}` })),
    ),
    ...invitationFields.flatMap((field) =>
      derive(field, (value) => ({ ...example, invitation: { ...invitation, [field.name]: value } }), () => ({ ...example, invitation: without(invitation, field.name) })).map((c) => ({ ...c, why: `invitation ${c.why}` })),
    ),
  ];

  it.each(derived)('$why: valid $valid', ({ value, valid }) => {
    const parsed = parseMessageValue(value);
    expect(parsed.ok ? parsed.value.type : parsed.error).toBe(valid ? 'MEMBERS' : 'bad_message');
  });
});
