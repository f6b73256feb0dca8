/**
 * Builds the app and the simulated thermostat only when their sources changed, so `npm start` and
 * the end-to-end run pay for a build once. Run directly (`tsx scripts/system/build.ts`) to build both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
  buildSimulator(log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    buildAll((line) => console.log(`build: ${line}`));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
