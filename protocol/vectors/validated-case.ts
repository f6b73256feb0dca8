/**
 * The TypeScript side of the message tables (messages.json, owntracks.json), as firmware/test/vector_cases.h is
 * the thermostat's: a case's text through the app's validator, judged by the case's `result`.
 */
import { expect } from 'vitest';
import { parseMessage } from '../message-readers.ts';
import type { Message } from '../messages.ts';

/** Checks that a refused case is refused with its result (and gives null); gives an accepted case's message, failing when it does not parse. */
export function validatedCase(text: string, result: string): Message | null {
  const parsed = parseMessage(text);
  if (result !== 'accepted') {
    expect(parsed).toMatchObject({ ok: false, error: result });
    return null;
  }
  if (!parsed.ok) expect.fail(parsed.message);
  return parsed.value;
}
