import type { Plugin } from 'vite';

/**
 * @noble/ciphers builds six 64K-entry AES lookup tables (about 1.28 MB: T01, T23 and the paired S-box, for encryption
 * and again for decryption) while its aes.js module loads. On a phone that is one long task of hundreds of
 * milliseconds (Lighthouse's mobile profile measured 502 ms for the chunk) as the connection chunk loads.
 * This build step makes each set of tables build on its first use instead: AES-GCM only ever runs the cipher forwards,
 * so the decryption tables are never built at all, and the encryption tables are built when the first envelope is
 * sealed or opened. The task is moved off the chunk's load and halved, not removed. The algorithm and the tables are
 * untouched; only when they are built changes. Any change in the library's text makes the build fail here rather than
 * ship half a rewrite, and a build in which the library's AES module no longer matches NOBLE_AES_MODULE fails too
 * (lazyAesTablesPlugin's buildEnd), rather than ship the eager tables unnoticed.
 */
export const NOBLE_AES_MODULE = /[\\/]node_modules[\\/]@noble[\\/]ciphers[\\/](esm[\\/])?aes\.js$/;

/** Any AES module of @noble/ciphers, wherever the library puts it: one that NOBLE_AES_MODULE misses is a moved file. */
export const ANY_NOBLE_AES_MODULE = /[\\/]node_modules[\\/]@noble[\\/]ciphers[\\/](?:[^\\/]+[\\/])*[^\\/]*aes[^\\/]*\.[cm]?js$/;

/**
 * The build's check that the rewrite ran: an AES module of @noble/ciphers in the build but none rewritten means the
 * library moved or renamed it, and the eager tables would ship unnoticed.
 */
export function unrewrittenAesModules(moduleIds: Iterable<string>, rewritten: ReadonlySet<string>): string[] {
  const aes = [...moduleIds].filter((id) => ANY_NOBLE_AES_MODULE.test(id));
  return aes.length > 0 && rewritten.size === 0 ? aes : [];
}

/** The build step: rewrites the library's aes.js, and fails the build if it found none to rewrite while one is there. */
export function lazyAesTablesPlugin(): Plugin {
  const rewritten = new Set<string>();
  return {
    name: 'hearth:lazy-aes-tables',
    apply: 'build',
    buildStart() {
      rewritten.clear();
    },
    transform: {
      filter: { id: NOBLE_AES_MODULE },
      handler(code, id) {
        if (!NOBLE_AES_MODULE.test(id)) return null;
        rewritten.add(id);
        return { code: lazyAesTables(code), map: null };
      },
    },
    buildEnd(error) {
      if (error) return;
      const missed = unrewrittenAesModules(this.getModuleIds(), rewritten);
      if (missed.length > 0) {
        throw new Error(`@noble/ciphers: ${missed.join(', ')} built with eager AES tables: NOBLE_AES_MODULE no longer matches it (check scripts/lazy-aes-tables.ts)`);
      }
    },
  };
}

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
