/** The secretbox key of an OwnTracks secret (docs/protocol.md, "OwnTracks bodies"). */

export const OWNTRACKS_KEY_BYTES = 32;

/**
 * The UTF-8 bytes of the secret, cut or zero-padded to 32 bytes, as OwnTracks for Android and iOS do: there is
 * no key derivation. (Android cuts a character that straddles byte 32; iOS drops it whole: the secrets Hearth
 * makes are ASCII, so the two agree on them.)
 */
export function owntracksKey(secret: string): Uint8Array {
  const key = new Uint8Array(OWNTRACKS_KEY_BYTES);
  key.set(new TextEncoder().encode(secret).subarray(0, OWNTRACKS_KEY_BYTES));
  return key;
}
