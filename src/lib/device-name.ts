import { STORAGE_KEYS } from './storage';

/** The thermostat keeps the first 32 bytes of UTF-8 of a member's name (docs/protocol.md "Sessions and replay"). */
export const MAX_DEFAULT_NAME_BYTES = 32;

const TAG_PATTERN = /^[0-9A-F]{4}$/;

/** Most specific first: Edge, Opera and Samsung's browser say "Chrome" too, Chrome says "Safari". */
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chromium\//, 'Chromium'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

function browserOf(userAgent: string): string {
  return BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Browser';
}

/** iPads ask for the desktop site and say "Macintosh"; their touch screen tells them apart. */
function platformOf(userAgent: string, touchPoints: number): string | null {
  if (/iPhone/.test(userAgent)) return 'iPhone';
  if (/iPad/.test(userAgent) || (/Macintosh/.test(userAgent) && touchPoints > 1)) return 'iPad';
  if (/Android/.test(userAgent)) return /Mobile/.test(userAgent) ? 'Android phone' : 'Android tablet';
  if (/Macintosh/.test(userAgent)) return 'Mac';
  if (/Windows/.test(userAgent)) return 'Windows';
  if (/CrOS/.test(userAgent)) return 'Chromebook';
  if (/Linux/.test(userAgent)) return 'Linux';
  return null;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/**
 * A default for "Your name" that tells this device from the household's others in the member list: the browser, the
 * platform and a tag of this install ("Chrome on Linux (3F2A)"), two Linux PCs with Chrome differ by the tag. It fits
 * the 32 bytes the thermostat keeps of a name, so the tag is never the part cut off. The person can change it in Settings.
 */
export function defaultDeviceName(
  userAgent: string = navigator.userAgent,
  tag: string = deviceTag(),
  touchPoints: number = typeof navigator === 'undefined' ? 0 : navigator.maxTouchPoints,
): string {
  const platform = platformOf(userAgent, touchPoints);
  const browser = browserOf(userAgent);
  if (platform === null) return `${browser} (${tag})`;
  const full = `${browser} on ${platform} (${tag})`;
  return utf8Bytes(full) <= MAX_DEFAULT_NAME_BYTES ? full : `${platform} (${tag})`;
}

/**
 * Four hex digits made once per install and kept, so the default name stays the same from one start to the next (the
 * thermostat shows a member by its latest name). The app's own ID is not known until its key pair has loaded, after the
 * first paint has needed the name. Without storage the tag lasts this visit, as the key pair does.
 */
export function deviceTag(storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeLocalStorage()): string {
  try {
    const kept = storage?.getItem(STORAGE_KEYS.deviceTag) ?? null;
    if (kept !== null && TAG_PATTERN.test(kept)) return kept;
  } catch {
    // Storage refused: a fresh tag for this visit.
  }
  const bytes = crypto.getRandomValues(new Uint8Array(2));
  const tag = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('').toUpperCase();
  try {
    storage?.setItem(STORAGE_KEYS.deviceTag, tag);
  } catch {
    // Quota or disabled storage: the tag lasts this visit.
  }
  return tag;
}

function safeLocalStorage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}
