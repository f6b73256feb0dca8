import { base64 } from '@scure/base';

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
