/**
 * The thermostat's serial console, as the app sees it (docs/protocol.md, "Setting up over the serial port"):
 * text lines of at most 200 bytes, each command answered by one line starting `ok ` or `error `. Whatever is
 * on the other end of the cable may send anything, so lines are bounded, stripped to printable ASCII, and
 * only an answer to the command just sent counts.
 */

export const MAX_CONSOLE_LINE_BYTES = 200;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** Improv packets share the cable; one that starts a line is not console text. */
const IMPROV_HEADER = 'IMPROV';

/** Every verb the console knows: an `ok broker …` is not the answer to `app`. */
const CONSOLE_VERBS = ['help', 'pair', 'broker', 'broker-pin', 'app', 'forget-wifi', 'factory-reset', 'status'] as const;
export type ConsoleVerb = (typeof CONSOLE_VERBS)[number];

/** Splits a byte stream into console lines; an over-long line is dropped whole, up to its end. */
export class ConsoleLineReader {
  private readonly buffer = new Uint8Array(MAX_CONSOLE_LINE_BYTES);
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
      } else if (this.length === MAX_CONSOLE_LINE_BYTES) {
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
    let text = '';
    for (let i = 0; i < end; i++) {
      const byte = this.buffer[i] as number;
      // Printable ASCII only: no control characters, escapes or bytes that decode to look-alikes.
      text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '?';
    }
    return text.startsWith(IMPROV_HEADER) ? null : text;
  }
}

export type ConsoleAnswer = { ok: true } | { ok: false; reason: string };

/** The answer to `verb` in `line`, or null when the line is something else (a log line, an answer to another verb). */
export function consoleAnswerTo(verb: ConsoleVerb, line: string): ConsoleAnswer | null {
  const match = /^(ok|error)(?: (.*))?$/.exec(line);
  if (match === null) return null;
  const rest = match[2] ?? '';
  // The longest verb the answer starts with: `broker-pin …` is not an answer to `broker`.
  const answered = CONSOLE_VERBS.filter((known) => rest === known || rest.startsWith(`${known} `)).sort((a, b) => b.length - a.length)[0];
  if (answered !== undefined && answered !== verb) return null;
  if (match[1] === 'ok') return { ok: true };
  const reason = (answered === verb ? rest.slice(verb.length) : rest).trim();
  return { ok: false, reason: reason === '' ? 'no reason given' : reason };
}

/** One command line, or why it cannot be sent (the console takes printable ASCII up to 200 bytes a line). */
export function consoleCommand(verb: ConsoleVerb, argument: string): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  const line = `${verb} ${argument}`;
  if (!/^[\x20-\x7e]*$/.test(line)) return { ok: false, message: `The ${verb} address has characters the thermostat cannot take: ${argument}` };
  if (line.length + 1 > MAX_CONSOLE_LINE_BYTES) {
    return { ok: false, message: `The ${verb} address is too long for the thermostat (at most ${MAX_CONSOLE_LINE_BYTES - verb.length - 2} characters).` };
  }
  return { ok: true, bytes: new TextEncoder().encode(`${line}\n`) };
}
