import { agoPhrase } from '@/lib/format';
import type { selectMembers } from '@/stores/selectors';

export type MembersView = NonNullable<ReturnType<typeof selectMembers>>;
export type MembersProblem = NonNullable<MembersView['error']>;

/** The name a member is shown by; a JOIN may carry an empty one. */
export function memberName(name: string): string {
  return name.trim() === '' ? 'Unnamed phone' : name;
}

/**
 * When the thermostat last heard from a member: `heardS` was counted when the MEMBERS left the thermostat
 * (docs/protocol.md "Members"), so it keeps ageing from `heardAt`, the moment the app took it.
 */
export function heardWords(heardS: number | null, heardAt: number, now: number): string {
  if (heardS === null) return 'Not heard from since the thermostat last started';
  return `Last heard ${agoPhrase(heardS * 1000 + Math.max(0, now - heardAt))}`;
}

/** What went wrong with the last change asked of the members, in words a person can act on. */
export function problemWords(problem: MembersProblem): string {
  switch (problem) {
    case 'full':
      return '8 members is the most a thermostat keeps: remove someone first.';
    case 'storage':
      return (
        'The change is in force, but the thermostat could not store it; it keeps trying every 30 seconds. ' +
        'Until it succeeds, a power cut would undo it (a removed member would be back).'
      );
    case 'no_answer':
      return 'The thermostat did not answer: it may be offline. Nothing changed that this app knows of; try again when it is connected.';
    case 'old_link':
      return (
        'This phone still uses the old pairing link, and the thermostat takes changes to the household only from a phone with a key ' +
        'of its own: nothing changed. The app moves this phone over when it next connects; if it cannot (the household is full), ' +
        'ask a member for an invitation and join first.'
      );
    case 'unknown_member':
      return 'That member was not on the thermostat any more: someone may have removed them already. The list shows who is there now.';
    case 'bad_message':
    case 'out_of_range':
      return `The thermostat refused the request (“${problem}”): it reads the message otherwise than this app writes it. Update the app and the thermostat’s firmware.`;
  }
}

/**
 * Made on first use, not as the card's chunk loads: a page's first Intl object costs tens of milliseconds (the browser
 * loads its locale data), and the card loads at start while an invitation is rarely shown.
 */
let expiryFormat: Intl.DateTimeFormat | null = null;

/** "Thursday 09:12": an invitation's end, within the next 24 hours, in this device's time. */
export function expiryWords(expiresAt: number): string {
  expiryFormat ??= new Intl.DateTimeFormat(undefined, { weekday: 'long', hour: '2-digit', minute: '2-digit' });
  return expiryFormat.format(new Date(expiresAt));
}
