import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

describe('createLogger', () => {
  it('writes one JSON object per line at or above its level, never data, proofs or secrets', () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    log.debug('hidden');
    log.info('logged_on', { id: 'abc', data: 'payload', proof: 'p', secret: 's' });
    log.error('broken', { level: 'debug' });
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'info', event: 'logged_on', id: 'abc' });
    expect(Object.keys(first).sort()).toEqual(['event', 'id', 'level', 'time']);
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'error' });
    expect(log.enabled('debug')).toBe(false);
  });

  it('silent writes nothing', () => {
    const lines: string[] = [];
    createLogger('silent', (line) => lines.push(line)).error('x');
    expect(lines).toEqual([]);
  });
});
