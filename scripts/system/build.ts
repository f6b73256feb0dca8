/**
 * Builds the app, the broker's bundle and the simulated thermostat only when their sources changed, so
 * `npm start` and the end-to-end run pay for a build once. Run directly (`tsx scripts/system/build.ts`) to
 * build all three; `tsx scripts/system/build.ts broker` (`npm run build:broker`) bundles the broker alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.ts';

const APP_SOURCES = ['src', 'protocol', 'public', 'index.html', 'vite.config.ts', 'package-lock.json', 'tsconfig.app.json'];
const APP_OUTPUT = 'dist/index.html';

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, entry)));
  return newest;
}

export function appBuildIsStale(): boolean {
  const output = join(repoRoot, APP_OUTPUT);
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return APP_SOURCES.some((source) => newestModification(join(repoRoot, source)) > built);
}

/**
 * Production runs the broker as one JavaScript file under plain `node`, not through tsx: no TypeScript
 * loader in memory or on the start-up path. esbuild rather than `tsc`: it is the transform tsx already applies
 * in development (same semantics in both), it bundles broker/ and protocol/ into one file in tens of
 * milliseconds, and it needs no second tsconfig for emitting. npm packages (ws) stay external, loaded from
 * node_modules as in development.
 */
export const BROKER_BUNDLE = 'dist-broker/main.js';
const BROKER_ENTRY = 'broker/main.ts';
const BROKER_SOURCES = ['broker', 'protocol', 'package-lock.json', 'scripts/system/build.ts'];

export function brokerBuildIsStale(): boolean {
  const output = join(repoRoot, BROKER_BUNDLE);
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return BROKER_SOURCES.some((source) => newestModification(join(repoRoot, source)) > built);
}

/** Bundles broker/main.ts into dist-broker/main.js; written to a temporary name and renamed, so no reader sees half a file. */
export function buildBroker(log: (line: string) => void = console.log): void {
  log(`bundling the broker (esbuild ${BROKER_ENTRY} -> ${BROKER_BUNDLE})…`);
  const result = buildSync({
    absWorkingDir: repoRoot,
    entryPoints: [BROKER_ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: BROKER_BUNDLE,
    write: false,
    logLevel: 'silent',
  });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

/** The bundle when broker/ or protocol/ is newer than it, so neither `npm start` nor a test runs a stale broker. */
export function buildBrokerIfStale(log: (line: string) => void = console.log): void {
  if (brokerBuildIsStale()) buildBroker(log);
}

function run(what: string, command: string, args: string[], log: (line: string) => void): void {
  log(`${what}…`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.signal ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** `vite build` when dist/ is older than any app source. */
export function buildAppIfStale(log: (line: string) => void = console.log): void {
  if (!appBuildIsStale()) return;
  run('building the app (vite build)', join(repoRoot, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], log);
}

const SIM_SCRIPT = 'firmware/scripts/sim.sh';

/** sim.sh keeps the simulator's own staleness check (CMake); asking it for help builds it when stale. */
export function buildSimulator(log: (line: string) => void = console.log): void {
  if (!existsSync(join(repoRoot, SIM_SCRIPT))) throw new Error(`${SIM_SCRIPT} is missing`);
  // sim.sh builds, then hands `--help` to the simulator, which answers with its usage and exit 64:
  // only sim.sh's own "build failed" (exit 1) is a failure here.
  log('checking the simulated thermostat build…');
  const result = spawnSync('bash', [SIM_SCRIPT, '--help'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status === 1 || result.status === null || /build failed/.test(result.stderr)) {
    throw new Error(`building the simulated thermostat failed:\n${result.stderr}`);
  }
}

export function buildAll(log: (line: string) => void = console.log): void {
  buildAppIfStale(log);
  buildBrokerIfStale(log);
  buildSimulator(log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const log = (line: string): void => console.log(`build: ${line}`);
    if (process.argv[2] === 'broker') buildBroker(log);
    else buildAll(log);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
