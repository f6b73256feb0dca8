import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { fromBase64url, isClientId, isObject, toBase64url, type ClientId } from '@protocol';
import type { Membership } from '@/lib/link/link-status';
import { knownPairing, vettedThermostatName } from '@/lib/pairing-link';
import { parsePairedThermostat, type PairedThermostat } from '@/lib/thermostats';

/**
 * A file that takes this app's thermostats to a new phone. A member key is bound to the ID of the phone that joined
 * (docs/protocol.md "Keys and pairing", "Joining"), and that phone's private key never leaves it, so a member key is
 * useless anywhere else and is never written here. What travels is only an open invitation this phone made, with when
 * it ends: good for one join within 24 hours. A key this phone holds but has not joined with does not travel: it may
 * be the old shared key, which never ends and which the household closes only by closing it for everyone (docs/protocol.md
 * "The old shared key"). Every other thermostat travels as its ID and name, to ask the household for an invitation.
 *
 * The file is JSON: `format`, `version`, the scrypt parameters and salt, the AES-256-GCM nonce and the sealed contents,
 * with everything before the contents bound to them as associated data.
 */

export const PAIRINGS_FILE_FORMAT = 'hearth-pairings';
export const PAIRINGS_FILE_VERSION = 1;
/** A file for dozens of thermostats is a few kilobytes: anything much bigger is not one, and is not read. */
export const MAX_PAIRINGS_FILE_BYTES = 64 * 1024;
const MAX_ENTRIES = 64;
export const MIN_PASSPHRASE_LENGTH = 8;

/**
 * scrypt's cost: 2^16 × 128 × 8 bytes = 64 MiB and about a second on a phone. A file must name exactly what version 1
 * writes, so no file can make opening it take minutes or more memory than a phone has.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
export const EXPORT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 1 };
const SALT_BYTES = 16;
const NONCE_BYTES = 12;

/** A thermostat with an invitation in the file, good until `expiresAt` (ms since the epoch). */
export type CarriedThermostat = PairedThermostat & { expiresAt: number };

/** What a pairings file carries. */
export interface PairingsTransfer {
  /** Invitations another phone can join with, and when each ends: never this phone's member keys, so `joined` is false for all. */
  thermostats: CarriedThermostat[];
  /** The thermostats this phone is a member of with no open invitation: the new phone needs one from the household. */
  needInvitation: { id: ClientId; name: string }[];
}

export type PairingsFileError = 'too_big' | 'not_a_pairings_file' | 'newer_version' | 'damaged' | 'wrong_passphrase_or_damaged';

export class PairingsFileProblem extends Error {
  constructor(
    readonly code: PairingsFileError,
    message: string,
  ) {
    super(message);
  }
}

const WRONG_OR_DAMAGED = 'Wrong passphrase or damaged file.';
const problem = (code: PairingsFileError, message: string) => new PairingsFileProblem(code, message);

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The header, as the bytes bound to the sealed contents: changing a parameter breaks the seal. */
const headerBytes = (params: ScryptParams, salt: string, nonce: string) =>
  utf8(`${PAIRINGS_FILE_FORMAT}|${PAIRINGS_FILE_VERSION}|scrypt|${params.N}|${params.r}|${params.p}|${salt}|aes-256-gcm|${nonce}`);

const deriveKey = (passphrase: string, salt: Uint8Array, params: ScryptParams, onProgress?: (fraction: number) => void) =>
  scryptAsync(passphrase.normalize('NFC'), salt, { ...params, dkLen: 32, ...(onProgress === undefined ? {} : { onProgress }) });

/** The file's text, sealed under `passphrase`. */
export async function sealPairings(
  transfer: PairingsTransfer,
  passphrase: string,
  options: { params?: ScryptParams; onProgress?: (fraction: number) => void } = {},
): Promise<string> {
  const params = options.params ?? EXPORT_SCRYPT;
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const key = await deriveKey(passphrase, salt, params, options.onProgress);
  const thermostats = transfer.thermostats.map(({ expiresAt, ...thermostat }) => ({ ...thermostat, expires_at: expiresAt }));
  const contents = utf8(JSON.stringify({ thermostats, need_invitation: transfer.needInvitation }));
  const saltText = toBase64url(salt);
  const nonceText = toBase64url(nonce);
  const sealed = gcm(key, nonce, headerBytes(params, saltText, nonceText)).encrypt(contents);
  key.fill(0);
  return `${JSON.stringify({
    format: PAIRINGS_FILE_FORMAT,
    version: PAIRINGS_FILE_VERSION,
    kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: saltText },
    cipher: { name: 'aes-256-gcm', nonce: nonceText },
    data: toBase64url(sealed),
  })}\n`;
}

interface Header {
  params: ScryptParams;
  salt: Uint8Array;
  saltText: string;
  nonce: Uint8Array;
  nonceText: string;
  sealed: Uint8Array;
}

const TOO_BIG = 'This file is far too big to be a Hearth pairings file.';

/**
 * Reads the outside of a file, before any work is spent on the passphrase. Throws a PairingsFileProblem. `accepted`:
 * the only scrypt cost taken (tests pass a cheaper one).
 */
export function readPairingsHeader(text: string, accepted: ScryptParams = EXPORT_SCRYPT): Header {
  // UTF-8 never takes fewer bytes than UTF-16 code units: a text this long is too big without encoding it.
  if (text.length > MAX_PAIRINGS_FILE_BYTES || utf8(text).length > MAX_PAIRINGS_FILE_BYTES) throw problem('too_big', TOO_BIG);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw problem('not_a_pairings_file', 'This is not a Hearth pairings file.');
  }
  if (!isObject(value) || value.format !== PAIRINGS_FILE_FORMAT) throw problem('not_a_pairings_file', 'This is not a Hearth pairings file.');
  if (typeof value.version !== 'number' || !Number.isInteger(value.version)) throw problem('damaged', 'This pairings file is damaged.');
  if (value.version > PAIRINGS_FILE_VERSION) {
    throw problem('newer_version', 'This pairings file was made by a newer Hearth: update this app, then open it again.');
  }
  if (value.version !== PAIRINGS_FILE_VERSION) throw problem('damaged', 'This pairings file is damaged.');
  const { kdf, cipher, data } = value;
  if (!isObject(kdf) || kdf.name !== 'scrypt' || !isObject(cipher) || cipher.name !== 'aes-256-gcm' || typeof data !== 'string') {
    throw problem('damaged', 'This pairings file is damaged.');
  }
  if (kdf.N !== accepted.N || kdf.r !== accepted.r || kdf.p !== accepted.p) {
    // Parameters this app would never write: maybe made to keep this phone busy for minutes.
    throw problem('damaged', 'This pairings file is damaged: its protection settings are not ones Hearth uses.');
  }
  const saltText = kdf.salt;
  const nonceText = cipher.nonce;
  if (typeof saltText !== 'string' || typeof nonceText !== 'string') throw problem('damaged', 'This pairings file is damaged.');
  const salt = fromBase64url(saltText);
  const nonce = fromBase64url(nonceText);
  const sealed = fromBase64url(data);
  if (salt === null || salt.length < SALT_BYTES || salt.length > 64 || nonce === null || nonce.length !== NONCE_BYTES || sealed === null) {
    throw problem('damaged', 'This pairings file is damaged.');
  }
  return { params: { ...accepted }, salt, saltText, nonce, nonceText, sealed };
}

/** `now`: an invitation that has ended by then is not offered; its thermostat needs a new one. */
function parseContents(value: unknown, now: number): PairingsTransfer {
  if (!isObject(value) || !Array.isArray(value.thermostats) || !Array.isArray(value.need_invitation)) throw problem('damaged', WRONG_OR_DAMAGED);
  if (value.thermostats.length + value.need_invitation.length > MAX_ENTRIES) throw problem('damaged', 'This pairings file is damaged.');
  const thermostats: CarriedThermostat[] = [];
  const needInvitation: PairingsTransfer['needInvitation'] = [];
  for (const entry of value.thermostats) {
    const parsed = parsePairedThermostat(entry);
    // A member key (joined) works only on the phone that joined: one in a file is not ours to use.
    if (parsed === null || parsed.joined || thermostats.some((t) => t.id === parsed.id) || needInvitation.some((t) => t.id === parsed.id)) continue;
    const name = vettedThermostatName(parsed.name);
    const expiresAt = isObject(entry) ? entry.expires_at : undefined;
    // An invitation that has ended (or whose end is not known) would only fail: the new phone asks for another.
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= now) needInvitation.push({ id: parsed.id, name });
    else thermostats.push({ ...parsed, name, expiresAt });
  }
  for (const entry of value.need_invitation) {
    if (!isObject(entry) || !isClientId(entry.id) || typeof entry.name !== 'string') continue;
    const id = entry.id;
    if (thermostats.some((t) => t.id === id) || needInvitation.some((t) => t.id === id)) continue;
    needInvitation.push({ id, name: vettedThermostatName(entry.name) });
  }
  return { thermostats, needInvitation };
}

/** Opens a file someone chose: hostile until proven otherwise. Throws a PairingsFileProblem. */
export async function openPairings(
  text: string,
  passphrase: string,
  options: { params?: ScryptParams; onProgress?: (fraction: number) => void; now?: number } = {},
): Promise<PairingsTransfer> {
  const header = readPairingsHeader(text, options.params);
  const key = await deriveKey(passphrase, header.salt, header.params, options.onProgress);
  let contents: Uint8Array;
  try {
    contents = gcm(key, header.nonce, headerBytes(header.params, header.saltText, header.nonceText)).decrypt(header.sealed);
  } catch {
    throw problem('wrong_passphrase_or_damaged', WRONG_OR_DAMAGED);
  } finally {
    key.fill(0);
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(contents));
  } catch {
    throw problem('damaged', WRONG_OR_DAMAGED);
  }
  return parseContents(value, options.now ?? Date.now());
}

/** An invitation this phone made and still holds open, by thermostat: its key and until when it is good. */
export type OpenInvitations = Readonly<Record<ClientId, { key: string; expiresAt: number }>>;

/**
 * What this phone can hand on: an open invitation it made for a thermostat, with its end. Never a member key (it is
 * bound to this phone's ID) and never a key this phone has not joined with (it may be the old shared key, good for
 * ever). `now` drops invitations that have run out.
 */
export function transferOf(thermostats: readonly PairedThermostat[], invitations: OpenInvitations, now: number): PairingsTransfer {
  const transfer: PairingsTransfer = { thermostats: [], needInvitation: [] };
  for (const thermostat of thermostats) {
    const invitation = invitations[thermostat.id];
    if (invitation !== undefined && invitation.expiresAt > now) {
      transfer.thermostats.push({ id: thermostat.id, key: invitation.key, name: thermostat.name, joined: false, expiresAt: invitation.expiresAt });
    } else {
      transfer.needInvitation.push({ id: thermostat.id, name: thermostat.name });
    }
  }
  return transfer;
}

/** What importing would do, thermostat by thermostat: nothing this app holds is replaced unless the person says so. */
export interface ImportPlan {
  added: CarriedThermostat[];
  /** In the file and held here with another key this phone has not joined with: this app's record stays unless the person ticks it. */
  alreadyHere: { fromFile: CarriedThermostat; held: PairedThermostat }[];
  /** Thermostats this phone is a member of already: nothing to do, and never replaced (that would lock this phone out). */
  alreadyMember: PairedThermostat[];
  needInvitation: PairingsTransfer['needInvitation'];
}

/** `membershipOf`: where this phone stands with each thermostat, as the store last learned it. */
export function importPlan(
  transfer: PairingsTransfer,
  held: readonly PairedThermostat[],
  membershipOf: Readonly<Record<ClientId, Membership>> = {},
): ImportPlan {
  const plan: ImportPlan = { added: [], alreadyHere: [], alreadyMember: [], needInvitation: [] };
  for (const fromFile of transfer.thermostats) {
    const known = knownPairing(held, fromFile, membershipOf);
    if (known.kind === 'new') plan.added.push(fromFile);
    else if (known.kind === 'member') plan.alreadyMember.push(known.thermostat);
    else if (known.kind === 'other-key') plan.alreadyHere.push({ fromFile, held: known.thermostat });
  }
  plan.needInvitation = transfer.needInvitation.filter((entry) => !held.some((t) => t.id === entry.id));
  return plan;
}
