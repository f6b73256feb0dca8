import { describe, expect, it } from 'vitest';
import { fitThermostatName, MAX_NAME_LENGTH, parsePairedThermostat, parsePairedThermostats } from './thermostats';

const ID = 'Q6iTIJWV4zn_64zH2sbXMa';
const KEY = 'heDmCLojfFJ7Yc_5_3iKaddIuPY_IUa1UQn136DerAs';

describe('parsePairedThermostat', () => {
  it('reads a record stored before member keys as not joined: its key is the old shared key, still to join with', () => {
    expect(parsePairedThermostat({ id: ID, key: KEY, name: 'Hall' })).toEqual({ id: ID, key: KEY, name: 'Hall', joined: false });
  });

  it('keeps joined only when it is true, and never drops a record for its joined flag', () => {
    expect(parsePairedThermostat({ id: ID, key: KEY, name: 'Hall', joined: true })?.joined).toBe(true);
    expect(parsePairedThermostat({ id: ID, key: KEY, name: 'Hall', joined: false })?.joined).toBe(false);
    expect(parsePairedThermostat({ id: ID, key: KEY, name: 'Hall', joined: 'yes' })).toEqual({ id: ID, key: KEY, name: 'Hall', joined: false });
  });

  it('refuses a record whose key is not 32 bytes of base64url, joined or not', () => {
    expect(parsePairedThermostat({ id: ID, key: KEY.slice(1), name: 'Hall', joined: true })).toBeNull();
    expect(parsePairedThermostats([{ id: ID, key: 'short', name: 'x', joined: true }, { id: ID, key: KEY, name: 'ok', joined: true }])).toEqual([
      { id: ID, key: KEY, name: 'ok', joined: true },
    ]);
  });
});

describe('fitThermostatName', () => {
  it('keeps a name that fits, trimmed', () => {
    expect(fitThermostatName('  Hall  ')).toBe('Hall');
    expect(fitThermostatName('x'.repeat(MAX_NAME_LENGTH))).toBe('x'.repeat(MAX_NAME_LENGTH));
  });

  it('cuts at MAX_NAME_LENGTH UTF-16 units on a whole character: never half an emoji or a letter without its accent', () => {
    // 39 units, then a 2-unit emoji that would end at 41.
    expect(fitThermostatName(`${'a'.repeat(39)}🔥b`)).toBe('a'.repeat(39));
    // A family emoji is one character of 8 units.
    const family = '👨‍👩‍👧';
    expect(fitThermostatName(`${'a'.repeat(35)}${family}`)).toBe('a'.repeat(35));
    // "e" and a combining acute: cut before the "e", not between.
    expect(fitThermostatName(`${'a'.repeat(39)}e\u0301`)).toBe('a'.repeat(39));
    for (const name of [fitThermostatName('🔥'.repeat(50)), fitThermostatName(`a${'🔥'.repeat(50)}`)]) {
      expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
      expect(() => encodeURIComponent(name)).not.toThrow();
    }
  });

  it('never keeps a lone surrogate, which no link could carry', () => {
    expect(fitThermostatName('Hall\uD83D')).toBe('Hall\uFFFD');
    expect(() => encodeURIComponent(fitThermostatName('\uDE00Hall'))).not.toThrow();
  });

  it('cuts a stored name too long for a link when it is read', () => {
    expect(parsePairedThermostat({ id: ID, key: KEY, name: `a${'🔥'.repeat(30)}` })?.name).toBe(`a${'🔥'.repeat(19)}`);
  });
});
