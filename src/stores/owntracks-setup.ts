import { isClientId, isFiniteNumber, isObject, isOwntracksSecret, toBase64url, type ClientId } from '@protocol';
import { isOwntracksAnswer, sameOwntracksSetting, type OwntracksAnswer, type OwntracksSetting } from '@/lib/link/owntracks-delivery';
import type { HomeLocation } from './settings-slice';

export type { OwntracksAnswer, OwntracksSetting };

/** Background presence through OwnTracks, as kept in the preferences so that the link can be shown again. */
export interface OwntracksSetup extends OwntracksSetting {
  /** The home the region (`wtst`) is drawn around. A new home keeps the `wtst`, so that OwnTracks replaces the region (it keys waypoints by `tst`). */
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

/** A first region's `tst`: seconds now, within the contract's range. */
export function firstWtst(nowMs: number): number {
  return Math.min(MAX_WTST, Math.max(1, Math.floor(nowMs / 1000)));
}

const sameHome = (a: HomeLocation, b: HomeLocation) => a.latitude === b.latitude && a.longitude === b.longitude;

/**
 * A new secret for `home`. The region keeps the `wtst` it already had: OwnTracks for Android keys waypoints by `tst`
 * and OwnTracks for iOS by a region ID made of `tst` and name, so a new `tst` would ADD a second "Hearth" region and
 * leave the old one, still reported in `inregions`, where it was.
 */
export function withNewSecret(previous: OwntracksSetup | null, secret: string, home: HomeLocation, nowMs: number): OwntracksSetup {
  return {
    secret,
    wtst: previous?.wtst ?? firstWtst(nowMs),
    home,
    answers: {},
    openedLink: previous?.openedLink ?? null,
  };
}

/** Turned off: every thermostat is told to forget the secret. */
export function turnedOff(setup: OwntracksSetup): OwntracksSetup {
  return setup.secret === null ? setup : { ...setup, secret: null, answers: {} };
}

/**
 * The household's home moved: the region moves under the same `wtst`, so the link opened again replaces it in
 * OwnTracks. The thermostats hold no home, only the secret and `wtst`, which stay: nothing is sent to them again.
 */
export function withHome(setup: OwntracksSetup, home: HomeLocation | null): OwntracksSetup {
  if (setup.secret === null || home === null || sameHome(setup.home, home)) return setup;
  return { ...setup, home };
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
      if (isClientId(id) && isOwntracksAnswer(answer)) kept[id] = answer;
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
