/**
 * readRoutingHeader is a shortcut, never a judge: whatever it reads, parsePacket (which applies the JSON rules in
 * full) reads the same way, and everything else it leaves to parsePacket. These tests hold it to that over real
 * frames, the JSON rule vectors, and every one-byte change of real frames.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { message, parsePacket, start, type Packet } from '../protocol/index.ts';
import { readRoutingHeader, type RoutingHeader } from './routing-header.ts';

const ALICE = 'AliceAliceAliceAlice_-';
const BOB = 'Bob0Bob1Bob2Bob3Bob4Bo';
const SEALED = `v1.${'A'.repeat(16)}.${'x0+/'.repeat(30)}`;

const frameOf = (packet: Packet | string): Buffer => Buffer.from(typeof packet === 'string' ? packet : JSON.stringify(packet), 'utf8');

/** What parsePacket reads of a frame, as a routing header, or null when it is no MSG or START it would route. */
function headerByParsePacket(frame: Buffer): RoutingHeader | null {
  const parsed = parsePacket(frame.toString('utf8'));
  if (!parsed.ok) return null;
  const packet = parsed.value;
  if (packet.packet_type !== 'MSG' && packet.packet_type !== 'START') return null;
  return {
    packet_type: packet.packet_type,
    transmitter: packet.transmitter,
    receiver: packet.receiver,
    ...(packet.theme === undefined ? {} : { theme: packet.theme }),
  };
}

/** The property: a header read here is exactly what parsePacket reads. */
function expectAgrees(frame: Buffer): RoutingHeader | null {
  const header = readRoutingHeader(frame);
  if (header !== null) expect(header, frame.toString('utf8')).toEqual(headerByParsePacket(frame));
  return header;
}

const REAL_FRAMES: Buffer[] = [
  frameOf(message(ALICE, BOB, SEALED)),
  frameOf(start(ALICE, BOB, SEALED)),
  frameOf(message(ALICE, 'BROADCAST', SEALED)),
  frameOf(message(ALICE, 'MULTICAST', SEALED, 'home/hall.1')),
  frameOf(`{ "data" : "${SEALED}",\n\t"receiver":"${BOB}", "transmitter" :"${ALICE}" ,"packet_type":"MSG" }\r\n`),
  frameOf(`{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","theme":"ignored without MULTICAST","data":"é ü 😀"}`),
];

describe('readRoutingHeader', () => {
  it('reads the MSG and START frames clients send, as parsePacket does', () => {
    for (const frame of REAL_FRAMES) expect(expectAgrees(frame)).not.toBeNull();
    expect(readRoutingHeader(REAL_FRAMES[3]!)).toEqual({ packet_type: 'MSG', transmitter: ALICE, receiver: 'MULTICAST', theme: 'home/hall.1' });
    expect(readRoutingHeader(REAL_FRAMES[5]!)).toEqual({ packet_type: 'MSG', transmitter: ALICE, receiver: BOB });
  });

  it('leaves to parsePacket every frame outside its plain shape, however valid', () => {
    const leftAlone = [
      // data that is not a string, a key or value with an escape, a key it does not know, a key twice
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":{"t":21.5}}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":null}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"a\\nb"}`,
      `{"p\\u0061cket_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"x"}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"x","extra":"y"}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"x","receiver":"${ALICE}"}`,
      // fields parsePacket refuses
      `{"packet_type":"START","transmitter":"${ALICE}","receiver":"BROADCAST","data":"x"}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"MULTICAST","data":"x"}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"MULTICAST","theme":"a b","data":"x"}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}x","receiver":"${BOB}","data":"x"}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}"}`,
      `{"packet_type":"SUBSCRIBE","theme":"x"}`,
      // not JSON, or breaking its rules
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"a\tb"}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"x",}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"x"}x`,
      `\ufeff{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"x"}`,
      `{"packet_type":"MSG","transmitter":"${ALICE}","receiver":"${BOB}","data":"x"`,
      '',
      '{}',
    ];
    for (const text of leftAlone) expect(readRoutingHeader(frameOf(text)), text).toBeNull();
  });

  it('reads no JSON rule vector that parsePacket does not read the same way', () => {
    const vectors = JSON.parse(readFileSync(new URL('../protocol/vectors/json.json', import.meta.url), 'utf8')) as {
      cases: Array<{ text: string }>;
    };
    for (const { text } of vectors.cases) expectAgrees(frameOf(text));
  });

  it('agrees with parsePacket on every one-byte change of real frames', () => {
    // Bytes that matter to JSON and to the fields: structure, quotes, escapes, controls, ID and theme characters, UTF-8.
    const replacements = [...'{}[]":,\\ \t\n/.-_aZ09x', '\u0000', '\u001f', '\u007f'].map((character) => character.charCodeAt(0)).concat([0xc3, 0x80]);
    let read = 0;
    for (const frame of REAL_FRAMES) {
      for (let at = 0; at < frame.length; at += 1) {
        const variants = [Buffer.concat([frame.subarray(0, at), frame.subarray(at + 1)]), Buffer.concat([frame.subarray(0, at + 1), frame.subarray(at)])];
        for (const byte of replacements) {
          const changed = Buffer.from(frame);
          changed[at] = byte;
          variants.push(changed);
        }
        // ws hands the broker only UTF-8 text frames; other bytes never reach the router.
        for (const variant of variants) if (Buffer.from(variant.toString('utf8'), 'utf8').equals(variant) && expectAgrees(variant) !== null) read += 1;
      }
    }
    // Many changes (inside `data`, whitespace, an ID character for another) keep a frame routable.
    expect(read).toBeGreaterThan(1000);
  });
});
