/**
 * The pure parts of `npm run bench:cluster`: its command line, the figures it derives, what it reads from Redis and
 * redis-benchmark, and its table. run.ts does the processes; the medians, the foreign-load verdict and the table's
 * shape are bench:compare's (../compare/report.ts).
 */
import { ok, type Result } from '../../../protocol/index.ts';
import { cell, groupedInteger, namesOption, parseBenchArguments, showCell, wholeNumberOption, type BenchOptions, type Cell, type Measurement } from '../compare/report.ts';

/** (a) one node alone, (b) one node with --redis and every pair on it, (c) two nodes and Redis, every pair split. */
export const CONFIGURATIONS = ['single', 'redis', 'cross'] as const;
export type Configuration = (typeof CONFIGURATIONS)[number];
export const CONFIGURATION_TITLES: Record<Configuration, string> = {
  single: '1 node',
  redis: '1 node + Redis',
  cross: '2 nodes + Redis, cross-node',
};

export type ClusterMeasurement = Measurement<Configuration>;

export interface ClusterOptions extends BenchOptions {
  /** Lone messages: one pair at this rate, each alone in flight. */
  loneRate: number;
  loneMs: number;
  /** SPUBLISH commands redis-benchmark sends to Redis alone. */
  redisRequests: number;
  configurations: Configuration[];
}

export const USAGE = `Usage: npm run bench:cluster -- [--quick] [--allow-load] [--rounds <n>] [--pairs <n,n>] [--idle <n>]
                               [--duration-ms <n>] [--warmup-ms <n>] [--settle-ms <n>] [--max-foreign <cores>]
                               [--lone-rate <n>] [--lone-ms <n>] [--redis-requests <n>] [--configurations single,redis,cross]

  --quick           a smoke check: 10 pairs, 500 idle connections, short phases, one round
  --allow-load      report rounds taken under foreign load too (the table then says they are not evidence)
  --rounds          interleaved rounds, medians over them (default 3)
  --pairs           sender/receiver pair counts (default 50,500)
  --idle            idle logged-on connections for memory and the logon storm (default 10000)
  --lone-rate       lone messages per second for the cross-node hop (default 500: one every 2 ms)
  --lone-ms         how long the lone messages are measured (default 10000)
  --redis-requests  SPUBLISH commands of redis-benchmark against Redis alone (default 1000000)
  --max-foreign     CPU other processes may use during a measurement, in cores (default 0.1)`;

export function parseClusterArguments(argv: string[]): Result<ClusterOptions, 'usage'> {
  const parsed = parseBenchArguments(argv, ['lone-rate', 'lone-ms', 'redis-requests', 'configurations']);
  if (!parsed.ok) return parsed;
  const { options, own } = parsed.value;
  const loneRate = wholeNumberOption('lone-rate', own['lone-rate'], 500);
  if (!loneRate.ok) return loneRate;
  const loneMs = wholeNumberOption('lone-ms', own['lone-ms'], options.quick ? 2000 : 10_000);
  if (!loneMs.ok) return loneMs;
  const redisRequests = wholeNumberOption('redis-requests', own['redis-requests'], options.quick ? 200_000 : 1_000_000);
  if (!redisRequests.ok) return redisRequests;
  const configurations = namesOption('configurations', own.configurations, CONFIGURATIONS);
  if (!configurations.ok) return configurations;
  return ok({ ...options, loneRate: loneRate.value, loneMs: loneMs.value, redisRequests: redisRequests.value, configurations: configurations.value });
}

/** Microseconds of CPU per message, from /proc ticks over a window in which `messages` were forwarded. */
export function cpuMicrosPerMessage(ticks: number, ticksPerSecond: number, messages: number): number {
  if (messages <= 0) return Number.NaN;
  return ((ticks / ticksPerSecond) * 1e6) / messages;
}

/** `used_memory` of Redis's `INFO memory` (bytes), or null when the text has none. */
export function usedMemory(info: string): number | null {
  const match = /^used_memory:(\d+)\r?$/m.exec(info);
  return match ? Number(match[1]) : null;
}

/** The final "N requests per second" of redis-benchmark -q (its progress lines come before, split by \r). */
export function requestsPerSecond(output: string): number | null {
  const all = [...output.matchAll(/: ([\d.]+) requests per second/g)];
  const last = all.at(-1);
  return last ? Number(last[1]) : null;
}

/** CPU seconds of a shell's children, from the second line of bash's `times` ("0m1.250s 0m0.500s"). */
export function childCpuSeconds(times: string): number | null {
  const line = times.trim().split('\n')[1];
  const match = line === undefined ? null : /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(line.trim());
  if (match === null) return null;
  return Number(match[1]) * 60 + Number(match[2]) + Number(match[3]) * 60 + Number(match[4]);
}

/** The servers of a configuration whose CPU is read, in the order the table names them. */
export const SERVER_ROLES: Record<Configuration, ReadonlyArray<{ role: string; name: string }>> = {
  single: [{ role: 'a', name: 'node' }],
  redis: [
    { role: 'a', name: 'node' },
    { role: 'redis', name: 'Redis' },
  ],
  cross: [
    { role: 'a', name: "sender's node" },
    { role: 'b', name: "receiver's node" },
    { role: 'redis', name: 'Redis' },
  ],
};

export const metricName = {
  saturation: (pairs: number): string => `saturation@${pairs}`,
  cpu: (role: string, pairs: number): string => `cpu-${role}@${pairs}`,
  percentile: (name: 'p50' | 'p99' | 'p999', pairs: number): string => `${name}@${pairs}`,
  rate: (pairs: number): string => `rate@${pairs}`,
  delivered: (pairs: number): string => `delivered@${pairs}`,
  lone: (name: 'p50' | 'p99' | 'p999'): string => `lone-${name}`,
  logonCpu: (role: string): string => `logon-cpu-${role}`,
} as const;

type Options = Pick<ClusterOptions, 'maxForeignCores' | 'allowLoad' | 'pairs' | 'idleConnections' | 'loneRate' | 'configurations'>;

const micros = (value: number): string => value.toFixed(0);

/** The table's rows, one column per configuration, from every round's measurements (medians of accepted ones). */
export function clusterRows(measurements: readonly ClusterMeasurement[], options: Options): string[][] {
  const get = (configuration: Configuration, metric: string): Cell => cell(measurements, configuration, metric, options);
  const rows: string[][] = [];
  const row = (title: string, show: (configuration: Configuration) => string): void => {
    rows.push([title, ...options.configurations.map(show)]);
  };
  for (const pairs of options.pairs) {
    row(`forwarded msgs/s, ${pairs} pairs`, (configuration) => showCell(get(configuration, metricName.saturation(pairs)), groupedInteger));
  }
  /** CPU in µs by server, and their sum (of medians: each server's share is its own median over the rounds). */
  const cpuSplit = (configuration: Configuration, metric: (role: string) => string, digits: number): string => {
    const parts = SERVER_ROLES[configuration].map(({ role, name }) => ({ name, cell: get(configuration, metric(role)) }));
    if (parts.some((part) => part.cell.median === null)) return showCell(parts[0]!.cell, String);
    const total = parts.reduce((sum, part) => sum + part.cell.median!, 0);
    const split = parts.length > 1 ? ` (${parts.map((part) => `${part.name} ${part.cell.median!.toFixed(digits)}`).join(' + ')})` : '';
    return `${total.toFixed(digits)} µs${parts.some((part) => part.cell.underLoad) ? ' *' : ''}${split}`;
  };
  for (const pairs of options.pairs) {
    row(`server CPU per message at saturation, ${pairs} pairs`, (configuration) => cpuSplit(configuration, (role) => metricName.cpu(role, pairs), 1));
  }
  for (const pairs of options.pairs) {
    row(`p50 / p99 / p99.9 at half its saturation, ${pairs} pairs`, (configuration) => {
      const [p50, p99, p999] = (['p50', 'p99', 'p999'] as const).map((name) => get(configuration, metricName.percentile(name, pairs)));
      if (p50!.median === null) return showCell(p50!, String);
      const rate = get(configuration, metricName.rate(pairs)).median;
      const delivered = get(configuration, metricName.delivered(pairs)).median ?? 1;
      const lost = delivered < 0.999 ? `, ${(delivered * 100).toFixed(1)} % delivered` : '';
      return `${showCell(p50!, (value) => value.toFixed(3))} / ${showCell(p99!, (value) => value.toFixed(2))} / ${showCell(p999!, (value) => value.toFixed(2))} ms (${groupedInteger(rate ?? Number.NaN)}/s${lost})`;
    });
  }
  row(`lone messages, p50 / p99 / p99.9 (1 pair, ${groupedInteger(options.loneRate)}/s)`, (configuration) => {
    const [p50, p99, p999] = (['p50', 'p99', 'p999'] as const).map((name) => get(configuration, metricName.lone(name)));
    if (p50!.median === null) return showCell(p50!, String);
    return `${showCell(p50!, groupedInteger)} / ${showCell(p99!, groupedInteger)} / ${showCell(p999!, groupedInteger)} µs`;
  });
  const idle = groupedInteger(options.idleConnections);
  row(`node RSS per idle logged-on connection, ${idle}`, (configuration) => showCell(get(configuration, 'rssKb'), (value) => `${value.toFixed(2)} KB`));
  row(`Redis used_memory per logged-on ID, ${idle}`, (configuration) => {
    const held = get(configuration, 'redisBytesPerId');
    const firstMinute = get(configuration, 'redisBytesPerIdFirstMinute');
    if (held.median === null || firstMinute.median === null) return configuration === 'single' ? 'no Redis' : showCell(held, String);
    return `${showCell(held, micros)} B (${firstMinute.median.toFixed(0)} B in its first minute)`;
  });
  row(`connects + logons per second, storm of ${idle}`, (configuration) => showCell(get(configuration, 'stormPerSecond'), groupedInteger));
  row('server CPU per connect + logon in the storm', (configuration) => cpuSplit(configuration, metricName.logonCpu, 0));
  return rows;
}

export interface Hop {
  /** Microseconds a cross-node hop adds at each percentile of lone messages. */
  p50: number;
  p99: number;
  p999: number;
  /** Any figure behind it was taken under foreign load (only with --allow-load). */
  underLoad: boolean;
}

/** What a cross-node hop adds to lone messages: cross-node minus the same node with Redis, per percentile (µs). */
export function hopMicros(measurements: readonly ClusterMeasurement[], options: Pick<ClusterOptions, 'maxForeignCores' | 'allowLoad'>): Hop | null {
  const hop: Hop = { p50: 0, p99: 0, p999: 0, underLoad: false };
  for (const name of ['p50', 'p99', 'p999'] as const) {
    const cross = cell(measurements, 'cross', metricName.lone(name), options);
    const local = cell(measurements, 'redis', metricName.lone(name), options);
    if (cross.median === null || local.median === null) return null;
    hop[name] = cross.median - local.median;
    hop.underLoad ||= cross.underLoad || local.underLoad;
  }
  return hop;
}

/** The line under the table about the hop, against the goal of under 1 ms at p99 on loopback. */
export function hopLine(hop: Hop | null): string {
  if (hop === null) return 'cross-node hop: not measured (needs the redis and cross configurations in an accepted round)';
  const signed = (value: number): string => `${value >= 0 ? '+' : '−'}${groupedInteger(Math.abs(value))} µs`;
  const verdict = hop.underLoad ? 'not evidence (foreign load)' : hop.p99 < 1000 ? 'met' : 'not met';
  return `cross-node hop (lone messages, 2 nodes cross-node minus 1 node + Redis): ${signed(hop.p50)} at p50, ${signed(hop.p99)} at p99, ` +
    `${signed(hop.p999)} at p99.9; goal under 1 ms at p99: ${verdict}`;
}
