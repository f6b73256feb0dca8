import type { StateError } from '@protocol';

/** The broker link's own state (src/lib/link/broker-link.ts): socket, logon, backoff; nothing about thermostats. */
export type BrokerStatus =
  | 'connecting'
  | 'connected'
  /** Cannot reach the broker; retrying with backoff. */
  | 'offline'
  /** A newer logon of this app's ID (another window) closed this one (docs/protocol.md "Logging on"). */
  | 'replaced'
  /** Plain http on a network address: the browser gives no WebCrypto, so the app cannot sign its logon. */
  | 'insecure-page';

/**
 * One thermostat session's own state (src/lib/link/thermostat-session.ts), meaningful while the broker link is
 * connected. `checking`: 65 s without a STATE, an empty SET is out ("Sessions and replay"); `thermostat-offline`:
 * the broker answered `receiver_offline`; `not-answering`: no STATE within 5 s of a START or a command.
 */
export type SessionStatus = 'starting' | 'live' | 'checking' | 'thermostat-offline' | 'not-answering' | 'wrong-key';

/** A STATE older than this is shown as old: the thermostat pushes at least every 60 s ("Sessions and replay"). */
export const STATE_FRESH_MS = 65_000;

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
