import { describe, expect, it } from 'vitest';
import { buildPairingLink, parsePairingLink } from './pairing-link';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';

describe('parsePairingLink', () => {
  it.each([
    ['a whole link', `http://127.0.0.1:8080/#pair=${ID}.${KEY}`],
    ['a link with a path and a query', `https://home.example/app/?x=1#pair=${ID}.${KEY}`],
    ['the fragment alone', `#pair=${ID}.${KEY}`],
    ['pair= without the hash', `pair=${ID}.${KEY}`],
    ['the bare code', `${ID}.${KEY}`],
    ['a link with spaces around it, as pasted', `  http://h/#pair=${ID}.${KEY}\n`],
    ['a fragment with other parameters', `http://h/#utm=x&pair=${ID}.${KEY}`],
  ])('reads %s', (_what, input) => {
    expect(parsePairingLink(input)).toEqual({ ok: true, value: { id: ID, key: KEY } });
  });

  it.each([
    ['nothing', '', 'empty', /Paste the pairing link/],
    ['a link without a pairing code', 'http://127.0.0.1:8080/', 'no_pairing', /no pairing code/],
    ['a fragment of something else', 'http://h/#settings', 'no_pairing', /no pairing code/],
    ['a code without the dot', `#pair=${ID}${KEY}`, 'bad_shape', /ID, a dot, then the key/],
    ['an ID too short', `#pair=${ID.slice(1)}.${KEY}`, 'bad_id', /thermostat ID .* not valid/],
    ['an ID with a foreign letter', `#pair=${ID.slice(1)}*.${KEY}`, 'bad_id', /thermostat ID .* not valid/],
    ['a key cut short', `#pair=${ID}.${KEY.slice(0, 30)}`, 'bad_key', /key .* not valid/],
    ['a key that is not base64url', `#pair=${ID}.${KEY.slice(1)}=`, 'bad_key', /key .* not valid/],
    ['damaged percent-encoding', `#pair=${ID}.%E0%A4%A`, 'bad_shape', /damaged/],
  ])('refuses %s with a clear message', (_what, input, error, message) => {
    const result = parsePairingLink(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe(error);
    expect(result.message).toMatch(message);
  });

  it('builds links that it reads back, dropping any old fragment', () => {
    const link = buildPairingLink('http://127.0.0.1:8080/#old', { id: ID, key: KEY });
    expect(link).toBe(`http://127.0.0.1:8080/#pair=${ID}.${KEY}`);
    expect(parsePairingLink(link)).toEqual({ ok: true, value: { id: ID, key: KEY } });
  });
});
