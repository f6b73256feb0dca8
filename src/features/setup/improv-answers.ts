/**
 * What the thermostat answers over Improv Wi-Fi serial, made fit to show and act on. The SDK decodes the
 * packets (each string at most 255 bytes); these decide what of it a person sees and how failures read.
 */
import type { DeviceInfo, WifiNetwork } from '@/lib/setup/setup-machine';

/**
 * Characters that show nothing, reorder text or pass for a space: control and format characters, line and
 * paragraph separators, the default-ignorable ones (zero-width marks, fillers, variation selectors) and every
 * space but the ASCII one. A name could hide in them, or look like another name.
 */
const INVISIBLE = /^(?:[\p{C}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs})$/u;

/** How an invisible character is shown: by its code point, so that look-alike names differ on screen. */
function visibleMark(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  return `⟨U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** Text from the device as it may be shown: invisible characters made visible, at most `max` characters (a mark counting as one). */
export function displayText(text: string, max = 64): string {
  const shown = Array.from(text, (character) => (INVISIBLE.test(character) ? visibleMark(character) : character));
  return shown.length > max ? `${shown.slice(0, max - 1).join('')}…` : shown.join('');
}

export interface ImprovInfo {
  firmware: string;
  version: string;
  chipFamily: string;
  name: string;
}

export function deviceInfoFrom(info: ImprovInfo | undefined): DeviceInfo {
  return {
    firmware: displayText(info?.firmware ?? '', 32) || 'unknown firmware',
    version: displayText(info?.version ?? '', 32),
    chip: displayText(info?.chipFamily ?? '', 32),
    name: displayText(info?.name ?? '', 32),
  };
}

/** A Wi-Fi network name is 1 to 32 bytes (IEEE 802.11); a WPA2 passphrase at most 63 characters, or 64 hex digits. */
export const MAX_SSID_BYTES = 32;
export const MAX_PASSWORD_BYTES = 64;
/** More than a person can choose from; a device that sends more is not listened to. */
export const MAX_NETWORKS = 40;

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/**
 * One entry per name, strongest signal first; nameless (hidden) networks and names no network can have are
 * left out. The names are kept as sent, since joining needs them exactly (displayText shows them).
 */
export function networksFrom(scanned: readonly { name: string; rssi: number; secured: boolean }[]): WifiNetwork[] {
  const byName = new Map<string, WifiNetwork>();
  for (const { name, rssi, secured } of scanned) {
    if (name === '' || utf8Length(name) > MAX_SSID_BYTES) continue;
    const strength = Number.isFinite(rssi) && rssi >= -127 && rssi <= 0 ? rssi : null;
    const known = byName.get(name);
    if (known === undefined || (strength ?? -200) > (known.rssi ?? -200)) byName.set(name, { ssid: name, rssi: strength, secured });
  }
  return [...byName.values()].sort((a, b) => (b.rssi ?? -200) - (a.rssi ?? -200)).slice(0, MAX_NETWORKS);
}

/** How a person hears the signal strength. */
export function signalWords(rssi: number | null): string {
  if (rssi === null) return 'signal unknown';
  if (rssi >= -60) return 'strong signal';
  if (rssi >= -72) return 'good signal';
  return 'weak signal';
}

/** A WPA passphrase has 8 to 63 characters; 64 characters are the key itself, in hex (IEEE 802.11i). */
export const MIN_PASSWORD_LENGTH = 8;

export interface WifiSettingsProblem {
  /** The field to fix. */
  field: 'network' | 'password';
  message: string;
}

/**
 * Why these Wi-Fi settings cannot be sent, or null. `secured`: whether the scan said the network has a
 * password; null for a network the person typed (a hidden one), whose password may be empty (open) or WPA.
 */
export function wifiSettingsProblem(ssid: string, password: string, secured: boolean | null): WifiSettingsProblem | null {
  const network = (message: string): WifiSettingsProblem => ({ field: 'network', message });
  const passwordProblem = (message: string): WifiSettingsProblem => ({ field: 'password', message });
  if (ssid === '') return network('Choose a network, or type the name of a hidden one.');
  if (utf8Length(ssid) > MAX_SSID_BYTES) return network(`A Wi-Fi network name has at most ${MAX_SSID_BYTES} bytes; "${displayText(ssid)}" is longer.`);
  if (secured === true && password === '') return passwordProblem(`Enter the password of ${displayText(ssid)}.`);
  if (utf8Length(password) > MAX_PASSWORD_BYTES) return passwordProblem(`A Wi-Fi password has at most ${MAX_PASSWORD_BYTES} characters.`);
  if (secured !== false && password !== '' && Array.from(password).length < MIN_PASSWORD_LENGTH) {
    return passwordProblem(`A Wi-Fi password has at least ${MIN_PASSWORD_LENGTH} characters; check the password of ${displayText(ssid)}.`);
  }
  if (utf8Length(password) === MAX_PASSWORD_BYTES && !/^[0-9a-f]+$/i.test(password)) {
    return passwordProblem(`A Wi-Fi password of ${MAX_PASSWORD_BYTES} characters is a key in hex: only digits and the letters a to f.`);
  }
  return null;
}

/** The join timed out after the thermostat was on the network: it is set up, only its link did not come. */
export function linkNotHandedOver(ssid: string): string {
  return `The thermostat joined ${displayText(ssid)} but has not handed over its link yet; connect again and add it as it is.`;
}

/** The SDK rejects an RPC with the name of the Improv error (or TIMEOUT when the device stayed silent). */
export function joinProblem(error: unknown, ssid: string): string {
  const name = displayText(ssid);
  switch (error) {
    case 'UNABLE_TO_CONNECT':
      return `The thermostat could not join ${name}. Check the password.`;
    case 'TIMEOUT':
      return `The thermostat did not finish joining ${name} in time. Check that ${name} is in range, then try again.`;
    case 'INVALID_RPC_PACKET':
      return 'The thermostat did not accept this network name or password.';
    default:
      return `The thermostat could not take the Wi-Fi settings (${displayText(String(error), 80)}).`;
  }
}
