import { isClientId, type Result, fail, ok } from '@protocol';
import { isThermostatKey } from '@/lib/thermostats';

export type PairingLinkError = 'empty' | 'no_pairing' | 'bad_shape' | 'bad_id' | 'bad_key';

export interface PairingCode {
  id: string;
  key: string;
}

const PAIR_PREFIX = 'pair=';

/**
 * Reads `<app URL>#pair=<ID>.<key>`, a bare `#pair=…` fragment or a bare `<ID>.<key>`: whatever a person
 * is likely to paste. Every failure names what is wrong in words a person can act on.
 */
export function parsePairingLink(input: string): Result<PairingCode, PairingLinkError> {
  const text = input.trim();
  if (text === '') return fail('empty', 'Paste the pairing link from the thermostat.');
  const hashAt = text.indexOf('#');
  let code: string;
  if (hashAt >= 0) {
    const fragment = text.slice(hashAt + 1);
    const pairAt = fragment.split('&').find((part) => part.startsWith(PAIR_PREFIX));
    if (pairAt === undefined) return fail('no_pairing', 'This link has no pairing code (#pair=…) in it.');
    code = pairAt.slice(PAIR_PREFIX.length);
  } else if (text.startsWith(PAIR_PREFIX)) {
    code = text.slice(PAIR_PREFIX.length);
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
  return ok({ id, key });
}

/** The link a member passes on. The fragment never reaches any server. */
export function buildPairingLink(appUrl: string, code: PairingCode): string {
  const base = appUrl.split('#')[0] ?? appUrl;
  return `${base}#pair=${code.id}.${code.key}`;
}
