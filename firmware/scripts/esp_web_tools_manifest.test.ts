// The PlatformIO post-build step that writes ESP Web Tools' manifest.json beside firmware.bin
// (esp_web_tools_manifest.py), run with python3 on a fake build folder: PlatformIO and a real
// image are not here, so what is checked is the manifest the step writes and what platformio.ini
// hands it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const firmware = join(import.meta.dirname, '..');
const writer = join(firmware, 'scripts', 'esp_web_tools_manifest.py');
const platformioIni = readFileSync(join(firmware, 'platformio.ini'), 'utf8');

/** The `[env]` option `name` of platformio.ini (one line). */
function envOption(name: string): string | undefined {
  const env = /^\[env\]$([\s\S]*?)(?=^\[)/m.exec(platformioIni)?.[1] ?? '';
  return new RegExp(`^${name}\\s*=\\s*(.+?)\\s*$`, 'm').exec(env)?.[1];
}

function runWriter(...args: string[]): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync('python3', [writer, ...args], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const failed = error as { status: number; stderr: string };
    return { status: failed.status, output: failed.stderr };
  }
}

describe('ESP Web Tools manifest', () => {
  let build: string;
  beforeEach(() => {
    build = mkdtempSync(join(tmpdir(), 'hearth-pio-build-'));
  });
  afterEach(() => rmSync(build, { recursive: true, force: true }));

  it("is written beside the image: ESP8266, the image whole at offset 0, the version, the erase prompt, and no Wi-Fi step of ESP Web Tools' own", () => {
    writeFileSync(join(build, 'firmware.bin'), Buffer.from([0xe9, 0x01, 0x02, 0x03]));
    const run = runWriter(build, '1.2.3');
    expect(run.status).toBe(0);
    expect(run.output.trim()).toBe(join(build, 'manifest.json'));

    const manifest: unknown = JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8'));
    expect(manifest).toEqual({
      name: 'Hearth thermostat',
      version: '1.2.3',
      new_install_prompt_erase: true,
      // ESP Web Tools' own Improv step would not tell the thermostat this app's broker or pair it: the app does.
      new_install_improv_wait_time: 0,
      builds: [{ chipFamily: 'ESP8266', improv: false, parts: [{ path: 'firmware.bin', offset: 0 }] }],
    });
    // Written through a temporary file that is gone afterwards.
    expect(readdirSync(build).sort()).toEqual(['firmware.bin', 'manifest.json']);
  });

  it('names the image PlatformIO wrote, relative to the manifest', () => {
    writeFileSync(join(build, 'hearth.bin'), Buffer.from([0xe9]));
    expect(runWriter(build, '0.1.0', 'hearth.bin').status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8')) as {
      builds: { parts: { path: string }[] }[];
    };
    expect(manifest.builds[0]?.parts).toEqual([{ path: 'hearth.bin', offset: 0 }]);
  });

  it.each([
    ['no image', (): void => {}],
    ['an empty image', (): void => writeFileSync(join(build, 'firmware.bin'), '')],
  ])('is refused with %s, and nothing is written', (_, prepare) => {
    prepare();
    const run = runWriter(build, '0.1.0');
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('no firmware image');
    expect(readdirSync(build)).not.toContain('manifest.json');
  });

  it('is refused without a one-word version', () => {
    writeFileSync(join(build, 'firmware.bin'), Buffer.from([0xe9]));
    for (const version of ['', '0.1 beta']) {
      const run = runWriter(build, version);
      expect(run.status).not.toBe(0);
      expect(run.output).toContain('version must be one word');
    }
  });

  it('registers itself after PlatformIO writes the image, and writes the manifest when that step runs', () => {
    // What PlatformIO's SCons gives an extra script: Import() and an env with these two calls.
    const harness = `
import sys
script, build = sys.argv[1], sys.argv[2]
class Env:
    actions = []
    def GetProjectOption(self, name):
        return {"custom_firmware_version": "2.0.1"}[name]
    def AddPostAction(self, target, action):
        self.actions.append((target, action))
class Node:
    def __init__(self, path): self.path = path
    def __str__(self): return self.path
env = Env()
exec(compile(open(script).read(), script, "exec"), {"__name__": "SCons.Script", "Import": lambda name: None, "env": env})
[(target, action)] = env.actions
print(target)
action([], [Node(build + "/firmware.bin")], env)
`;
    writeFileSync(join(build, 'firmware.bin'), Buffer.from([0xe9]));
    const output = execFileSync('python3', ['-c', harness, writer, build], { encoding: 'utf8' });
    expect(output.split('\n')[0]).toBe('$BUILD_DIR/${PROGNAME}.bin');
    const manifest = JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe('2.0.1');
  });

  it('runs after every PlatformIO build, with the version the firmware reports over Improv', () => {
    expect(envOption('extra_scripts')).toBe('post:scripts/esp_web_tools_manifest.py');
    const version = envOption('custom_firmware_version');
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    // The same option becomes the firmware's HEARTH_FIRMWARE_VERSION, so the two cannot differ.
    expect(platformioIni).toMatch(/^\s+-DHEARTH_FIRMWARE_VERSION=\$\{env\.custom_firmware_version\}\s*$/m);
  });
});
