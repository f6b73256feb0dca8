import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../protocol/json.ts';
import { parseJsonObject } from '../protocol/json-reader.ts';
import { createLogger, occasionally, throttleLog } from './log.ts';

/** A log line as the object it must be; a line that is not one fails the test here. */
function record(line: string | undefined): JsonObject {
  const parsed = parseJsonObject(line ?? '');
  if (parsed === null) throw new Error(`not a JSON object: ${line}`);
  return parsed;
}

describe('createLogger', () => {
  it('writes one JSON object per line at or above its level, never data, proofs or secrets', () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    log.debug('hidden');
    log.info('logged_on', { id: 'abc', data: 'payload', proof: 'p', secret: 's' });
    log.error('broken', { level: 'debug' });
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    const first = record(lines[0]);
    expect(first).toMatchObject({ level: 'info', event: 'logged_on', id: 'abc' });
    expect(Object.keys(first).sort()).toEqual(['event', 'id', 'level', 'time']);
    expect(record(lines[1])).toMatchObject({ level: 'error' });
    expect(log.enabled('debug')).toBe(false);
  });

  it('silent writes nothing', () => {
    const lines: string[] = [];
    createLogger('silent', (line) => lines.push(line)).error('x');
    expect(lines).toEqual([]);
  });
});

describe('throttleLog', () => {
  /** A throttled logger over a fake clock whose timers run when `fire` is called. */
  function setup(perSecond: number, level: 'debug' | 'info' = 'info') {
    const lines: JsonObject[] = [];
    const timers: Array<{ due: number; run: () => void }> = [];
    const clock = {
      at: 0,
      now: (): number => clock.at,
      later: (run: () => void, ms: number): void => void timers.push({ due: clock.at + ms, run }),
      fire: (): void => {
        for (const timer of timers.splice(0).filter((item) => item.due <= clock.at)) timer.run();
      },
    };
    const log = throttleLog(createLogger(level, (line) => lines.push(record(line))), perSecond, clock);
    return { lines, clock, log };
  }

  it('writes at most N lines of an event a second, then one line saying how many it held back', () => {
    const { lines, clock, log } = setup(3);
    for (let index = 0; index < 10; index += 1) log.info('logged_on', { id: `id${index}` });
    log.warn('flooding', { id: 'other event' });
    expect(lines.map((line) => line['event'])).toEqual(['logged_on', 'logged_on', 'logged_on', 'flooding']);
    clock.at = 1000;
    clock.fire();
    expect(lines.at(-1)).toMatchObject({ level: 'info', event: 'log_suppressed', suppressed_event: 'logged_on', count: 7, per_second: 3 });
    log.info('logged_on', { id: 'next second' });
    expect(lines.at(-1)).toMatchObject({ event: 'logged_on', id: 'next second' });
    expect(lines.filter((line) => line['event'] === 'log_suppressed')).toHaveLength(1);
  });

  it('says what it held back when the next line comes before the timer, once', () => {
    const { lines, clock, log } = setup(1);
    log.info('logged_on');
    log.info('logged_on');
    clock.at = 1500;
    log.info('logged_on');
    clock.fire();
    expect(lines.map((line) => [line['event'], line['count']])).toEqual([
      ['logged_on', undefined],
      ['log_suppressed', 1],
      ['logged_on', undefined],
    ]);
  });

  it('lets every debug line through', () => {
    const { lines, log } = setup(1, 'debug');
    for (let index = 0; index < 5; index += 1) log.debug('error_sent');
    expect(lines).toHaveLength(5);
  });
});

describe('occasionally', () => {
  it('says a recurring condition at most once per interval, with how often it arose since', () => {
    const said: number[] = [];
    const clock = { at: 0, now: (): number => clock.at };
    const note = occasionally(60_000, (count) => said.push(count), clock);
    note();
    note();
    clock.at = 59_999;
    note();
    expect(said).toEqual([1]);
    clock.at = 60_000;
    note();
    expect(said).toEqual([1, 3]);
  });
});
