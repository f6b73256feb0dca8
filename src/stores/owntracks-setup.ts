import { isClientId, isFiniteNumber, isObject, isOwntracksSecret, toBase64url, type ClientId } from '@protocol';
import { sameOwntracksSetting, type OwntracksAnswer, type OwntracksSetting } from '@/lib/connection/owntracks-delivery';
import type { HomeLocation } from './settings-slice';

export type { OwntracksAnswer, OwntracksSetting };

/** Background presence through OwnTracks, as kept in the preferences so that the link can be shown again. */
export interface OwntracksSetup extends OwntracksSetting {
  /** The home the region (`wtst`) stands for: a new home is a new region. */
  home: HomeLocation;
  /** Each paired thermostat that has answered this very setting. The others are still being told. */
  answers: Record<ClientId, OwntracksAnswer>;
  /** The configuration link the person last opened or copied, so the card can say when it no longer fits. */
  openedLink: string | null;
}

/** The contract: 24 random bytes as base64url, 32 characters. */
export const OWNTRACKS_SECRET_BYTES = 24;
/** A link longer than this is not one this app made (it is a few hundred characters); storage junk is dropped. */
const MAX_STORED_LINK_LENGTH = 4096;
const MAX_WTST = Number.MAX_SAFE_INTEGER;

export function makeOwntracksSecret(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(OWNTRACKS_SECRET_BYTES)));
}

/** A region's `tst`: seconds now, yet always past the previous one, so a new home never reuses the old region's. */
export function nextWtst(previous: number | null, nowMs: number): number {
  return Math.min(MAX_WTST, Math.max(Math.floor(nowMs / 1000), (previous ?? 0) + 1));
}

const sameHome = (a: HomeLocation, b: HomeLocation) => a.latitude === b.latitude && a.longitude === b.longitude;

/** A new secret for `home`. The region stays the one this home already had, so OwnTracks replaces its waypoint rather than adding one. */
export function withNewSecret(previous: OwntracksSetup | null, secret: string, home: HomeLocation, nowMs: number): OwntracksSetup {
  const keepRegion = previous !== null && sameHome(previous.home, home);
  return {
    secret,
    wtst: keepRegion ? previous.wtst : nextWtst(previous?.wtst ?? null, nowMs),
    home,
    answers: {},
    openedLink: previous?.openedLink ?? null,
  };
}

/** Turned off: every thermostat is told to forget the secret. */
export function turnedOff(setup: OwntracksSetup): OwntracksSetup {
  return setup.secret === null ? setup : { ...setup, secret: null, answers: {} };
}

/** The household's home moved: while on, a new region, which every thermostat must hear. */
export function withHome(setup: OwntracksSetup, home: HomeLocation | null, nowMs: number): OwntracksSetup {
  if (setup.secret === null || home === null || sameHome(setup.home, home)) return setup;
  return { ...setup, home, wtst: nextWtst(setup.wtst, nowMs), answers: {} };
}

/** A thermostat answered `sent`; `null` means it no longer holds the secret it had confirmed (a factory reset). */
export function withAnswer(setup: OwntracksSetup, thermostat: ClientId, sent: OwntracksSetting, answer: OwntracksAnswer | null): OwntracksSetup {
  if (!sameOwntracksSetting(setup, sent)) return setup;
  if (answer === null) {
    if (!(thermostat in setup.answers)) return setup;
    const { [thermostat]: _lost, ...answers } = setup.answers;
    return { ...setup, answers };
  }
  if (setup.answers[thermostat] === answer) return setup;
  return { ...setup, answers: { ...setup.answers, [thermostat]: answer } };
}

export function withOpenedLink(setup: OwntracksSetup, link: string): OwntracksSetup {
  return setup.openedLink === link ? setup : { ...setup, openedLink: link };
}

const ANSWERS: readonly unknown[] = ['holds', 'forgot', 'full', 'bad_message', 'out_of_range'] satisfies OwntracksAnswer[];

/** From storage, which anything may have written: a setup that does not hold together is dropped whole. */
export function parseOwntracksSetup(value: unknown): OwntracksSetup | null {
  if (!isObject(value)) return null;
  const { secret, wtst, home, answers, openedLink } = value;
  if (secret !== null && !isOwntracksSecret(secret)) return null;
  if (!Number.isSafeInteger(wtst) || (wtst as number) < 1) return null;
  if (!isObject(home) || !isFiniteNumber(home.latitude) || !isFiniteNumber(home.longitude)) return null;
  if (Math.abs(home.latitude) > 90 || Math.abs(home.longitude) > 180) return null;
  const kept: Record<ClientId, OwntracksAnswer> = {};
  if (isObject(answers)) {
    for (const [id, answer] of Object.entries(answers)) {
      if (isClientId(id) && ANSWERS.includes(answer)) kept[id] = answer as OwntracksAnswer;
    }
  }
  return {
    secret,
    wtst: wtst as number,
    home: { latitude: home.latitude, longitude: home.longitude },
    answers: kept,
    openedLink: typeof openedLink === 'string' && openedLink.length <= MAX_STORED_LINK_LENGTH ? openedLink : null,
  };
}
