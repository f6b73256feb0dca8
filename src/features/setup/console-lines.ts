/**
 * The thermostat's serial console, as the app sees it (docs/protocol.md, "Setting up over the serial port"):
 * command lines of at most 200 bytes, each answered by one line `ok <command> …` or `error <command> …`.
 * Whatever is on the other end of the cable may send anything, so lines are bounded, stripped to printable
 * ASCII, and only an answer that names the command just sent counts: anything else (a boot message, the
 * answer to bytes left over from a reset, `ok commands: …`) is noise.
 */

/** The most the console reads in one line, its end not counted (firmware serial_console.h, kMaxConsoleLine). */
export const MAX_CONSOLE_LINE_BYTES = 200;
/**
 * The longest line the thermostat prints, its end not counted: a console line plus a pairing link
 * (firmware onboarding.cpp, `Line`: kMaxConsoleLine + kPairingLinkCapacity, less its NUL). `ok broker <url>`
 * echoes a URL of up to 193 bytes, so answers can be longer than the lines the console reads.
 */
export const MAX_DEVICE_LINE_BYTES = 439;
/** The longest URL each command stores (firmware network_config.h kMaxBrokerUrlLength, onboarding.h kMaxAppUrlLength). */
const MAX_ARGUMENT_BYTES = { broker: 200, app: 160 } as const;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** Improv packets share the cable; one that starts a line is not console text. */
const IMPROV_HEADER = 'IMPROV';

/** Every verb the console knows. */
export type ConsoleVerb = 'help' | 'pair' | 'broker' | 'broker-pin' | 'app' | 'forget-wifi' | 'factory-reset' | 'status';

/** Splits a byte stream into console lines; an over-long line is dropped whole, up to its end. */
export class ConsoleLineReader {
  /** Room for the longest line and a '\r' before its '\n'. */
  private readonly buffer = new Uint8Array(MAX_DEVICE_LINE_BYTES + 1);
  private length = 0;
  private overlong = false;

  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    for (const byte of chunk) {
      if (byte === NEWLINE) {
        const line = this.overlong ? null : this.take();
        this.length = 0;
        this.overlong = false;
        if (line !== null) lines.push(line);
      } else if (this.overlong) {
        // Discarding up to the end of this line.
      } else if (this.length === this.buffer.length) {
        this.overlong = true;
      } else {
        this.buffer[this.length++] = byte;
      }
    }
    return lines;
  }

  private take(): string | null {
    let end = this.length;
    if (end > 0 && this.buffer[end - 1] === CARRIAGE_RETURN) end -= 1;
    if (end > MAX_DEVICE_LINE_BYTES) return null;
    let text = '';
    for (const byte of this.buffer.subarray(0, end)) {
      // Printable ASCII only: no control characters, escapes or bytes that decode to look-alikes.
      text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '?';
    }
    return text.startsWith(IMPROV_HEADER) ? null : text;
  }
}

export type ConsoleAnswer = { ok: true } | { ok: false; reason: string };

/**
 * Errors that answer a command without naming it (firmware onboarding.cpp, command_pair). Every other
 * answer names its command (docs/protocol.md, "Setting up over the serial port").
 */
const UNNAMED_ERRORS: Partial<Record<ConsoleVerb, readonly string[]>> = { pair: ['no app URL', 'no pairing link'] };

/**
 * The answer to `verb` in `line`, or null when the line is something else: `ok <verb>` or `ok <verb> …`,
 * `error <verb> …`, and `error unknown command: <verb> …` from a firmware that lacks the command.
 */
export function consoleAnswerTo(verb: ConsoleVerb, line: string): ConsoleAnswer | null {
  if (line === `ok ${verb}` || line.startsWith(`ok ${verb} `)) return { ok: true };
  const named = `error ${verb} `;
  if (line.startsWith(named)) return { ok: false, reason: line.slice(named.length).trim() || 'no reason given' };
  if (line === `error ${verb}`) return { ok: false, reason: 'no reason given' };
  if (line === `error unknown command: ${verb}` || line.startsWith(`error unknown command: ${verb} `)) {
    return { ok: false, reason: `it does not know the ${verb} command (its firmware is older than this app)` };
  }
  const unnamed = UNNAMED_ERRORS[verb]?.find((start) => line.startsWith(`error ${start}`));
  return unnamed === undefined ? null : { ok: false, reason: line.slice('error '.length) };
}

/** Bytes that end whatever partial line the thermostat holds (bytes left from a reset, say); it ignores an empty line. */
export const LINE_BREAK = Uint8Array.of(NEWLINE);

/**
 * One command line, or why it cannot be sent: printable ASCII, the line within what the console reads and
 * the URL within what the thermostat stores.
 */
export function consoleCommand(verb: ConsoleVerb, argument = ''): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  const line = argument === '' ? verb : `${verb} ${argument}`;
  if (!/^[\x20-\x7e]*$/.test(line)) return { ok: false, message: `The ${verb} address has characters the thermostat cannot take: ${argument}` };
  const bound = verb === 'broker' || verb === 'app' ? MAX_ARGUMENT_BYTES[verb] : MAX_CONSOLE_LINE_BYTES;
  const most = Math.min(bound, MAX_CONSOLE_LINE_BYTES - verb.length - 1);
  if (argument.length > most) return { ok: false, message: `The ${verb} address is too long for the thermostat (at most ${most} characters).` };
  return { ok: true, bytes: new TextEncoder().encode(`${line}\n`) };
}
