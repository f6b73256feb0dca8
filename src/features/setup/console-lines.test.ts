import { describe, expect, it } from 'vitest';
import { consoleAnswerTo, consoleCommand, ConsoleLineReader, MAX_CONSOLE_LINE_BYTES } from './console-lines';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('ConsoleLineReader', () => {
  it('splits lines ending in \\n or \\r\\n, across chunks', () => {
    const reader = new ConsoleLineReader();
    expect(reader.push(bytes('ok bro'))).toEqual([]);
    expect(reader.push(bytes('ker\r\nok app\nPAIR http://h/#pair=x\n'))).toEqual(['ok broker', 'ok app', 'PAIR http://h/#pair=x']);
    expect(reader.push(bytes('\n'))).toEqual(['']);
  });

  it('takes a line of exactly 200 bytes and drops a longer one whole, then reads on', () => {
    const reader = new ConsoleLineReader();
    const longest = 'a'.repeat(MAX_CONSOLE_LINE_BYTES);
    expect(reader.push(bytes(`${longest}\n`))).toEqual([longest]);
    // The tail of an over-long line must not pass for a line of its own ("…ok broker").
    expect(reader.push(bytes(`${'x'.repeat(MAX_CONSOLE_LINE_BYTES)}ok broker\nok app\n`))).toEqual(['ok app']);
    expect(reader.push(bytes(`${'y'.repeat(100_000)}`))).toEqual([]);
    // Still the same over-long line until its '\n'.
    expect(reader.push(bytes('error\nok\n'))).toEqual(['ok']);
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
    ['broker', 'ok', { ok: true }],
    ['broker', 'ok broker ws://h/ws', { ok: true }],
    ['broker', 'ok saved', { ok: true }],
    ['app', 'ok app http://h/', { ok: true }],
    ['broker', 'error broker URL must start with ws:// or wss://', { ok: false, reason: 'URL must start with ws:// or wss://' }],
    ['broker', 'error line too long', { ok: false, reason: 'line too long' }],
    ['broker', 'error', { ok: false, reason: 'no reason given' }],
  ] as const)('for %s, %j is an answer', (verb, line, answer) => {
    expect(consoleAnswerTo(verb, line)).toEqual(answer);
  });

  it.each([
    ['broker', 'PAIR http://h/#pair=x'],
    ['broker', 'okay'],
    ['broker', ' ok'],
    ['broker', 'OK'],
    ['app', 'ok broker ws://h/ws'],
    ['broker', 'ok broker-pin none'],
    ['broker', 'error app must be http(s)'],
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
    ['more than the console takes', `ws://h/${'x'.repeat(200)}`, /too long .*at most 192 characters/],
  ])('refuses an address with %s', (_what, address, message) => {
    const command = consoleCommand('broker', address);
    expect(command.ok).toBe(false);
    if (!command.ok) expect(command.message).toMatch(message);
  });
});
