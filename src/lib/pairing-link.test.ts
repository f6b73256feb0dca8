import { describe, expect, it } from 'vitest';
import {
  appUrl,
  buildPairingLink,
  DEFAULT_THERMOSTAT_NAME,
  knownPairing,
  MAX_DEVICE_LINK_LENGTH,
  MAX_PAIRING_LINK_LENGTH,
  pairedThermostat,
  parseDeviceLink,
  parseLinkName,
  parsePairingLink,
  vettedThermostatName,
} from './pairing-link';
import { isCleanName } from './thermostats';

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

describe("a link's name (docs/protocol.md \"Keys and pairing\")", () => {
  it.each([
    ['a plain name', 'Hall', 'Hall'],
    ['spaces, percent-encoded', 'Living%20room', 'Living room'],
    ['UTF-8 beyond ASCII', encodeURIComponent('Salón de Ana 🔥'), 'Salón de Ana 🔥'],
    ['an ampersand and a hash, encoded', encodeURIComponent('Den & #2'), 'Den & #2'],
    ['exactly 40 characters', 'x'.repeat(40), 'x'.repeat(40)],
  ])('offers %s', (_what, encoded, name) => {
    expect(parsePairingLink(`http://h/#pair=${ID}.${KEY}&name=${encoded}`)).toEqual({ ok: true, value: { id: ID, key: KEY, name } });
  });

  it.each([
    ['a name that does not decode', '%E0%A4%A'],
    ['a lone percent sign', '50%'],
    ['41 characters', 'x'.repeat(41)],
    ['41 characters once decoded', encodeURIComponent('é'.repeat(41))],
    ['an empty name', ''],
    ['only spaces', '%20%20'],
    ['a control character', 'Hall%0AClick%20here'],
    ['a very long encoded text', '%41'.repeat(600)],
  ])('ignores %s and keeps the link good', (_what, encoded) => {
    expect(parsePairingLink(`http://h/#pair=${ID}.${KEY}&name=${encoded}`)).toEqual({ ok: true, value: { id: ID, key: KEY } });
  });

  it('reads the name before or after the code, and in a bare pair= fragment', () => {
    const named = { ok: true, value: { id: ID, key: KEY, name: 'Hall' } };
    expect(parsePairingLink(`http://h/#name=Hall&pair=${ID}.${KEY}`)).toEqual(named);
    expect(parsePairingLink(`pair=${ID}.${KEY}&name=Hall`)).toEqual(named);
    expect(parsePairingLink(`#pair=${ID}.${KEY}&name=Hall`)).toEqual(named);
  });

  it('a name never stands in for a missing code', () => {
    expect(parsePairingLink('http://h/#name=Hall')).toMatchObject({ ok: false, error: 'no_pairing' });
  });

  it('builds the name percent-encoded, and reads it back', () => {
    const link = buildPairingLink('http://h/', { id: ID, key: KEY, name: 'Salón & co' });
    expect(link).toBe(`http://h/#pair=${ID}.${KEY}&name=Sal%C3%B3n%20%26%20co`);
    expect(parsePairingLink(link)).toEqual({ ok: true, value: { id: ID, key: KEY, name: 'Salón & co' } });
  });

  it('leaves out a name no link may carry', () => {
    expect(buildPairingLink('http://h/', { id: ID, key: KEY, name: '  ' })).toBe(`http://h/#pair=${ID}.${KEY}`);
  });

  it('cuts a long name to fit, and never throws on a stored name, even one with a lone surrogate', () => {
    expect(buildPairingLink('http://h/', { id: ID, key: KEY, name: 'x'.repeat(41) })).toBe(`http://h/#pair=${ID}.${KEY}&name=${'x'.repeat(40)}`);
    for (const name of ['Hall\uD83D', `${'a'.repeat(39)}🔥`, '🔥'.repeat(40)]) {
      const link = buildPairingLink('http://h/', { id: ID, key: KEY, name });
      expect(parsePairingLink(link)).toMatchObject({ ok: true, value: { id: ID, key: KEY } });
    }
    expect(buildPairingLink('http://h/', { id: ID, key: KEY, name: 'Hall\uD83D' })).toBe(`http://h/#pair=${ID}.${KEY}&name=Hall%EF%BF%BD`);
  });

  it('ignores a name of more than 40 UTF-16 units, as a browser counts them, though fewer characters', () => {
    expect(parseLinkName(encodeURIComponent('🔥'.repeat(21)))).toBeNull();
    expect(parseLinkName(encodeURIComponent('🔥'.repeat(20)))).toBe('🔥'.repeat(20));
  });

  it('parseLinkName trims, and refuses what is not a name', () => {
    expect(parseLinkName('%20Hall%20')).toBe('Hall');
    expect(parseLinkName('%00')).toBeNull();
  });
});

describe('parseDeviceLink (a link that came over the cable)', () => {
  const ORIGIN = 'https://hearth.home.example';

  it.each([
    ['the app root', `${ORIGIN}/#pair=${ID}.${KEY}`],
    ['the app under a path', `${ORIGIN}/app/#pair=${ID}.${KEY}`],
    ['a fragment with other parameters', `${ORIGIN}/#x=1&pair=${ID}.${KEY}`],
  ])('accepts a pairing link for this app: %s', (_what, link) => {
    expect(parseDeviceLink(link, ORIGIN)).toEqual({ ok: true, value: { id: ID, key: KEY } });
  });

  it.each([
    ['another host', `https://evil.example/#pair=${ID}.${KEY}`, 'other_site', /another site \(https:\/\/evil\.example\)/],
    ['the same host on another port', `https://hearth.home.example:8443/#pair=${ID}.${KEY}`, 'other_site', /another site/],
    ['plain http for an https app', `http://hearth.home.example/#pair=${ID}.${KEY}`, 'other_site', /another site/],
    ['a host that only starts like ours', `https://hearth.home.example.evil.example/#pair=${ID}.${KEY}`, 'other_site', /another site/],
    ['a javascript: link', `javascript:alert(1)//#pair=${ID}.${KEY}`, 'not_a_link', /not a web link/],
    ['a bare code, which a person may paste but a device must not send', `${ID}.${KEY}`, 'not_a_link', /not a link/],
    ['a link to this app without a code', `${ORIGIN}/#settings`, 'no_pairing', /without a pairing code/],
    ['a pair= in the query, not the fragment', `${ORIGIN}/?pair=${ID}.${KEY}`, 'no_pairing', /without a pairing code/],
    ['a bad key', `${ORIGIN}/#pair=${ID}.${KEY.slice(2)}`, 'bad_key', /key .* not valid/],
    ['a link longer than any pairing link', `${ORIGIN}/#pair=${ID}.${KEY}&${'x'.repeat(MAX_DEVICE_LINK_LENGTH)}`, 'too_long', /far too long/],
  ])('refuses %s', (_what, link, error, message) => {
    const result = parseDeviceLink(link, ORIGIN);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe(error);
    expect(result.message).toMatch(message);
  });
});

describe('pairedThermostat', () => {
  it('names the thermostat as typed, cut to fit, or Thermostat when left empty; it is still to be joined', () => {
    expect(pairedThermostat({ id: ID, key: KEY }, '  Living room ')).toEqual({ id: ID, key: KEY, name: 'Living room', joined: false });
    expect(pairedThermostat({ id: ID, key: KEY }, '   ').name).toBe('Thermostat');
    expect(pairedThermostat({ id: ID, key: KEY }, 'x'.repeat(100)).name).toHaveLength(40);
  });

  it('keeps the name the app already gives the thermostat unless another is typed', () => {
    const known = { id: ID, key: KEY, name: 'Hall', joined: true };
    expect(pairedThermostat({ id: ID, key: KEY }, '', known).name).toBe('Hall');
    expect(pairedThermostat({ id: ID, key: KEY }, 'Attic', known).name).toBe('Attic');
  });
});

describe('knownPairing', () => {
  it('tells a new thermostat from one held with the same key or with another', () => {
    const held = { id: ID, key: KEY, name: 'Hall', joined: false };
    const otherKey = `${KEY.slice(0, -2)}AA`;
    expect(knownPairing([], { id: ID, key: KEY })).toEqual({ kind: 'new' });
    expect(knownPairing([held], { id: ID, key: KEY })).toEqual({ kind: 'same-key', thermostat: held });
    expect(knownPairing([held], { id: ID, key: otherKey })).toEqual({ kind: 'other-key', thermostat: held });
  });

  it('keeps a member key: a joined record is a member unless this phone is known to be removed', () => {
    const joined = { id: ID, key: KEY, name: 'Hall', joined: true };
    const invitation = `${KEY.slice(0, -2)}AA`;
    expect(knownPairing([joined], { id: ID, key: invitation })).toEqual({ kind: 'member', thermostat: joined });
    expect(knownPairing([joined], { id: ID, key: invitation }, { [ID]: 'member' })).toEqual({ kind: 'member', thermostat: joined });
    expect(knownPairing([joined], { id: ID, key: invitation }, { [ID]: 'invitation_refused' })).toEqual({ kind: 'member', thermostat: joined });
    // Removed: the new invitation is the only way back, so it replaces the dead key.
    expect(knownPairing([joined], { id: ID, key: invitation }, { [ID]: 'removed' })).toEqual({ kind: 'other-key', thermostat: joined });
    const notJoined = { ...joined, joined: false };
    expect(knownPairing([notJoined], { id: ID, key: invitation }, { [ID]: 'old_link' })).toEqual({ kind: 'other-key', thermostat: notJoined });
  });
});

it('appUrl is the page address without query or fragment', () => {
  expect(appUrl({ origin: 'https://h.example', pathname: '/app/' })).toBe('https://h.example/app/');
});

describe('bounds and names from others', () => {
  it('refuses text far too long to be a pairing link, before reading it', () => {
    const long = `https://h.example/#pair=${'A'.repeat(22)}.${'B'.repeat(43)}&pad=${'x'.repeat(MAX_PAIRING_LINK_LENGTH)}`;
    expect(parsePairingLink(long)).toMatchObject({ ok: false, error: 'too_long' });
  });

  it.each([
    ['a right-to-left override', 'Hall\u202Egnivil'],
    ['a zero-width space', 'Living\u200Broom'],
    ['a control character', 'Hall\u0007'],
  ])('ignores a link name holding %s, and the link stays good', (_what, name) => {
    expect(isCleanName(name)).toBe(false);
    const parsed = parsePairingLink(`https://h.example/#pair=${'A'.repeat(22)}.${'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs'}&name=${encodeURIComponent(name)}`);
    expect(parsed).toMatchObject({ ok: true });
    expect(parsed.ok && parsed.value.name).toBeUndefined();
  });

  it('gives a name that is empty or not clean the default name', () => {
    expect(vettedThermostatName('Living room')).toBe('Living room');
    expect(vettedThermostatName('  ')).toBe(DEFAULT_THERMOSTAT_NAME);
    expect(vettedThermostatName('Hall\u202E')).toBe(DEFAULT_THERMOSTAT_NAME);
  });
});
