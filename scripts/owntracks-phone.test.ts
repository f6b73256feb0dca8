// The test phone sends what OwnTracks sends (scripts/owntracks-phone.ts): checked here against a bare HTTP
// server, so that the integration and e2e tests can trust it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sodium from 'libsodium-wrappers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { owntracksConfigLink, owntracksConfiguration, owntracksIngressPath, owntracksKey, parseOwntracksBody } from '../protocol/index.ts';
import { OwntracksPhone, type Platform } from './owntracks-phone.ts';

const SECRET = 'q3FhJ0xQ8mCk3oM1v5Zr2yN7tB4wE6uA';
const WTST = 1_764_633_600;
const MEMBER = 'AAAAAAAAAAAAAAAAAAAAAA';
const THERMOSTAT = 'BBBBBBBBBBBBBBBBBBBBBB';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const opened = (body: string): Record<string, unknown> => {
  const data = Buffer.from((JSON.parse(body) as { data: string }).data, 'base64');
  const plaintext = sodium.crypto_secretbox_open_easy(data.subarray(24), data.subarray(0, 24), owntracksKey(SECRET));
  return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>;
};

describe('the test OwnTracks phone', () => {
  let server: Server;
  const received: Received[] = [];
  let link = '';

  beforeAll(async () => {
    await sodium.ready;
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${owntracksIngressPath(MEMBER, [THERMOSTAT])}`;
    link = owntracksConfigLink(owntracksConfiguration({ url, secret: SECRET, home: { lat: 52.0907, lon: 5.1214 }, radius: 150, wtst: WTST, tid: 'AN' }));
  });

  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

  const crossing = async (platform: Platform): Promise<Received[]> => {
    const phone = await OwntracksPhone.fromLink(link, platform);
    phone.now = 1_767_340_800;
    received.length = 0;
    for (const answer of await phone.enter()) expect(answer).toMatchObject({ status: 200, body: '[]' });
    await phone.resend();
    return [...received];
  };

  it('iOS: a sorted transition with rid and created_at, a location in the region, the same bytes on retry', async () => {
    const [transition, location, retry] = (await crossing('ios')) as [Received, Received, Received];
    for (const request of [transition, location]) {
      expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-limit-u': 'user', 'x-limit-d': 'device' });
      expect(Object.keys(JSON.parse(request.body) as object)).toEqual(['_type', 'data']);
      expect(parseOwntracksBody(request.body).ok).toBe(true);
    }
    expect(opened(transition.body)).toEqual({
      _type: 'transition', acc: 12, created_at: 1_767_340_800, desc: 'Hearth', event: 'enter', lat: 52.091059, lon: 5.1214,
      rid: expect.stringMatching(/^[0-9a-f]{6}$/), t: 'c', tid: 'AN', topic: 'owntracks/user/device/event', tst: 1_767_340_795, wtst: WTST,
    });
    expect(Object.keys(opened(transition.body))).toEqual([...Object.keys(opened(transition.body))].sort());
    expect(opened(location.body)).toMatchObject({ _type: 'location', created_at: 1_767_340_800, inregions: ['Hearth'], t: 'c', tid: 'AN' });
    expect(retry.body).toBe(location.body);
  });

  it('Android: a plaintext _id outside the box, a transition without created_at, a location with it, sealed anew on retry', async () => {
    const [transition, location, retry] = (await crossing('android')) as [Received, Received, Received];
    for (const request of [transition, location, retry]) {
      expect(request.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-limit-d': 'phone' });
      expect(request.headers['x-limit-u']).toBeUndefined();
      expect(Object.keys(JSON.parse(request.body) as object)).toEqual(['_type', '_id', 'data']);
      expect(parseOwntracksBody(request.body).ok).toBe(true);
    }
    const enter = opened(transition.body);
    expect(enter).toEqual({
      _type: 'transition', topic: 'owntracks/user/phone/event', qos: 1, _id: expect.stringMatching(/^[0-9a-f]{8}$/), event: 'enter',
      desc: 'Hearth', tid: 'AN', t: 'c', tst: 1_767_340_795, wtst: WTST, acc: 12, lon: 5.1214, lat: 52.091059,
    });
    expect(opened(location.body)).toMatchObject({ _type: 'location', created_at: 1_767_340_800, tst: 1_767_340_795, inregions: ['Hearth'] });
    expect(retry.body).not.toBe(location.body);
    expect(opened(retry.body)).toEqual(opened(location.body));
  });
});
