/**
 * A test OwnTracks phone: set up from the configuration link Hearth's app offers, it POSTs what OwnTracks in
 * HTTP mode with payload encryption sends when it crosses the region (docs/protocol.md, "Presence from
 * OwnTracks"), shaped as each app's sources make it:
 * - iOS 26.3 (owntracks/ios): OwnTracksAppDelegate.m `regionEvent:enter:` (the transition), OwnTracking.m
 *   `waypointAsJSON:` (the location, extended data on as by default: `inregions` and `inrids` lists, empty outside
 *   every region), `created_at` only when more than a second from `tst`; Connection.m `sendData:` (adds `topic`
 *   and writes the JSON again unsorted, in NSDictionary's unspecified key order, for which keys are sorted here as
 *   `jsonToData:` sorts them first; seals once when queuing, so a retry resends the same bytes) and `sendHTTP:`
 *   (headers);
 * - Android (owntracks/android): LocationProcessor.kt `onWaypointTransition`, MessageTransition.kt,
 *   MessageLocation.kt, Parser.kt `encryptString` (a new sealed wrapper, with its own random `_id`, every time
 *   a message is sent: a retry is sealed anew) and HttpMessageProcessorEndpoint.kt (topic, headers).
 */
import { createHash, randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import { owntracksKey, parseOwntracksConfigLink, type OwntracksConfiguration } from '../protocol/index.ts';

export type Platform = 'ios' | 'android';

export interface PhoneAnswer {
  status: number;
  body: string;
  headers: Headers;
}

/** A message as the phone keeps it in its queue: iOS keeps the sealed bytes, Android the plaintext. */
export interface SealedMessage {
  plaintext: string;
  body: string;
}

type Json = Record<string, unknown>;

/** The fix behind a crossing: this far from home, in metres north (inside the region or well out of it). */
const INSIDE_METRES = 40;
const OUTSIDE_METRES = 600;
const METRES_PER_DEGREE_LATITUDE = 111_320;

const IOS_HEADERS = {
  'Content-Type': 'application/json',
  'User-Agent': 'OwnTracks/26.3.1 CFNetwork/3826.500.131 Darwin/24.5.0',
  'X-Limit-U': 'user',
  'X-Limit-D': 'device',
};
const ANDROID_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'User-Agent': 'Owntracks-Android/gms/420503000',
  'X-Limit-D': 'phone',
};

const sortedKeys = (object: Json): Json => Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
/** Android's random message IDs: 4 random bytes as hex (MessageWithId.kt). */
const messageId = (): string => randomBytes(4).toString('hex');
/** iOS names a region by the first 6 hex digits of SHA-1 of "<name>-<tst>" (Region+CoreDataClass.m). */
const regionId = (name: string, tst: number): string => createHash('sha1').update(`${name}-${tst}`).digest('hex').slice(0, 6);
const sixDecimals = (value: number): number => Math.round(value * 1e6) / 1e6;

export class OwntracksPhone {
  /** The phone's clock, whole seconds since 1970: tests step it to order what the phone sends. */
  now = Math.floor(Date.now() / 1000);
  /** How old the fix behind a region event is when it is sent (iOS adds `created_at` when over 1 s). */
  fixAgeSeconds = 5;
  private last: SealedMessage | null = null;

  private constructor(
    readonly platform: Platform,
    readonly configuration: OwntracksConfiguration,
    private readonly key: Uint8Array,
  ) {}

  /** A phone that has taken Hearth's configuration link. */
  static async fromLink(link: string, platform: Platform): Promise<OwntracksPhone> {
    const parsed = parseOwntracksConfigLink(link);
    if (!parsed.ok) throw new Error(`the configuration link does not read: ${parsed.message}`);
    return OwntracksPhone.fromConfiguration(parsed.value, platform);
  }

  /** A phone set up by hand: a test gives it another key or region to play a phone the thermostat must refuse. */
  static async fromConfiguration(configuration: OwntracksConfiguration, platform: Platform): Promise<OwntracksPhone> {
    await sodium.ready;
    return new OwntracksPhone(platform, configuration, owntracksKey(configuration.encryptionKey));
  }

  private get region(): OwntracksConfiguration['waypoints'][number] {
    const region = this.configuration.waypoints[0];
    if (region === undefined) throw new Error('the configuration has no region');
    return region;
  }

  /** Crossing into the region: the transition, then the location that says the phone is in it. */
  async enter(): Promise<PhoneAnswer[]> {
    return [await this.post(this.transition('enter')), await this.post(this.location(true))];
  }

  /** Crossing out of the region: the transition, then a location in no region. */
  async leave(): Promise<PhoneAnswer[]> {
    return [await this.post(this.transition('leave')), await this.post(this.location(false))];
  }

  /** A lone location report, in the region or not. */
  async report(inRegion: boolean): Promise<PhoneAnswer> {
    return this.post(this.location(inRegion));
  }

  /** The last message again, as the app retries it: iOS the same bytes, Android sealed anew. */
  async resend(): Promise<PhoneAnswer> {
    if (this.last === null) throw new Error('nothing has been sent yet');
    const body = this.platform === 'ios' ? this.last.body : this.seal(this.last.plaintext);
    return this.send(body);
  }

  /** The sealed body of a transition, as the phone would send it now (not sent: see post). */
  transition(event: 'enter' | 'leave'): SealedMessage {
    const fix = this.fix(event === 'enter');
    const region = this.region;
    if (this.platform === 'ios') {
      return this.queue(
        sortedKeys({
          _type: 'transition',
          ...fix,
          ...this.iosCreatedAt(fix.tst),
          desc: region.desc,
          event,
          rid: regionId(region.desc, region.tst),
          t: 'c',
          tid: this.configuration.tid,
          topic: 'owntracks/user/device/event',
          wtst: region.tst,
        }),
      );
    }
    return this.queue({
      _type: 'transition',
      topic: 'owntracks/user/phone/event',
      qos: 1,
      _id: messageId(),
      event,
      desc: region.desc,
      tid: this.configuration.tid,
      t: 'c',
      tst: fix.tst,
      wtst: region.tst,
      acc: fix.acc,
      lon: fix.lon,
      lat: fix.lat,
    });
  }

  /** The sealed body of a location report that follows a crossing (not sent: see post). */
  location(inRegion: boolean): SealedMessage {
    const fix = this.fix(inRegion);
    const inregions = inRegion ? [this.region.desc] : [];
    if (this.platform === 'ios') {
      const inrids = inRegion ? [regionId(this.region.desc, this.region.tst)] : [];
      return this.queue(
        sortedKeys({
          _type: 'location',
          ...fix,
          ...this.iosCreatedAt(fix.tst),
          batt: 81,
          bs: 1,
          alt: 4,
          conn: 'w',
          inregions,
          inrids,
          m: this.configuration.monitoring,
          t: 'c',
          tid: this.configuration.tid,
          topic: 'owntracks/user/device',
          vac: 3,
          vel: 0,
        }),
      );
    }
    return this.queue({
      _type: 'location',
      topic: 'owntracks/user/phone',
      qos: 1,
      created_at: this.now,
      _id: messageId(),
      t: 'c',
      acc: fix.acc,
      lat: fix.lat,
      lon: fix.lon,
      tst: fix.tst,
      inregions,
      tid: this.configuration.tid,
    });
  }

  /** Sends a message made by transition() or location(), or any text (a hostile body) as it is. */
  async post(message: SealedMessage | string): Promise<PhoneAnswer> {
    if (typeof message !== 'string') this.last = message;
    return this.send(typeof message === 'string' ? message : message.body);
  }

  /** `{"_type":"encrypted","data":…}` around `plaintext` sealed with this phone's key and a fresh nonce. */
  seal(plaintext: string): string {
    const nonce = sodium.randombytes_buf(sodium.crypto_secretbox_NONCEBYTES);
    const box = sodium.crypto_secretbox_easy(new TextEncoder().encode(plaintext), nonce, this.key);
    const data = Buffer.concat([nonce, box]).toString('base64');
    return JSON.stringify(this.platform === 'ios' ? { _type: 'encrypted', data } : { _type: 'encrypted', _id: messageId(), data });
  }

  private queue(message: Json): SealedMessage {
    const plaintext = JSON.stringify(message);
    return { plaintext, body: this.seal(plaintext) };
  }

  private fix(inRegion: boolean): { lat: number; lon: number; acc: number; tst: number } {
    const north = (inRegion ? INSIDE_METRES : OUTSIDE_METRES) / METRES_PER_DEGREE_LATITUDE;
    return { lat: sixDecimals(this.region.lat + north), lon: sixDecimals(this.region.lon), acc: 12, tst: this.now - this.fixAgeSeconds };
  }

  /** iOS stamps `created_at` (now) only when the fix is more than a second old. */
  private iosCreatedAt(fixTst: number): { created_at?: number } {
    return Math.abs(this.now - fixTst) > 1 ? { created_at: this.now } : {};
  }

  private async send(body: string): Promise<PhoneAnswer> {
    const response = await fetch(this.configuration.url, {
      method: 'POST',
      headers: this.platform === 'ios' ? IOS_HEADERS : ANDROID_HEADERS,
      body,
    });
    return { status: response.status, body: await response.text(), headers: response.headers };
  }
}
