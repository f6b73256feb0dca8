import type { ClientId } from '@protocol';

/**
 * The secret and region this member's OwnTracks seals its reports with, as OWNTRACKS_set carries them to every
 * thermostat (docs/protocol.md, "Messages"); `secret: null` asks them to forget (wtst is then not sent).
 */
export interface OwntracksSetting {
  secret: string | null;
  wtst: number;
}

/**
 * What a thermostat's STATE said about the setting: it holds the secret, it refused it because 8 members already
 * have one (`full`), or (the setting being null) this member has none there any more.
 */
export type OwntracksAnswer = 'holds' | 'full' | 'forgot';

/** What the client is to deliver: the setting, and the thermostats that have already answered it (kept in storage). */
export interface OwntracksDelivery {
  setting: OwntracksSetting;
  answers: Record<ClientId, OwntracksAnswer>;
}

/** The same secret and region keep their thermostats' answers. */
export const sameOwntracksSetting = (a: OwntracksSetting, b: OwntracksSetting) =>
  a.secret === b.secret && (a.secret === null || a.wtst === b.wtst);
