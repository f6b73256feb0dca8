/**
 * The pure parts of `npm run bench:compare`: its command line, the foreign-load verdict, medians, ratios and the
 * table. run.ts does the processes and the measuring.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fail, ok, type Result } from '../../../protocol/index.ts';

export const TARGETS = ['hearth', 'mosquitto', 'relay'] as const;
export type Target = (typeof TARGETS)[number];
export const TARGET_TITLES: Record<Target, string> = { hearth: 'Hearth', mosquitto: 'Mosquitto 2', relay: 'bare ws relay' };

/** What every side-by-side bench reads from its command line (bench:compare, bench:cluster). */
export interface BenchOptions {
  quick: boolean;
  allowLoad: boolean;
  rounds: number;
  pairs: number[];
  idleConnections: number;
  warmupMs: number;
  durationMs: number;
  settleMs: number;
  /** Most CPU (in cores) other processes may use during a measurement before it is refused. */
  maxForeignCores: number;
}

export interface CompareOptions extends BenchOptions {
  targets: Target[];
}

export const USAGE = `Usage: npm run bench:compare -- [--quick] [--allow-load] [--rounds <n>] [--pairs <n,n>] [--idle <n>]
                               [--duration-ms <n>] [--warmup-ms <n>] [--settle-ms <n>] [--max-foreign <cores>]
                               [--targets hearth,mosquitto,relay]

  --quick         a smoke check: 10 pairs, 500 idle connections, short phases, one round
  --allow-load    report rounds taken under foreign load too (the table then says they are not evidence)
  --rounds        interleaved rounds, medians over them (default 3)
  --pairs         sender/receiver pair counts (default 50,500)
  --idle          idle logged-on connections for memory and the logon storm (default 10000; the open-file
                  limit's hard value bounds it)
  --max-foreign   CPU other processes may use during a measurement, in cores (default 0.1)`;

const positiveInteger = (text: string): number | null => {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : null;
};

/**
 * Reads the options every bench shares, and `own` (string options of the bench itself, returned as given), strictly.
 */
export function parseBenchArguments<Own extends string>(
  argv: string[],
  own: readonly Own[],
): Result<{ options: BenchOptions; own: Partial<Record<Own, string>> }, 'usage'> {
  const options: NonNullable<ParseArgsConfig['options']> = {
    quick: { type: 'boolean', default: false },
    'allow-load': { type: 'boolean', default: false },
    rounds: { type: 'string' },
    pairs: { type: 'string' },
    idle: { type: 'string' },
    'duration-ms': { type: 'string' },
    'warmup-ms': { type: 'string' },
    'settle-ms': { type: 'string' },
    'max-foreign': { type: 'string' },
  };
  for (const name of own) options[name] = { type: 'string' };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    return fail('usage', error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const quick = values['quick'] === true;
  const numbers = (
    [
      ['rounds', quick ? 1 : 3],
      ['idle', quick ? 500 : 10_000],
      ['duration-ms', quick ? 1500 : 5000],
      ['warmup-ms', quick ? 300 : 1000],
      ['settle-ms', quick ? 2000 : 15_000],
    ] as const
  ).map(([name, fallback]) => wholeNumberOption(name, text(name), fallback));
  const refused = numbers.find((number) => !number.ok);
  if (refused !== undefined && !refused.ok) return refused;
  const [rounds, idleConnections, durationMs, warmupMs, settleMs] = numbers.map((number) => (number.ok ? number.value : 0)) as [number, number, number, number, number];
  const pairs = (text('pairs') ?? (quick ? '10' : '50,500')).split(',').map(positiveInteger);
  if (pairs.some((count) => count === null)) return fail('usage', `--pairs must be positive whole numbers separated by commas, not ${JSON.stringify(text('pairs'))}`);
  const maxForeignCores = Number(text('max-foreign') ?? 0.1);
  if (!Number.isFinite(maxForeignCores) || maxForeignCores < 0) return fail('usage', `--max-foreign must be a number of cores, not ${JSON.stringify(text('max-foreign'))}`);
  const ownValues: Partial<Record<Own, string>> = {};
  for (const name of own) {
    const value = text(name);
    if (value !== undefined) ownValues[name] = value;
  }
  return ok({
    options: {
      quick,
      allowLoad: values['allow-load'] === true,
      rounds,
      pairs: pairs as number[],
      idleConnections,
      durationMs,
      warmupMs,
      settleMs,
      maxForeignCores,
    },
    own: ownValues,
  });
}

/** `--<name> <text>` as a positive whole number, `fallback` when absent. */
export function wholeNumberOption(name: string, text: string | undefined, fallback: number): Result<number, 'usage'> {
  if (text === undefined) return ok(fallback);
  const value = positiveInteger(text);
  return value === null ? fail('usage', `--${name} must be a positive whole number, not ${JSON.stringify(text)}`) : ok(value);
}

/** A comma list of names out of `known` (all of them when absent), each once, in the order given. */
export function namesOption<Name extends string>(flag: string, text: string | undefined, known: readonly Name[]): Result<Name[], 'usage'> {
  const names: Name[] = [];
  for (const name of (text ?? known.join(',')).split(',')) {
    const found = known.find((candidate) => candidate === name);
    if (found === undefined) return fail('usage', `--${flag}: unknown ${JSON.stringify(name)} (known: ${known.join(', ')})`);
    if (!names.includes(found)) names.push(found);
  }
  return ok(names);
}

export function parseCompareArguments(argv: string[]): Result<CompareOptions, 'usage'> {
  const parsed = parseBenchArguments(argv, ['targets']);
  if (!parsed.ok) return parsed;
  const targets = namesOption('targets', parsed.value.own.targets, TARGETS);
  if (!targets.ok) return targets;
  return ok({ ...parsed.value.options, targets: targets.value });
}

/** Round r runs the targets starting at the r-th, so no target always runs first (on a cold machine) or last. */
export function interleaved<T>(items: readonly T[], round: number): T[] {
  const shift = items.length === 0 ? 0 : round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** CPU ticks seen over one measurement: the machine's (all cores, from /proc/stat) and our processes'. */
export interface CpuSample {
  machineBusyTicks: number;
  machineTotalTicks: number;
  /** The server's, the generator's and the orchestrator's own ticks over the same interval. */
  ourTicks: number;
  cores: number;
}

/** Cores' worth of CPU that processes other than ours used during the sample (never negative). */
export function foreignCores(sample: CpuSample): number {
  if (sample.machineTotalTicks <= 0) return 0;
  const foreign = Math.max(0, sample.machineBusyTicks - sample.ourTicks);
  return (foreign / sample.machineTotalTicks) * sample.cores;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** a/b to two decimals, or "n/a" when either is missing or b is zero. */
export function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || b === 0) return 'n/a';
  return (a / b).toFixed(2);
}

/** One figure of one target in one round (bench:cluster's targets are its configurations). */
export interface Measurement<T extends string = Target> {
  round: number;
  target: T;
  /** e.g. "saturation@50", "p99@500", "rssKb", "stormPerSecond" */
  metric: string;
  value: number;
  foreignCores: number;
  /** The generator's CPU over the measurement, in cores: near 1 means the generator, not the server, was the limit. */
  generatorCores: number;
}

export const isAccepted = (measurement: Measurement<string>, options: Pick<CompareOptions, 'maxForeignCores'>): boolean =>
  measurement.foreignCores <= options.maxForeignCores;

export interface Cell {
  median: number | null;
  accepted: number;
  taken: number;
  /** Any measurement in the median was taken under foreign load (only with --allow-load). */
  underLoad: boolean;
  generatorBound: boolean;
}

/** The median of a metric for a target: over accepted rounds, or over every round with --allow-load. */
export function cell<T extends string>(measurements: readonly Measurement<T>[], target: T, metric: string, options: Pick<CompareOptions, 'maxForeignCores' | 'allowLoad'>): Cell {
  const taken = measurements.filter((measurement) => measurement.target === target && measurement.metric === metric);
  const accepted = taken.filter((measurement) => isAccepted(measurement, options));
  const used = options.allowLoad ? taken : accepted;
  return {
    median: median(used.map((measurement) => measurement.value)),
    accepted: accepted.length,
    taken: taken.length,
    underLoad: used.length > accepted.length,
    generatorBound: used.some((measurement) => measurement.generatorCores >= GENERATOR_BOUND_CORES),
  };
}

/** A cell as the table shows it: the median formatted, * if taken under foreign load, † if the generator may have been the limit. */
export function showCell(entry: Cell, format: (value: number) => string): string {
  if (entry.median === null) return entry.taken === 0 ? 'not run' : 'refused (load)';
  const marks = `${entry.underLoad ? ' *' : ''}${entry.generatorBound ? ' †' : ''}`;
  return `${format(entry.median)}${marks}`;
}

/** A generator this busy may itself have been the limit. */
export const GENERATOR_BOUND_CORES = 0.9;

export const groupedInteger = (value: number): string => Math.round(value).toLocaleString('en-US');

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
