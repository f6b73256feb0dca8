import { describe, expect, it } from 'vitest';
import { consoleAnswerTo, consoleCommand, ConsoleLineReader, MAX_DEVICE_LINE_BYTES } from './console-lines';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('ConsoleLineReader', () => {
  it('splits lines ending in \\n or \\r\\n, across chunks', () => {
    const reader = new ConsoleLineReader();
    expect(reader.push(bytes('ok bro'))).toEqual([]);
    expect(reader.push(bytes('ker\r\nok app\nPAIR http://h/#pair=x\n'))).toEqual(['ok broker', 'ok app', 'PAIR http://h/#pair=x']);
    expect(reader.push(bytes('\n'))).toEqual(['']);
  });

  it('takes the longest line the thermostat prints (439 bytes, with or without \\r) and drops a longer one whole, then reads on', () => {
    const reader = new ConsoleLineReader();
    const longest = 'a'.repeat(MAX_DEVICE_LINE_BYTES);
    expect(MAX_DEVICE_LINE_BYTES).toBe(200 + 160 + 80 - 1);
    expect(reader.push(bytes(`${longest}\n${longest}\r\n`))).toEqual([longest, longest]);
    expect(reader.push(bytes(`${longest}a\n${longest}a\r\nok app\n`))).toEqual(['ok app']);
    // The tail of an over-long line must not pass for a line of its own ("…ok broker").
    expect(reader.push(bytes(`${'x'.repeat(MAX_DEVICE_LINE_BYTES + 1)}ok broker\nok app\n`))).toEqual(['ok app']);
    expect(reader.push(bytes(`${'y'.repeat(100_000)}`))).toEqual([]);
    // Still the same over-long line until its '\n'.
    expect(reader.push(bytes('error\nok\n'))).toEqual(['ok']);
  });

  it('reads the echo of the longest broker URL the console takes (finding: lines over 200 bytes were dropped)', () => {
    const url = `wss://h/${'x'.repeat(193 - 'wss://h/'.length)}`;
    const command = consoleCommand('broker', url);
    expect(command.ok && command.bytes.length).toBe(200 + 1);
    expect(new ConsoleLineReader().push(bytes(`ok broker ${url}\r\n`))).toEqual([`ok broker ${url}`]);
  });

  it('shows control characters and non-ASCII bytes as ?', () => {
    const reader = new ConsoleLineReader();
    expect(reader.push(Uint8Array.from([0x6f, 0x6b, 0x20, 0x1b, 0x5b, 0x32, 0x4a, 0xc3, 0xa9, 0x00, 0x0a]))).toEqual(['ok ?[2J???']);
  });

  it('skips an Improv packet that starts a line', () => {
    const reader = new ConsoleLineReader();
    expect(reader.push(Uint8Array.from([...bytes('IMPROV'), 1, 1, 1, 2, 0x9b, 0x0a, ...bytes('ok app\n')]))).toEqual(['ok app']);
  });
});

describe('consoleAnswerTo', () => {
  it.each([
    ['broker', 'ok broker ws://h/ws', { ok: true }],
    ['broker', 'ok broker', { ok: true }],
    ['app', 'ok app http://h/', { ok: true }],
    ['pair', 'ok pair', { ok: true }],
    ['broker', 'error broker takes a ws:// or wss:// URL with a host name', { ok: false, reason: 'takes a ws:// or wss:// URL with a host name' }],
    ['broker', 'error broker URL not stored: io', { ok: false, reason: 'URL not stored: io' }],
    ['app', 'error app takes the http:// or https:// URL of the app', { ok: false, reason: 'takes the http:// or https:// URL of the app' }],
    ['pair', 'error no app URL: set it with app <URL of the app>', { ok: false, reason: 'no app URL: set it with app <URL of the app>' }],
    ['pair', 'error no pairing link: the identity is not ready (io)', { ok: false, reason: 'no pairing link: the identity is not ready (io)' }],
    ['app', 'error unknown command: app (try help)', { ok: false, reason: 'it does not know the app command (its firmware is older than this app)' }],
  ] as const)('for %s, %j is an answer', (verb, line, answer) => {
    expect(consoleAnswerTo(verb, line)).toEqual(answer);
  });

  it.each([
    ['broker', 'PAIR http://h/#pair=x'],
    ['broker', 'okay'],
    ['broker', ' ok broker'],
    ['broker', 'OK broker'],
    // A bare ok, or the answer to help, is not the answer to broker.
    ['broker', 'ok'],
    ['broker', 'ok commands: help, pair, broker <ws:// or wss:// URL>'],
    ['broker', 'ok saved'],
    ['app', 'ok broker ws://h/ws'],
    ['broker', 'ok broker-pin none'],
    ['broker', 'okbroker'],
    ['broker', 'error app must be http(s)'],
    // What a reset leaves in the thermostat's line before the command: not a refusal of broker.
    ['broker', 'error unknown command: stabroker (try help)'],
    ['broker', 'error unknown command: broker-pin (try help)'],
    ['broker', 'error line too long (at most 200 bytes): ignored up to its end'],
    ['broker', 'error control character in line: ignored'],
    ['broker', 'error'],
    ['broker', 'error broker-pin takes the certificate\'s SHA-1 fingerprint'],
    ['app', 'error no app URL: set it with app <URL of the app>'],
  ] as const)('for %s, %j is not', (verb, line) => {
    expect(consoleAnswerTo(verb, line)).toBeNull();
  });
});

describe('consoleCommand', () => {
  it('writes one line', () => {
    const command = consoleCommand('broker', 'wss://home.example/ws');
    expect(command.ok && new TextDecoder().decode(command.bytes)).toBe('broker wss://home.example/ws\n');
  });

  it.each([
    ['a line break, which would make a second command', 'ws://h/ws\nfactory-reset', /cannot take/],
    ['non-ASCII', 'ws://hé/ws', /cannot take/],
    ['more than the console takes', `ws://h/${'x'.repeat(200)}`, /too long .*at most 193 characters/],
  ])('refuses an address with %s', (_what, address, message) => {
    const command = consoleCommand('broker', address);
    expect(command.ok).toBe(false);
    if (!command.ok) expect(command.message).toMatch(message);
  });

  it('takes a line of up to 200 bytes, as the console reads, and an app URL up to the 160 bytes the thermostat stores', () => {
    expect(consoleCommand('broker', `ws://h/${'x'.repeat(193 - 7)}`).ok).toBe(true);
    expect(consoleCommand('broker', `ws://h/${'x'.repeat(194 - 7)}`).ok).toBe(false);
    expect(consoleCommand('app', `http://h/${'x'.repeat(160 - 9)}`).ok).toBe(true);
    const tooLong = consoleCommand('app', `http://h/${'x'.repeat(161 - 9)}`);
    expect(tooLong.ok === false && tooLong.message).toMatch(/at most 160 characters/);
    const pair = consoleCommand('pair');
    expect(pair.ok && new TextDecoder().decode(pair.bytes)).toBe('pair\n');
  });
});
