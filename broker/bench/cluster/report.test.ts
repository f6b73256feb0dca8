import { describe, expect, it } from 'vitest';
import { markdownTable } from '../compare/report.ts';
import {
  childCpuSeconds,
  clusterRows,
  cpuMicrosPerMessage,
  hopLine,
  hopMicros,
  metricName,
  parseClusterArguments,
  requestsPerSecond,
  usedMemory,
  type ClusterMeasurement,
  type ClusterOptions,
  type Configuration,
} from './report.ts';

const taken = (round: number, target: Configuration, metric: string, value: number, foreignCores = 0): ClusterMeasurement => ({
  round,
  target,
  metric,
  value,
  foreignCores,
  generatorCores: 0.2,
});

const strict = { maxForeignCores: 0.1, allowLoad: false };

describe('bench:cluster arguments', () => {
  it('defaults to three rounds of every configuration, 50 and 500 pairs, 10k idle connections, lone messages at 500/s', () => {
    const parsed = parseClusterArguments([]);
    expect(parsed.ok && parsed.value).toMatchObject({
      rounds: 3,
      pairs: [50, 500],
      idleConnections: 10_000,
      loneRate: 500,
      loneMs: 10_000,
      allowLoad: false,
      configurations: ['single', 'redis', 'cross'],
    });
  });

  it('--quick is one short round with small counts, which flags can still override', () => {
    const parsed = parseClusterArguments(['--quick', '--allow-load', '--pairs', '5', '--configurations', 'cross,redis,cross']);
    expect(parsed.ok && parsed.value).toMatchObject({ quick: true, allowLoad: true, rounds: 1, pairs: [5], idleConnections: 500, configurations: ['cross', 'redis'] });
  });

  it.each([[['--rounds', '0']], [['--pairs', '50,x']], [['--lone-rate', '1.5']], [['--max-foreign', '-1']], [['--configurations', 'single,three']], [['--targets', 'hearth']], [['stray']]])(
    'refuses %j with a message',
    (argv) => {
      const parsed = parseClusterArguments(argv);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.message).not.toBe('');
    },
  );
});

describe('bench:cluster readings', () => {
  it('CPU per message from /proc ticks: 250 ticks at 100 a second over 100,000 messages is 25 µs', () => {
    expect(cpuMicrosPerMessage(250, 100, 100_000)).toBeCloseTo(25);
    expect(cpuMicrosPerMessage(250, 100, 0)).toBeNaN();
  });

  it('used_memory from INFO memory, not used_memory_rss or the human-readable one', () => {
    const info = '# Memory\r\nused_memory_human:991.60K\r\nused_memory:1015400\r\nused_memory_rss:8327168\r\n';
    expect(usedMemory(info)).toBe(1_015_400);
    expect(usedMemory('# Memory\r\n')).toBeNull();
  });

  it('the final rate of redis-benchmark -q, after its progress lines', () => {
    const output = 'SPUBLISH x: rps=120000.0 (overall: 118000.0) avg_msec=1.0\rSPUBLISH hearth:id:{__rand_int__} xxxx: 497512.44 requests per second, p50=0.959 msec\n';
    expect(requestsPerSecond(output)).toBe(497_512.44);
    expect(requestsPerSecond('Could not connect to Redis')).toBeNull();
  });

  it("the children's CPU from bash's times", () => {
    expect(childCpuSeconds('0m0.010s 0m0.002s\n0m1.250s 1m0.500s\n')).toBeCloseTo(61.75);
    expect(childCpuSeconds('0m0.010s 0m0.002s')).toBeNull();
  });
});

describe('bench:cluster table', () => {
  const options: Pick<ClusterOptions, 'maxForeignCores' | 'allowLoad' | 'pairs' | 'idleConnections' | 'loneRate' | 'configurations'> = {
    ...strict,
    pairs: [50],
    idleConnections: 10_000,
    loneRate: 500,
    configurations: ['single', 'cross'],
  };

  it('medians of the rounds, the CPU split by server, and not run where a configuration has no such phase', () => {
    const measurements = [
      taken(1, 'single', metricName.saturation(50), 300_000),
      taken(2, 'single', metricName.saturation(50), 320_000),
      taken(3, 'single', metricName.saturation(50), 340_000),
      taken(1, 'single', metricName.cpu('a', 50), 3.2),
      taken(1, 'cross', metricName.saturation(50), 40_000),
      taken(1, 'cross', metricName.cpu('a', 50), 12),
      taken(1, 'cross', metricName.cpu('b', 50), 8),
      taken(1, 'cross', metricName.cpu('redis', 50), 2.5),
      taken(1, 'single', 'rssKb', 7.62),
      taken(1, 'single', metricName.logonCpu('a'), 535.4),
    ];
    const rows = clusterRows(measurements, options);
    expect(rows[0]).toEqual(['forwarded msgs/s, 50 pairs', '320,000', '40,000']);
    expect(rows[1]).toEqual(['server CPU per message at saturation, 50 pairs', '3.2 µs', "22.5 µs (sender's node 12.0 + receiver's node 8.0 + Redis 2.5)"]);
    expect(rows.find((row) => row[0]!.startsWith('node RSS'))).toEqual(['node RSS per idle logged-on connection, 10,000', '7.62 KB', 'not run']);
    expect(rows.find((row) => row[0]!.startsWith('Redis used_memory'))?.[1]).toBe('no Redis');
    expect(rows.find((row) => row[0]!.startsWith('server CPU per connect'))).toEqual(['server CPU per connect + logon in the storm', '535 µs', 'not run']);
  });

  it('latency cells carry their rate and the share delivered when messages were lost; refused rounds say so', () => {
    const measurements = [
      ...(['p50', 'p99', 'p999'] as const).map((name, index) => taken(1, 'single', metricName.percentile(name, 50), [0.5, 2, 3][index]!)),
      taken(1, 'single', metricName.rate(50), 160_000),
      taken(1, 'single', metricName.delivered(50), 0.95),
      taken(1, 'cross', metricName.percentile('p50', 50), 1, 0.5),
    ];
    const row = clusterRows(measurements, options).find((cells) => cells[0]!.startsWith('p50 / p99'));
    expect(row).toEqual(['p50 / p99 / p99.9 at half its saturation, 50 pairs', '0.500 / 2.00 / 3.00 ms (160,000/s, 95.0 % delivered)', 'refused (load)']);
  });

  it('the rows make one markdown table, a column per configuration', () => {
    const table = markdownTable(['', '1 node', '2 nodes'], clusterRows([], options));
    expect(table.split('\n')).toHaveLength(2 + clusterRows([], options).length);
    expect(table).toContain('| forwarded msgs/s, 50 pairs');
  });

  it('the hop is cross-node minus local per percentile, judged against 1 ms at p99, and not judged under foreign load', () => {
    const lone = (target: Configuration, values: [number, number, number], foreign = 0): ClusterMeasurement[] =>
      (['p50', 'p99', 'p999'] as const).map((name, index) => taken(1, target, metricName.lone(name), values[index]!, foreign));
    const hop = hopMicros([...lone('redis', [100, 300, 900]), ...lone('cross', [180, 520, 2100])], strict);
    expect(hop).toEqual({ p50: 80, p99: 220, p999: 1200, underLoad: false });
    expect(hopLine(hop)).toBe('cross-node hop (lone messages, 2 nodes cross-node minus 1 node + Redis): +80 µs at p50, +220 µs at p99, +1,200 µs at p99.9; goal under 1 ms at p99: met');
    expect(hopLine({ p50: 900, p99: 1500, p999: 3000, underLoad: false })).toMatch(/not met$/);
    const loaded = hopMicros([...lone('redis', [100, 300, 900]), ...lone('cross', [180, 520, 2100], 0.5)], { maxForeignCores: 0.1, allowLoad: true });
    expect(hopLine(loaded)).toMatch(/not evidence \(foreign load\)$/);
    expect(hopMicros(lone('cross', [1, 2, 3]), strict)).toBeNull();
    expect(hopLine(null)).toMatch(/not measured/);
  });
});
