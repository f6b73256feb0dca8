import { base64, base64urlnopad } from '@scure/base';

/** RFC 4648 section 5 without padding, as the contract uses everywhere. */
export function toBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** Strict decode: padding, foreign letters and non-canonical trailing bits are refused (null). */
export function fromBase64url(text: string): Uint8Array | null {
  try {
    return base64urlnopad.decode(text);
  } catch {
    return null;
  }
}

/**
 * RFC 4648 section 4 (standard alphabet, `=` padded), as OwnTracks writes its boxes and its configuration.
 * Strict decode: missing padding, foreign letters and non-canonical trailing bits are refused (null).
 */
export function fromBase64(text: string): Uint8Array | null {
  try {
    return base64.decode(text);
  } catch {
    return null;
  }
}
