import { describe, expect, it } from 'vitest';
import { deviceInfoFrom, displayText, joinProblem, linkNotHandedOver, MAX_NETWORKS, networksFrom, signalWords, wifiSettingsProblem } from './improv-answers';

describe('displayText', () => {
  it('shows control characters and the marks that reorder text by their code points, and cuts long text', () => {
    expect(displayText('Hearth\u0000\u001b[2J Lab')).toBe('Hearth⟨U+0000⟩⟨U+001B⟩[2J Lab');
    expect(displayText('evil\u202egnp.exe')).toBe('evil⟨U+202E⟩gnp.exe');
    expect(displayText('a'.repeat(100), 10)).toBe(`${'a'.repeat(9)}…`);
    expect(displayText('🔥'.repeat(5), 3)).toBe('🔥🔥…');
  });

  it('keeps look-alike names apart: invisible and space-like characters are shown, not stripped', () => {
    const lookAlikes = ['Hearth Lab', 'Hearth\u200bLab', 'Hearth Lab\u200b', 'Hearth\u00a0Lab', 'Hearth\u2060 Lab', 'Hearth Lab\ufe0f', 'Hearth\u3164Lab'];
    const shown = lookAlikes.map((name) => displayText(name));
    expect(new Set(shown).size).toBe(lookAlikes.length);
    expect(shown).toEqual([
      'Hearth Lab',
      'Hearth⟨U+200B⟩Lab',
      'Hearth Lab⟨U+200B⟩',
      'Hearth⟨U+00A0⟩Lab',
      'Hearth⟨U+2060⟩ Lab',
      'Hearth Lab⟨U+FE0F⟩',
      'Hearth⟨U+3164⟩Lab',
    ]);
    // A name of nothing but such characters still has a label to pick it by.
    expect(displayText('\u200b\u200b')).toBe('⟨U+200B⟩⟨U+200B⟩');
    // A mark counts as one character, so two long names that differ at the end still differ.
    expect(displayText(`${'\u200b'.repeat(31)}a`, 32)).not.toBe(displayText(`${'\u200b'.repeat(31)}b`, 32));
  });
});

describe('deviceInfoFrom', () => {
  it('cleans what the device says about itself', () => {
    expect(deviceInfoFrom({ firmware: 'Hearth', version: '1.2.0', chipFamily: 'ESP8266', name: `hearth-1a2b\u0007${'x'.repeat(200)}` })).toEqual({
      firmware: 'Hearth',
      version: '1.2.0',
      chip: 'ESP8266',
      name: `hearth-1a2b⟨U+0007⟩${'x'.repeat(19)}…`,
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
        { name: '\u200b', rssi: -90, secured: false },
      ]),
    ).toEqual([
      { ssid: 'Hearth Lab', rssi: -50, secured: true },
      { ssid: 'Neighbours', rssi: -80, secured: true },
      { ssid: '\u200b', rssi: -90, secured: false },
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
    ['no network', '', '', false, 'network', /Choose a network/],
    ['a name too long for Wi-Fi', 'é'.repeat(17), 'secret12', true, 'network', /at most 32 bytes/],
    ['a secured network without password', 'Hearth Lab', '', true, 'password', /Enter the password of Hearth Lab/],
    ['a password longer than Wi-Fi takes', 'Hearth Lab', 'p'.repeat(65), true, 'password', /at most 64 characters/],
    ['a WPA password under 8 characters', 'Hearth Lab', 'horse', true, 'password', /at least 8 characters; check the password of Hearth Lab/],
    ['a short password for a typed network', 'Attic', 'horse', null, 'password', /at least 8 characters/],
    ['64 characters that are not hex', 'Hearth Lab', 'g'.repeat(64), true, 'password', /64 characters is a key in hex/],
  ] as const)('refuses %s', (_what, ssid, password, secured, field, message) => {
    const problem = wifiSettingsProblem(ssid, password, secured);
    expect(problem?.field).toBe(field);
    expect(problem?.message).toMatch(message);
  });

  it('accepts an open network without password, a secured one with, a typed one with neither, and names as typed', () => {
    expect(wifiSettingsProblem('Café', '', false)).toBeNull();
    expect(wifiSettingsProblem('Hearth Lab', 'correct horse', true)).toBeNull();
    expect(wifiSettingsProblem('Hearth Lab', '0123456789abcdef'.repeat(4), true)).toBeNull();
    expect(wifiSettingsProblem(' Attic ', '', null)).toBeNull();
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

  it('says a thermostat on the network but without its link yet is to be added as it is', () => {
    expect(linkNotHandedOver('Hearth Lab')).toBe(
      'The thermostat joined Hearth Lab but has not handed over its link yet; connect again and add it as it is.',
    );
  });
});
