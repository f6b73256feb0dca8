/**
 * Prints the app's JavaScript budget from the last build (`npm run build` first): the initial JavaScript
 * (the entry chunk and everything it imports statically, which the browser needs before the first paint)
 * and the chunks loaded on demand, gzipped. Exits 1 when the initial JavaScript is over budget.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isObject } from '../protocol/json.ts';

export const INITIAL_BUDGET_BYTES = 85 * 1024;
const DIST = 'dist';
const MANIFEST = join(DIST, '.vite', 'manifest.json');

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

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

function main(): void {
  const chunks = readManifest();
  const entries = [...chunks.entries()].filter(([, chunk]) => chunk.isEntry && chunk.file.endsWith('.js'));
  if (entries.length === 0) throw new Error('no JavaScript entry in the manifest');

  const initial = new Set<string>();
  const visit = (key: string) => {
    if (initial.has(key)) return;
    const chunk = chunks.get(key);
    if (chunk === undefined) return;
    initial.add(key);
    chunk.imports.forEach(visit);
  };
  entries.forEach(([key]) => visit(key));

  const lazy = new Set<string>();
  for (const [key, chunk] of chunks) {
    if (!initial.has(key) && chunk.file.endsWith('.js')) lazy.add(key);
  }

  const rows = (keys: Set<string>) =>
    [...keys]
      .map((key) => ({ file: chunks.get(key)?.file ?? key, size: gzipSize(chunks.get(key)?.file ?? key) }))
      .sort((a, b) => b.size - a.size);

  const initialRows = rows(initial);
  const lazyRows = rows(lazy);
  const total = initialRows.reduce((sum, row) => sum + row.size, 0);
  const width = Math.max(...[...initialRows, ...lazyRows].map((row) => row.file.length), 20);

  console.log(`Initial JavaScript (entry + static imports), gzipped:`);
  for (const row of initialRows) console.log(`  ${row.file.padEnd(width)}  ${kb(row.size).padStart(10)}`);
  console.log(`  ${'total'.padEnd(width)}  ${kb(total).padStart(10)}   budget ${kb(INITIAL_BUDGET_BYTES)}`);
  console.log('');
  console.log('Loaded on demand, gzipped:');
  for (const row of lazyRows) console.log(`  ${row.file.padEnd(width)}  ${kb(row.size).padStart(10)}`);
  console.log('');
  const pass = total <= INITIAL_BUDGET_BYTES;
  console.log(pass ? `PASS: initial JavaScript ${kb(total)} <= ${kb(INITIAL_BUDGET_BYTES)}` : `FAIL: initial JavaScript ${kb(total)} > ${kb(INITIAL_BUDGET_BYTES)}`);
  if (!pass) process.exitCode = 1;
}

main();
