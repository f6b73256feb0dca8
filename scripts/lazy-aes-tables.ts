/**
 * @noble/ciphers builds four 64K-entry AES lookup tables (about 1.3 MB: T01, T23 and the paired S-box, for encryption
 * and again for decryption) while its aes.js module loads. On a phone that is one long task of hundreds of
 * milliseconds (Lighthouse's mobile profile measured 502 ms for the chunk) before the app can open its first envelope.
 * This build step makes each set of tables build on its first use instead: AES-GCM only ever runs the cipher forwards,
 * so the decryption tables are never built at all. The algorithm and the tables are untouched; only when they are built
 * changes. Any change in the library's text makes the build fail here rather than ship half a rewrite.
 */
export const NOBLE_AES_MODULE = /[\\/]node_modules[\\/]@noble[\\/]ciphers[\\/](esm[\\/])?aes\.js$/;

const TABLES = ['tableEncoding', 'tableDecoding'] as const;

export function lazyAesTables(code: string): string {
  let patched = code;
  for (const table of TABLES) {
    const definition = new RegExp(`const ${table} = /\\* @__PURE__ \\*/ (genTtable\\([^;]*\\));`);
    const found = definition.exec(patched);
    if (found === null) throw new Error(`@noble/ciphers aes.js: no eager ${table} to defer (the library changed: check scripts/lazy-aes-tables.ts)`);
    const uses = patched.split(new RegExp(`\\b${table}\\b`)).length - 2;
    if (uses < 1) throw new Error(`@noble/ciphers aes.js: ${table} is never used (the library changed: check scripts/lazy-aes-tables.ts)`);
    patched = patched
      .replace(definition, `let ${table}Built;\nconst ${table}Of = () => (${table}Built ??= ${found[1]});`)
      .replace(new RegExp(`(= )${table}\\b(?!Of|Built)`, 'g'), `$1${table}Of()`);
    const left = patched.split(new RegExp(`\\b${table}\\b(?!Of|Built)`)).length - 1;
    if (left !== 0) throw new Error(`@noble/ciphers aes.js: ${left} use(s) of ${table} not deferred (the library changed: check scripts/lazy-aes-tables.ts)`);
  }
  return patched;
}
