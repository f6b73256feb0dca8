/**
 * Writes protocol/vectors/owntracks.json (docs/protocol.md, "Messages" for OWNTRACKS_set and "What the thermostat
 * accepts" for the presence scenario). Run with `npx tsx protocol/vectors/make-owntracks-vectors.ts`. Bodies are
 * sealed with libsodium (libsodium-wrappers), the library OwnTracks for iOS uses; nonces, secrets and IDs are fixed,
 * so a rerun writes the same file byte for byte (protocol/owntracks-vectors.test.ts checks that, and opens every
 * body with libsodium and with @noble/ciphers).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sodium from 'libsodium-wrappers';
import { owntracksKey } from '../owntracks-key.ts';
import { relayPacket } from '../relay.ts';
import type { PresenceMemberVector } from './index.ts';

const SESSION = 'c2Vzc2lvbi0xMjM0';
const REGION = 'Hearth';
const LEAVE_DELAY_MS = 180_000;
const FRESH_MS = 12 * 3600 * 1000;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const fixedSecret = (label: string): string => sha256(`hearth owntracks vector secret ${label}`).subarray(0, 24).toString('base64url');
const fixedId = (label: string): string => sha256(`hearth owntracks vector id ${label}`).toString('base64url').slice(0, 22);
const fixedNonce = (label: string): Uint8Array => sha256(`hearth owntracks vector nonce ${label}`).subarray(0, 24);
/** Android's random `_id`: 4 bytes as hex (MessageWithRandomId). */
const androidMessageId = (label: string): string => sha256(`hearth owntracks vector _id ${label}`).subarray(0, 4).toString('hex');
/** iOS's region id `rid`: the first 6 hex digits of SHA-1 of "<name>-<tst>" (Region+CoreDataClass.m `ridFromTst:andName:`). */
const iosRid = (name: string, wtst: number): string => createHash('sha1').update(`${name}-${wtst}`, 'utf8').digest('hex').slice(0, 6);
/**
 * OwnTracks for iOS stamps `created_at` (when queued) only when it differs from the fix's `tst` by more than a second
 * (OwnTracksAppDelegate.m `regionEvent:enter:`, OwnTracking.m `waypointAsJSON:`).
 */
const iosCreatedAt = (tst: number | undefined, createdAt: number | undefined): { created_at?: number } =>
  createdAt !== undefined && (tst === undefined || Math.abs(createdAt - tst) > 1) ? { created_at: createdAt } : {};

// ---------------------------------------------------------------------------------------------------------------
// OWNTRACKS_set cases (docs/protocol.md "Messages")

type SetResult = 'accepted' | 'bad_message' | 'out_of_range';

interface OwntracksSetCase {
  why: string;
  text: string;
  result: SetResult;
  thermostat?: 'stale_session' | 'dropped';
  secret?: string | null;
  wtst?: number;
}

const EXAMPLE_SECRET = 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA';
const EXAMPLE_WTST = 1764633600;

function owntracksSetCases(): OwntracksSetCase[] {
  const cases: OwntracksSetCase[] = [];
  /** The message as sent: `fields` spliced in after session and seq, exactly as written (numbers such as 1e400 stay text). */
  const text = (fields: string, head = `"session":"${SESSION}","seq":2`): string =>
    `{"type":"OWNTRACKS_set"${head ? `,${head}` : ''}${fields ? `,${fields}` : ''}}`;
  const accepted = (why: string, fields: string, secret: string | null, wtst?: number): void => {
    cases.push({ why, text: text(fields), result: 'accepted', secret, ...(wtst === undefined ? {} : { wtst }) });
  };
  const refused = (why: string, fields: string, result: Exclude<SetResult, 'accepted'>): void => {
    cases.push({ why, text: text(fields), result });
  };
  const secret = (value: string): string => `"secret":${JSON.stringify(value)}`;
  const withRegion = (wtst: string): string => `${secret(EXAMPLE_SECRET)},"wtst":${wtst}`;

  accepted('a secret and its region', withRegion(String(EXAMPLE_WTST)), EXAMPLE_SECRET, EXAMPLE_WTST);
  accepted('a secret with - and _ (base64url)', `${secret('-_-_abcdefghijklmnopqrstuvwxyz09')},"wtst":1`, '-_-_abcdefghijklmnopqrstuvwxyz09', 1);
  accepted('null forgets the secret', '"secret":null', null);
  accepted('null with a wtst: wtst is not read without a secret', `"secret":null,"wtst":${EXAMPLE_WTST}`, null);
  accepted('null with a mistyped wtst: wtst is not read without a secret', '"secret":null,"wtst":"soon"', null);
  accepted('wtst 1, the smallest', withRegion('1'), EXAMPLE_SECRET, 1);
  accepted('wtst 2^53 - 1, the largest', withRegion('9007199254740991'), EXAMPLE_SECRET, 9007199254740991);
  accepted('wtst written with a fraction of zero is whole', withRegion('1764633600.0'), EXAMPLE_SECRET, EXAMPLE_WTST);
  accepted('wtst written with an exponent', withRegion('1.7646336e9'), EXAMPLE_SECRET, EXAMPLE_WTST);
  accepted('unknown fields are ignored', `${withRegion(String(EXAMPLE_WTST))},"rad":150,"desc":"Hearth"`, EXAMPLE_SECRET, EXAMPLE_WTST);

  refused('secret missing: it is required', `"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('secret of 31 characters', `${secret(EXAMPLE_SECRET.slice(0, 31))},"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('secret of 33 characters', `${secret(`${EXAMPLE_SECRET}A`)},"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('secret empty', `${secret('')},"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused("secret with '+' (standard base64, not base64url)", `${secret(`${EXAMPLE_SECRET.slice(0, 31)}+`)},"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused("secret with '/' (standard base64, not base64url)", `${secret(`/${EXAMPLE_SECRET.slice(1)}`)},"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused("secret padded with '='", `${secret(`${EXAMPLE_SECRET.slice(0, 31)}=`)},"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('secret with a space', `${secret(`${EXAMPLE_SECRET.slice(0, 15)} ${EXAMPLE_SECRET.slice(16)}`)},"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('secret with a letter outside ASCII (32 characters, 33 bytes)', `${secret(`${EXAMPLE_SECRET.slice(0, 31)}é`)},"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('secret as a number', `"secret":12345678901234567890123456789012,"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('secret true', `"secret":true,"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('secret in a list', `"secret":[${JSON.stringify(EXAMPLE_SECRET)}],"wtst":${EXAMPLE_WTST}`, 'bad_message');
  refused('a secret without wtst', secret(EXAMPLE_SECRET), 'bad_message');
  refused('wtst as text', withRegion(`"${EXAMPLE_WTST}"`), 'bad_message');
  refused('wtst null beside a secret', withRegion('null'), 'bad_message');
  refused('wtst true', withRegion('true'), 'bad_message');
  refused('wtst 0', withRegion('0'), 'out_of_range');
  refused('wtst -0 is 0', withRegion('-0'), 'out_of_range');
  refused('wtst negative', withRegion('-1'), 'out_of_range');
  refused('wtst fractional', withRegion('1.5'), 'out_of_range');
  refused('wtst 2^53, which a double cannot tell from 2^53 + 1', withRegion('9007199254740992'), 'out_of_range');
  refused('wtst beyond what a double holds', withRegion('1e400'), 'out_of_range');
  refused('a secret of another shape wins over a wtst out of range', `${secret(EXAMPLE_SECRET.slice(0, 31))},"wtst":0`, 'bad_message');
  refused('a secret of another shape wins over a missing wtst', secret('short'), 'bad_message');

  cases.push({ why: 'OWNTRACKS_set without session', text: text(withRegion(String(EXAMPLE_WTST)), '"seq":2'), result: 'bad_message', thermostat: 'stale_session' });
  cases.push({ why: 'OWNTRACKS_set without seq', text: text(withRegion(String(EXAMPLE_WTST)), `"session":"${SESSION}"`), result: 'bad_message', thermostat: 'dropped' });
  cases.push({ why: 'OWNTRACKS_set with seq 0', text: text(withRegion(String(EXAMPLE_WTST)), `"session":"${SESSION}","seq":0`), result: 'bad_message', thermostat: 'dropped' });
  cases.push({ why: 'a bad seq wins over a bad secret', text: text(secret('short'), `"session":"${SESSION}","seq":1.5`), result: 'bad_message', thermostat: 'dropped' });
  return cases;
}

// ---------------------------------------------------------------------------------------------------------------
// The presence scenario (docs/protocol.md "What the thermostat accepts")

const THERMOSTAT = 'Yw3NKWbEM2aRElRIu7JbT_';
/** The phones' clock (Unix seconds) when the thermostat's clock reads 0 ms; the two advance together. */
const PHONE_EPOCH = 1764680000;

type ScenarioMember = PresenceMemberVector;

const ANA: ScenarioMember = {
  id: 'GGXACDHnP37iP8E8stD1iL',
  name: "Ana's iPhone",
  platform: 'ios',
  tid: 'AN',
  secret: fixedSecret('ana'),
  wtst: 1764633600,
  registered: true,
};
const BEN: ScenarioMember = {
  id: fixedId('ben'),
  name: "Ben's Android",
  platform: 'android',
  tid: 'BE',
  secret: fixedSecret('ben'),
  wtst: 1764637200,
  registered: true,
};
const STRANGER: ScenarioMember = {
  id: fixedId('stranger'),
  name: 'a phone this thermostat has no secret for',
  platform: 'android',
  tid: 'ST',
  secret: fixedSecret('stranger'),
  wtst: 1764640800,
  registered: false,
};
const MEMBERS = [ANA, BEN, STRANGER];

const HOME = { lat: 52.0907, lon: 5.1214 };
const AWAY = { lat: 52.1003, lon: 5.1478 };

type Place = typeof HOME;

/**
 * A transition as OwnTracks for iOS 26.3 writes it: the fields of OwnTracksAppDelegate.m `regionEvent:enter:`, and
 * `topic`, which Connection.m `sendData:` adds over HTTP. That re-serialisation writes keys in NSDictionary's own
 * order, which nothing specifies; they are sorted here (as `jsonToData:` sorts them before it).
 */
function iosTransition(m: ScenarioMember, o: { event: string; tst?: number; createdAt?: number; at: Place; wtst?: number; acc?: number }): string {
  const wtst = o.wtst ?? m.wtst;
  const body: Record<string, unknown> = {
    _type: 'transition',
    acc: o.acc ?? 12,
    ...iosCreatedAt(o.tst, o.createdAt),
    desc: REGION,
    event: o.event,
    lat: o.at.lat,
    lon: o.at.lon,
    rid: iosRid(REGION, wtst),
    t: 'c',
    tid: m.tid,
    topic: `owntracks/user/${m.tid.toLowerCase()}/event`,
    ...(o.tst === undefined ? {} : { tst: o.tst }),
    wtst,
  };
  return JSON.stringify(body);
}

/**
 * A location as OwnTracks for iOS 26.3 writes it (OwnTracking.m `waypointAsJSON:`, extended data on, plus `topic`;
 * keys sorted as for a transition): `inregions` and `inrids` are lists, empty when outside every region. OwnTracks for
 * iOS from 2018 to 18.2 left both out when empty (`legacy`).
 */
function iosLocation(m: ScenarioMember, o: { tst: number; createdAt: number; at: Place; inregions: string[]; t: string; acc?: number; legacy?: true }): string {
  const regions = o.legacy === true && o.inregions.length === 0 ? {} : { inregions: o.inregions, inrids: o.inregions.map((name) => iosRid(name, m.wtst)) };
  return JSON.stringify({
    _type: 'location',
    acc: o.acc ?? 15,
    alt: 4,
    batt: 81,
    bs: 1,
    conn: 'w',
    ...iosCreatedAt(o.tst, o.createdAt),
    ...regions,
    lat: o.at.lat,
    lon: o.at.lon,
    m: 1,
    t: o.t,
    tid: m.tid,
    topic: `owntracks/user/${m.tid.toLowerCase()}`,
    tst: o.tst,
    vac: 3,
    vel: 0,
  });
}

/**
 * A transition as OwnTracks for Android writes it (MessageTransition, kotlinx.serialization): `_type`, then what
 * MessageBase holds over HTTP (the topic made visible, qos), then `_id` and its own fields in declaration order.
 * It has no created_at: its time is tst.
 */
function androidTransition(m: ScenarioMember, o: { event: string; tst?: number; at: Place; t: 'c' | 'l'; label: string; wtst?: number }): string {
  return JSON.stringify({
    _type: 'transition',
    topic: `owntracks/user/${m.tid.toLowerCase()}/event`,
    qos: 1,
    _id: androidMessageId(o.label),
    event: o.event,
    desc: REGION,
    tid: m.tid,
    t: o.t,
    ...(o.tst === undefined ? {} : { tst: o.tst }),
    wtst: o.wtst ?? m.wtst,
    acc: 9,
    lon: o.at.lon,
    lat: o.at.lat,
  });
}

/** A location as OwnTracks for Android writes it (MessageLocation): inregions is a list, empty when outside every region. */
function androidLocation(m: ScenarioMember, o: { tst: number; createdAt: number; at: Place; inregions: string[]; t: string; label: string }): string {
  return JSON.stringify({
    _type: 'location',
    topic: `owntracks/user/${m.tid.toLowerCase()}`,
    qos: 1,
    created_at: o.createdAt,
    _id: androidMessageId(o.label),
    t: o.t,
    acc: 11,
    vac: 2,
    lat: o.at.lat,
    lon: o.at.lon,
    alt: 5,
    vel: 0,
    cog: 0,
    tst: o.tst,
    inregions: o.inregions,
    tid: m.tid,
  });
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function seal(secret: string, label: string, plaintext: string): string {
  const nonce = fixedNonce(label);
  return base64(new Uint8Array([...nonce, ...sodium.crypto_secretbox_easy(new TextEncoder().encode(plaintext), nonce, owntracksKey(secret))]));
}

/** The RELAY frame the broker sends the thermostat (docs/protocol.md "RELAY"), keys in the contract's order. */
const relayFrame = (member: string, data: string): string => JSON.stringify(relayPacket(THERMOSTAT, member, data));

type Presence = { home: boolean; source: 'owntracks'; age_s: number } | null;

interface Step {
  why: string;
  at_ms: number;
  relay?: string;
  plaintext?: string | null;
  reboot?: true;
  expect: Record<string, Presence>;
  regime: 'home' | 'away';
}

/**
 * Writes the steps with the presence each must leave. Each step states by hand which member it makes home or away
 * (and when that was decided); the ages are counted from there. protocol/owntracks-vectors.test.ts checks every
 * expectation against a separate model of the rules.
 */
class Scenario {
  readonly steps: Step[] = [];
  private readonly decided = new Map<string, { home: boolean; at: number }>();
  regime: 'home' | 'away' = 'home';

  private snapshot(at: number): Record<string, Presence> {
    return Object.fromEntries(
      MEMBERS.map((m) => {
        const d = this.decided.get(m.id);
        return [m.id, d === undefined ? null : { home: d.home, source: 'owntracks' as const, age_s: Math.floor((at - d.at) / 1000) }];
      }),
    );
  }

  private push(step: Omit<Step, 'expect' | 'regime'>, changes: Record<string, { home: boolean; at?: number } | null>, regime?: 'home' | 'away'): void {
    for (const [id, change] of Object.entries(changes)) {
      if (change === null) this.decided.delete(id);
      else this.decided.set(id, { home: change.home, at: change.at ?? step.at_ms });
    }
    if (regime !== undefined) this.regime = regime;
    this.steps.push({ ...step, expect: this.snapshot(step.at_ms), regime: this.regime });
  }

  relay(why: string, at: number, member: ScenarioMember, data: string, plaintext: string | null, changes: Record<string, { home: boolean; at?: number } | null> = {}, regime?: 'home' | 'away'): string {
    const frame = relayFrame(member.id, data);
    this.push({ why, at_ms: at, relay: frame, plaintext }, changes, regime);
    return frame;
  }

  /** A body sealed under the member's own secret, as its phone sends it. */
  sealed(why: string, at: number, member: ScenarioMember, label: string, plaintext: string, changes: Record<string, { home: boolean; at?: number } | null> = {}, regime?: 'home' | 'away'): string {
    return this.relay(why, at, member, seal(member.secret, label, plaintext), member.registered ? plaintext : null, changes, regime);
  }

  resend(why: string, at: number, frame: string, plaintext: string, changes: Record<string, { home: boolean; at?: number } | null> = {}, regime?: 'home' | 'away'): void {
    this.push({ why, at_ms: at, relay: frame, plaintext }, changes, regime);
  }

  clock(why: string, at: number, changes: Record<string, { home: boolean; at?: number } | null> = {}, regime?: 'home' | 'away'): void {
    this.push({ why, at_ms: at }, changes, regime);
  }

  reboot(why: string, at: number): void {
    this.push({ why, at_ms: at, reboot: true }, Object.fromEntries(MEMBERS.map((m) => [m.id, null])));
  }
}

const phone = (atMs: number): number => PHONE_EPOCH + Math.floor(atMs / 1000);

function presenceScenario(): Step[] {
  const s = new Scenario();
  const S = 1_000_000;
  s.clock('the thermostat starts in auto with no report: the regime stays as stored (home, the default)', S);

  // Ana (iOS) comes home: a transition and a location in the same second.
  const anaEnter = iosTransition(ANA, { event: 'enter', tst: phone(S) - 2, createdAt: phone(S), at: HOME });
  const anaEnterFrame = s.sealed('iOS enter: home at once', S, ANA, 'ana enter', anaEnter, { [ANA.id]: { home: true } });
  const anaLocation = iosLocation(ANA, { tst: phone(S) - 2, createdAt: phone(S), at: HOME, inregions: [REGION], t: 'c' });
  s.sealed('iOS location in the region, in the same second as the transition: accepted (locations are ordered apart from transitions, and its time is not below the enter\'s), so the age starts again', S + 2_000, ANA, 'ana location', anaLocation, { [ANA.id]: { home: true } });
  s.sealed(
    'a second location in that same second: refused (its time is not above the last location\'s), the age goes on',
    S + 5_000,
    ANA,
    'ana location again',
    iosLocation(ANA, { tst: phone(S), createdAt: phone(S), at: HOME, inregions: [REGION], t: 'u', acc: 5 }),
  );
  s.resend('the enter resent byte for byte (iOS retries with the same bytes): refused (its time is not above the last transition\'s), the age goes on', S + 6_000, anaEnterFrame, anaEnter);

  // Ben (Android) comes home.
  const B = S + 10_000;
  s.sealed('Android enter (a geofence, t c; no created_at, its time is tst): home at once', B, BEN, 'ben enter', androidTransition(BEN, { event: 'enter', tst: phone(B), at: HOME, t: 'c', label: 'ben enter' }), { [BEN.id]: { home: true } });
  s.sealed(
    'Android location in the region (created_at a second later): home, the age starts again',
    B + 1_000,
    BEN,
    'ben location',
    androidLocation(BEN, { tst: phone(B), createdAt: phone(B + 1_000), at: HOME, inregions: [REGION], t: 'c', label: 'ben location' }),
    { [BEN.id]: { home: true } },
  );

  // Ana leaves: away only once the leave has stood for 180 s.
  const L = 4_600_000;
  const anaLeave = iosTransition(ANA, { event: 'leave', tst: phone(L) - 3, createdAt: phone(L), at: AWAY });
  s.sealed('iOS leave: still home while it has not stood for 180 s', L, ANA, 'ana leave', anaLeave);
  s.sealed(
    'iOS location after the leave, same second, without inregions (iOS up to 18.2 left it out when empty): accepted, changes nothing',
    L + 500,
    ANA,
    'ana location after leave',
    iosLocation(ANA, { tst: phone(L) - 2, createdAt: phone(L), at: AWAY, inregions: [], t: 'c', legacy: true }),
  );
  s.sealed(
    'iOS location a second later with inregions and inrids empty (iOS 18.3 and later): accepted, changes nothing',
    L + 1_000,
    ANA,
    'ana location outside',
    iosLocation(ANA, { tst: phone(L + 1_000) - 2, createdAt: phone(L + 1_000), at: AWAY, inregions: [], t: 'u' }),
  );
  s.clock('179 s after the leave arrived: still home', L + LEAVE_DELAY_MS - 1_000);
  s.clock('180 s after the leave arrived: away, its age counted from the leave\'s arrival; Ben keeps the regime home', L + LEAVE_DELAY_MS, { [ANA.id]: { home: false, at: L } });

  // Ben's leave is reverted by an enter within the delay.
  const M = 4_800_000;
  s.sealed('Android leave (t c): still home for now', M, BEN, 'ben leave 1', androidTransition(BEN, { event: 'leave', tst: phone(M), at: AWAY, t: 'c', label: 'ben leave 1' }));
  s.sealed('Android enter 60 s later: home, the pending leave is cancelled', M + 60_000, BEN, 'ben enter 2', androidTransition(BEN, { event: 'enter', tst: phone(M + 60_000), at: HOME, t: 'c', label: 'ben enter 2' }), { [BEN.id]: { home: true } });
  s.clock('180 s after the cancelled leave: still home', M + LEAVE_DELAY_MS);

  // Ben's leave is reverted by a location in the region within the delay.
  const N = 5_100_000;
  s.sealed('Android leave derived from a fix (t l): still home for now', N, BEN, 'ben leave 2', androidTransition(BEN, { event: 'leave', tst: phone(N), at: AWAY, t: 'l', label: 'ben leave 2' }));
  s.sealed(
    'Android location in the region 50 s later (a ping): home, the pending leave is cancelled',
    N + 50_000,
    BEN,
    'ben ping',
    androidLocation(BEN, { tst: phone(N + 50_000) - 1, createdAt: phone(N + 50_000), at: HOME, inregions: [REGION], t: 'p', label: 'ben ping' }),
    { [BEN.id]: { home: true } },
  );
  s.clock('180 s after the cancelled leave: still home', N + LEAVE_DELAY_MS);

  // Replays, reorderings and refusals, while Ana is away.
  const R = 5_300_000;
  s.resend("Ana's old enter resent after her later leave: refused (its time is below the last transition's), she stays away", R, anaEnterFrame, anaEnter);
  s.sealed(
    'a location in the region created before the last location, arriving after it (reordered among the locations): refused',
    R + 1_000,
    ANA,
    'ana reordered location',
    iosLocation(ANA, { tst: phone(L) - 600, createdAt: phone(L) - 600, at: HOME, inregions: [REGION], t: 't' }),
  );
  const wrongRegionTime = phone(R + 100_000);
  s.sealed(
    "an enter for another region (its wtst is not the configured one): accepted as a time, changes nothing",
    R + 100_000,
    ANA,
    'ana wrong region',
    iosTransition(ANA, { event: 'enter', tst: wrongRegionTime, createdAt: wrongRegionTime, at: HOME, wtst: ANA.wtst - 86400 }),
  );
  s.relay(
    "an enter sealed under Ben's secret, named as Ana's: does not open, dropped",
    R + 200_000,
    ANA,
    seal(BEN.secret, 'ana under ben', iosTransition(ANA, { event: 'enter', tst: phone(R + 200_000), createdAt: phone(R + 200_000), at: HOME })),
    null,
  );
  s.relay(
    'plaintext JSON (encryption off in OwnTracks) as data, base64 of the enter itself: does not open, dropped',
    R + 201_000,
    ANA,
    base64(new TextEncoder().encode(iosTransition(ANA, { event: 'enter', tst: phone(R + 201_000), createdAt: phone(R + 201_000), at: HOME }))),
    null,
  );
  s.relay('data that is not base64: dropped', R + 202_000, ANA, 'not base64 at all!', null);
  s.relay('data of 39 bytes, shorter than nonce and tag: dropped', R + 203_000, ANA, base64(Buffer.concat([fixedNonce('short'), sha256('short').subarray(0, 15)])), null);
  s.sealed(
    'an enter from a member the thermostat holds no secret for: dropped, the member gets no presence',
    R + 204_000,
    STRANGER,
    'stranger enter',
    androidTransition(STRANGER, { event: 'enter', tst: phone(R + 204_000), at: HOME, t: 'c', label: 'stranger enter' }),
  );
  const waypointTime = phone(R + 400_000);
  s.sealed(
    'a waypoint message (another _type) with a later time: dropped, and its time is not taken as accepted',
    R + 205_000,
    ANA,
    'ana waypoint',
    JSON.stringify({ _type: 'waypoint', created_at: waypointTime, desc: REGION, lat: HOME.lat, lon: HOME.lon, rad: 150, tst: waypointTime }),
  );
  s.sealed(
    'an enter with neither created_at nor tst: dropped',
    R + 206_000,
    ANA,
    'ana enter without time',
    iosTransition(ANA, { event: 'enter', at: HOME }),
  );
  s.sealed(
    'an Android enter without tst: dropped',
    R + 207_000,
    BEN,
    'ben enter without time',
    androidTransition(BEN, { event: 'enter', at: HOME, t: 'c', label: 'ben enter without time' }),
  );
  const anaBack = R + 300_000;
  const anaBackLocation = iosLocation(ANA, { tst: phone(anaBack) - 2, createdAt: phone(anaBack), at: HOME, inregions: [REGION], t: 'v' });
  const anaBackFrame = s.sealed(
    "a location in the region timed after the wrong region's enter and before the waypoint: accepted, home (so neither the waypoint nor the bodies that did not open moved the time)",
    anaBack,
    ANA,
    'ana back',
    anaBackLocation,
    { [ANA.id]: { home: true } },
  );

  // A reboot keeps the replay times and loses a pending leave (and, as for HOME_set, the presence itself).
  const P = 5_700_000;
  const anaLeave2 = iosTransition(ANA, { event: 'leave', tst: phone(P), createdAt: phone(P), at: AWAY });
  const anaLeave2Frame = s.sealed('iOS leave: pending', P, ANA, 'ana leave 2', anaLeave2);
  s.reboot('the thermostat reboots within the delay: no member has presence (it is not stored); the regime stays as stored', P + 30_000);
  s.clock('180 s after the leave: nothing happens, the pending leave did not survive the reboot', P + LEAVE_DELAY_MS);
  s.resend('the location from before the reboot resent: refused, the location time survived', P + 190_000, anaBackFrame, anaBackLocation);
  s.resend('the leave from before the reboot resent: refused, the transition time survived', P + 191_000, anaLeave2Frame, anaLeave2);
  s.sealed(
    'Android location outside every region (inregions empty): accepted, changes nothing',
    P + 200_000,
    BEN,
    'ben outside',
    androidLocation(BEN, { tst: phone(P + 200_000), createdAt: phone(P + 200_000), at: AWAY, inregions: [], t: 'u', label: 'ben outside' }),
  );

  // Staleness: an OwnTracks report counts for 12 h, as a HOME_set does.
  const T = 6_000_000;
  s.sealed('Android enter after the reboot: home', T, BEN, 'ben enter 3', androidTransition(BEN, { event: 'enter', tst: phone(T), at: HOME, t: 'c', label: 'ben enter 3' }), { [BEN.id]: { home: true } });
  s.sealed('iOS enter: home', T + 10_000, ANA, 'ana enter 3', iosTransition(ANA, { event: 'enter', tst: phone(T + 10_000) - 2, createdAt: phone(T + 10_000), at: HOME }), { [ANA.id]: { home: true } });
  s.sealed('iOS leave: pending', T + 3_600_000, ANA, 'ana leave 3', iosTransition(ANA, { event: 'leave', tst: phone(T + 3_600_000), createdAt: phone(T + 3_600_000), at: AWAY }));
  s.clock('Ana away 180 s later; Ben, home, keeps the regime home', T + 3_600_000 + LEAVE_DELAY_MS, { [ANA.id]: { home: false, at: T + 3_600_000 } });
  s.clock("just under 12 h after Ben's report: it still counts, home", T + FRESH_MS - 1_000);
  s.clock("12 h after Ben's report: it no longer counts; Ana's fresh away makes the regime away", T + FRESH_MS, {}, 'away');
  s.clock("12 h after Ana's leave arrived: no fresh report, the regime stays away", T + 3_600_000 + FRESH_MS);

  // OwnTracks for Android stamps a transition with the time of the fix that triggered it (tst, no created_at), and Play
  // Services may deliver it up to 2 minutes late, after a location stamped with the time it was sent: the leave still counts.
  const U = T + 3_600_000 + FRESH_MS + 600_000;
  s.sealed('Android enter: home, the regime home again', U, BEN, 'ben enter 4', androidTransition(BEN, { event: 'enter', tst: phone(U), at: HOME, t: 'c', label: 'ben enter 4' }), { [BEN.id]: { home: true } }, 'home');
  const late = U + 900_000;
  s.sealed(
    'Android location in the region 15 minutes later, created_at now: home, the age starts again',
    late,
    BEN,
    'ben location before late leave',
    androidLocation(BEN, { tst: phone(late) - 5, createdAt: phone(late), at: HOME, inregions: [REGION], t: 'p', label: 'ben location before late leave' }),
    { [BEN.id]: { home: true } },
  );
  const lateLeave = androidTransition(BEN, { event: 'leave', tst: phone(late) - 60, at: AWAY, t: 'c', label: 'ben late leave' });
  s.sealed(
    "Android leave delivered 2 minutes after its fix, so its tst is below the location's created_at: accepted (transitions are ordered apart), pending",
    late + 60_000,
    BEN,
    'ben late leave',
    lateLeave,
  );
  s.sealed(
    'the same leave sealed anew (Android retries by sealing again): refused (its time is not above the last transition\'s), the pending leave goes on',
    late + 70_000,
    BEN,
    'ben late leave resealed',
    lateLeave,
  );
  s.sealed(
    'an Android enter with a tst below the leave\'s, delivered after it (reordered among the transitions): refused, the pending leave goes on',
    late + 80_000,
    BEN,
    'ben reordered enter',
    androidTransition(BEN, { event: 'enter', tst: phone(late) - 90, at: HOME, t: 'c', label: 'ben reordered enter' }),
  );
  s.clock('179 s after the late leave arrived: still home', late + 60_000 + LEAVE_DELAY_MS - 1_000);
  s.clock("180 s after the late leave arrived: away, counted from its arrival; Ana's report is stale, so the regime is away", late + 60_000 + LEAVE_DELAY_MS, { [BEN.id]: { home: false, at: late + 60_000 } }, 'away');

  // A location older than the last accepted transition cannot undo it.
  const V = late + 1_800_000;
  s.sealed('iOS enter: home, the regime home', V, ANA, 'ana enter 4', iosTransition(ANA, { event: 'enter', tst: phone(V) - 2, createdAt: phone(V), at: HOME }), { [ANA.id]: { home: true } }, 'home');
  s.sealed('iOS leave: pending', V + 600_000, ANA, 'ana leave 4', iosTransition(ANA, { event: 'leave', tst: phone(V + 600_000) - 2, createdAt: phone(V + 600_000), at: AWAY }));
  s.sealed(
    "iOS location in the region created 30 s before the leave, arriving after it: accepted (above the last location's time) but older than the leave, so it does not cancel it",
    V + 660_000,
    ANA,
    'ana location older than leave',
    iosLocation(ANA, { tst: phone(V + 600_000) - 32, createdAt: phone(V + 600_000) - 30, at: HOME, inregions: [REGION], t: 'u' }),
  );
  s.clock('180 s after the leave arrived: away, the regime away', V + 600_000 + LEAVE_DELAY_MS, { [ANA.id]: { home: false, at: V + 600_000 } }, 'away');
  return s.steps;
}

// ---------------------------------------------------------------------------------------------------------------

export async function makeOwntracksVectors(): Promise<string> {
  await sodium.ready;
  const vectors = {
    about:
      'OwnTracks vectors (docs/protocol.md "Messages" for OWNTRACKS_set, "What the thermostat accepts" for presence), read by ' +
      'protocol/owntracks-vectors.test.ts and the thermostat\'s tests. ' +
      'owntracks_set: the plaintext of an OWNTRACKS_set as sent (text, exact bytes; its session is `session`, which the thermostat ' +
      'replaces by a fresh session of its own) and result, the validator\'s verdict: accepted, bad_message or out_of_range; the ' +
      'thermostat answers with a STATE whose error is that result (null when accepted), unless thermostat says it answers ' +
      'stale_session or drops the message without an answer. An accepted case gives what the member then holds: secret (text, or ' +
      'null when forgotten) and wtst (only with a secret). `full` (a ninth member) depends on the thermostat\'s state and is not here. ' +
      'presence: one thermostat (thermostat, its ID), in mode auto with the default settings and no HOME_set; members, each with ' +
      'id, name, platform (ios or android: whose body shapes it sends), tid, secret and wtst; a member with registered true has ' +
      'sent OWNTRACKS_set {secret, wtst} before the first step, one with registered false never has. steps, in order, each with ' +
      'why and at_ms (the thermostat\'s clock in ms; the phones\' times inside the bodies advance with it) and one of: relay (the ' +
      'text of a RELAY frame the broker delivers at at_ms, exactly as sent), reboot: true (the thermostat restarts from what it ' +
      'stored, its clock reading at_ms), or neither (the clock just reaches at_ms). A relay step also gives plaintext: the text ' +
      'its data opens to under the secret of the member it names, or null when the thermostat must not open it (no secret for ' +
      'that member, another key, not a box). After each step, expect gives, for every member, its presence in STATE: null when ' +
      'it has none, else home, source and age_s (whole seconds since the message that decided it arrived; for a leave, since ' +
      'the leave arrived); regime is the regime in STATE. Regenerate with: npx tsx protocol/vectors/make-owntracks-vectors.ts',
    session: SESSION,
    owntracks_set: owntracksSetCases(),
    presence: {
      thermostat: THERMOSTAT,
      region: REGION,
      leave_delay_ms: LEAVE_DELAY_MS,
      members: MEMBERS,
      steps: presenceScenario(),
    },
  };
  return `${JSON.stringify(vectors, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('./owntracks.json', import.meta.url));
  writeFileSync(target, await makeOwntracksVectors());
  console.log(`wrote ${target}`);
}
