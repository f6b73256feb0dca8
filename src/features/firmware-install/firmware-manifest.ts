/**
 * The ESP Web Tools manifest this site serves at /firmware/manifest.json (written by
 * firmware/scripts/esp_web_tools_manifest.py beside firmware.bin), read as hostile input before the install
 * button is offered: a file the host copied by hand may be truncated, from another build, or not a manifest.
 */

/** Where the host puts the two files the PlatformIO build writes (firmware/README.md, "Flashing without a toolchain"). */
export const MANIFEST_PATH = '/firmware/manifest.json';

/** A real manifest is a few hundred bytes; anything near this is not one. */
export const MAX_MANIFEST_BYTES = 16 * 1024;
const MAX_TEXT = 100;
const MAX_BUILDS = 16;
const MAX_PARTS = 8;
/** The largest ESP8266 flash chip: an offset past it can only be a mistake. */
const MAX_FLASH_OFFSET = 16 * 1024 * 1024;

/** The chip families ESP Web Tools 10 knows; the thermostat is an ESP8266. */
const CHIP_FAMILIES = ['ESP32', 'ESP32-C2', 'ESP32-C3', 'ESP32-C5', 'ESP32-C6', 'ESP32-C61', 'ESP32-H2', 'ESP32-P4', 'ESP32-S2', 'ESP32-S3', 'ESP8266'] as const;
export type ChipFamily = (typeof CHIP_FAMILIES)[number];

export interface FirmwarePart {
  /** As written in the manifest: ESP Web Tools resolves it against the manifest's URL. */
  path: string;
  /** The same, resolved: always on this site. */
  url: URL;
  offset: number;
}

export interface FirmwareBuild {
  chipFamily: ChipFamily;
  parts: FirmwarePart[];
}

export interface FirmwareManifest {
  name: string;
  version: string;
  /** Seconds ESP Web Tools waits for Improv after flashing; 0: it offers no Wi-Fi step of its own. */
  improvWaitSeconds: number | null;
  builds: FirmwareBuild[];
}

/** Why a manifest was refused: `problem` is one sentence for the person reading the page. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(readonly problem: string) {
    super(problem);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isChipFamily = (value: unknown): value is ChipFamily => CHIP_FAMILIES.some((family) => family === value);

function text(object: Record<string, unknown>, key: string): string {
  const value = object[key];
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) {
    throw new ManifestError(`"${key}" must be text of 1 to ${MAX_TEXT} characters.`);
  }
  return value;
}

function list(value: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > max) throw new ManifestError(`"${what}" must list 1 to ${max} entries.`);
  return value;
}

function part(value: unknown, manifestUrl: URL): FirmwarePart {
  if (!isRecord(value)) throw new ManifestError('Each part must be an object with "path" and "offset".');
  const path = text(value, 'path');
  const offset = value['offset'];
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset >= MAX_FLASH_OFFSET) {
    throw new ManifestError(`The offset of ${path} must be a whole number of bytes below 16 MB.`);
  }
  let url: URL;
  try {
    url = new URL(path, manifestUrl);
  } catch {
    throw new ManifestError(`${path} is not a file name.`);
  }
  // The site's CSP would refuse another origin anyway; say so rather than fail half-way through an install.
  if (url.origin !== manifestUrl.origin) throw new ManifestError(`${path} is not on this site: the image must lie beside the manifest.`);
  return { path, url, offset };
}

function build(value: unknown, manifestUrl: URL): FirmwareBuild {
  if (!isRecord(value)) throw new ManifestError('Each build must be an object with "chipFamily" and "parts".');
  const chipFamily = value['chipFamily'];
  if (!isChipFamily(chipFamily)) throw new ManifestError(`"chipFamily" must be one of ${CHIP_FAMILIES.join(', ')}.`);
  return { chipFamily, parts: list(value['parts'], 'parts', MAX_PARTS).map((entry) => part(entry, manifestUrl)) };
}

/** Parses the manifest's text as served from `manifestUrl`; throws ManifestError with the reason otherwise. */
export function parseFirmwareManifest(source: string, manifestUrl: URL): FirmwareManifest {
  if (source.length > MAX_MANIFEST_BYTES) throw new ManifestError(`It is over ${MAX_MANIFEST_BYTES / 1024} KB: not a manifest.`);
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    throw new ManifestError('It is not JSON.');
  }
  if (!isRecord(json)) throw new ManifestError('It is not a JSON object.');
  const builds = list(json['builds'], 'builds', MAX_BUILDS).map((entry) => build(entry, manifestUrl));
  if (!builds.some((entry) => entry.chipFamily === 'ESP8266')) throw new ManifestError('It has no ESP8266 build: not the thermostat’s firmware.');
  return { name: text(json, 'name'), version: text(json, 'version'), improvWaitSeconds: improvWait(json['new_install_improv_wait_time']), builds };
}

function improvWait(value: unknown): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ManifestError('"new_install_improv_wait_time" must be a number of seconds.');
  return value;
}
