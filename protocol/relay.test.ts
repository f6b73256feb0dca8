import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePacket } from './packets.ts';
import {
  decodeOwntracksBody,
  MAX_INGRESS_THERMOSTATS,
  MAX_OWNTRACKS_BODY_BYTES,
  MAX_OWNTRACKS_DATA_CHARS,
  owntracksIngressPath,
  parseOwntracksBody,
  parseOwntracksIngressPath,
  readRelay,
  relayPacket,
} from './relay.ts';
import { relayVectors } from './vectors/index.ts';
import { makeRelayVectors } from './vectors/make-relay-vectors.ts';

const self = relayVectors.thermostat;

describe('RELAY as the thermostat reads it (relay.json)', () => {
  it.each(relayVectors.relay)('$result: $why', (vector) => {
    const relay = readRelay(vector.text, self);
    if (vector.result === 'dropped') expect(relay).toBeNull();
    else expect(relay).toEqual(relayPacket(self, vector.member!, vector.data!));
  });

  it('are what make-relay-vectors.ts writes, byte for byte', () => {
    const file = readFileSync(fileURLToPath(new URL('./vectors/relay.json', import.meta.url)), 'utf8');
    expect(makeRelayVectors()).toBe(file);
  });

  it('cover every field of the rule, both ways', () => {
    const dropped = relayVectors.relay.filter((vector) => vector.result === 'dropped').map((vector) => vector.why).join('\n');
    for (const word of ['transmitter', 'receiver', 'member', 'data', '3073', 'twice']) expect(dropped).toContain(word);
    const longest = relayVectors.relay.find((vector) => vector.result === 'accepted' && vector.data?.length === MAX_OWNTRACKS_DATA_CHARS);
    expect(longest).toBeDefined();
  });
});

describe('RELAY as a layer 6 packet', () => {
  it('round-trips what the broker sends', () => {
    const packet = relayPacket(self, 'GGXACDHnP37iP8E8stD1iL', 'AAAA');
    expect(parsePacket(JSON.stringify(packet))).toEqual({ ok: true, value: packet });
  });

  it.each(relayVectors.relay)('parsePacket agrees with the thermostat on whatever is addressed to it: $why', (vector) => {
    const parsed = parsePacket(vector.text);
    const forSelf = parsed.ok && parsed.value.packet_type === 'RELAY' && parsed.value.receiver === self;
    expect(forSelf).toBe(vector.result === 'accepted');
  });

  it('names a malformed RELAY bad_packet, with RELAY as ref', () => {
    expect(parsePacket(JSON.stringify({ ...relayPacket(self, self, ''), transmitter: self }))).toMatchObject({
      ok: false,
      error: 'bad_packet',
      ref: 'RELAY',
      message: 'transmitter must be BROKER',
    });
  });
});

describe('ingress bodies (relay.json)', () => {
  it.each(relayVectors.bodies)('$status: $why', (vector) => {
    const decoded = decodeOwntracksBody(vector.bytes);
    if (vector.status === 200) expect(decoded).toEqual({ ok: true, value: { data: vector.data } });
    else if (vector.status === 413) expect(decoded).toMatchObject({ ok: false, error: 'too_large' });
    else expect(decoded).toMatchObject({ ok: false, error: vector.error });
  });

  it('hold bodies of exactly the limit and one byte over it', () => {
    const sizes = relayVectors.bodies.map((vector) => [vector.bytes.length, vector.status]);
    expect(sizes).toContainEqual([MAX_OWNTRACKS_BODY_BYTES, 200]);
    expect(sizes).toContainEqual([MAX_OWNTRACKS_BODY_BYTES + 1, 413]);
  });

  it('tells a plaintext body that it is one, with a reason for people', () => {
    const refused = parseOwntracksBody('{"_type":"location","lat":1,"lon":2,"tst":3}');
    expect(refused).toMatchObject({ ok: false, error: 'not_encrypted' });
    expect(refused.ok ? '' : refused.message).toMatch(/not encrypted.*"_type":"location".*encryption key/);
  });
});

describe('ingress paths (relay.json)', () => {
  it.each(relayVectors.paths)('$why', (vector) => {
    expect(parseOwntracksIngressPath(vector.path)).toEqual(vector.result);
  });

  it.each(relayVectors.paths.filter((vector) => vector.result !== null))('owntracksIngressPath writes $why', (vector) => {
    expect(owntracksIngressPath(vector.result!.member, vector.result!.thermostats)).toBe(vector.path);
  });

  it('refuses to write a path the broker would answer with 404', () => {
    const member = 'GGXACDHnP37iP8E8stD1iL';
    expect(() => owntracksIngressPath(member, [])).toThrow(RangeError);
    expect(() => owntracksIngressPath(member, [self, self])).toThrow(RangeError);
    expect(() => owntracksIngressPath(member, ['not an id'])).toThrow(RangeError);
    const nine = relayVectors.paths.find((vector) => vector.why === 'nine thermostats')!.path.split('/').slice(4);
    expect(nine).toHaveLength(MAX_INGRESS_THERMOSTATS + 1);
    expect(() => owntracksIngressPath(member, nine)).toThrow(RangeError);
  });
});
