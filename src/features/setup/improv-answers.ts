/**
 * What the thermostat answers over Improv Wi-Fi serial, made fit to show and act on. The SDK decodes the
 * packets (each string at most 255 bytes); these decide what of it a person sees and how failures read.
 */
import type { DeviceInfo, WifiNetwork } from '@/lib/setup/setup-machine';

/** Control characters, and the invisible marks that reorder text, would let a name disguise itself. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/** Text from the device as it may be shown: no invisible characters, at most `max` characters. */
export function displayText(text: string, max = 64): string {
  const visible = Array.from(text.replace(INVISIBLE, ''));
  return visible.length > max ? `${visible.slice(0, max - 1).join('')}…` : visible.join('');
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
 * left out. The names are kept as sent, since joining needs them exactly.
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

/** Why these Wi-Fi settings cannot be sent, or null. */
export function wifiSettingsProblem(ssid: string, password: string, secured: boolean): string | null {
  if (ssid === '') return 'Choose a network, or type the name of a hidden one.';
  if (utf8Length(ssid) > MAX_SSID_BYTES) return `A Wi-Fi network name has at most ${MAX_SSID_BYTES} bytes; "${displayText(ssid)}" is longer.`;
  if (secured && password === '') return `Enter the password of ${displayText(ssid)}.`;
  if (utf8Length(password) > MAX_PASSWORD_BYTES) return `A Wi-Fi password has at most ${MAX_PASSWORD_BYTES} characters.`;
  return null;
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
