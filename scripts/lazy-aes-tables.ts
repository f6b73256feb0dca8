import type { Plugin } from 'vite';

/**
 * @noble/ciphers builds six 64K-entry AES lookup tables (about 1.28 MB: T01, T23 and the paired S-box, for encryption
 * and again for decryption) while its aes.js module loads. On a phone that is one long task of hundreds of
 * milliseconds (Lighthouse's mobile profile measured 502 ms for the chunk) as the connection chunk loads.
 * This build step makes each set of tables build on its first use instead: AES-GCM only ever runs the cipher forwards,
 * so the decryption tables are never built at all. The encryption tables are built in the background once the module
 * has loaded, row by row for BACKGROUND_SLICE_MS per task (never a long task, on a fast desktop or a slow phone, even
 * while the code still runs cold: a fixed 32 rows took 18 ms in the first task on this machine, 72 ms on Lighthouse's
 * phone), and whatever is left is finished at once when the first envelope is sealed or opened before that. The
 * algorithm and the tables are untouched (TABLE_ROWS builds exactly genTtable's entries, row by row); only when they
 * are built changes. Any change in the library's text makes the build fail here rather than ship half a rewrite, and a
 * build in which the library's AES module no longer matches NOBLE_AES_MODULE fails too (lazyAesTablesPlugin's
 * buildEnd), rather than ship the eager tables unnoticed.
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

/**
 * How long one background task builds rows of the encryption tables (a row is 256 entries of each of the three 64K
 * tables); at least one row per task, so the build always ends.
 */
export const BACKGROUND_SLICE_MS = 4;

/**
 * genTtable's tables, built a number of rows at a time: the same entries (T01, T23 and sbox2 from T0..T3 and the
 * S-box) as the library's double loop, whose outer index is the row here. Returns the tables once all 256 rows are in.
 */
const TABLE_ROWS = `
function genTtableRows(sbox, fn) {
  if (sbox.length !== 256) throw new Error('wrong sbox length');
  const T0 = new Uint32Array(256).map((_, j) => fn(sbox[j]));
  const T1 = T0.map(rotl32_8);
  const T2 = T1.map(rotl32_8);
  const T3 = T2.map(rotl32_8);
  const T01 = new Uint32Array(256 * 256);
  const T23 = new Uint32Array(256 * 256);
  const sbox2 = new Uint16Array(256 * 256);
  let row = 0;
  return (rows) => {
    for (const end = Math.min(256, row + rows); row < end; row++) {
      for (let j = 0; j < 256; j++) {
        const idx = row * 256 + j;
        T01[idx] = T0[row] ^ T1[j];
        T23[idx] = T2[row] ^ T3[j];
        sbox2[idx] = (sbox[row] << 8) | sbox[j];
      }
    }
    return row === 256 ? { sbox, sbox2, T0, T1, T2, T3, T01, T23 } : undefined;
  };
}
`;

/** Builds the encryption tables in the background, BACKGROUND_SLICE_MS per task, unless first use got there first. */
const ENCODING_IN_BACKGROUND = `
const tableEncodingInBackground = () => {
  if (tableEncodingBuilt !== undefined) return;
  const clock = typeof performance === 'object' ? performance : Date;
  const started = clock.now();
  do tableEncodingBuilt = tableEncodingRows(1);
  while (tableEncodingBuilt === undefined && clock.now() - started < ${BACKGROUND_SLICE_MS});
  if (tableEncodingBuilt === undefined) setTimeout(tableEncodingInBackground, 0);
};
if (typeof setTimeout === 'function') setTimeout(tableEncodingInBackground, 0);
`;

export function lazyAesTables(code: string): string {
  const genTtable = /\nfunction genTtable\(/;
  if (!genTtable.test(code) || !/\bconst rotl32_8 = /.test(code)) {
    throw new Error('@noble/ciphers aes.js: no genTtable to build in rows (the library changed: check scripts/lazy-aes-tables.ts)');
  }
  let patched = code.replace(genTtable, `\n${TABLE_ROWS}\nfunction genTtable(`);
  for (const table of TABLES) {
    const definition = new RegExp(`const ${table} = /\\* @__PURE__ \\*/ (genTtable\\([^;]*\\));`);
    const found = definition.exec(patched);
    if (found === null) throw new Error(`@noble/ciphers aes.js: no eager ${table} to defer (the library changed: check scripts/lazy-aes-tables.ts)`);
    const uses = patched.split(new RegExp(`\\b${table}\\b`)).length - 2;
    if (uses < 1) throw new Error(`@noble/ciphers aes.js: ${table} is never used (the library changed: check scripts/lazy-aes-tables.ts)`);
    const [, build = ''] = found;
    // Only the encryption tables are built ahead: GCM never uses the decryption ones.
    const lazily =
      table === 'tableEncoding'
        ? `let ${table}Built;\nconst ${table}Rows = ${build.replace(/^genTtable\(/, 'genTtableRows(')};\n` +
          `const ${table}Of = () => (${table}Built ??= ${table}Rows(256));${ENCODING_IN_BACKGROUND}`
        : `let ${table}Built;\nconst ${table}Of = () => (${table}Built ??= ${build});`;
    patched = patched
      .replace(definition, lazily)
      .replace(new RegExp(`(= )${table}\\b(?!Of|Built|Rows|InBackground)`, 'g'), `$1${table}Of()`);
    const left = patched.split(new RegExp(`\\b${table}\\b(?!Of|Built|Rows|InBackground)`)).length - 1;
    if (left !== 0) throw new Error(`@noble/ciphers aes.js: ${left} use(s) of ${table} not deferred (the library changed: check scripts/lazy-aes-tables.ts)`);
  }
  return patched;
}
