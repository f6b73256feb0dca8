/**
 * base64url as the contract uses it everywhere (docs/protocol.md "Identity"): RFC 4648 section 5 without `=` padding,
 * decoded strictly (padding, foreign letters and non-zero trailing bits are refused). A table codec of a few lines
 * rather than a library, so that the first paint (which checks the keys of stored pairings and the nonce of a stored
 * STATE) carries no codec of its own; not atob and btoa, which Node implements in JavaScript a letter at a time (a
 * broker spent 26 µs of each logon in atob). base64url.test.ts holds it to @scure/base, letter for letter.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each letter's 6-bit value by its char code (only letters the checks below have let through are looked up). */
const VALUE_OF = new Uint8Array(128);
for (let index = 0; index < ALPHABET.length; index += 1) VALUE_OF[ALPHABET.charCodeAt(index)] = index;

const BASE64URL_LETTERS = /^[A-Za-z0-9_-]*$/;
/** The last letter of a text of 4n + 2 letters carries 4 bits no byte uses; these are the ones with those bits zero. */
const CLEAN_LAST_OF_TWO = /[AQgw]$/;
/** The same for 4n + 3 letters, whose last letter carries 2 unused bits. */
const CLEAN_LAST_OF_THREE = /[AEIMQUYcgkosw048]$/;

/**
 * How many bytes a base64url text holds, or null when it is not one: the rule itself, which fromBase64url decodes by
 * and which code that only needs to check a text (the length of a key) uses without decoding.
 */
export function base64urlByteLength(text: string): number | null {
  if (!BASE64URL_LETTERS.test(text)) return null;
  const rest = text.length % 4;
  if (rest === 1) return null;
  if (rest === 2 && !CLEAN_LAST_OF_TWO.test(text)) return null;
  if (rest === 3 && !CLEAN_LAST_OF_THREE.test(text)) return null;
  return Math.floor((text.length * 3) / 4);
}

export function toBase64url(bytes: Uint8Array): string {
  let text = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const group = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]! + ALPHABET[(group >> 6) & 63]! + ALPHABET[group & 63]!;
  }
  const rest = bytes.length - index;
  if (rest === 1) {
    const group = bytes[index]! << 16;
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]!;
  } else if (rest === 2) {
    const group = (bytes[index]! << 16) | (bytes[index + 1]! << 8);
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]! + ALPHABET[(group >> 6) & 63]!;
  }
  return text;
}

/** Strict decode: padding, foreign letters and non-canonical trailing bits are refused (null). */
export function fromBase64url(text: string): Uint8Array | null {
  const length = base64urlByteLength(text);
  if (length === null) return null;
  const bytes = new Uint8Array(length);
  let written = 0;
  let held = 0;
  let heldBits = 0;
  for (let index = 0; index < text.length; index += 1) {
    held = ((held << 6) | VALUE_OF[text.charCodeAt(index)]!) & 0xfff;
    heldBits += 6;
    if (heldBits >= 8) {
      heldBits -= 8;
      bytes[written++] = held >> heldBits;
      held &= (1 << heldBits) - 1;
    }
  }
  return bytes;
}
