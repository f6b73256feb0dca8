/**
 * docs/protocol.md, "Presence from OwnTracks": the ingress URL a phone POSTs to, the outer shape of the body the
 * broker checks (it never opens it), and the RELAY packet that hands the body's `data` to each thermostat.
 */
import { fromBase64 } from './base64.ts';
import { ID_LENGTH, isClientId, type ClientId } from './client-id.ts';
import { field, type JsonObject } from './json.ts';
import { readJsonObject, utf8TextOf } from './json-reader.ts';
import { fail, ok, type Result } from './result.ts';

/** RELAY's transmitter: no client can log on under it, since it is not an ID. */
export const RELAY_TRANSMITTER = 'BROKER';
/** The most bytes of one ingress body the broker reads ("The ingress"); past it, 413 and the rest unread. */
export const MAX_OWNTRACKS_BODY_BYTES = 4096;
/** The longest `data`: 3072 characters of base64 are 2304 bytes. */
export const MAX_OWNTRACKS_DATA_CHARS = 3072;
/** nonce(24) || tag(16): a sealed body with an empty plaintext. */
export const MIN_OWNTRACKS_DATA_BYTES = 40;
export const MAX_OWNTRACKS_DATA_BYTES = (MAX_OWNTRACKS_DATA_CHARS / 4) * 3;
/** Thermostats one ingress URL names: a household's, 1 to this many. */
export const MAX_INGRESS_THERMOSTATS = 8;
export const OWNTRACKS_INGRESS_PREFIX = '/presence/owntracks/';

export interface RelayPacket {
  packet_type: 'RELAY';
  transmitter: typeof RELAY_TRANSMITTER;
  receiver: ClientId;
  /** The member the URL named: it proves nothing, which is why only a body that opens under its secret counts. */
  member: ClientId;
  /** The body's `data` exactly as received. */
  data: string;
}

export const relayPacket = (receiver: ClientId, member: ClientId, data: string): RelayPacket => ({
  packet_type: 'RELAY',
  transmitter: RELAY_TRANSMITTER,
  receiver,
  member,
  data,
});

/** Counted in UTF-16 code units; real `data` is base64, whose characters are single bytes everywhere. */
const isRelayData = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_OWNTRACKS_DATA_CHARS;

/**
 * The fields of a RELAY (docs/protocol.md, "RELAY"), whatever its receiver: the one reading of them, used by
 * parsePacket (packets.ts) and by readRelay. The error names the first field that is wrong.
 */
export function relayFieldsOf(object: JsonObject): Result<RelayPacket, 'bad_relay'> {
  const transmitter = field(object, 'transmitter');
  if (transmitter !== RELAY_TRANSMITTER) return fail('bad_relay', `transmitter must be ${RELAY_TRANSMITTER}`);
  const receiver = field(object, 'receiver');
  if (!isClientId(receiver)) return fail('bad_relay', 'receiver must be an ID');
  const member = field(object, 'member');
  if (!isClientId(member)) return fail('bad_relay', 'member must be an ID');
  const data = field(object, 'data');
  if (!isRelayData(data)) return fail('bad_relay', `data must be text of at most ${MAX_OWNTRACKS_DATA_CHARS} characters`);
  return ok(relayPacket(receiver, member, data));
}

/**
 * What a thermostat whose ID is `self` takes from a frame as a RELAY, or null when it must drop it without an
 * answer (docs/protocol.md, "RELAY"): a frame that breaks the JSON rules, is no RELAY, has a wrong field, or is
 * addressed to another ID. Unknown fields are ignored.
 */
export function readRelay(text: string, self: ClientId): RelayPacket | null {
  const read = readJsonObject(text);
  if (!read.ok || field(read.value, 'packet_type') !== 'RELAY') return null;
  const relay = relayFieldsOf(read.value);
  return relay.ok && relay.value.receiver === self ? relay.value : null;
}

/** Why an ingress body is refused with 400: `message` is the reason for people that the answer carries. */
export type OwntracksBodyFault = 'bad_json' | 'not_encrypted' | 'bad_data';

/**
 * A whole ingress body as bytes, as the broker judges it once it has read them: `too_large` past
 * MAX_OWNTRACKS_BODY_BYTES (413; a reader stops at that many, see "The ingress"), otherwise parseOwntracksBody's
 * answer, a body that is not UTF-8 being `bad_json`.
 */
export function decodeOwntracksBody(bytes: Uint8Array): Result<{ data: string }, OwntracksBodyFault | 'too_large'> {
  if (bytes.length > MAX_OWNTRACKS_BODY_BYTES) return fail('too_large', `the body is over ${MAX_OWNTRACKS_BODY_BYTES} bytes`);
  const text = utf8TextOf(bytes);
  if (text === null) return fail('bad_json', 'the body is not UTF-8');
  return parseOwntracksBody(text);
}

/**
 * The outer shape of an OwnTracks body (docs/protocol.md, "The ingress"): one JSON object under the JSON rules,
 * `_type` "encrypted", `data` standard padded base64 of 40 to 2304 bytes. Every other field (Android's `_id`)
 * is ignored and never forwarded. The body's byte limit is the caller's: it must stop reading at
 * MAX_OWNTRACKS_BODY_BYTES before it has text to give.
 */
export function parseOwntracksBody(text: string): Result<{ data: string }, OwntracksBodyFault> {
  const read = readJsonObject(text);
  if (!read.ok) return fail('bad_json', `the body breaks the JSON rules: ${read.message}`);
  const type = field(read.value, '_type');
  if (type !== 'encrypted') {
    const named = typeof type === 'string' ? `"_type":${JSON.stringify(type.slice(0, 32))}` : 'no "_type":"encrypted"';
    return fail(
      'not_encrypted',
      `the body is not encrypted (${named}): set the encryption key in OwnTracks again from Hearth; the thermostat takes only sealed bodies`,
    );
  }
  const data = field(read.value, 'data');
  if (typeof data !== 'string') return fail('bad_data', 'data must be text');
  if (data.length > MAX_OWNTRACKS_DATA_CHARS) return fail('bad_data', `data is longer than ${MAX_OWNTRACKS_DATA_CHARS} characters`);
  const bytes = fromBase64(data)?.length ?? null;
  if (bytes === null) return fail('bad_data', 'data is not standard padded base64');
  if (bytes < MIN_OWNTRACKS_DATA_BYTES) {
    return fail('bad_data', `data holds ${bytes} bytes; a sealed body holds at least ${MIN_OWNTRACKS_DATA_BYTES} (nonce and tag)`);
  }
  return ok({ data });
}

const LONGEST_INGRESS_PATH = OWNTRACKS_INGRESS_PREFIX.length + (1 + MAX_INGRESS_THERMOSTATS) * (ID_LENGTH + 1) - 1;

/** A path segment that is an ID; IDs need no percent-encoding, so an encoded one is refused rather than decoded. */
const splitIds = (text: string): ClientId[] | null => {
  const segments = text.split('/');
  return segments.every(isClientId) ? segments : null;
};

/**
 * The path of a member's ingress URL: '/presence/owntracks/<member>/<thermostat>[/<thermostat>…]'. Throws when the
 * broker would answer the path with 404 (not IDs, no thermostat or more than 8, one twice): a programming error.
 */
export function owntracksIngressPath(member: ClientId, thermostats: readonly ClientId[]): string {
  const path = `${OWNTRACKS_INGRESS_PREFIX}${[member, ...thermostats].join('/')}`;
  if (parseOwntracksIngressPath(path) === null) {
    throw new RangeError(`an ingress URL names one member and 1 to ${MAX_INGRESS_THERMOSTATS} different thermostats, all IDs`);
  }
  return path;
}

/**
 * The member and thermostats of a request target exactly as it arrived (query included), or null when the broker
 * answers 404: a segment that is not an ID, no thermostat or more than 8, one twice, a query string, an empty
 * segment, anything percent-encoded.
 */
export function parseOwntracksIngressPath(path: string): { member: ClientId; thermostats: ClientId[] } | null {
  if (!path.startsWith(OWNTRACKS_INGRESS_PREFIX) || path.length > LONGEST_INGRESS_PATH) return null;
  const ids = splitIds(path.slice(OWNTRACKS_INGRESS_PREFIX.length));
  if (ids === null) return null;
  const [member, ...thermostats] = ids;
  if (member === undefined || thermostats.length === 0 || thermostats.length > MAX_INGRESS_THERMOSTATS) return null;
  if (new Set(thermostats).size !== thermostats.length) return null;
  return { member, thermostats };
}
