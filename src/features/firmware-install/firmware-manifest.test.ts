import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, ManifestError, parseFirmwareManifest } from './firmware-manifest';

const manifestUrl = new URL('https://hearth.example/firmware/manifest.json');

/** What firmware/scripts/esp_web_tools_manifest.py writes. */
const written = {
  name: 'Hearth thermostat',
  version: '0.1.0',
  new_install_prompt_erase: true,
  new_install_improv_wait_time: 0,
  builds: [{ chipFamily: 'ESP8266', improv: false, parts: [{ path: 'firmware.bin', offset: 0 }] }],
};

const refusal = (source: string): string => {
  try {
    parseFirmwareManifest(source, manifestUrl);
  } catch (error) {
    if (error instanceof ManifestError) return error.problem;
    throw error;
  }
  throw new Error('accepted');
};
const withBuild = (build: unknown) => JSON.stringify({ ...written, builds: [build] });

describe('parseFirmwareManifest', () => {
  it('reads what the PlatformIO build writes, the image resolved beside the manifest', () => {
    expect(parseFirmwareManifest(JSON.stringify(written), manifestUrl)).toEqual({
      name: 'Hearth thermostat',
      version: '0.1.0',
      improvWaitSeconds: 0,
      builds: [{ chipFamily: 'ESP8266', parts: [{ path: 'firmware.bin', url: new URL('https://hearth.example/firmware/firmware.bin'), offset: 0 }] }],
    });
  });

  it.each([
    ['', 'It is not JSON.'],
    ['{"name": "Hearth"', 'It is not JSON.'],
    ['<!doctype html><title>app</title>', 'It is not JSON.'],
    ['[]', 'It is not a JSON object.'],
    ['null', 'It is not a JSON object.'],
    [JSON.stringify({ ...written, name: '' }), '"name" must be text of 1 to 100 characters.'],
    [JSON.stringify({ ...written, version: 1 }), '"version" must be text of 1 to 100 characters.'],
    [JSON.stringify({ ...written, name: 'x'.repeat(101) }), '"name" must be text of 1 to 100 characters.'],
    [JSON.stringify({ ...written, builds: [] }), '"builds" must list 1 to 16 entries.'],
    [JSON.stringify({ ...written, builds: {} }), '"builds" must list 1 to 16 entries.'],
    [JSON.stringify({ ...written, new_install_improv_wait_time: '0' }), '"new_install_improv_wait_time" must be a number of seconds.'],
    [JSON.stringify({ ...written, new_install_improv_wait_time: -1 }), '"new_install_improv_wait_time" must be a number of seconds.'],
    [withBuild('ESP8266'), 'Each build must be an object with "chipFamily" and "parts".'],
    [withBuild({ chipFamily: 'ESP8285', parts: [{ path: 'a.bin', offset: 0 }] }), '"chipFamily" must be one of'],
    [withBuild({ chipFamily: 'ESP32', parts: [{ path: 'a.bin', offset: 0 }] }), 'It has no ESP8266 build: not the thermostat’s firmware.'],
    [withBuild({ chipFamily: 'ESP8266', parts: [] }), '"parts" must list 1 to 8 entries.'],
    [withBuild({ chipFamily: 'ESP8266', parts: ['firmware.bin'] }), 'Each part must be an object with "path" and "offset".'],
    [withBuild({ chipFamily: 'ESP8266', parts: [{ path: 'firmware.bin', offset: -1 }] }), 'The offset of firmware.bin must be a whole number of bytes below 16 MB.'],
    [withBuild({ chipFamily: 'ESP8266', parts: [{ path: 'firmware.bin', offset: 0.5 }] }), 'The offset of firmware.bin must be'],
    [withBuild({ chipFamily: 'ESP8266', parts: [{ path: 'firmware.bin', offset: 16 * 1024 * 1024 }] }), 'The offset of firmware.bin must be'],
    [withBuild({ chipFamily: 'ESP8266', parts: [{ path: 'firmware.bin', offset: '0' }] }), 'The offset of firmware.bin must be'],
    [withBuild({ chipFamily: 'ESP8266', parts: [{ path: 'https://evil.example/firmware.bin', offset: 0 }] }), 'is not on this site'],
    [withBuild({ chipFamily: 'ESP8266', parts: [{ path: '//evil.example/firmware.bin', offset: 0 }] }), 'is not on this site'],
    [withBuild({ chipFamily: 'ESP8266', parts: [{ path: 'http://[x/', offset: 0 }] }), 'is not a file name'],
    [' '.repeat(MAX_MANIFEST_BYTES + 1), 'It is over 16 KB: not a manifest.'],
  ])('refuses %s: %s', (source, problem) => {
    expect(refusal(source)).toContain(problem);
  });

  it('leaves fields it does not use alone, and tells when ESP Web Tools would wait for Improv', () => {
    const older = { ...written, home_assistant_domain: 'x', new_install_improv_wait_time: undefined };
    expect(parseFirmwareManifest(JSON.stringify(older), manifestUrl).improvWaitSeconds).toBeNull();
    expect(parseFirmwareManifest(JSON.stringify({ ...written, new_install_improv_wait_time: 10 }), manifestUrl).improvWaitSeconds).toBe(10);
  });
});
