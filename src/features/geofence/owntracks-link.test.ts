import { describe, expect, it } from 'vitest';
import { parseOwntracksConfigLink } from '@protocol';
import { owntracksLinkFor, owntracksRadius, trackerId } from './owntracks-link';

describe('trackerId', () => {
  it.each([
    ['Ana’s phone', 'AP'],
    ['ana', 'AN'],
    ['Ben', 'BE'],
    ['Zoë 2', 'ZO'],
    ['📱', 'HE'],
    ['', 'HE'],
  ])('%j shows on the OwnTracks map as %s (two letters, as the configuration requires)', (name, tid) => {
    expect(trackerId(name)).toBe(tid);
  });
});

describe('owntracksRadius', () => {
  it('brings the Geofence radius within 150 to 200 whole metres', () => {
    expect([owntracksRadius(10), owntracksRadius(0.18), owntracksRadius(0.1804), owntracksRadius(0.05)]).toEqual([200, 180, 180, 150]);
  });
});

describe('owntracksLinkFor', () => {
  const input = {
    secret: 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA',
    wtst: 1764633600,
    home: { latitude: 52.37, longitude: 4.89 },
    radiusKm: 0.18,
    member: 'AnaAnaAnaAnaAnaAnaAnaA',
    thermostats: ['LivingLivingLivingLivi', 'HallHallHallHallHallHa'],
    memberName: 'Ana',
  };

  it.each([
    ['wss://hearth.example/ws', 'https://hearth.example'],
    ['wss://host:8443/hearth/ws', 'https://host:8443/hearth'],
    ['ws://192.168.1.20:8080/', 'http://192.168.1.20:8080'],
  ])('sends OwnTracks for a broker at %s to %s/presence/owntracks/…, a URL the strict reader takes', (brokerUrl, base) => {
    const offer = owntracksLinkFor({ ...input, brokerUrl });
    const url = `${base}/presence/owntracks/${input.member}/${input.thermostats.join('/')}`;
    expect(offer?.url).toBe(url);
    expect(parseOwntracksConfigLink(offer?.link ?? '')).toMatchObject({ ok: true, value: { url } });
  });

  it('makes no link without a thermostat or for a broker URL that is not ws:// or wss://', () => {
    expect(owntracksLinkFor({ ...input, brokerUrl: 'wss://hearth.example/ws', thermostats: [] })).toBeNull();
    expect(owntracksLinkFor({ ...input, brokerUrl: 'https://hearth.example/ws' })).toBeNull();
  });
});
