/**
 * The broker's hot path for MSG and START (issue 13): what routing needs, read straight from the frame's bytes,
 * with nothing parsed into objects and no regular expression.
 *
 * It takes only frames of one plain shape: a flat object whose keys are packet_type, transmitter, receiver, theme
 * and data, each once, spelled without escapes, and whose values are strings without escapes. Such a text keeps
 * every JSON rule of docs/protocol.md ("JSON rules") by its shape: one level, at most five keys and six values,
 * no number, no key spelled two ways, no escape that could be U+0000 or a lone surrogate; the bytes are UTF-8
 * because ws refuses a text frame that is not. The scan below checks the grammar of that shape (whitespace,
 * quotes, no control character inside a string) and that the fields are what parsePacket would accept.
 *
 * Everything else (a sealed `data` is always a plain string, so real clients never get there): an escape, another
 * key, a value that is not a string, a field parsePacket would refuse, any fault at all, is not judged here: the
 * router hands the frame to parsePacket (protocol/packets.ts), which applies the rules in full and names the same
 * fault as ever. So a frame read here is one parsePacket reads the same way, and no frame is refused here.
 */
import { BROADCAST, ID_LENGTH, MULTICAST, type ClientId, type Receiver, type RoutedPacket } from '../protocol/index.ts';

/** What handlers/routed.ts needs of a MSG or START: everything but `data`, which the broker never reads. */
export type RoutingHeader = Pick<RoutedPacket, 'packet_type' | 'transmitter' | 'receiver' | 'theme'>;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

const MAX_THEME_LENGTH = 64;

const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (character) => character.charCodeAt(0));

/** The keys this reader takes, as bytes; a key is known by its length and bytes, in this order. */
const KEYS = [bytesOf('packet_type'), bytesOf('transmitter'), bytesOf('receiver'), bytesOf('theme'), bytesOf('data')] as const;
const PACKET_TYPE = 0;
const TRANSMITTER = 1;
const RECEIVER = 2;
const THEME = 3;
const DATA = 4;

const MSG_BYTES = bytesOf('MSG');
const START_BYTES = bytesOf('START');
const BROADCAST_BYTES = bytesOf(BROADCAST);
const MULTICAST_BYTES = bytesOf(MULTICAST);

/**
 * Where each known key's string value starts and ends (the bytes between its quotes), -1 when the key is absent.
 * Reused between calls: the reader never yields.
 */
const valueStart = new Int32Array(KEYS.length);
const valueEnd = new Int32Array(KEYS.length);

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipWhitespace(frame: Uint8Array, at: number): number {
  while (at < frame.length && isWhitespace(frame[at]!)) at += 1;
  return at;
}

/** `at` is just past an opening quote: the index of the closing quote, or -1 for an escape, a control character or no end. */
function stringEnd(frame: Uint8Array, at: number): number {
  for (let i = at; i < frame.length; i += 1) {
    const c = frame[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}

function bytesEqual(frame: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let k = 0; k < expected.length; k += 1) if (frame[start + k] !== expected[k]) return false;
  return true;
}

function keyIndex(frame: Uint8Array, start: number, end: number): number {
  for (let index = 0; index < KEYS.length; index += 1) if (bytesEqual(frame, start, end, KEYS[index]!)) return index;
  return -1;
}

/** ID_PATTERN (protocol/client-id.ts) and THEME_PATTERN (protocol/packets.ts), byte by byte. */
const isIdByte = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
const isThemeByte = (c: number): boolean => isIdByte(c) || c === 0x2e || c === 0x2f;

function allBytes(frame: Uint8Array, start: number, end: number, accepts: (c: number) => boolean): boolean {
  for (let i = start; i < end; i += 1) if (!accepts(frame[i]!)) return false;
  return true;
}

const isId = (frame: Uint8Array, start: number, end: number): boolean => end - start === ID_LENGTH && allBytes(frame, start, end, isIdByte);
const isTheme = (frame: Uint8Array, start: number, end: number): boolean =>
  end > start && end - start <= MAX_THEME_LENGTH && allBytes(frame, start, end, isThemeByte);

/** ASCII bytes (an ID, a theme) as a string. */
const asciiOf = (frame: Buffer, start: number, end: number): string => frame.toString('latin1', start, end);

/**
 * The routing header of a MSG or START of the plain shape above, or null: then the frame is anything else, and
 * parsePacket must read it.
 */
export function readRoutingHeader(frame: Buffer): RoutingHeader | null {
  valueStart.fill(-1);
  let i = skipWhitespace(frame, 0);
  if (frame[i] !== OPEN_OBJECT) return null;
  i = skipWhitespace(frame, i + 1);
  for (;;) {
    if (frame[i] !== QUOTE) return null;
    const keyEnd = stringEnd(frame, i + 1);
    if (keyEnd < 0) return null;
    const key = keyIndex(frame, i + 1, keyEnd);
    if (key < 0 || valueStart[key] !== -1) return null;
    i = skipWhitespace(frame, keyEnd + 1);
    if (frame[i] !== COLON) return null;
    i = skipWhitespace(frame, i + 1);
    if (frame[i] !== QUOTE) return null;
    const end = stringEnd(frame, i + 1);
    if (end < 0) return null;
    valueStart[key] = i + 1;
    valueEnd[key] = end;
    i = skipWhitespace(frame, end + 1);
    if (frame[i] === COMMA) {
      i = skipWhitespace(frame, i + 1);
      continue;
    }
    if (frame[i] !== CLOSE_OBJECT) return null;
    if (skipWhitespace(frame, i + 1) !== frame.length) return null;
    break;
  }
  return headerOf(frame);
}

/** The fields as parsePacket reads them (protocol/packets.ts, readPacket), or null wherever it would refuse. */
function headerOf(frame: Buffer): RoutingHeader | null {
  if (valueStart[DATA] === -1) return null;
  const typeStart = valueStart[PACKET_TYPE]!;
  const typeEnd = valueEnd[PACKET_TYPE]!;
  const isStart = bytesEqual(frame, typeStart, typeEnd, START_BYTES);
  if (!isStart && !bytesEqual(frame, typeStart, typeEnd, MSG_BYTES)) return null;
  const transmitterStart = valueStart[TRANSMITTER]!;
  const transmitterEnd = valueEnd[TRANSMITTER]!;
  if (transmitterStart === -1 || !isId(frame, transmitterStart, transmitterEnd)) return null;
  const receiverStart = valueStart[RECEIVER]!;
  const receiverEnd = valueEnd[RECEIVER]!;
  if (receiverStart === -1) return null;
  const transmitter: ClientId = asciiOf(frame, transmitterStart, transmitterEnd);
  if (isId(frame, receiverStart, receiverEnd)) {
    return { packet_type: isStart ? 'START' : 'MSG', transmitter, receiver: asciiOf(frame, receiverStart, receiverEnd) };
  }
  // START is unicast; a theme counts only with MULTICAST, and is not read otherwise.
  if (isStart) return null;
  if (bytesEqual(frame, receiverStart, receiverEnd, BROADCAST_BYTES)) return { packet_type: 'MSG', transmitter, receiver: BROADCAST };
  if (!bytesEqual(frame, receiverStart, receiverEnd, MULTICAST_BYTES)) return null;
  const themeStart = valueStart[THEME]!;
  const themeEnd = valueEnd[THEME]!;
  if (themeStart === -1 || !isTheme(frame, themeStart, themeEnd)) return null;
  const receiver: Receiver = MULTICAST;
  return { packet_type: 'MSG', transmitter, receiver, theme: asciiOf(frame, themeStart, themeEnd) };
}
