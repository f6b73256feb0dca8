/**
 * The configuration link the app offers OwnTracks (docs/protocol.md, "Setting OwnTracks up"): HTTP mode to the
 * member's ingress URL, payload encryption under the member's secret, one region named "Hearth", and no remote
 * commands or configuration, since both OwnTracks apps accept unencrypted HTTP answers from whoever runs the broker.
 */
import { base64 } from '@scure/base';
import { fromBase64 } from './base64.ts';
import { field, isFiniteNumber, isObject, type JsonObject } from './json.ts';
import { readJsonObject, utf8TextOf } from './json-reader.ts';
import { isOwntracksSecret, isWtst } from './messages.ts';
import { fail, ok, type Result } from './result.ts';
import { OWNTRACKS_INGRESS_PREFIX, parseOwntracksIngressPath } from './relay.ts';

/** The region's name: what a location's `inregions` carries when the phone is home ("What the thermostat accepts"). */
export const OWNTRACKS_REGION_NAME = 'Hearth';
export const OWNTRACKS_CONFIG_LINK_PREFIX = 'owntracks:///config?inline=';
/** The region's radius in metres: wide enough for a phone's fixes indoors, narrow enough to mean home. */
export const OWNTRACKS_RADIUS = { min: 150, max: 200 } as const;
/** OwnTracks' `mode` 3: HTTP. */
export const OWNTRACKS_HTTP_MODE = 3;
/** OwnTracks' `monitoring` 1: significant changes (the region crossings are what matter). */
export const OWNTRACKS_SIGNIFICANT_MONITORING = 1;

export interface OwntracksWaypoint {
  _type: 'waypoint';
  desc: typeof OWNTRACKS_REGION_NAME;
  lat: number;
  lon: number;
  /** Metres, 150 to 200. */
  rad: number;
  /** The region's `wtst`, as sent to each thermostat with OWNTRACKS_set. */
  tst: number;
}

/** The JSON of "Setting OwnTracks up", in its key order. */
export interface OwntracksConfiguration {
  _type: 'configuration';
  mode: typeof OWNTRACKS_HTTP_MODE;
  /** The member's ingress URL (docs/protocol.md "The ingress"). */
  url: string;
  /** The member's secret: 32 characters of base64url. */
  encryptionKey: string;
  monitoring: typeof OWNTRACKS_SIGNIFICANT_MONITORING;
  cmd: false;
  remoteConfiguration: false;
  auth: false;
  /** Two letters. */
  tid: string;
  waypoints: [OwntracksWaypoint];
}

export interface OwntracksConfigurationInput {
  url: string;
  secret: string;
  home: { lat: number; lon: number };
  radius: number;
  wtst: number;
  tid: string;
}

const TID_PATTERN = /^[A-Za-z]{2}$/;
const TOP_LEVEL_KEYS = ['_type', 'mode', 'url', 'encryptionKey', 'monitoring', 'cmd', 'remoteConfiguration', 'auth', 'tid', 'waypoints'] as const;
const WAYPOINT_KEYS = ['_type', 'desc', 'lat', 'lon', 'rad', 'tst'] as const;

const isRadius = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= OWNTRACKS_RADIUS.min && value <= OWNTRACKS_RADIUS.max;
const isLatitude = (value: unknown): value is number => isFiniteNumber(value) && value >= -90 && value <= 90;
const isLongitude = (value: unknown): value is number => isFiniteNumber(value) && value >= -180 && value <= 180;
const isTid = (value: unknown): value is string => typeof value === 'string' && TID_PATTERN.test(value);

/** A path prefix the broker is served under: one or more whole segments, none empty. */
const INGRESS_PATH_PREFIX = /^(?:\/[^/]+)+$/;

/**
 * Why a URL cannot be a member's ingress URL, or null when it is one: http or https, the broker's origin, any path
 * prefix it is served under and '/presence/owntracks/<member>/<thermostat>…', written as URL parsing writes it (so
 * nothing reads it otherwise), with no user, query or fragment.
 */
function ingressUrlFault(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url must be http or https';
  if (parsed.href !== url) return `url must be written as ${parsed.href}`;
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') {
    return 'url must carry no user, query or fragment';
  }
  // A reverse proxy may serve the broker under a path prefix ("The ingress"): whole, non-empty segments before it.
  const at = parsed.pathname.indexOf(OWNTRACKS_INGRESS_PREFIX);
  const prefix = at < 0 ? '' : parsed.pathname.slice(0, at);
  if (at < 0 || (prefix !== '' && !INGRESS_PATH_PREFIX.test(prefix)) || parseOwntracksIngressPath(parsed.pathname.slice(at)) === null) {
    return 'url must be an ingress URL: [/<prefix>]/presence/owntracks/<member>/<thermostat>…';
  }
  return null;
}

/** The configuration in `value` when its fields are exactly those of "Setting OwnTracks up", else why not. */
function readConfiguration(value: JsonObject): Result<OwntracksConfiguration, 'bad_configuration'> {
  const refuse = (why: string) => fail('bad_configuration', why);
  const unknown = Object.keys(value).find((key) => !(TOP_LEVEL_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) return refuse(`unknown field ${JSON.stringify(unknown)}`);
  if (field(value, '_type') !== 'configuration') return refuse('_type must be "configuration"');
  if (field(value, 'mode') !== OWNTRACKS_HTTP_MODE) return refuse(`mode must be ${OWNTRACKS_HTTP_MODE} (HTTP)`);
  const url = field(value, 'url');
  if (typeof url !== 'string') return refuse('url must be text');
  const urlFault = ingressUrlFault(url);
  if (urlFault !== null) return refuse(urlFault);
  const encryptionKey = field(value, 'encryptionKey');
  if (!isOwntracksSecret(encryptionKey)) return refuse('encryptionKey must be 32 characters of base64url');
  if (field(value, 'monitoring') !== OWNTRACKS_SIGNIFICANT_MONITORING) return refuse(`monitoring must be ${OWNTRACKS_SIGNIFICANT_MONITORING}`);
  for (const key of ['cmd', 'remoteConfiguration', 'auth'] as const) {
    if (field(value, key) !== false) return refuse(`${key} must be false`);
  }
  const tid = field(value, 'tid');
  if (!isTid(tid)) return refuse('tid must be two letters');
  const waypoints = field(value, 'waypoints');
  if (!Array.isArray(waypoints) || waypoints.length !== 1) return refuse('waypoints must be a list of one region');
  const [region]: unknown[] = waypoints;
  if (!isObject(region)) return refuse('the waypoint must be an object');
  const unknownInRegion = Object.keys(region).find((key) => !(WAYPOINT_KEYS as readonly string[]).includes(key));
  if (unknownInRegion !== undefined) return refuse(`unknown waypoint field ${JSON.stringify(unknownInRegion)}`);
  if (field(region, '_type') !== 'waypoint') return refuse('the waypoint\'s _type must be "waypoint"');
  if (field(region, 'desc') !== OWNTRACKS_REGION_NAME) return refuse(`the waypoint's desc must be "${OWNTRACKS_REGION_NAME}"`);
  const lat = field(region, 'lat');
  if (!isLatitude(lat)) return refuse("the waypoint's lat must be a latitude");
  const lon = field(region, 'lon');
  if (!isLongitude(lon)) return refuse("the waypoint's lon must be a longitude");
  const rad = field(region, 'rad');
  if (!isRadius(rad)) return refuse(`the waypoint's rad must be whole metres from ${OWNTRACKS_RADIUS.min} to ${OWNTRACKS_RADIUS.max}`);
  const tst = field(region, 'tst');
  if (!isWtst(tst)) return refuse("the waypoint's tst must be a whole number from 1 to 2^53 - 1");
  return ok({
    _type: 'configuration',
    mode: OWNTRACKS_HTTP_MODE,
    url,
    encryptionKey,
    monitoring: OWNTRACKS_SIGNIFICANT_MONITORING,
    cmd: false,
    remoteConfiguration: false,
    auth: false,
    tid,
    waypoints: [{ _type: 'waypoint', desc: OWNTRACKS_REGION_NAME, lat, lon, rad, tst }],
  });
}

/**
 * The configuration for one member. Throws a RangeError for input the contract does not allow (a caller's
 * mistake, never a user's): a secret not of 32 base64url characters, a radius outside 150 to 200 m, and so on.
 */
export function owntracksConfiguration(input: OwntracksConfigurationInput): OwntracksConfiguration {
  const written = {
    _type: 'configuration',
    mode: OWNTRACKS_HTTP_MODE,
    url: input.url,
    encryptionKey: input.secret,
    monitoring: OWNTRACKS_SIGNIFICANT_MONITORING,
    cmd: false,
    remoteConfiguration: false,
    auth: false,
    tid: input.tid,
    waypoints: [{ _type: 'waypoint', desc: OWNTRACKS_REGION_NAME, lat: input.home.lat, lon: input.home.lon, rad: input.radius, tst: input.wtst }],
  };
  const configuration = readConfiguration(written);
  if (!configuration.ok) throw new RangeError(`OwnTracks configuration: ${configuration.message}`);
  return configuration.value;
}

/** owntracks:///config?inline=<encodeURIComponent(standard padded base64 of the JSON)>. */
export function owntracksConfigLink(configuration: OwntracksConfiguration): string {
  const json = new TextEncoder().encode(JSON.stringify(configuration));
  return `${OWNTRACKS_CONFIG_LINK_PREFIX}${encodeURIComponent(base64.encode(json))}`;
}

/** What is wrong with a link, layer by layer; `message` says which field, for people and test logs. */
export type OwntracksConfigLinkFault = 'not_a_config_link' | 'bad_encoding' | 'bad_base64' | 'bad_json' | 'bad_configuration';

/**
 * Reads a configuration link strictly, as the app writes it: the exact scheme, empty host, path and one `inline`
 * parameter; encodeURIComponent's own encoding; standard padded base64; UTF-8 JSON under the JSON rules; and
 * exactly the fields of "Setting OwnTracks up" with the values the contract allows (`cmd` false above all).
 */
export function parseOwntracksConfigLink(link: string): Result<OwntracksConfiguration, OwntracksConfigLinkFault> {
  if (!link.startsWith(OWNTRACKS_CONFIG_LINK_PREFIX)) return fail('not_a_config_link', `the link must start with ${OWNTRACKS_CONFIG_LINK_PREFIX}`);
  const encoded = link.slice(OWNTRACKS_CONFIG_LINK_PREFIX.length);
  let inline: string;
  try {
    inline = decodeURIComponent(encoded);
  } catch {
    return fail('bad_encoding', 'inline is not percent-encoded text');
  }
  // Also refuses a second parameter or a fragment: their '&', '=' or '#' would be written %26, %3D, %23.
  if (encodeURIComponent(inline) !== encoded) return fail('bad_encoding', 'inline must be exactly encodeURIComponent of the base64');
  const bytes = fromBase64(inline);
  if (bytes === null) return fail('bad_base64', 'inline must be standard padded base64');
  const text = utf8TextOf(bytes);
  if (text === null) return fail('bad_json', 'the configuration is not UTF-8');
  const read = readJsonObject(text);
  if (!read.ok) return fail('bad_json', `the configuration breaks the JSON rules: ${read.message}`);
  return readConfiguration(read.value);
}
