import { isClientId, type ClientId, type Result, fail, ok } from '@protocol';
import type { Membership } from '@/lib/link/link-status';
import { fitThermostatName, isCleanName, isThermostatKey, MAX_NAME_LENGTH, type PairedThermostat } from '@/lib/thermostats';

export type PairingLinkError = 'empty' | 'too_long' | 'no_pairing' | 'bad_shape' | 'bad_id' | 'bad_key';

/**
 * The longest text read as a pairing link: an app address, 6 + 22 + 1 + 43 characters of code and a name of at most
 * 480 percent-encoded characters fit many times over. Longer text is refused before any of it is looked at.
 */
export const MAX_PAIRING_LINK_LENGTH = 2048;

/** A name from a file, a link or a person, as the app keeps it: cut to fit, and the default when empty or not clean. */
export function vettedThermostatName(name: string): string {
  const fitted = fitThermostatName(name);
  return fitted === '' || !isCleanName(fitted) ? DEFAULT_THERMOSTAT_NAME : fitted;
}

export interface PairingCode {
  id: string;
  key: string;
  /** The name the inviting member's app gives the thermostat, when the link carried a good one: offered, never imposed. */
  name?: string;
}

const PAIR_PREFIX = 'pair=';
const NAME_PREFIX = 'name=';

/**
 * A link's `name` (docs/protocol.md "Keys and pairing"): percent-encoded UTF-8, at most 40 characters decoded. It comes
 * from whoever made the link, so anything that does not decode, is empty, too long or holds control characters is
 * ignored: null, and the link is still good.
 */
export function parseLinkName(encoded: string): string | null {
  // 40 characters of 4-byte UTF-8 percent-encoded are 480; anything longer cannot decode to a good name.
  if (encoded.length > MAX_NAME_LENGTH * 12) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  const name = decoded.trim();
  // A name that would have to be cut is too long: ignored, not cut (the contract's words).
  if (name === '' || fitThermostatName(name) !== name || !isCleanName(name)) return null;
  return name;
}

/** What a thermostat is called until the person names it. */
export const DEFAULT_THERMOSTAT_NAME = 'Thermostat';

/** The address of this app as a pairing link starts: no query, no fragment. */
export function appUrl(loc: Pick<Location, 'origin' | 'pathname'> = location): string {
  return `${loc.origin}${loc.pathname}`;
}

/**
 * Reads `<app URL>#pair=<ID>.<key>`, a bare `#pair=…` fragment or a bare `<ID>.<key>`: whatever a person
 * is likely to paste. Every failure names what is wrong in words a person can act on.
 */
export function parsePairingLink(input: string): Result<PairingCode, PairingLinkError> {
  if (input.length > MAX_PAIRING_LINK_LENGTH) return fail('too_long', 'This is far too long to be a pairing link; copy just the link.');
  const text = input.trim();
  if (text === '') return fail('empty', 'Paste the pairing link from the thermostat.');
  const hashAt = text.indexOf('#');
  let code: string;
  let name: string | null = null;
  if (hashAt >= 0 || text.startsWith(PAIR_PREFIX)) {
    const parts = (hashAt >= 0 ? text.slice(hashAt + 1) : text).split('&');
    const pairAt = parts.find((part) => part.startsWith(PAIR_PREFIX));
    if (pairAt === undefined) return fail('no_pairing', 'This link has no pairing code (#pair=…) in it.');
    code = pairAt.slice(PAIR_PREFIX.length);
    const nameAt = parts.find((part) => part.startsWith(NAME_PREFIX));
    if (nameAt !== undefined) name = parseLinkName(nameAt.slice(NAME_PREFIX.length));
  } else if (/^[a-z]+:\/\//i.test(text)) {
    return fail('no_pairing', 'This link has no pairing code (#pair=…) in it.');
  } else {
    code = text;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(code);
  } catch {
    return fail('bad_shape', 'The pairing code is damaged; copy the whole link again.');
  }
  const parts = decoded.split('.');
  if (parts.length !== 2) return fail('bad_shape', 'The pairing code must be the thermostat ID, a dot, then the key.');
  const [id, key] = parts as [string, string];
  if (!isClientId(id)) return fail('bad_id', 'The thermostat ID in this link is not valid (22 letters, digits, - or _).');
  if (!isThermostatKey(key)) return fail('bad_key', 'The key in this link is not valid; it may be cut short.');
  return ok(name === null ? { id, key } : { id, key, name });
}

/**
 * The link a member passes on, with the name this app gives the thermostat when it is one a link may carry (docs/protocol.md
 * "Keys and pairing"). The fragment never reaches any server.
 */
export function buildPairingLink(appUrl: string, code: PairingCode): string {
  const base = appUrl.split('#')[0] ?? appUrl;
  const link = `${base}#pair=${code.id}.${code.key}`;
  if (code.name === undefined) return link;
  let encoded: string;
  try {
    encoded = encodeURIComponent(fitThermostatName(code.name));
  } catch {
    // A stored name holding a lone surrogate (kept before names were cut on whole characters) cannot be encoded: the link goes without it.
    return link;
  }
  return parseLinkName(encoded) === null ? link : `${link}&${NAME_PREFIX}${encoded}`;
}

/**
 * The thermostat a pairing code adds, under the name the person typed (cut to fit); with nothing typed, the
 * name the app already gives it (`known`), else the default.
 */
export function pairedThermostat(code: PairingCode, name: string, known?: PairedThermostat): PairedThermostat {
  return { id: code.id, key: code.key, name: fitThermostatName(name) || known?.name || DEFAULT_THERMOSTAT_NAME, joined: false };
}

/** What the app holds of the thermostat a pairing code is for. */
export type KnownPairing =
  | { kind: 'new' }
  /** Held with this very key: pairing again changes nothing but, if one is typed, the name. */
  | { kind: 'same-key'; thermostat: PairedThermostat }
  /**
   * This phone is a member with a key of its own, not known to be removed: the code (an invitation) is not needed, and
   * is not used, so it stays good for the person it was for; nothing changes but, if one is typed, the name.
   */
  | { kind: 'member'; thermostat: PairedThermostat }
  /** Held with another key (an invitation or old shared key not yet redeemed, or this phone was removed): pairing replaces it, which the person must choose. */
  | { kind: 'other-key'; thermostat: PairedThermostat };

/** `membershipOf`: where this phone stands with each thermostat, as the connection last learned it (the store's). */
export function knownPairing(
  known: readonly PairedThermostat[],
  code: PairingCode,
  membershipOf: Readonly<Record<ClientId, Membership>> = {},
): KnownPairing {
  const thermostat = known.find((t) => t.id === code.id);
  if (thermostat === undefined) return { kind: 'new' };
  // Replacing a member key with an invitation would leave this phone locked out once that invitation fails.
  if (thermostat.joined && membershipOf[thermostat.id] !== 'removed') return { kind: 'member', thermostat };
  return thermostat.key === code.key ? { kind: 'same-key', thermostat } : { kind: 'other-key', thermostat };
}

/** The choice "Add thermostat" and "Set up a new thermostat" both give for a thermostat the app already holds. */
export const ALREADY_IN_APP = 'This thermostat is already in the app; adding it again updates its key.';

/** What "Add thermostat" and "Set up a new thermostat" both say when this phone is a member already (KnownPairing 'member'). */
export const memberAlreadyWords = (name: string) =>
  `This phone is a member of ${name} already, with a key of its own: it needs no invitation. This one is not used, so it still works for the person it was meant for.`;

export type DeviceLinkError = PairingLinkError | 'not_a_link' | 'other_site';

/** A pairing link is an app address plus 6 + 22 + 1 + 43 characters; anything much longer is not one. */
export const MAX_DEVICE_LINK_LENGTH = 1024;

/**
 * A pairing link that came from a device over a cable, not from a person: whatever is on the other end may
 * send anything, so only a whole http(s) link to THIS app's origin with a valid code in its fragment passes.
 */
export function parseDeviceLink(input: string, appOrigin: string): Result<PairingCode, DeviceLinkError> {
  if (input.length > MAX_DEVICE_LINK_LENGTH) return fail('too_long', 'The thermostat sent a pairing link that is far too long; it was not used.');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return fail('not_a_link', 'The thermostat sent something that is not a link; it was not used.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('not_a_link', 'The thermostat sent something that is not a web link; it was not used.');
  }
  if (url.origin !== appOrigin) {
    return fail(
      'other_site',
      `The thermostat sent a pairing link for another site (${url.origin}), not this app (${appOrigin}); it was not used. ` +
        'If this app has two addresses, set up from the one the household uses.',
    );
  }
  const parsed = parsePairingLink(url.href);
  if (!parsed.ok && parsed.error === 'no_pairing') {
    return fail('no_pairing', 'The thermostat sent a link without a pairing code; it was not used.');
  }
  return parsed;
}
