/**
 * The pure parts of `npm run bench:compare`: its command line, the foreign-load verdict, medians, ratios and the
 * table. run.ts does the processes and the measuring.
 */
import { parseArgs } from 'node:util';
import { fail, ok, type Result } from '../../../protocol/index.ts';

export const TARGETS = ['hearth', 'mosquitto', 'relay'] as const;
export type Target = (typeof TARGETS)[number];
export const TARGET_TITLES: Record<Target, string> = { hearth: 'Hearth', mosquitto: 'Mosquitto 2', relay: 'bare ws relay' };

export interface CompareOptions {
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

export function parseCompareArguments(argv: string[]): Result<CompareOptions, 'usage'> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        'allow-load': { type: 'boolean', default: false },
        rounds: { type: 'string' },
        pairs: { type: 'string' },
        idle: { type: 'string' },
        'duration-ms': { type: 'string' },
        'warmup-ms': { type: 'string' },
        'settle-ms': { type: 'string' },
        'max-foreign': { type: 'string' },
        targets: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    return fail('usage', error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const quick = values.quick;
  const integer = (name: string, text: string | undefined, fallback: number): number | string => {
    if (text === undefined) return fallback;
    return positiveInteger(text) ?? `--${name} must be a positive whole number, not ${JSON.stringify(text)}`;
  };
  const rounds = integer('rounds', values.rounds, quick ? 1 : 3);
  const idleConnections = integer('idle', values.idle, quick ? 500 : 10_000);
  const durationMs = integer('duration-ms', values['duration-ms'], quick ? 1500 : 5000);
  const warmupMs = integer('warmup-ms', values['warmup-ms'], quick ? 300 : 1000);
  const settleMs = integer('settle-ms', values['settle-ms'], quick ? 2000 : 15_000);
  for (const value of [rounds, idleConnections, durationMs, warmupMs, settleMs]) if (typeof value === 'string') return fail('usage', value);
  const pairTexts = (values.pairs ?? (quick ? '10' : '50,500')).split(',');
  const pairs = pairTexts.map(positiveInteger);
  if (pairs.some((count) => count === null)) return fail('usage', `--pairs must be positive whole numbers separated by commas, not ${JSON.stringify(values.pairs)}`);
  const maxForeignCores = Number(values['max-foreign'] ?? 0.1);
  if (!Number.isFinite(maxForeignCores) || maxForeignCores < 0) return fail('usage', `--max-foreign must be a number of cores, not ${JSON.stringify(values['max-foreign'])}`);
  const targets: Target[] = [];
  for (const name of (values.targets ?? TARGETS.join(',')).split(',')) {
    const target = TARGETS.find((known) => known === name);
    if (target === undefined) return fail('usage', `--targets: unknown target ${JSON.stringify(name)} (known: ${TARGETS.join(', ')})`);
    if (!targets.includes(target)) targets.push(target);
  }
  return ok({
    quick,
    allowLoad: values['allow-load'],
    rounds: rounds as number,
    pairs: pairs as number[],
    idleConnections: idleConnections as number,
    durationMs: durationMs as number,
    warmupMs: warmupMs as number,
    settleMs: settleMs as number,
    maxForeignCores,
    targets,
  });
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
