import type { ClientId } from '@protocol';

/**
 * The secret and region this member's OwnTracks seals its reports with, as OWNTRACKS_set carries them to every
 * thermostat (docs/protocol.md, "Messages"); `secret: null` asks them to forget (wtst is then not sent).
 */
export interface OwntracksSetting {
  secret: string | null;
  wtst: number;
}

/** What a thermostat's STATE said about the setting: it holds the secret, (the setting being null) this member has none there any more, or it refused it. */
export type OwntracksAnswer = 'holds' | 'forgot' | OwntracksRefusal;

/**
 * A final refusal, named by the error of the STATE that answered it: `full` (8 members already have a secret),
 * `bad_message` or `out_of_range` (the thermostat read the message otherwise than this app wrote it). Sending the
 * same again would be refused again.
 */
export type OwntracksRefusal = 'full' | 'bad_message' | 'out_of_range';

const REFUSALS: readonly unknown[] = ['full', 'bad_message', 'out_of_range'] satisfies OwntracksRefusal[];

export const isOwntracksRefusal = (error: unknown): error is OwntracksRefusal => REFUSALS.includes(error);

export const isOwntracksAnswer = (value: unknown): value is OwntracksAnswer =>
  value === 'holds' || value === 'forgot' || isOwntracksRefusal(value);

/** What the client is to deliver: the setting, and the thermostats that have already answered it (kept in storage). */
export interface OwntracksDelivery {
  setting: OwntracksSetting;
  answers: Record<ClientId, OwntracksAnswer>;
}

/** The same secret and region keep their thermostats' answers. */
export const sameOwntracksSetting = (a: OwntracksSetting, b: OwntracksSetting) =>
  a.secret === b.secret && (a.secret === null || a.wtst === b.wtst);
