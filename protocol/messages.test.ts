import { describe, expect, it } from 'vitest';
import { envelopeVectors } from './vectors/index.ts';
import { inRange, parseMessage, parseMessageValue } from './messages.ts';

const session = 'c2Vzc2lvbi0xMjM0';

describe('parseMessage', () => {
  it.each(envelopeVectors.open)('parses the vector plaintext of $packet_type $iv', ({ plaintext }) => {
    const parsed = parseMessage(plaintext);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value).toEqual(JSON.parse(plaintext));
  });

  it.each([
    [{ target: 5 }, true],
    [{ target: 30 }, true],
    [{ target: 21.5, away_target: 17, hysteresis: 0.3, mode: 'auto' }, true],
    [{}, true],
    [{ target: 4.9 }, 'out_of_range'],
    [{ target: 30.1 }, 'out_of_range'],
    [{ target: 21.55 }, 'out_of_range'],
    [{ away_target: 25.5 }, 'out_of_range'],
    [{ away_target: 4 }, 'out_of_range'],
    [{ hysteresis: 0.05 }, 'out_of_range'],
    [{ hysteresis: 2.1 }, 'out_of_range'],
    [{ target: '21' }, 'bad_message'],
    [{ mode: 'eco' }, 'out_of_range'],
    [{ target: 21, mode: 'eco' }, 'out_of_range'],
    [{ mode: 1 }, 'bad_message'],
    [{ target: 21.54 }, 'out_of_range'],
  ])('SET %j is %s', (settings, expected) => {
    const parsed = parseMessage(JSON.stringify({ type: 'SET', session, seq: 2, ...settings }));
    if (expected === true) expect(parsed).toEqual({ ok: true, value: { type: 'SET', session, seq: 2, ...settings } });
    else expect(parsed).toMatchObject({ ok: false, error: expected });
  });

  it.each([
    ['seq 0', { type: 'SET', session, seq: 0 }],
    ['fractional seq', { type: 'SET', session, seq: 1.5 }],
    ['short session', { type: 'SET', session: 'abc', seq: 2 }],
    ['START with a short nonce', { type: 'START', name: 'Ana', nonce: 'c2hvcnQ' }],
    ['HOME_set with negative distance', { type: 'HOME_set', session, seq: 3, home: true, distance: -1 }],
    ['HOME_set without home', { type: 'HOME_set', session, seq: 3, distance: 1 }],
    ['unknown type', { type: 'REBOOT' }],
    ['no type', {}],
  ])('refuses %s as bad_message', (_name, object) => {
    expect(parseMessage(JSON.stringify(object))).toMatchObject({ ok: false, error: 'bad_message' });
  });

  it('parses values already out of JSON, and refuses non-objects', () => {
    expect(parseMessageValue({ type: 'ERROR', code: 'stale_session' })).toMatchObject({ ok: true });
    expect(parseMessageValue(['STATE'])).toMatchObject({ ok: false, error: 'bad_message' });
    expect(parseMessageValue(null)).toMatchObject({ ok: false, error: 'bad_message' });
  });

  it('reads a stale_session ERROR', () => {
    expect(parseMessage('{"type":"ERROR","code":"stale_session"}')).toEqual({
      ok: true,
      value: { type: 'ERROR', code: 'stale_session' },
    });
  });

  it('checks the target step of 0.1 without float noise', () => {
    expect(inRange('target', 21.3)).toBe(true);
    expect(inRange('target', 0.1 + 0.2 + 20)).toBe(true);
    expect(inRange('target', 21.25)).toBe(false);
  });
});
