import type { StateError } from '@protocol';

/** What the connection is doing, in terms a person can act on. */
export type ConnectionStatus =
  | 'connecting'
  | 'connected'
  | 'no-thermostat'
  | 'offline'
  | 'replaced'
  | 'thermostat-offline'
  | 'not-answering'
  | 'wrong-key'
  /** Plain http on a network address: the browser gives no WebCrypto, so the app cannot sign its logon. */
  | 'insecure-page';

/**
 * The errors with which a thermostat refuses a SET and changes nothing (docs/protocol.md "Messages"). `storage`
 * refuses nothing (the change is in force, only not stored yet) and `full` answers only an OWNTRACKS_set.
 */
export const SET_REFUSALS = ['out_of_range', 'bad_message', 'no_clock'] as const satisfies readonly StateError[];
export type SetRefusal = (typeof SET_REFUSALS)[number];

export const isSetRefusal = (error: StateError | null): error is SetRefusal => (SET_REFUSALS as readonly (StateError | null)[]).includes(error);

/** Why a command did not take effect; `not-member`: the thermostat does not take this phone (see Membership). */
export type CommandFailure = 'no-answer' | 'thermostat-offline' | 'not-member' | SetRefusal;

/**
 * Why a MEMBERS_set brought no MEMBERS: none came within 5 s (or no session could be had), or this phone is still on the
 * old shared key, from which the thermostat takes no MEMBERS_set ("Members"): it must join first.
 */
export type MembersUnanswered = 'no_answer' | 'old_link';

/**
 * Why a thermostat takes nothing from this phone: a member removed it ("Members"), its invitation was not taken, or
 * 8 members are there already ("Joining").
 */
export type Refusal = 'removed' | 'invitation_refused' | 'full';

/**
 * Where this phone stands with a thermostat: `member` (its own key), `old_link` (the old shared key still works for
 * it, "The old shared key"), `joining` (a JOIN is out), or a Refusal.
 */
export type Membership = 'member' | 'old_link' | 'joining' | Refusal;
