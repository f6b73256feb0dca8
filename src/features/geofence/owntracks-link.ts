import { MAX_INGRESS_THERMOSTATS, OWNTRACKS_RADIUS, owntracksConfigLink, owntracksConfiguration, owntracksIngressPath, type ClientId } from '@protocol';
import { brokerIngressBase } from '@/lib/broker-url';
import type { HomeLocation } from '@/stores/settings-slice';

export interface OwntracksLinkInput {
  secret: string;
  wtst: number;
  home: HomeLocation;
  radiusKm: number;
  /** This app's ID: the member the ingress URL names. */
  member: ClientId;
  /** Every paired thermostat, in the order the app lists them. */
  thermostats: readonly ClientId[];
  brokerUrl: string;
  memberName: string;
}

export interface OwntracksLink {
  /** owntracks:///config?inline=… (docs/protocol.md, "Setting OwnTracks up") */
  link: string;
  /** The ingress URL inside it. */
  url: string;
  /** The region's radius in metres, the Geofence radius brought within 150 to 200 m. */
  radius: number;
  /** Paired thermostats the URL cannot name (an ingress URL names at most 8). */
  leftOut: number;
}

/** The Geofence radius brought within the 150 to 200 m (whole metres) the contract gives the OwnTracks region. */
export function owntracksRadius(radiusKm: number): number {
  return Math.round(Math.min(OWNTRACKS_RADIUS.max, Math.max(OWNTRACKS_RADIUS.min, radiusKm * 1000)));
}

/** OwnTracks' tracker ID, two letters it shows on its map: the initials of the member's name, or its first two letters. */
export function trackerId(memberName: string): string {
  const upper = memberName.toUpperCase();
  const initials = upper.split(/\s+/).flatMap((word) => word.match(/[A-Z]/) ?? []);
  const letters = upper.match(/[A-Z]/g) ?? [];
  const tid = (initials.length >= 2 ? initials : letters).slice(0, 2).join('');
  return tid.length === 2 ? tid : 'HE';
}

/** The configuration link for this member and every paired thermostat, or null while there is no thermostat or no ws:// broker. */
export function owntracksLinkFor(input: OwntracksLinkInput): OwntracksLink | null {
  const base = brokerIngressBase(input.brokerUrl);
  const thermostats = input.thermostats.slice(0, MAX_INGRESS_THERMOSTATS);
  if (base === null || thermostats.length === 0) return null;
  const url = `${base}${owntracksIngressPath(input.member, thermostats)}`;
  const radius = owntracksRadius(input.radiusKm);
  const configuration = owntracksConfiguration({
    url,
    secret: input.secret,
    home: { lat: input.home.latitude, lon: input.home.longitude },
    radius,
    wtst: input.wtst,
    tid: trackerId(input.memberName),
  });
  return { link: owntracksConfigLink(configuration), url, radius, leftOut: input.thermostats.length - thermostats.length };
}
