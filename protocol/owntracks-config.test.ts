import { describe, expect, it } from 'vitest';
import {
  OWNTRACKS_CONFIG_LINK_PREFIX,
  OWNTRACKS_REGION_NAME,
  owntracksConfigLink,
  owntracksConfiguration,
  parseOwntracksConfigLink,
  type OwntracksConfigurationInput,
} from './owntracks-config.ts';

const MEMBER = 'GGXACDHnP37iP8E8stD1iL';
const THERMOSTATS = ['Yw3NKWbEM2aRElRIu7JbT_', 'nH4Ikl0xS3tddsViWhBP2s'];
const INPUT: OwntracksConfigurationInput = {
  url: `https://broker.example.org:8443/presence/owntracks/${MEMBER}/${THERMOSTATS.join('/')}`,
  secret: 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA',
  home: { lat: 52.0907, lon: 5.1214 },
  radius: 150,
  wtst: 1764633600,
  tid: 'AN',
};

/** The contract's JSON for INPUT, written out by hand in its key order. */
const EXPECTED_JSON =
  `{"_type":"configuration","mode":3,"url":"${INPUT.url}","encryptionKey":"${INPUT.secret}",` +
  '"monitoring":1,"cmd":false,"remoteConfiguration":false,"auth":false,"tid":"AN",' +
  '"waypoints":[{"_type":"waypoint","desc":"Hearth","lat":52.0907,"lon":5.1214,"rad":150,"tst":1764633600}]}';

/** A link as the contract describes it, made with Node's own base64, for any text. */
const linkOfText = (text: string): string =>
  `${OWNTRACKS_CONFIG_LINK_PREFIX}${encodeURIComponent(Buffer.from(text, 'utf8').toString('base64'))}`;
const linkOf = (value: unknown): string => linkOfText(JSON.stringify(value));

const good = (): Record<string, unknown> => JSON.parse(EXPECTED_JSON) as Record<string, unknown>;
const withField = (key: string, value: unknown): Record<string, unknown> => ({ ...good(), [key]: value });
const withoutField = (key: string): Record<string, unknown> => Object.fromEntries(Object.entries(good()).filter(([name]) => name !== key));
const withWaypoint = (change: Record<string, unknown>, remove: string[] = []): Record<string, unknown> => {
  const region = { _type: 'waypoint', desc: 'Hearth', lat: 52.0907, lon: 5.1214, rad: 150, tst: 1764633600, ...change };
  return withField('waypoints', [Object.fromEntries(Object.entries(region).filter(([name]) => !remove.includes(name)))]);
};

describe('owntracksConfiguration and owntracksConfigLink', () => {
  it('write the JSON of "Setting OwnTracks up", in its order, as padded base64, percent-encoded', () => {
    const link = owntracksConfigLink(owntracksConfiguration(INPUT));
    expect(link).toBe(linkOfText(EXPECTED_JSON));
    expect(link.startsWith('owntracks:///config?inline=')).toBe(true);
    // Standard base64 needs '+', '/' or '=' escaped in a query: the JSON here is padded.
    expect(Buffer.from(EXPECTED_JSON).length % 3).not.toBe(0);
    expect(link).toMatch(/%3D$/);
    expect(link.slice(OWNTRACKS_CONFIG_LINK_PREFIX.length)).toMatch(/^[A-Za-z0-9%]+$/);
  });

  it('round-trip through parseOwntracksConfigLink, at both ends of the radius and with one thermostat', () => {
    for (const input of [
      INPUT,
      { ...INPUT, radius: 200, tid: 'zq', home: { lat: -33.8688, lon: 151.2093 } },
      { ...INPUT, url: `http://localhost:8080/presence/owntracks/${MEMBER}/${THERMOSTATS[0]}`, wtst: 1 },
      // A broker a reverse proxy serves under a prefix ("The ingress").
      { ...INPUT, url: `https://host:8443/hearth/presence/owntracks/${MEMBER}/${THERMOSTATS.join('/')}` },
      { ...INPUT, url: `https://example.org/a/b/presence/owntracks/${MEMBER}/${THERMOSTATS[0]}` },
    ]) {
      const configuration = owntracksConfiguration(input);
      expect(parseOwntracksConfigLink(owntracksConfigLink(configuration))).toEqual({ ok: true, value: configuration });
      expect(configuration).toMatchObject({ mode: 3, cmd: false, remoteConfiguration: false, encryptionKey: input.secret, url: input.url });
      expect(configuration.waypoints).toEqual([
        { _type: 'waypoint', desc: OWNTRACKS_REGION_NAME, lat: input.home.lat, lon: input.home.lon, rad: input.radius, tst: input.wtst },
      ]);
    }
  });

  it.each([
    { why: 'a radius of 149 m', input: { ...INPUT, radius: 149 } },
    { why: 'a radius of 201 m', input: { ...INPUT, radius: 201 } },
    { why: 'a fractional radius', input: { ...INPUT, radius: 150.5 } },
    { why: 'a secret of 31 characters', input: { ...INPUT, secret: INPUT.secret.slice(1) } },
    { why: 'a secret in standard base64', input: { ...INPUT, secret: `${INPUT.secret.slice(1)}+` } },
    { why: 'a tid of one letter', input: { ...INPUT, tid: 'A' } },
    { why: 'a tid with a digit', input: { ...INPUT, tid: 'A1' } },
    { why: 'wtst 0', input: { ...INPUT, wtst: 0 } },
    { why: 'a latitude beyond the pole', input: { ...INPUT, home: { lat: 90.5, lon: 0 } } },
    { why: 'a URL that is not an ingress URL', input: { ...INPUT, url: 'https://broker.example.org/presence/owntracks/' } },
    { why: 'a ws:// URL', input: { ...INPUT, url: `ws://broker.example.org/presence/owntracks/${MEMBER}/${THERMOSTATS[0]}` } },
  ])('refuse to write a configuration with $why', ({ input }) => {
    expect(() => owntracksConfiguration(input)).toThrow(RangeError);
  });
});

describe('parseOwntracksConfigLink', () => {
  it('reads a link made by hand from the contract', () => {
    expect(parseOwntracksConfigLink(linkOfText(EXPECTED_JSON))).toEqual({ ok: true, value: good() });
  });

  it.each([
    { why: 'another scheme', link: linkOfText(EXPECTED_JSON).replace('owntracks:', 'owntrack:'), fault: 'not_a_config_link' },
    { why: 'a host (two slashes)', link: linkOfText(EXPECTED_JSON).replace(':///', '://'), fault: 'not_a_config_link' },
    { why: 'another path', link: linkOfText(EXPECTED_JSON).replace('/config?', '/configuration?'), fault: 'not_a_config_link' },
    { why: 'another parameter name', link: linkOfText(EXPECTED_JSON).replace('inline=', 'url='), fault: 'not_a_config_link' },
    { why: 'a second parameter', link: `${linkOfText(EXPECTED_JSON)}&cmd=true`, fault: 'bad_encoding' },
    { why: 'a fragment', link: `${linkOfText(EXPECTED_JSON)}#x`, fault: 'bad_encoding' },
    { why: 'base64 not percent-encoded', link: `${OWNTRACKS_CONFIG_LINK_PREFIX}${Buffer.from(EXPECTED_JSON).toString('base64')}`, fault: 'bad_encoding' },
    { why: 'a broken percent escape', link: `${OWNTRACKS_CONFIG_LINK_PREFIX}%E0%A4%A`, fault: 'bad_encoding' },
    { why: 'letters percent-encoded needlessly', link: linkOfText(EXPECTED_JSON).replace('inline=e', 'inline=%65'), fault: 'bad_encoding' },
    {
      why: 'base64url instead of base64',
      link: `${OWNTRACKS_CONFIG_LINK_PREFIX}${Buffer.from(EXPECTED_JSON).toString('base64url')}`,
      fault: 'bad_base64',
    },
    {
      why: 'base64 without its padding',
      link: `${OWNTRACKS_CONFIG_LINK_PREFIX}${Buffer.from(EXPECTED_JSON).toString('base64').replace(/=+$/, '')}`,
      fault: 'bad_base64',
    },
    { why: 'bytes that are not UTF-8', link: `${OWNTRACKS_CONFIG_LINK_PREFIX}${encodeURIComponent(Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'))}`, fault: 'bad_json' },
    { why: 'a JSON list', link: linkOfText(`[${EXPECTED_JSON}]`), fault: 'bad_json' },
    { why: 'cmd twice, false then true (JavaScript would keep true)', link: linkOfText(EXPECTED_JSON.replace('"cmd":false', '"cmd":false,"cmd":true')), fault: 'bad_json' },
    { why: 'cmd true: a hostile broker could command the phone', link: linkOf(withField('cmd', true)), fault: 'bad_configuration' },
    { why: 'cmd missing (Android would default to accepting commands)', link: linkOf(withoutField('cmd')), fault: 'bad_configuration' },
    { why: 'remoteConfiguration true', link: linkOf(withField('remoteConfiguration', true)), fault: 'bad_configuration' },
    { why: 'remoteConfiguration missing', link: linkOf(withoutField('remoteConfiguration')), fault: 'bad_configuration' },
    { why: 'auth true', link: linkOf(withField('auth', true)), fault: 'bad_configuration' },
    { why: 'another _type', link: linkOf(withField('_type', 'cmd')), fault: 'bad_configuration' },
    { why: 'mode 0 (MQTT)', link: linkOf(withField('mode', 0)), fault: 'bad_configuration' },
    { why: 'mode as text', link: linkOf(withField('mode', '3')), fault: 'bad_configuration' },
    { why: 'monitoring 2 (move mode)', link: linkOf(withField('monitoring', 2)), fault: 'bad_configuration' },
    { why: 'no encryption key', link: linkOf(withoutField('encryptionKey')), fault: 'bad_configuration' },
    { why: 'an encryption key of another shape', link: linkOf(withField('encryptionKey', 'secret')), fault: 'bad_configuration' },
    { why: 'a tid of three letters', link: linkOf(withField('tid', 'ANA')), fault: 'bad_configuration' },
    { why: 'no url', link: linkOf(withoutField('url')), fault: 'bad_configuration' },
    { why: 'an ftp url', link: linkOf(withField('url', INPUT.url.replace('https:', 'ftp:'))), fault: 'bad_configuration' },
    { why: 'a url with a query', link: linkOf(withField('url', `${INPUT.url}?x=1`)), fault: 'bad_configuration' },
    { why: 'a url with a user', link: linkOf(withField('url', INPUT.url.replace('https://', 'https://me:pw@'))), fault: 'bad_configuration' },
    { why: 'a url not written as URL parsing writes it', link: linkOf(withField('url', INPUT.url.replace('broker.example.org', 'BROKER.example.org'))), fault: 'bad_configuration' },
    { why: 'a url with no thermostat', link: linkOf(withField('url', `https://broker.example.org/presence/owntracks/${MEMBER}`)), fault: 'bad_configuration' },
    { why: 'a url naming a thermostat twice', link: linkOf(withField('url', `${INPUT.url}/${THERMOSTATS[0]}`)), fault: 'bad_configuration' },
    { why: 'a prefix with an empty segment', link: linkOf(withField('url', INPUT.url.replace('/presence/', '//presence/'))), fault: 'bad_configuration' },
    { why: 'a prefix ending in a slash', link: linkOf(withField('url', INPUT.url.replace('/presence/', '/hearth//presence/'))), fault: 'bad_configuration' },
    { why: 'something after the thermostats', link: linkOf(withField('url', `${INPUT.url}/ws`)), fault: 'bad_configuration' },
    { why: 'a prefix glued to presence', link: linkOf(withField('url', INPUT.url.replace('/presence/', '/hearthpresence/'))), fault: 'bad_configuration' },
    { why: 'a url with a fragment', link: linkOf(withField('url', `${INPUT.url}#x`)), fault: 'bad_configuration' },
    { why: 'an unknown field', link: linkOf(withField('pubTopicBase', 'owntracks/%u/%d')), fault: 'bad_configuration' },
    { why: 'no waypoints', link: linkOf(withField('waypoints', [])), fault: 'bad_configuration' },
    {
      why: 'two waypoints',
      link: linkOfText(EXPECTED_JSON.replace(/"waypoints":\[(.*)\]/, '"waypoints":[$1,$1]')),
      fault: 'bad_configuration',
    },
    { why: 'a waypoint that is not an object', link: linkOf(withField('waypoints', ['Hearth'])), fault: 'bad_configuration' },
    { why: 'a region with another name', link: linkOf(withWaypoint({ desc: 'Home' })), fault: 'bad_configuration' },
    { why: 'a radius of 149 m', link: linkOf(withWaypoint({ rad: 149 })), fault: 'bad_configuration' },
    { why: 'a radius of 201 m', link: linkOf(withWaypoint({ rad: 201 })), fault: 'bad_configuration' },
    { why: 'a region without tst', link: linkOf(withWaypoint({}, ['tst'])), fault: 'bad_configuration' },
    { why: 'a region with tst 0', link: linkOf(withWaypoint({ tst: 0 })), fault: 'bad_configuration' },
    { why: 'a latitude of 91', link: linkOf(withWaypoint({ lat: 91 })), fault: 'bad_configuration' },
    { why: 'a longitude as text', link: linkOf(withWaypoint({ lon: '5.1214' })), fault: 'bad_configuration' },
    { why: 'an unknown waypoint field', link: linkOf(withWaypoint({ uuid: 'beacon' })), fault: 'bad_configuration' },
  ])('refuses $why: $fault', ({ link, fault }) => {
    expect(parseOwntracksConfigLink(link)).toMatchObject({ ok: false, error: fault });
  });
});
