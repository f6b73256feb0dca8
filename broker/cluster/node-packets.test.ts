import { describe, expect, it } from 'vitest';
import type { ClientId } from '../../protocol/index.ts';
import {
  BROADCAST_CHANNEL,
  channelTarget,
  decodeNodePacket,
  encodeAnswer,
  encodeBusy,
  encodeCharge,
  encodeDelivery,
  encodeGeneration,
  encodeStranger,
  idChannel,
  nodeChannel,
  themeChannel,
} from './node-packets.ts';

const NODE = '0123456789abcdef';
const ALICE = 'Yw3NKWbEM2aRElRIu7JbT_' as ClientId;
const BOB = 'GGXACDHnP37iP8E8stD1iL' as ClientId;

describe('node packets', () => {
  it('carry a frame byte for byte, with its sender, origin and packet type', () => {
    const frame = Buffer.from('{"packet_type":"START","transmitter":"x","data":"é"}');
    expect(decodeNodePacket(encodeDelivery('START', NODE, ALICE, frame))).toEqual({ kind: 'delivery', ref: 'START', origin: NODE, sender: ALICE, frame });
    expect(decodeNodePacket(encodeStranger(NODE, '0000002a', '{"a":1}'))).toEqual({
      kind: 'stranger',
      origin: NODE,
      request: '0000002a',
      frame: Buffer.from('{"a":1}'),
    });
    for (const outcome of [{ kind: 'delivered' }, { kind: 'offline' }, { kind: 'refused', waitMs: 180 }] as const) {
      expect(decodeNodePacket(encodeAnswer('0000002a', outcome))).toEqual({ kind: 'answer', request: '0000002a', outcome });
    }
    expect(decodeNodePacket(encodeGeneration(NODE, 42))).toEqual({ kind: 'generation', origin: NODE, generation: 42 });
    expect(decodeNodePacket(encodeBusy('MSG', ALICE, BOB))).toEqual({ kind: 'busy', ref: 'MSG', sender: ALICE, receiver: BOB });
    expect(decodeNodePacket(encodeCharge(ALICE, 300))).toEqual({ kind: 'charge', sender: ALICE, count: 300 });
  });

  it.each([
    ['nothing', ''],
    ['an unknown kind', 'X0123456789abcdef'],
    ['a delivery without a frame', `DM${NODE}${ALICE}`],
    ['a delivery whose sender is no ID', `DM${NODE}${'!'.repeat(22)}{}`],
    ['a generation that is no number', `G${NODE}12a`],
    ['a generation of 0', `G${NODE}0`],
    ['a busy notice of the wrong length', `BM${ALICE}${BOB}x`],
    ['a charge of nothing', `C${ALICE}0`],
    ['a RELAY whose request is not hex', `S${NODE}0000002g{}`],
    ['an answer that is neither', 'A0000002aX'],
    ['a refusal without its wait', 'A0000002aF'],
    ['a charge past a safe integer', `C${ALICE}${'9'.repeat(16)}`],
  ])('are dropped when they hold %s', (_why, text) => {
    expect(decodeNodePacket(Buffer.from(text, 'latin1'))).toBeNull();
  });

  it('name their channels so that a node can tell what each is for', () => {
    const own = nodeChannel(NODE);
    expect(channelTarget(idChannel(ALICE), own)).toEqual({ kind: 'id', id: ALICE });
    expect(channelTarget(themeChannel('house.1/floor-2_a'), own)).toEqual({ kind: 'theme', theme: 'house.1/floor-2_a' });
    expect(channelTarget(BROADCAST_CHANNEL, own)).toEqual({ kind: 'broadcast' });
    expect(channelTarget(own, own)).toEqual({ kind: 'node' });
    expect(channelTarget(nodeChannel('fedcba9876543210'), own)).toBeNull();
    expect(channelTarget('hearth:id:{__proto__}', own)).toBeNull();
  });
});
