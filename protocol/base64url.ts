/**
 * base64url as the contract uses it everywhere (docs/protocol.md "Identity"): RFC 4648 section 5 without `=` padding,
 * decoded strictly (padding, foreign letters and non-zero trailing bits are refused). Written on the platform's atob
 * and btoa rather than a library, so that the first paint (which checks the keys of stored pairings and the nonce of a stored STATE) carries
 * no codec of its own; base64url.test.ts holds it to @scure/base, letter for letter.
 */

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
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Strict decode: padding, foreign letters and non-canonical trailing bits are refused (null). */
export function fromBase64url(text: string): Uint8Array | null {
  if (base64urlByteLength(text) === null) return null;
  // atob reads unpadded text (WHATWG forgiving-base64); the check above has refused all it would forgive.
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}
