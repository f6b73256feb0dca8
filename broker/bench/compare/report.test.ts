import { describe, expect, it } from 'vitest';
import { cell, foreignCores, interleaved, markdownTable, median, parseCompareArguments, ratio, showCell, type Measurement } from './report.ts';

const measurement = (round: number, value: number, foreign = 0, generatorCores = 0.3): Measurement => ({
  round,
  target: 'hearth',
  metric: 'saturation@50',
  value,
  foreignCores: foreign,
  generatorCores,
});

describe('bench:compare arguments', () => {
  it('defaults to the issue\'s figures: three rounds, 50 and 500 pairs, 10k idle connections', () => {
    const parsed = parseCompareArguments([]);
    expect(parsed.ok && parsed.value).toMatchObject({ rounds: 3, pairs: [50, 500], idleConnections: 10_000, allowLoad: false, targets: ['hearth', 'mosquitto', 'relay'] });
  });

  it('--quick is one short round with small counts, which flags can still override', () => {
    const parsed = parseCompareArguments(['--quick', '--allow-load', '--pairs', '5']);
    expect(parsed.ok && parsed.value).toMatchObject({ quick: true, allowLoad: true, rounds: 1, pairs: [5], idleConnections: 500 });
  });

  it.each([
    [['--rounds', '0']],
    [['--pairs', '50,x']],
    [['--idle', '1.5']],
    [['--max-foreign', '-1']],
    [['--targets', 'hearth,nats']],
    [['--unknown']],
    [['stray']],
  ])('refuses %j with a message', (argv) => {
    const parsed = parseCompareArguments(argv);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).not.toBe('');
  });

  it('keeps each target once, in the order given', () => {
    const parsed = parseCompareArguments(['--targets', 'relay,hearth,relay']);
    expect(parsed.ok && parsed.value.targets).toEqual(['relay', 'hearth']);
  });
});

describe('bench:compare figures', () => {
  it('median of odd and even counts, none for no values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('ratio to two decimals, n/a when a side is missing or zero', () => {
    expect(ratio(63_141, 98_105)).toBe('0.64');
    expect(ratio(null, 1)).toBe('n/a');
    expect(ratio(1, 0)).toBe('n/a');
  });

  it('rotates the targets each round', () => {
    expect(interleaved(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(interleaved(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(interleaved(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
  });

  it('foreign load is the machine\'s busy time minus ours, in cores', () => {
    // 2 cores for 1 s at 100 ticks/s = 200 ticks; 150 busy, 110 of them ours: 40 ticks = 0.4 cores of others.
    expect(foreignCores({ machineBusyTicks: 150, machineTotalTicks: 200, ourTicks: 110, cores: 2 })).toBeCloseTo(0.4);
    expect(foreignCores({ machineBusyTicks: 100, machineTotalTicks: 200, ourTicks: 120, cores: 2 })).toBe(0);
    expect(foreignCores({ machineBusyTicks: 0, machineTotalTicks: 0, ourTicks: 0, cores: 2 })).toBe(0);
  });

  it('a cell\'s median leaves out measurements under foreign load, unless allowed, and then says so', () => {
    const taken = [measurement(1, 100), measurement(2, 50, 0.5), measurement(3, 120)];
    const strict = cell(taken, 'hearth', 'saturation@50', { maxForeignCores: 0.1, allowLoad: false });
    expect(strict).toMatchObject({ median: 110, accepted: 2, taken: 3, underLoad: false });
    const allowed = cell(taken, 'hearth', 'saturation@50', { maxForeignCores: 0.1, allowLoad: true });
    expect(allowed).toMatchObject({ median: 100, underLoad: true });
  });

  it('a cell with every round refused has no median, and one whose generator was saturated is marked', () => {
    expect(cell([measurement(1, 100, 1)], 'hearth', 'saturation@50', { maxForeignCores: 0.1, allowLoad: false }).median).toBeNull();
    expect(cell([measurement(1, 100, 0, 0.95)], 'hearth', 'saturation@50', { maxForeignCores: 0.1, allowLoad: false }).generatorBound).toBe(true);
  });

  it('a shown cell marks foreign load and a saturated generator, and says why it has no figure', () => {
    const options = { maxForeignCores: 0.1, allowLoad: true };
    expect(showCell(cell([measurement(1, 100, 0.5, 0.95)], 'hearth', 'saturation@50', options), String)).toBe('100 * †');
    expect(showCell(cell([measurement(1, 100, 0.5)], 'hearth', 'saturation@50', { ...options, allowLoad: false }), String)).toBe('refused (load)');
    expect(showCell(cell([], 'hearth', 'saturation@50', options), String)).toBe('not run');
  });

  it('markdown table pads columns to the widest cell', () => {
    expect(markdownTable(['', 'A'], [['row', '1,000']])).toBe('|     | A     |\n|-----|-------|\n| row | 1,000 |');
  });
});
