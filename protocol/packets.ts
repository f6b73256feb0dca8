/** Layer 6: the packets the broker reads. It routes by ID and never looks inside `data`. */
import { isClientId, type ClientId } from './client-id.ts';
import { field, type JsonObject } from './json.ts';
import { readJsonObject } from './json-reader.ts';
import { relayFieldsOf, type RelayPacket } from './relay.ts';

export const BROADCAST = 'BROADCAST';
export const MULTICAST = 'MULTICAST';
export type Receiver = ClientId | typeof BROADCAST | typeof MULTICAST;

export const THEME_PATTERN = /^[A-Za-z0-9._/-]{1,64}$/;
export const isTheme = (value: unknown): value is string => typeof value === 'string' && THEME_PATTERN.test(value);

/**
 * Longest accepted public_key or signature text (docs/protocol.md, "Logging on"): 65 and 64 bytes are 87 and
 * 86 characters; anything longer is not a key or signature but a malformed packet.
 */
export const MAX_LOGON_FIELD_LENGTH = 200;
/** A CHALLENGE nonce: 32 random bytes, base64url without padding (43 characters). */
export const NONCE_BYTES = 32;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const MAX_MESSAGE_LENGTH = 512;

/** The broker's first packet on every connection: LOG_ON must sign this nonce. */
export interface ChallengePacket {
  packet_type: 'CHALLENGE';
  nonce: string;
}

export interface LogOnPacket {
  packet_type: 'LOG_ON';
  transmitter: ClientId;
  /** base64url of the 65-byte uncompressed P-256 public key whose hash is `transmitter`. */
  public_key: string;
  /** base64url of the 64-byte r||s ECDSA signature over `hearth-logon-v2|<nonce>|<host>`. */
  signature: string;
  themes?: string[];
}

export interface AckLogOnPacket {
  packet_type: 'ACK_LOG_ON';
  receiver: ClientId;
}

/** MSG and START share one shape; START opens a layer 7 session and is always unicast. */
export interface RoutedPacket {
  packet_type: 'MSG' | 'START';
  transmitter: ClientId;
  receiver: Receiver;
  theme?: string;
  data: unknown;
}

export interface SubscriptionPacket {
  packet_type: 'SUBSCRIBE' | 'UNSUBSCRIBE';
  theme: string;
}

export const BROKER_ERROR_CODES = [
  'bad_json',
  'bad_packet',
  'not_logged_on',
  'bad_proof',
  'spoofed_transmitter',
  'receiver_offline',
  'rate_limited',
  'too_large',
] as const;
export type BrokerErrorCode = (typeof BROKER_ERROR_CODES)[number];
const isBrokerErrorCode = (value: unknown): value is BrokerErrorCode =>
  typeof value === 'string' && (BROKER_ERROR_CODES as readonly string[]).includes(value);

export interface ErrorPacket {
  packet_type: 'ERROR';
  code: BrokerErrorCode;
  message: string;
  ref?: string;
  receiver?: ClientId;
}

export type Packet = ChallengePacket | LogOnPacket | AckLogOnPacket | RoutedPacket | SubscriptionPacket | ErrorPacket | RelayPacket;
export type PacketType = Packet['packet_type'];

export const CLOSE_CODES = {
  goingAway: 1001,
  tooBig: 1009,
  logonTimeout: 4001,
  replaced: 4002,
  badProof: 4003,
  /** A message stayed unfinished (fragments or a partial frame) past the broker's deadline. */
  messageTimeout: 4008,
  flooding: 4029,
} as const;

export type PacketParseError = 'bad_json' | 'bad_packet';
export type PacketResult =
  | { ok: true; value: Packet }
  | { ok: false; error: PacketParseError; message: string; ref?: string };

class BadPacket {
  constructor(readonly message: string) {}
}

function requireField<T>(object: JsonObject, key: string, guard: (value: unknown) => value is T, what: string): T {
  const value = field(object, key);
  if (!guard(value)) throw new BadPacket(`${key} must be ${what}`);
  return value;
}

function optionalField<T>(object: JsonObject, key: string, guard: (value: unknown) => value is T, what: string): T | undefined {
  return field(object, key) === undefined ? undefined : requireField(object, key, guard, what);
}

const isReceiver = (value: unknown): value is Receiver => value === BROADCAST || value === MULTICAST || isClientId(value);
const isThemeList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isTheme);
const isString = (value: unknown): value is string => typeof value === 'string';
const isLogonField = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_LOGON_FIELD_LENGTH;
const isNonce = (value: unknown): value is string => typeof value === 'string' && NONCE_PATTERN.test(value);
const isMessageText = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_MESSAGE_LENGTH;
const isPresent = (value: unknown): value is unknown => value !== undefined;

function readPacket(object: JsonObject, packetType: string): Packet {
  switch (packetType) {
    case 'CHALLENGE':
      return { packet_type: 'CHALLENGE', nonce: requireField(object, 'nonce', isNonce, 'the base64url of 32 bytes') };
    case 'LOG_ON': {
      const themes = optionalField(object, 'themes', isThemeList, 'a list of themes');
      const text = `text of at most ${MAX_LOGON_FIELD_LENGTH} characters`;
      return {
        packet_type: 'LOG_ON',
        transmitter: requireField(object, 'transmitter', isClientId, 'an ID'),
        public_key: requireField(object, 'public_key', isLogonField, text),
        signature: requireField(object, 'signature', isLogonField, text),
        ...(themes === undefined ? {} : { themes }),
      };
    }
    case 'ACK_LOG_ON':
      return { packet_type: 'ACK_LOG_ON', receiver: requireField(object, 'receiver', isClientId, 'an ID') };
    case 'MSG':
    case 'START': {
      const receiver = requireField(object, 'receiver', isReceiver, 'an ID, BROADCAST or MULTICAST');
      if (packetType === 'START' && !isClientId(receiver)) throw new BadPacket('START is unicast: receiver must be an ID');
      const theme = receiver === MULTICAST ? requireField(object, 'theme', isTheme, 'a theme with MULTICAST') : undefined;
      return {
        packet_type: packetType,
        transmitter: requireField(object, 'transmitter', isClientId, 'an ID'),
        receiver,
        ...(theme === undefined ? {} : { theme }),
        data: requireField(object, 'data', isPresent, 'present'),
      };
    }
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
      return { packet_type: packetType, theme: requireField(object, 'theme', isTheme, 'a theme') };
    case 'ERROR': {
      const ref = optionalField(object, 'ref', isString, 'a packet type');
      const receiver = optionalField(object, 'receiver', isClientId, 'an ID');
      return {
        packet_type: 'ERROR',
        code: requireField(object, 'code', isBrokerErrorCode, 'a known error code'),
        message: requireField(object, 'message', isMessageText, 'text'),
        ...(ref === undefined ? {} : { ref }),
        ...(receiver === undefined ? {} : { receiver }),
      };
    }
    case 'RELAY': {
      // docs/protocol.md, "RELAY": the broker's packet, read here so that a thermostat's client can take it.
      const relay = relayFieldsOf(object);
      if (!relay.ok) throw new BadPacket(relay.message);
      return relay.value;
    }
    default:
      throw new BadPacket(`unknown packet_type ${JSON.stringify(packetType.slice(0, 32))}`);
  }
}

/** Parses one text frame into a typed packet, or names why it is not one. Unknown fields are ignored. */
export function parsePacket(text: string): PacketResult {
  const read = readJsonObject(text);
  if (!read.ok) return { ok: false, error: 'bad_json', message: read.message };
  const object = read.value;
  const packetType = field(object, 'packet_type');
  if (typeof packetType !== 'string') return { ok: false, error: 'bad_packet', message: 'packet_type must be text' };
  try {
    return { ok: true, value: readPacket(object, packetType) };
  } catch (error) {
    if (!(error instanceof BadPacket)) throw error;
    const known = packetType.length <= 32 && /^[A-Z_]+$/.test(packetType);
    return { ok: false, error: 'bad_packet', message: error.message, ...(known ? { ref: packetType } : {}) };
  }
}

export const challenge = (nonce: string): ChallengePacket => ({ packet_type: 'CHALLENGE', nonce });

/** Clients build this with signedLogOn (logon.ts), which signs the challenge. */
export const logOn = (transmitter: ClientId, publicKey: string, signature: string, themes?: string[]): LogOnPacket => ({
  packet_type: 'LOG_ON',
  transmitter,
  public_key: publicKey,
  signature,
  ...(themes === undefined ? {} : { themes }),
});

export const ackLogOn = (receiver: ClientId): AckLogOnPacket => ({ packet_type: 'ACK_LOG_ON', receiver });

export const message = (transmitter: ClientId, receiver: Receiver, data: unknown, theme?: string): RoutedPacket => ({
  packet_type: 'MSG',
  transmitter,
  receiver,
  ...(theme === undefined ? {} : { theme }),
  data,
});

export const start = (transmitter: ClientId, receiver: ClientId, data: unknown): RoutedPacket => ({
  packet_type: 'START',
  transmitter,
  receiver,
  data,
});

export const subscribe = (theme: string): SubscriptionPacket => ({ packet_type: 'SUBSCRIBE', theme });
export const unsubscribe = (theme: string): SubscriptionPacket => ({ packet_type: 'UNSUBSCRIBE', theme });

export const errorPacket = (
  code: BrokerErrorCode,
  text: string,
  details: { ref?: string; receiver?: ClientId } = {},
): ErrorPacket => ({ packet_type: 'ERROR', code, message: text, ...details });
