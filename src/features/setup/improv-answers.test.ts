import { describe, expect, it } from 'vitest';
import { deviceInfoFrom, displayText, joinProblem, MAX_NETWORKS, networksFrom, signalWords, wifiSettingsProblem } from './improv-answers';

describe('displayText', () => {
  it('removes control characters and the marks that reorder text, and cuts long text', () => {
    expect(displayText('Hearth\u0000\u001b[2J Lab')).toBe('Hearth[2J Lab');
    expect(displayText('evil\u202egnp.exe')).toBe('evilgnp.exe');
    expect(displayText('a'.repeat(100), 10)).toBe(`${'a'.repeat(9)}…`);
    expect(displayText('🔥'.repeat(5), 3)).toBe('🔥🔥…');
  });
});

describe('deviceInfoFrom', () => {
  it('cleans what the device says about itself', () => {
    expect(deviceInfoFrom({ firmware: 'Hearth', version: '1.2.0', chipFamily: 'ESP8266', name: `hearth-1a2b\u0007${'x'.repeat(200)}` })).toEqual({
      firmware: 'Hearth',
      version: '1.2.0',
      chip: 'ESP8266',
      name: `hearth-1a2b${'x'.repeat(20)}…`,
    });
    expect(deviceInfoFrom(undefined).firmware).toBe('unknown firmware');
  });
});

describe('networksFrom', () => {
  it('lists each name once, strongest first, leaving out hidden and impossible names', () => {
    expect(
      networksFrom([
        { name: 'Neighbours', rssi: -80, secured: true },
        { name: 'Hearth Lab', rssi: -70, secured: true },
        { name: '', rssi: -40, secured: true },
        { name: 'Hearth Lab', rssi: -50, secured: true },
        { name: 'Café', rssi: Number.NaN, secured: false },
        { name: 'x'.repeat(33), rssi: -30, secured: false },
        { name: 'Odd', rssi: 42, secured: false },
      ]),
    ).toEqual([
      { ssid: 'Hearth Lab', rssi: -50, secured: true },
      { ssid: 'Neighbours', rssi: -80, secured: true },
      { ssid: 'Café', rssi: null, secured: false },
      { ssid: 'Odd', rssi: null, secured: false },
    ]);
  });

  it(`keeps at most ${MAX_NETWORKS} networks however many the device sends`, () => {
    const flood = Array.from({ length: 10_000 }, (_, i) => ({ name: `net ${i}`, rssi: -30 - (i % 90), secured: true }));
    expect(networksFrom(flood)).toHaveLength(MAX_NETWORKS);
  });

  it('says how strong the signal is', () => {
    expect([-45, -65, -85, null].map(signalWords)).toEqual(['strong signal', 'good signal', 'weak signal', 'signal unknown']);
  });
});

describe('wifiSettingsProblem', () => {
  it.each([
    ['no network', '', '', false, /Choose a network/],
    ['a name too long for Wi-Fi', 'é'.repeat(17), 'secret12', true, /at most 32 bytes/],
    ['a secured network without password', 'Hearth Lab', '', true, /Enter the password of Hearth Lab/],
    ['a password longer than Wi-Fi takes', 'Hearth Lab', 'p'.repeat(65), true, /at most 64 characters/],
  ])('refuses %s', (_what, ssid, password, secured, message) => {
    expect(wifiSettingsProblem(ssid, password, secured)).toMatch(message);
  });

  it('accepts an open network without password and a secured one with', () => {
    expect(wifiSettingsProblem('Café', '', false)).toBeNull();
    expect(wifiSettingsProblem('Hearth Lab', 'correct horse', true)).toBeNull();
  });
});

describe('joinProblem', () => {
  it.each([
    ['UNABLE_TO_CONNECT', 'The thermostat could not join Hearth Lab. Check the password.'],
    ['TIMEOUT', 'The thermostat did not finish joining Hearth Lab in time. Check that Hearth Lab is in range, then try again.'],
    ['INVALID_RPC_PACKET', 'The thermostat did not accept this network name or password.'],
    [new Error('boom'), 'The thermostat could not take the Wi-Fi settings (Error: boom).'],
  ])('puts %s in plain words', (error, words) => {
    expect(joinProblem(error, 'Hearth Lab')).toBe(words);
  });
});
