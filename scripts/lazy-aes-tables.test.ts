import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { afterAll, describe, expect, it } from 'vitest';
import { lazyAesTables, NOBLE_AES_MODULE, unrewrittenAesModules } from './lazy-aes-tables.ts';

const aesFile = createRequire(import.meta.url).resolve('@noble/ciphers/aes.js');
const original = readFileSync(aesFile, 'utf8');

/** The patched module, loaded from a file of its own that imports its siblings from the installed package. */
const folder = mkdtempSync(join(tmpdir(), 'lazy-aes-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
async function patchedModule(): Promise<{ gcm: typeof gcm; cbc: typeof cbc }> {
  const file = join(folder, 'aes.js');
  writeFileSync(file, lazyAesTables(original).replace(/from "\.\//g, `from "${pathToFileURL(dirname(aesFile)).href}/`));
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
    expect(patched).toMatch(/tableEncodingBuilt \?\?= genTtable\(sbox,/);
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

  it('fails the build when the library no longer reads as expected', () => {
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
