import { describe, expect, it } from 'vitest';
import { ackLogOn, challenge, errorPacket, logOn, message, parsePacket, start, subscribe } from './packets.ts';

const ana = 'GGXACDHnP37iP8E8stD1iL';
const thermostat = 'Yw3NKWbEM2aRElRIu7JbT_';
const nonce = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
// Shape only: the parser does not check keys or signatures (verifyLogon does), it bounds and types them.
const public_key = 'B'.repeat(87);
const signature = 'S'.repeat(86);

describe('parsePacket', () => {
  it.each([
    ['CHALLENGE', challenge(nonce)],
    ['LOG_ON', logOn(thermostat, public_key, signature, ['home/1'])],
    ['LOG_ON without themes', logOn(thermostat, public_key, signature)],
    ['LOG_ON with 200-character fields', logOn(thermostat, 'B'.repeat(200), 'S'.repeat(200))],
    ['ACK_LOG_ON', ackLogOn(thermostat)],
    ['MSG unicast', message(ana, thermostat, 'v1.x.y')],
    ['MSG broadcast', message(ana, 'BROADCAST', { any: ['json'] })],
    ['MSG multicast', message(ana, 'MULTICAST', null, 'house.1/floor-2_a')],
    ['START', start(ana, thermostat, 'v1.x.y')],
    ['SUBSCRIBE', subscribe('news')],
    ['ERROR', errorPacket('receiver_offline', 'not here', { ref: 'MSG', receiver: thermostat })],
  ])('round-trips %s', (_name, packet) => {
    expect(parsePacket(JSON.stringify(packet))).toEqual({ ok: true, value: packet });
  });

  it('ignores unknown fields', () => {
    const parsed = parsePacket(JSON.stringify({ ...subscribe('a'), extra: 1 }));
    expect(parsed).toEqual({ ok: true, value: subscribe('a') });
  });

  it.each(['', 'not json', '[]', '42', 'null', '"LOG_ON"', '{"packet_type":"MSG"'])('names %j bad_json', (text) => {
    expect(parsePacket(text)).toMatchObject({ ok: false, error: 'bad_json' });
  });

  it.each([
    ['no packet_type', {}],
    ['unknown packet_type', { packet_type: 'PUBLISH' }],
    ['CHALLENGE without nonce', { packet_type: 'CHALLENGE' }],
    ['CHALLENGE with a short nonce', { packet_type: 'CHALLENGE', nonce: nonce.slice(1) }],
    ['CHALLENGE with a padded nonce', { packet_type: 'CHALLENGE', nonce: `${nonce.slice(1)}=` }],
    ['LOG_ON v1 with proof only', { packet_type: 'LOG_ON', transmitter: thermostat, proof: nonce }],
    ['LOG_ON without signature', { packet_type: 'LOG_ON', transmitter: thermostat, public_key }],
    ['LOG_ON without public_key', { packet_type: 'LOG_ON', transmitter: thermostat, signature }],
    ['LOG_ON with a short ID', { packet_type: 'LOG_ON', transmitter: 'abc', public_key, signature }],
    ['LOG_ON with __proto__ as ID', { packet_type: 'LOG_ON', transmitter: '__proto__', public_key, signature }],
    ['LOG_ON with a number signature', { packet_type: 'LOG_ON', transmitter: thermostat, public_key, signature: 7 }],
    ['LOG_ON with an object public_key', { packet_type: 'LOG_ON', transmitter: thermostat, public_key: {}, signature }],
    ['LOG_ON with a 201-char public_key', { packet_type: 'LOG_ON', transmitter: thermostat, public_key: 'B'.repeat(201), signature }],
    ['LOG_ON with a 201-char signature', { packet_type: 'LOG_ON', transmitter: thermostat, public_key, signature: 'S'.repeat(201) }],
    ['LOG_ON with bad themes', { packet_type: 'LOG_ON', transmitter: thermostat, public_key, signature, themes: ['ok', 'no spaces'] }],
    ['MSG without data', { packet_type: 'MSG', transmitter: ana, receiver: thermostat }],
    ['MSG to a bad receiver', { packet_type: 'MSG', transmitter: ana, receiver: 'constructor', data: 1 }],
    ['MULTICAST without theme', { packet_type: 'MSG', transmitter: ana, receiver: 'MULTICAST', data: 1 }],
    ['START broadcast', { packet_type: 'START', transmitter: ana, receiver: 'BROADCAST', data: 1 }],
    ['SUBSCRIBE with a long theme', { packet_type: 'SUBSCRIBE', theme: 'x'.repeat(65) }],
    ['SUBSCRIBE with an empty theme', { packet_type: 'SUBSCRIBE', theme: '' }],
    ['ERROR with an unknown code', { packet_type: 'ERROR', code: 'nope', message: '' }],
  ])('names %s bad_packet', (_name, object) => {
    expect(parsePacket(JSON.stringify(object))).toMatchObject({ ok: false, error: 'bad_packet' });
  });

  it('keeps the offending packet_type as ref, and never an arbitrary one', () => {
    expect(parsePacket('{"packet_type":"MSG"}')).toMatchObject({ ref: 'MSG' });
    expect(parsePacket(JSON.stringify({ packet_type: 'x'.repeat(100) }))).not.toHaveProperty('ref');
  });

  it('does not read inherited properties', () => {
    const parsed = parsePacket('{"packet_type":"SUBSCRIBE","__proto__":{"theme":"sneaky"}}');
    expect(parsed).toMatchObject({ ok: false, error: 'bad_packet' });
  });
});
