/**
 * Prints the app's JavaScript budget from the last build (`npm run build` first): the initial JavaScript
 * (what index.html loads and everything that imports statically, which the browser needs before the first paint)
 * and the chunks loaded on demand, gzipped; the install page's apart. Exits 1 when the initial JavaScript is over budget.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { isObject } from '../protocol/json.ts';

export const INITIAL_BUDGET_BYTES = 85 * 1024;
const DIST = 'dist';
const MANIFEST = join(DIST, '.vite', 'manifest.json');
/** ESP Web Tools' page (firmware.html), a second entry of the build. */
const INSTALL_PAGE = 'firmware.html';

interface Chunk {
  file: string;
  isEntry: boolean;
  imports: string[];
  dynamicImports: string[];
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function readManifest(): Map<string, Chunk> {
  if (!existsSync(MANIFEST)) {
    console.error(`${MANIFEST} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
  const raw: unknown = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  if (!isObject(raw)) throw new Error(`${MANIFEST} is not an object`);
  const chunks = new Map<string, Chunk>();
  for (const [key, value] of Object.entries(raw)) {
    if (!isObject(value) || typeof value.file !== 'string') continue;
    chunks.set(key, {
      file: value.file,
      isEntry: value.isEntry === true,
      imports: strings(value.imports),
      dynamicImports: strings(value.dynamicImports),
    });
  }
  return chunks;
}

function gzipSize(file: string): number {
  return gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
}

/** What the broker actually sends a browser that accepts brotli: the build's `.br` copy (vite.config.ts), as it would make it. */
function brotliSize(file: string): number {
  return brotliCompressSync(readFileSync(join(DIST, file)), { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY } }).length;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

/**
 * The chunks a page loads before its first paint: the scripts and module preloads its built HTML names (Vite leaves
 * an entry that only imports out of the manifest and names its imports there instead), and what those import.
 */
function initialChunksOf(page: string, chunks: Map<string, Chunk>): Set<string> {
  const keyOfFile = new Map([...chunks].map(([key, chunk]) => [chunk.file, key]));
  const html = readFileSync(join(DIST, page), 'utf8');
  const named = [...html.matchAll(/<(?:script type="module"[^>]*\ssrc|link rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((match) => match[1] ?? '');
  if (named.length === 0) throw new Error(`${page} names no JavaScript`);
  const initial = new Set<string>();
  const visit = (key: string) => {
    const chunk = chunks.get(key);
    if (initial.has(key) || chunk === undefined) return;
    initial.add(key);
    chunk.imports.forEach(visit);
  };
  for (const file of named) {
    const key = keyOfFile.get(file);
    if (key === undefined) throw new Error(`${page} loads ${file}, which the manifest does not list`);
    visit(key);
  }
  return initial;
}

/** Everything a page may load later: its dynamic imports and theirs, less what it loaded first. */
function lazyChunksOf(initial: Set<string>, chunks: Map<string, Chunk>): Set<string> {
  const reached = new Set<string>();
  const visit = (key: string) => {
    const chunk = chunks.get(key);
    if (reached.has(key) || chunk === undefined) return;
    reached.add(key);
    [...chunk.imports, ...chunk.dynamicImports].forEach(visit);
  };
  initial.forEach(visit);
  return new Set([...reached].filter((key) => !initial.has(key) && chunks.get(key)?.file.endsWith('.js')));
}

function main(): void {
  const chunks = readManifest();
  const rows = (keys: Set<string>) =>
    [...keys]
      .map((key) => ({ file: chunks.get(key)?.file ?? key, size: gzipSize(chunks.get(key)?.file ?? key) }))
      .sort((a, b) => b.size - a.size);
  const sum = (list: { size: number }[]) => list.reduce((total, row) => total + row.size, 0);

  const initial = initialChunksOf('index.html', chunks);
  const initialRows = rows(initial);
  const lazyRows = rows(lazyChunksOf(initial, chunks));
  // The install page (ESP Web Tools) is its own entry: what it loads is reported apart and never counts for the app.
  const installInitial = existsSync(join(DIST, INSTALL_PAGE)) ? initialChunksOf(INSTALL_PAGE, chunks) : new Set<string>();
  const installInitialRows = rows(installInitial);
  const installLazyRows = rows(lazyChunksOf(installInitial, chunks));
  const total = sum(initialRows);
  const width = Math.max(...[...initialRows, ...lazyRows, ...installInitialRows, ...installLazyRows].map((row) => row.file.length), 20);
  const print = (list: { file: string; size: number }[]) => list.forEach((row) => console.log(`  ${row.file.padEnd(width)}  ${kb(row.size).padStart(10)}`));

  console.log(`Initial JavaScript of the app (index.html and its static imports), gzipped:`);
  print(initialRows);
  console.log(`  ${'total'.padEnd(width)}  ${kb(total).padStart(10)}   budget ${kb(INITIAL_BUDGET_BYTES)}`);
  const sent = [...initial].reduce((bytes, key) => bytes + brotliSize(chunks.get(key)?.file ?? key), 0);
  console.log(`  ${'as brotli (what the broker sends)'.padEnd(width)}  ${kb(sent).padStart(10)}`);
  console.log('');
  console.log('Loaded on demand by the app, gzipped:');
  print(lazyRows);
  if (installInitial.size > 0) {
    console.log('');
    console.log(`The install page (${INSTALL_PAGE}), not part of the app: first ${kb(sum(installInitialRows))}, then ESP Web Tools ${kb(sum(installLazyRows))}`);
    print(installInitialRows);
  }
  console.log('');
  const pass = total <= INITIAL_BUDGET_BYTES;
  console.log(pass ? `PASS: initial JavaScript ${kb(total)} <= ${kb(INITIAL_BUDGET_BYTES)}` : `FAIL: initial JavaScript ${kb(total)} > ${kb(INITIAL_BUDGET_BYTES)}`);
  if (!pass) process.exitCode = 1;
}

main();
