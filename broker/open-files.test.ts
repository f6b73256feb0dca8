import { describe, expect, it } from 'vitest';
import { connectionCapacity, raiseOpenFileLimit, readOpenFileLimit, RESERVED_FILES } from './open-files.ts';

describe('readOpenFileLimit', () => {
  it("reads this process's soft and hard limit from /proc", () => {
    const limit = readOpenFileLimit();
    expect(limit).not.toBeNull();
    expect(limit!.soft).toBeGreaterThan(0);
    expect(limit!.soft).toBeLessThanOrEqual(limit!.hard);
  });
});

describe('raiseOpenFileLimit', () => {
  /** A process whose limit prlimit changes only when `allowed` says so. */
  function fakeProcess(soft: number, hard: number, allowed: (soft: number, hard: number) => boolean) {
    const limit = { soft, hard };
    const calls: string[] = [];
    const run = (args: string[]): void => {
      const setting = args.at(-1)!;
      calls.push(setting);
      const [wantedSoft, wantedHard] = setting.replace('--nofile=', '').split(':').map(Number) as [number, number];
      if (!allowed(wantedSoft, wantedHard)) throw new Error('Operation not permitted');
      Object.assign(limit, { soft: wantedSoft, hard: wantedHard });
    };
    return { calls, raise: (wanted: number) => raiseOpenFileLimit(wanted, run, () => ({ ...limit })) };
  }

  it('does nothing when the limit is already enough', () => {
    const { calls, raise } = fakeProcess(5000, 5000, () => true);
    expect(raise(4000)).toEqual({ soft: 5000, hard: 5000 });
    expect(calls).toEqual([]);
  });

  it('goes past the hard limit when the process may', () => {
    const { calls, raise } = fakeProcess(1024, 4096, () => true);
    expect(raise(10_064)).toEqual({ soft: 10_064, hard: 10_064 });
    expect(calls).toEqual(['--nofile=10064:10064']);
  });

  it('falls back to the hard limit when it may not go past it', () => {
    const { calls, raise } = fakeProcess(1024, 4096, (_soft, hard) => hard <= 4096);
    expect(raise(10_064)).toEqual({ soft: 4096, hard: 4096 });
    expect(calls).toEqual(['--nofile=10064:10064', '--nofile=4096:4096']);
  });

  it('raises only the soft limit when the hard one is enough, and carries on when nothing works', () => {
    const raising = fakeProcess(1024, 65_536, () => true);
    expect(raising.raise(10_064)).toEqual({ soft: 10_064, hard: 65_536 });
    expect(raising.calls).toEqual(['--nofile=10064:65536']);
    const stuck = fakeProcess(200, 200, () => false);
    expect(stuck.raise(10_064)).toEqual({ soft: 200, hard: 200 });
  });
});

describe('connectionCapacity', () => {
  it('is the configured cap, or what the open files leave after the reserve', () => {
    expect(connectionCapacity(10_000, { soft: 1_048_576, hard: 1_048_576 })).toEqual({ connections: 10_000, limitedBy: 'max-connections' });
    expect(connectionCapacity(10_000, { soft: 1024, hard: 4096 })).toEqual({ connections: 1024 - RESERVED_FILES, limitedBy: 'open-files' });
    expect(connectionCapacity(10_000, null)).toEqual({ connections: 10_000, limitedBy: 'max-connections' });
  });
});
