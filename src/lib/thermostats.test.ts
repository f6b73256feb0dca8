import { describe, expect, it } from 'vitest';
import { parsePairedThermostat, parsePairedThermostats } from './thermostats';

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
