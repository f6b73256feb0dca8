/**
 * Writes protocol/vectors/members.json (docs/protocol.md "Keys and pairing", "Joining", "The old shared
 * key", "Members"). Run with `npx tsx protocol/vectors/make-members-vectors.ts`; a rerun writes the same
 * file byte for byte (every key and secret comes from SHA-256 of a fixed label).
 *
 * The derivation's numbers come from node:crypto (OpenSSL's ECDH and HKDF), an implementation apart
 * from the contract's (protocol/member-key.ts: WebCrypto and @noble/hashes), which
 * protocol/members-vectors.test.ts holds to them; the thermostat's tests hold BearSSL to them too.
 * Every verdict in the message cases is written by hand.
 */
import { createECDH, createHash, hkdfSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JoinVector, MemberKeyDerivationVector, MembersSetExpectation, MembersSetVector, WelcomeVector } from './index.ts';

const ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const PRIME = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const CURVE_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const toBig = (bytes: Uint8Array): bigint => BigInt(`0x${hex(bytes)}`);
const toBytes32 = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');

/** A fixed private scalar: SHA-256 of a label, which is below the group order for every label used here. */
function scalar(label: string): Buffer {
  const d = sha256(`hearth members vector ${label}`);
  const value = toBig(d);
  if (value === 0n || value >= ORDER) throw new Error(`${label}: not a scalar`);
  return d;
}

function pointOf(privateKey: Buffer): Buffer {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateKey);
  return ecdh.getPublicKey(); // uncompressed 0x04||X||Y
}

function sharedX(privateKey: Buffer, peer: Buffer): Buffer {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateKey);
  return ecdh.computeSecret(peer); // the X coordinate, 32 bytes, leading zeros kept
}

const memberKey = (x: Buffer, secret: Buffer, thermostatId: string, memberId: string): Buffer =>
  Buffer.from(hkdfSync('sha256', x, secret, Buffer.from(`hearth member v1|${thermostatId}|${memberId}`, 'utf8'), 32));

const THERMOSTAT_ID = '6dJCrkykZadkdwfxaPEkQ-';
const OTHER_THERMOSTAT_ID = 'tH3rm0stat_2-_xyzABCDE';
/** Members' IDs: 22 characters of base64url, '-' and '_' among them. */
const MEMBER_IDS = [
  'Ab_cdEFghIJklMNopQRst0',
  'Bb-cdEFghIJklMNopQRst1',
  'Cb_cdEFghIJklMNopQRst2',
  'Db-cdEFghIJklMNopQRst3',
  'Eb_cdEFghIJklMNopQRst4',
  'Fb-cdEFghIJklMNopQRst5',
  'Gb_cdEFghIJklMNopQRst6',
  'Hb-cdEFghIJklMNopQRst7',
] as const;
const [ANA, BEN, CAROL] = MEMBER_IDS;
const STRANGER = 'Zz_strangerNotAMember9';

function derivation(why: string, role: MemberKeyDerivationVector['role'], appLabel: string, thermostatKey: Buffer, secretLabel: string, thermostatId: string, memberId: string): MemberKeyDerivationVector {
  const appKey = scalar(appLabel);
  const appPoint = pointOf(appKey);
  const thermostatPoint = pointOf(thermostatKey);
  const x = sharedX(appKey, thermostatPoint);
  if (!x.equals(sharedX(thermostatKey, appPoint))) throw new Error(`${why}: the two ends disagree`);
  const secret = sha256(`hearth members vector secret ${secretLabel}`);
  return {
    why,
    role,
    app_private_key: hex(appKey),
    app_public_key: b64url(appPoint),
    thermostat_private_key: hex(thermostatKey),
    thermostat_public_key: b64url(thermostatPoint),
    shared_x: hex(x),
    secret: b64url(secret),
    thermostat_id: thermostatId,
    member_id: memberId,
    member_key: b64url(memberKey(x, secret, thermostatId, memberId)),
  };
}

/** The first thermostat scalar (by label number) whose shared X with `appLabel`'s point starts with a zero byte. */
function leadingZeroThermostatKey(appLabel: string): Buffer {
  const appPoint = pointOf(scalar(appLabel));
  for (let n = 0; ; n += 1) {
    const key = scalar(`thermostat zero ${n}`);
    if (sharedX(key, appPoint)[0] === 0) return key;
  }
}

const DERIVATION: MemberKeyDerivationVector[] = [
  derivation('an invitation redeemed by Ana', 'invitation', 'app ana', scalar('thermostat 1'), 'invitation 1', THERMOSTAT_ID, ANA),
  derivation('another invitation, another member and thermostat', 'invitation', 'app ben', scalar('thermostat 2'), 'invitation 2', OTHER_THERMOSTAT_ID, BEN),
  derivation('a phone moving over from the old shared key (the salt is that key)', 'old_shared_key', 'app carol', scalar('thermostat 3'), 'old shared key', THERMOSTAT_ID, CAROL),
  derivation(
    'a shared X whose first byte is zero: all 32 bytes go into HKDF',
    'invitation',
    'app ana again',
    leadingZeroThermostatKey('app ana again'),
    'invitation 3',
    THERMOSTAT_ID,
    ANA,
  ),
];

const [first, second] = DERIVATION as [MemberKeyDerivationVector, MemberKeyDerivationVector];
const goodPoint = Buffer.from(first.app_public_key, 'base64url');

/** The smallest X on P-256 with one of its Ys: X + p encodes the same X to an implementation that reduces modulo p. */
function smallPoint(): { x: bigint; y: bigint } {
  const power = (base: bigint, exponent: bigint): bigint => {
    let result = 1n;
    let b = base % PRIME;
    for (let e = exponent; e > 0n; e >>= 1n) {
      if (e & 1n) result = (result * b) % PRIME;
      b = (b * b) % PRIME;
    }
    return result;
  };
  for (let x = 0n; ; x += 1n) {
    const right = (((x * x * x - 3n * x + CURVE_B) % PRIME) + PRIME) % PRIME;
    const y = power(right, (PRIME + 1n) / 4n); // p = 3 mod 4
    if ((y * y) % PRIME === right) return { x, y };
  }
}

const withPrefix = (prefix: number, point: Buffer): Buffer => Buffer.concat([Buffer.from([prefix]), point.subarray(1)]);
const offCurve = Buffer.from(goodPoint);
offCurve[64] = offCurve[64]! ^ 1;
const small = smallPoint();
const xAbovePrime = Buffer.concat([Buffer.from([4]), toBytes32(small.x + PRIME), toBytes32(small.y)]);
const xSmall = Buffer.concat([Buffer.from([4]), toBytes32(small.x), toBytes32(small.y)]);
if (!sharedX(scalar('app ana'), xSmall).length) throw new Error('the small point is not a point');

const BAD_POINTS: { why: string; public_key: string }[] = [
  { why: 'off the curve: a good point with the last bit of Y flipped', public_key: b64url(offCurve) },
  { why: 'prefix 0x02 (a compressed form) before X and Y', public_key: b64url(withPrefix(0x02, goodPoint)) },
  { why: 'prefix 0x03 (a compressed form) before X and Y', public_key: b64url(withPrefix(0x03, goodPoint)) },
  { why: 'prefix 0x00 before X and Y', public_key: b64url(withPrefix(0x00, goodPoint)) },
  { why: 'prefix 0x06 (the hybrid form some libraries take) before X and Y', public_key: b64url(withPrefix(0x06 + (goodPoint[64]! & 1), goodPoint)) },
  { why: 'the compressed form of a good point: 33 bytes', public_key: b64url(Buffer.concat([Buffer.from([0x02 + (goodPoint[64]! & 1)]), goodPoint.subarray(1, 33)])) },
  { why: '64 bytes: a good point without its last byte', public_key: b64url(goodPoint.subarray(0, 64)) },
  { why: '66 bytes: a good point and a zero byte', public_key: b64url(Buffer.concat([goodPoint, Buffer.from([0])])) },
  { why: 'the point at infinity: a single zero byte', public_key: b64url(Buffer.from([0])) },
  { why: 'the point at infinity as X = Y = 0', public_key: b64url(Buffer.concat([Buffer.from([4]), Buffer.alloc(64)])) },
  { why: 'X at or above p: a point on the curve once X is reduced modulo p', public_key: b64url(xAbovePrime) },
  { why: 'X and Y all ones (above p)', public_key: b64url(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0xff)])) },
  { why: 'no bytes at all', public_key: '' },
];

// --- JOIN ("Joining") ---------------------------------------------------------------------------

const NONCE = 'AAECAwQFBgcICQoLDA0ODw';
const OTHER_NONCE = 'bm9uY2Utbm9uY2Ut';
const LONGEST_NONCE = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v';
const APP_KEY = first.app_public_key;
/** The same 65 bytes in standard base64: the key's '-' and '_' as '+' and '/'. */
const standardBase64 = (text: string): string => text.replace(/-/g, '+').replace(/_/g, '/');
if (standardBase64(APP_KEY) === APP_KEY) throw new Error('the app key has no - or _ to show standard base64 with');
/** 65 bytes leave 2 spare bits in the last of 87 characters; setting one gives the same bytes to a lax decoder. */
function spareBitsSet(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(text.charAt(text.length - 1));
  return `${text.slice(0, -1)}${alphabet.charAt(last | 1)}`;
}

const join = (fields: Record<string, unknown>): string => JSON.stringify({ type: 'JOIN', name: "Ana's phone", nonce: NONCE, public_key: APP_KEY, ...fields });
const joinWithout = (key: string): string => {
  const fields: Record<string, unknown> = { type: 'JOIN', name: "Ana's phone", nonce: NONCE, public_key: APP_KEY };
  delete fields[key];
  return JSON.stringify(fields);
};

const JOIN: JoinVector[] = [
  { why: 'a JOIN as the app sends it', text: join({}), valid: true },
  { why: "another app's point", text: join({ public_key: second.app_public_key }), valid: true },
  { why: 'unknown fields are ignored', text: join({ session: 'c2Vzc2lvbi0xMjM0', seq: 9, note: { a: [1] } }), valid: true },
  { why: 'an empty name, as START allows', text: join({ name: '' }), valid: true },
  { why: 'a name of 64 characters, the longest', text: join({ name: 'n'.repeat(64) }), valid: true },
  { why: 'a nonce of 48 bytes, the longest', text: join({ nonce: LONGEST_NONCE }), valid: true },
  { why: 'name missing', text: joinWithout('name'), valid: false },
  { why: 'name null', text: join({ name: null }), valid: false },
  { why: 'name as a number', text: join({ name: 1 }), valid: false },
  { why: 'a name of 65 characters', text: join({ name: 'n'.repeat(65) }), valid: false },
  { why: 'nonce missing', text: joinWithout('nonce'), valid: false },
  { why: 'nonce as a number', text: join({ nonce: 1234567890123456 }), valid: false },
  { why: 'a nonce of 11 bytes', text: join({ nonce: 'AAECAwQFBgcICQo' }), valid: false },
  { why: 'a nonce with padding', text: join({ nonce: 'AAECAwQFBgcICQo=' }), valid: false },
  { why: 'public_key missing', text: joinWithout('public_key'), valid: false },
  { why: 'public_key null', text: join({ public_key: null }), valid: false },
  { why: 'public_key as a number', text: join({ public_key: 4 }), valid: false },
  { why: 'public_key as a list of bytes', text: join({ public_key: Array.from(goodPoint.subarray(0, 4)) }), valid: false },
  { why: 'public_key of 64 bytes (86 characters)', text: join({ public_key: b64url(goodPoint.subarray(0, 64)) }), valid: false },
  { why: 'public_key of 66 bytes (88 characters)', text: join({ public_key: b64url(Buffer.concat([goodPoint, Buffer.from([0])])) }), valid: false },
  { why: 'public_key with = padding', text: join({ public_key: `${APP_KEY}=` }), valid: false },
  { why: 'public_key in standard base64, with + or /', text: join({ public_key: standardBase64(APP_KEY) }), valid: false },
  { why: 'public_key with a foreign character', text: join({ public_key: `${APP_KEY.slice(0, 86)}*` }), valid: false },
  { why: 'public_key with a space inside', text: join({ public_key: `${APP_KEY.slice(0, 40)} ${APP_KEY.slice(41)}` }), valid: false },
  { why: 'public_key whose last character sets bits beyond the last byte', text: join({ public_key: spareBitsSet(APP_KEY) }), valid: false },
  { why: 'public_key in hex', text: join({ public_key: hex(goodPoint) }), valid: false },
  { why: 'public_key with prefix 0x02', text: join({ public_key: b64url(withPrefix(0x02, goodPoint)) }), valid: false },
  { why: 'public_key off the curve: the thermostat checks the point', text: join({ public_key: b64url(offCurve) }), valid: false },
  { why: 'public_key with X above p', text: join({ public_key: b64url(xAbovePrime) }), valid: false },
  { why: 'public_key the point at infinity as X = Y = 0', text: join({ public_key: b64url(Buffer.concat([Buffer.from([4]), Buffer.alloc(64)])) }), valid: false },
];
if (spareBitsSet(APP_KEY) === APP_KEY) throw new Error('the spare bits were already set');

// --- WELCOME and ERROR, as the app takes them after its JOIN ------------------------------------

const THERMOSTAT_KEY = first.thermostat_public_key;
const welcome = (fields: Record<string, unknown>): string => JSON.stringify({ type: 'WELCOME', nonce: NONCE, public_key: THERMOSTAT_KEY, ...fields });

const WELCOME: WelcomeVector[] = [
  { why: "a WELCOME with the JOIN's nonce", text: welcome({}), nonce: NONCE, takes: 'welcome' },
  { why: 'a WELCOME with unknown fields, ignored', text: welcome({ session: 'c2Vzc2lvbi0xMjM0', note: 1 }), nonce: NONCE, takes: 'welcome' },
  { why: "a WELCOME with another JOIN's nonce", text: welcome({}), nonce: OTHER_NONCE, takes: null },
  { why: 'a WELCOME without a nonce', text: JSON.stringify({ type: 'WELCOME', public_key: THERMOSTAT_KEY }), nonce: NONCE, takes: null },
  { why: 'a WELCOME without a public_key', text: JSON.stringify({ type: 'WELCOME', nonce: NONCE }), nonce: NONCE, takes: null },
  { why: 'a WELCOME whose point is 64 bytes', text: welcome({ public_key: b64url(goodPoint.subarray(0, 64)) }), nonce: NONCE, takes: null },
  { why: 'a WELCOME whose point has = padding', text: welcome({ public_key: `${THERMOSTAT_KEY}=` }), nonce: NONCE, takes: null },
  { why: 'a WELCOME whose point is off the curve', text: welcome({ public_key: b64url(offCurve) }), nonce: NONCE, takes: null },
  { why: 'a WELCOME whose point has prefix 0x03', text: welcome({ public_key: b64url(withPrefix(0x03, goodPoint)) }), nonce: NONCE, takes: null },
  { why: "an ERROR full with the JOIN's nonce: the household has 8 members", text: JSON.stringify({ type: 'ERROR', code: 'full', nonce: NONCE }), nonce: NONCE, takes: 'full' },
  { why: "an ERROR full with another JOIN's nonce", text: JSON.stringify({ type: 'ERROR', code: 'full', nonce: OTHER_NONCE }), nonce: NONCE, takes: null },
  { why: 'an ERROR full without a nonce', text: '{"type":"ERROR","code":"full"}', nonce: NONCE, takes: null },
  { why: 'an ERROR not_member: this app was removed', text: '{"type":"ERROR","code":"not_member"}', nonce: NONCE, takes: 'not_member' },
  { why: 'an ERROR not_member with a nonce, which it does not need', text: JSON.stringify({ type: 'ERROR', code: 'not_member', nonce: OTHER_NONCE }), nonce: NONCE, takes: 'not_member' },
  { why: 'an ERROR stale_session', text: '{"type":"ERROR","code":"stale_session"}', nonce: NONCE, takes: 'stale_session' },
  { why: 'an ERROR of a code the app does not know', text: JSON.stringify({ type: 'ERROR', code: 'expired', nonce: NONCE }), nonce: NONCE, takes: null },
  { why: 'an ERROR without a code', text: JSON.stringify({ type: 'ERROR', nonce: NONCE }), nonce: NONCE, takes: null },
];

// --- MEMBERS_set ("Members") --------------------------------------------------------------------

const SESSION = 'c2Vzc2lvbi0xMjM0';
type MembersSetError = Exclude<MembersSetExpectation, null>;

const set = (fields: Record<string, unknown>): string => JSON.stringify({ type: 'MEMBERS_set', session: SESSION, seq: 2, ...fields });
const TWO = [ANA, BEN];
const EIGHT = [...MEMBER_IDS];

function refused(why: string, text: string, expect: MembersSetError, members: string[] = TWO, thermostat?: 'stale_session' | 'dropped'): MembersSetVector {
  return { why, text, members, old_link: true, expect, ...(thermostat === undefined ? {} : { thermostat }) };
}

function accepted(why: string, fields: Record<string, unknown>, members: string[], oldLink: boolean): MembersSetVector {
  const removed = typeof fields['remove'] === 'string' ? fields['remove'] : undefined;
  return {
    why,
    text: set(fields),
    members,
    old_link: oldLink,
    expect: null,
    after: {
      members: members.filter((id) => id !== removed),
      old_link: oldLink && removed === undefined && fields['old_link'] !== false,
      invitation: fields['invite'] === true,
    },
  };
}

const MEMBERS_SET: MembersSetVector[] = [
  // Step 1: session and seq, as SET.
  refused('session missing', JSON.stringify({ type: 'MEMBERS_set', seq: 2, invite: true }), 'bad_message', TWO, 'stale_session'),
  refused('session as a number', JSON.stringify({ type: 'MEMBERS_set', session: 5, seq: 2, invite: true }), 'bad_message', TWO, 'stale_session'),
  refused('seq missing', JSON.stringify({ type: 'MEMBERS_set', session: SESSION, invite: true }), 'bad_message', TWO, 'dropped'),
  refused('seq 0', set({ seq: 0, invite: true }), 'bad_message', TWO, 'dropped'),
  refused('seq fractional', set({ seq: 1.5 }), 'bad_message', TWO, 'dropped'),
  // Step 2: shapes, before any value.
  refused('invite "yes" with remove 5: shapes first', set({ invite: 'yes', remove: 5 }), 'bad_message'),
  refused('invite as text', set({ invite: 'true' }), 'bad_message'),
  refused('invite null', set({ invite: null }), 'bad_message'),
  refused('invite 1', set({ invite: 1 }), 'bad_message'),
  refused('old_link as text', set({ old_link: 'false' }), 'bad_message'),
  refused('old_link 0', set({ old_link: 0 }), 'bad_message'),
  refused('old_link null', set({ old_link: null }), 'bad_message'),
  refused('remove as a number', set({ remove: 5 }), 'bad_message'),
  refused('remove null', set({ remove: null }), 'bad_message'),
  refused('remove as a list of IDs', set({ remove: [BEN] }), 'bad_message'),
  refused('a shape fault beside a value fault: old_link "x" with invite false', set({ old_link: 'x', invite: false }), 'bad_message'),
  // Step 3: values.
  refused('invite false', set({ invite: false }), 'out_of_range'),
  refused('old_link true: a closed key never opens again', set({ old_link: true }), 'out_of_range', TWO),
  refused('remove empty', set({ remove: '' }), 'out_of_range'),
  refused('remove of 21 characters', set({ remove: BEN.slice(0, 21) }), 'out_of_range'),
  refused('remove of 23 characters', set({ remove: `${BEN}A` }), 'out_of_range'),
  refused('remove with a + of standard base64', set({ remove: `${BEN.slice(0, 21)}+` }), 'out_of_range'),
  refused('invite false beside a remove naming no member: values before members', set({ invite: false, remove: STRANGER }), 'out_of_range'),
  // Step 4: remove naming no member.
  refused('remove naming no member', set({ remove: STRANGER }), 'unknown_member'),
  refused('remove naming no member with invite, 8 members: unknown_member before full', set({ remove: STRANGER, invite: true }), 'unknown_member', EIGHT),
  // Step 5: invite with 8 members after the removal.
  refused('invite with 8 members', set({ invite: true }), 'full', EIGHT),
  refused('invite and close the old link with 8 members: nothing changes', set({ invite: true, old_link: false }), 'full', EIGHT),
  // Accepted: removed, then closed, then invited.
  accepted('no field: the list only', {}, TWO, true),
  accepted('invite with 7 members', { invite: true }, EIGHT.slice(0, 7), true),
  accepted('remove and invite with 8 members: there is room after the removal', { remove: EIGHT[7], invite: true }, EIGHT, true),
  accepted('remove a member: the old shared key closes too', { remove: BEN }, TWO, true),
  accepted('remove a member while the old shared key is closed', { remove: BEN }, [ANA, BEN, CAROL], false),
  accepted('remove oneself', { remove: ANA }, TWO, true),
  accepted('close the old shared key', { old_link: false }, TWO, true),
  accepted('close the old shared key again: already closed', { old_link: false }, TWO, false),
  accepted('all three at once', { remove: BEN, old_link: false, invite: true }, TWO, true),
  accepted('unknown fields are ignored', { note: { a: [1] }, members: [] }, TWO, true),
];

// --- MEMBERS, as the app takes it ---------------------------------------------------------------

const SECRET = b64url(sha256('hearth members vector secret invitation 1'));
const memberEntry = (index: number): Record<string, unknown> => ({ id: MEMBER_IDS[index], name: `phone ${index}`, heard_s: index === 1 ? null : index * 7 });
const example = {
  type: 'MEMBERS',
  session: SESSION,
  seq: 18,
  members: [
    { id: ANA, name: "Ana's phone", heard_s: 12 },
    { id: BEN, name: "Ben's phone", heard_s: null },
  ],
  old_link: false,
  invitation: { secret: SECRET, expires_s: 86400 },
  error: null,
};
const members = (change: Record<string, unknown>): string => JSON.stringify({ ...example, ...change });
const membersWithout = (key: string): string => JSON.stringify(Object.fromEntries(Object.entries(example).filter(([name]) => name !== key)));
const withMember = (change: Record<string, unknown>): string => members({ members: [{ ...example.members[0], ...change }] });
const withInvitation = (change: Record<string, unknown>): string => members({ invitation: { ...example.invitation, ...change } });
const secret32 = Buffer.from(SECRET, 'base64url');

const MEMBERS: JoinVector[] = [
  { why: 'the example: two members, one not heard since the start, and a new invitation', text: members({}), valid: true },
  { why: 'no members: the last one removed itself', text: members({ members: [] }), valid: true },
  { why: '8 members, the most', text: members({ members: MEMBER_IDS.map((_, index) => memberEntry(index)) }), valid: true },
  { why: 'no invitation', text: members({ invitation: null }), valid: true },
  { why: 'the old shared key open', text: members({ old_link: true }), valid: true },
  { why: 'heard_s 0', text: withMember({ heard_s: 0 }), valid: true },
  { why: 'heard_s 2^53 - 1', text: withMember({ heard_s: 9007199254740991 }), valid: true },
  { why: 'a name of 64 characters', text: withMember({ name: 'n'.repeat(64) }), valid: true },
  { why: 'an empty name', text: withMember({ name: '' }), valid: true },
  { why: 'expires_s 1', text: withInvitation({ expires_s: 1 }), valid: true },
  ...(['bad_message', 'out_of_range', 'unknown_member', 'full', 'storage'] as const).map((error) => ({ why: `error ${error}`, text: members({ error, invitation: null }), valid: true })),
  { why: 'unknown fields are ignored, also in a member and the invitation', text: members({ note: 1, members: [{ ...example.members[0], note: 2 }], invitation: { ...example.invitation, note: 3 } }), valid: true },
  { why: '9 members', text: members({ members: [...MEMBER_IDS.map((_, index) => memberEntry(index)), { id: STRANGER, name: 'ninth', heard_s: 1 }] }), valid: false },
  { why: 'a member listed twice', text: members({ members: [example.members[0], { ...example.members[1], id: ANA }] }), valid: false },
  { why: 'heard_s negative', text: withMember({ heard_s: -1 }), valid: false },
  { why: 'heard_s not whole', text: withMember({ heard_s: 1.5 }), valid: false },
  { why: 'heard_s as text', text: withMember({ heard_s: '12' }), valid: false },
  { why: 'heard_s 2^53', text: withMember({ heard_s: 9007199254740992 }), valid: false },
  { why: 'heard_s missing', text: members({ members: [{ id: ANA, name: "Ana's phone" }] }), valid: false },
  { why: 'a member ID of 21 characters', text: withMember({ id: ANA.slice(0, 21) }), valid: false },
  { why: 'a member ID missing', text: members({ members: [{ name: "Ana's phone", heard_s: 1 }] }), valid: false },
  { why: 'a name of 65 characters', text: withMember({ name: 'n'.repeat(65) }), valid: false },
  { why: 'a name as a number', text: withMember({ name: 7 }), valid: false },
  { why: 'a member that is not an object', text: members({ members: [ANA] }), valid: false },
  { why: 'members missing', text: membersWithout('members'), valid: false },
  { why: 'members null', text: members({ members: null }), valid: false },
  { why: 'members as an object', text: members({ members: {} }), valid: false },
  { why: 'old_link missing', text: membersWithout('old_link'), valid: false },
  { why: 'old_link as text', text: members({ old_link: 'false' }), valid: false },
  { why: 'old_link null', text: members({ old_link: null }), valid: false },
  { why: 'invitation missing', text: membersWithout('invitation'), valid: false },
  { why: 'invitation as text', text: members({ invitation: SECRET }), valid: false },
  { why: 'an invitation secret of 31 bytes', text: withInvitation({ secret: b64url(secret32.subarray(0, 31)) }), valid: false },
  { why: 'an invitation secret of 33 bytes', text: withInvitation({ secret: b64url(Buffer.concat([secret32, Buffer.from([0])])) }), valid: false },
  { why: 'an invitation secret with = padding', text: withInvitation({ secret: `${SECRET}=` }), valid: false },
  { why: 'an invitation secret in standard base64', text: withInvitation({ secret: secret32.toString('base64').replace(/=+$/, '').replace(/^./, '+') }), valid: false },
  { why: 'an invitation secret whose last character sets bits beyond the last byte', text: withInvitation({ secret: spareBitsSetFor(SECRET) }), valid: false },
  { why: 'an invitation secret missing', text: members({ invitation: { expires_s: 86400 } }), valid: false },
  { why: 'expires_s 0', text: withInvitation({ expires_s: 0 }), valid: false },
  { why: 'expires_s 86401, past the 24 hours', text: withInvitation({ expires_s: 86401 }), valid: false },
  { why: 'expires_s negative', text: withInvitation({ expires_s: -1 }), valid: false },
  { why: 'expires_s not whole', text: withInvitation({ expires_s: 3600.5 }), valid: false },
  { why: 'expires_s missing', text: members({ invitation: { secret: SECRET } }), valid: false },
  { why: 'error of a code MEMBERS never has', text: members({ error: 'no_clock' }), valid: false },
  { why: 'error stale_session', text: members({ error: 'stale_session' }), valid: false },
  { why: 'error missing', text: membersWithout('error'), valid: false },
  { why: 'session missing', text: membersWithout('session'), valid: false },
  { why: 'session too short to be one', text: members({ session: 'c2Vzc2lvbg' }), valid: false },
  { why: 'seq 0', text: members({ seq: 0 }), valid: false },
  { why: 'seq missing', text: membersWithout('seq'), valid: false },
];

/** 32 bytes leave 2 spare bits in the last of 43 characters. */
function spareBitsSetFor(text: string): string {
  const changed = spareBitsSet(text);
  if (changed === text) throw new Error('the spare bits were already set');
  return changed;
}

/** MEMBERS's fields in the terms of messages.json's state.fields, so the thermostat can check every MEMBERS it writes. */
const MEMBERS_FIELDS = {
  fields: [
    { name: 'type', kind: 'string', values: ['MEMBERS'] },
    { name: 'session', kind: 'token' },
    { name: 'seq', kind: 'integer', min: 1, max: 9007199254740991 },
    { name: 'members', kind: 'members', max_items: 8 },
    { name: 'old_link', kind: 'boolean' },
    { name: 'invitation', kind: 'invitation', nullable: true },
    { name: 'error', kind: 'string', nullable: true, values: ['bad_message', 'out_of_range', 'unknown_member', 'full', 'storage'] },
  ],
  member_fields: [
    { name: 'id', kind: 'id' },
    { name: 'name', kind: 'string', max_length: 64 },
    { name: 'heard_s', kind: 'integer', min: 0, max: 9007199254740991, nullable: true },
  ],
  invitation_fields: [
    { name: 'secret', kind: 'secret' },
    { name: 'expires_s', kind: 'integer', min: 1, max: 86400 },
  ],
};

const about =
  'Per-member key vectors (docs/protocol.md "Keys and pairing", "Joining", "The old shared key", "Members"), read by ' +
  "protocol/members-vectors.test.ts and the thermostat's tests. Byte strings are base64url without padding unless said. " +
  'derivation: fixed one-time ECDH P-256 private keys of the app and the thermostat (32-byte big-endian scalars, hex) and ' +
  'their public keys (65-byte uncompressed points 0x04||X||Y); shared_x (hex) the X coordinate of the shared point, which ' +
  'both ends must find; member_key = HKDF-SHA256(salt = secret, IKM = shared_x, info = UTF-8 of "hearth member v1|" + ' +
  'thermostat_id + "|" + member_id, 32 bytes); secret is an invitation secret or, for role old_shared_key, the old shared ' +
  'key. bad_points: public_key texts (base64url of bytes of any length) that are no uncompressed P-256 point, which both ' +
  'sides refuse for a JOIN and a WELCOME. join: the plaintext of a JOIN opened under an invitation (text) and whether the ' +
  'thermostat takes it (valid; it drops an invalid one without an answer), the point checked to lie on the curve. ' +
  'welcome: a plaintext the app opens under the invitation after sending a JOIN with nonce, and what it takes it as: ' +
  'welcome (the answer to that JOIN, its point on the curve), full (the ERROR full answering that JOIN), not_member or ' +
  'stale_session (those ERRORs), or null (ignored). members_set: a MEMBERS_set as sent (text, its session replaced by the ' +
  'session of the app that sends it) to a thermostat whose members are members (IDs in the order they joined; the first ' +
  'sends it: a test whose sending app has another ID puts that ID in place of the first everywhere in the case) with the ' +
  'old shared key open or not (old_link); expect is the error of the MEMBERS answering it, or null, ' +
  'unless thermostat says it answers stale_session or drops it (as messages.json commands); after is what an accepted ' +
  'one leaves: members, old_link and whether the answer carries an invitation. members: the plaintext of a MEMBERS and ' +
  'whether the app takes it (valid), session and seq aside. members_fields: every MEMBERS field in the terms of ' +
  'messages.json state.fields (kind members: a list of objects as member_fields; kind invitation: an object as ' +
  'invitation_fields; kind secret: 43 characters of strict base64url of 32 bytes; none optional), against which the ' +
  'thermostat checks every MEMBERS it writes. Regenerate with: npx tsx protocol/vectors/make-members-vectors.ts';

/** One line per case, so that a diff shows which changed. */
const lines = (items: readonly unknown[]): string => items.map((item) => `    ${JSON.stringify(item)}`).join(',\n');
const section = (name: string, items: readonly unknown[]): string => `  ${JSON.stringify(name)}: [\n${lines(items)}\n  ]`;

export function makeMembersVectors(): string {
  const fields = Object.entries(MEMBERS_FIELDS).map(([name, list]) => `    ${JSON.stringify(name)}: [\n${list.map((f) => `      ${JSON.stringify(f)}`).join(',\n')}\n    ]`);
  return [
    '{',
    `  "about": ${JSON.stringify(about)},`,
    `  "session": ${JSON.stringify(SESSION)},`,
    `${section('derivation', DERIVATION)},`,
    `${section('bad_points', BAD_POINTS)},`,
    `${section('join', JOIN)},`,
    `${section('welcome', WELCOME)},`,
    `${section('members_set', MEMBERS_SET)},`,
    `${section('members', MEMBERS)},`,
    `  "members_fields": {\n${fields.join(',\n')}\n  }`,
    '}',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('./members.json', import.meta.url));
  writeFileSync(target, makeMembersVectors());
  console.log(`wrote ${target}`);
}
