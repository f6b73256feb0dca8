import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BACKGROUND_SLICE_MS, lazyAesTables, NOBLE_AES_MODULE, unrewrittenAesModules } from './lazy-aes-tables.ts';

const aesFile = createRequire(import.meta.url).resolve('@noble/ciphers/aes.js');
const original = readFileSync(aesFile, 'utf8');

/** The patched module, loaded from a file of its own that imports its siblings from the installed package. */
const folder = mkdtempSync(join(tmpdir(), 'lazy-aes-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
/**
 * The library's `cmac` export builds a CMAC from a probe key while the module loads, and with it the encryption
 * tables. The app never imports it, so the bundle leaves it out; the background tests leave it out the same way.
 */
const EAGER_CMAC = 'export const cmac = /* @__PURE__ */ wrapMacConstructor(16, (key) => new _CMAC(key));';
async function patchedModule(name = 'aes.js', { withoutCmac = false } = {}): Promise<{ gcm: typeof gcm; cbc: typeof cbc }> {
  const file = join(folder, name);
  if (withoutCmac && !original.includes(EAGER_CMAC)) throw new Error('@noble/ciphers aes.js: its cmac export changed');
  const text = withoutCmac ? original.replace(EAGER_CMAC, 'export const cmac = undefined;') : original;
  writeFileSync(file, lazyAesTables(text).replace(/from "\.\//g, `from "${pathToFileURL(dirname(aesFile)).href}/`));
  return (await import(pathToFileURL(file).href)) as { gcm: typeof gcm; cbc: typeof cbc };
}

const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, index) => (index * 31 + seed * 17) & 0xff);

describe('lazyAesTables', () => {
  it('finds the installed aes.js by its path', () => {
    expect(NOBLE_AES_MODULE.test(aesFile)).toBe(true);
  });

  it('builds no table while the module loads', () => {
    const patched = lazyAesTables(original);
    expect(patched).not.toMatch(/const table(En|De)coding = \/\* @__PURE__ \*\/ genTtable/);
    expect(patched).toMatch(/tableEncodingRows = genTtableRows\(sbox,/);
    expect(patched).toMatch(/tableEncodingBuilt \?\?= tableEncodingRows\(256\)/);
    expect(patched).toMatch(/tableDecodingBuilt \?\?= genTtable\(invSbox,/);
  });

  it('seals and opens exactly as the library does, forwards (GCM) and backwards (CBC decryption)', async () => {
    const lazy = await patchedModule();
    for (const seed of [1, 2, 3]) {
      const key = bytes(32, seed);
      const iv = bytes(12, seed + 10);
      const aad = bytes(seed * 7, seed + 20);
      const message = bytes(seed * 100 + 3, seed + 30);
      const sealed = gcm(key, iv, aad).encrypt(message);
      expect(lazy.gcm(key, iv, aad).encrypt(message)).toEqual(sealed);
      expect(lazy.gcm(key, iv, aad).decrypt(sealed)).toEqual(message);
      const blockIv = bytes(16, seed + 40);
      const padded = cbc(key, blockIv).encrypt(message);
      expect(lazy.cbc(key, blockIv).encrypt(message)).toEqual(padded);
      expect(lazy.cbc(key, blockIv).decrypt(padded)).toEqual(message);
    }
  });

  describe('the encryption tables, built in the background', () => {
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });
    const sealsAsTheLibrary = (lazy: { gcm: typeof gcm }) => {
      const key = bytes(32, 5);
      const iv = bytes(12, 6);
      const message = bytes(333, 7);
      expect(lazy.gcm(key, iv).encrypt(message)).toEqual(gcm(key, iv).encrypt(message));
    };

    /** Fake timers, and a clock that advances `step` ms each time it is read, so each task's share of rows is known. */
    const steppedClock = (step: number) => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let now = 0;
      vi.spyOn(performance, 'now').mockImplementation(() => (now += step));
    };
    /** Runs background tasks until none is scheduled, and counts them. */
    const backgroundTasks = () => {
      let tasks = 0;
      while (vi.getTimerCount() > 0) {
        vi.advanceTimersToNextTimer();
        tasks += 1;
      }
      return tasks;
    };

    it('builds rows for BACKGROUND_SLICE_MS per task, then schedules nothing more', async () => {
      // One clock reading as a task starts and one after each row: a millisecond a row is BACKGROUND_SLICE_MS rows a task.
      steppedClock(1);
      const lazy = await patchedModule('aes-background.js', { withoutCmac: true });
      expect(backgroundTasks()).toBe(256 / BACKGROUND_SLICE_MS);
      sealsAsTheLibrary(lazy);
    });

    it('builds at least a row per task, however slow the rows', async () => {
      steppedClock(10 * BACKGROUND_SLICE_MS);
      const lazy = await patchedModule('aes-slow-rows.js', { withoutCmac: true });
      expect(backgroundTasks()).toBe(256);
      sealsAsTheLibrary(lazy);
    });

    it('are finished at once by a first use half-way through, and the background then stops', async () => {
      steppedClock(1);
      const lazy = await patchedModule('aes-half-way.js', { withoutCmac: true });
      vi.advanceTimersToNextTimer();
      vi.advanceTimersToNextTimer();
      vi.advanceTimersToNextTimer();
      // Still building: on the real clock a fast machine could finish in three tasks, and the first use would then
      // find nothing left to do.
      expect(vi.getTimerCount()).toBe(1);
      sealsAsTheLibrary(lazy);
      vi.advanceTimersToNextTimer();
      expect(vi.getTimerCount()).toBe(0);
      sealsAsTheLibrary(lazy);
    });
  });

  it('fails the build when the library no longer reads as expected', () => {
    expect(() => lazyAesTables(original.replace('function genTtable(', 'function makeTables('))).toThrow(/no genTtable/);
    expect(() => lazyAesTables(original.replace('const tableEncoding = /* @__PURE__ */', 'const tableEncoding ='))).toThrow(/no eager tableEncoding/);
    expect(() => lazyAesTables(`${original}\nexport const leak = [tableDecoding];`)).toThrow(/not deferred/);
  });
});

describe('unrewrittenAesModules', () => {
  const aes = '/app/node_modules/@noble/ciphers/aes.js';
  it('fails a build with the library’s AES module in it but nothing rewritten', () => {
    expect(unrewrittenAesModules(['/app/src/main.tsx', aes], new Set([aes]))).toEqual([]);
    expect(unrewrittenAesModules(['/app/src/main.tsx', '/app/node_modules/@noble/ciphers/chacha.js'], new Set())).toEqual([]);
    // The library moved its module where NOBLE_AES_MODULE does not look.
    const moved = '/app/node_modules/@noble/ciphers/esm/ciphers/aes.mjs';
    expect(NOBLE_AES_MODULE.test(moved)).toBe(false);
    expect(unrewrittenAesModules(['/app/src/main.tsx', moved], new Set())).toEqual([moved]);
  });
});
