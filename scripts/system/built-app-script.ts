/**
 * What the scripts that measure the built app (measure-start.ts, lighthouse.ts) read the same way: their command
 * line, with `--runs` and `--dist`, and the build they serve.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { appBuildIsStale } from './build.ts';
import { repoRoot } from './paths.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
const COMMON = {
  dist: { type: 'string', default: 'dist' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

type Values<T extends Options> = ReturnType<typeof parseArgs<{ options: T & typeof COMMON; strict: true }>>['values'];

/**
 * The script's own options (with `runs`) plus `--dist` and `--help`: prints `usage` and exits (0 for --help, 64 for
 * a bad line); otherwise the values, with `runs` a whole number from 1 to 10 and `dist` the build's folder.
 */
export function parseBuiltAppCommandLine<T extends Options>(options: T, usage: string): Omit<Values<T>, 'runs' | 'dist'> & { runs: number; dist: string } {
  let values: Values<T>;
  try {
    values = parseArgs({ options: { ...options, ...COMMON }, strict: true }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(64);
  }
  // The options every such script has, read as such: T may hold anything besides.
  const common = values as { help?: boolean; runs?: string; dist?: string };
  if (common.help === true) {
    console.log(usage);
    process.exit(0);
  }
  const runs = Number(common.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 10) throw new Error('--runs must be a whole number from 1 to 10');
  return { ...values, runs, dist: builtApp(common.dist ?? 'dist') };
}

/** The build to serve: its folder, refused when there is none, with a warning when it is older than the sources. */
function builtApp(option: string): string {
  const dist = resolve(repoRoot, option);
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${option} has no build: run \`npm run build\` first`);
  if (option === 'dist' && appBuildIsStale()) console.warn('Warning: dist/ is older than the app sources; these figures are for the last build.');
  return dist;
}
