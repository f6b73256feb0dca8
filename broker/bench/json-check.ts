/**
 * `npx tsx broker/bench/json-check.ts`: what the JSON rules (protocol/json-reader.ts) cost per frame, against the
 * bare native parse the broker did before; then what the router pays per MSG or START frame (bytes in, header
 * out): parsePacket on the decoded text, against readRoutingHeader (broker/routing-header.ts) on the bytes. It is a measurement, not a test: it prints, it does not assert.
 * Times are this process's CPU time (garbage collection included), so that other work on the machine does
 * not count; best of 5 interleaved runs.
 */
import { checkJsonObject, parsePacket, readJsonObject } from '../../protocol/index.ts';
import { readRoutingHeader } from '../routing-header.ts';

const id = (seed: string): string => seed.repeat(22).slice(0, 22);
const envelope = (bytes: number): string => `v1.${'A'.repeat(16)}.${'x'.repeat(Math.ceil((bytes * 4) / 3))}`;

/** Frames as clients send them: sealed layer 7 messages in `data`, and a BROADCAST with plain JSON. */
const FRAMES: Array<[string, string]> = [
  ['MSG, small SET', JSON.stringify({ packet_type: 'MSG', transmitter: id('a'), receiver: id('b'), data: envelope(40) })],
  ['MSG, HOME_set', JSON.stringify({ packet_type: 'MSG', transmitter: id('a'), receiver: id('b'), data: envelope(90) })],
  ['START', JSON.stringify({ packet_type: 'START', transmitter: id('c'), receiver: id('b'), data: envelope(120) })],
  [
    'BROADCAST, JSON data',
    JSON.stringify({
      packet_type: 'MSG',
      transmitter: id('d'),
      receiver: 'BROADCAST',
      data: { kind: 'presence', rooms: [{ name: 'hall', t: 21.5 }, { name: 'attic', t: 18.25 }], at: 1767225600 },
    }),
  ],
];

const ROUNDS = 100_000;

/** Frames per CPU second. */
function measure(frames: Array<[string, string]>, parse: (text: string) => unknown): number {
  const started = process.cpuUsage();
  let sink = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [, frame] of frames) if (parse(frame) !== null) sink += 1;
  }
  const used = process.cpuUsage(started);
  if (sink !== ROUNDS * frames.length) throw new Error('a benchmark frame was refused');
  return (ROUNDS * frames.length) / ((used.user + used.system) / 1e6);
}


/** Frames the scanner reads in full: escapes in a string, a colon inside one. */
const SCANNED: Array<[string, string]> = [
  ['BROADCAST, "\\n" in data', JSON.stringify({ packet_type: 'MSG', transmitter: id('d'), receiver: 'BROADCAST', data: { note: 'two\nlines', t: 21.5 } })],
  ['BROADCAST, "12:30" in data', JSON.stringify({ packet_type: 'MSG', transmitter: id('d'), receiver: 'BROADCAST', data: { at: '12:30', t: 21.5 } })],
];

const bare = (text: string): unknown => {
  const value: unknown = JSON.parse(text);
  return value;
};
const checked = (text: string): unknown => {
  const read = readJsonObject(text);
  return read.ok ? read.value : null;
};
const checkOnly = (text: string): unknown => (checkJsonObject(text) === null ? true : null);

function report(title: string, frames: Array<[string, string]>): void {
  console.log(`${title}: ${frames.map(([name, frame]) => `${name} ${frame.length} B`).join(', ')}`);
  for (const parse of [bare, checked, checkOnly]) for (let i = 0; i < 20_000; i += 1) for (const [, f] of frames) parse(f);
  const results: Array<[string, number]> = [
    ['JSON.parse alone (before)', 0],
    ['readJsonObject (now)', 0],
    ['scanner alone', 0],
  ];
  // Interleaved, so that heap growth and the machine's load fall on every variant alike.
  for (let run = 0; run < 5; run += 1) {
    [bare, checked, checkOnly].forEach((parse, index) => {
      const result = results[index];
      if (result) result[1] = Math.max(result[1], measure(frames, parse));
    });
  }
  const averageBytes = frames.reduce((sum, [, frame]) => sum + frame.length, 0) / frames.length;
  const base = results[0]?.[1] ?? 1;
  for (const [name, perSecond] of results) {
    const megabytes = (perSecond * averageBytes) / 1e6;
    console.log(
      `  ${name.padEnd(26)} ${Math.round(perSecond).toLocaleString('en').padStart(10)} frames/s  ${megabytes.toFixed(0).padStart(4)} MB/s  ${(1e9 / perSecond).toFixed(0).padStart(5)} ns/frame  ${((base / perSecond) * 100).toFixed(0).padStart(4)} % of JSON.parse`,
    );
  }
}

report('typical frames (proven at sight)', FRAMES);
report('frames the scanner reads', SCANNED);

/** Frames per CPU second for one reading of one frame's bytes; the reading must route it. */
function measureBytes(frames: Buffer[], read: (frame: Buffer) => unknown): number {
  const started = process.cpuUsage();
  let sink = 0;
  for (let round = 0; round < ROUNDS; round += 1) for (const frame of frames) if (read(frame) !== null) sink += 1;
  const used = process.cpuUsage(started);
  if (sink !== ROUNDS * frames.length) throw new Error('a benchmark frame was not routed');
  return (ROUNDS * frames.length) / ((used.user + used.system) / 1e6);
}

const ROUTED = FRAMES.slice(0, 3);
const routedBytes = ROUTED.map(([, frame]) => Buffer.from(frame, 'utf8'));
const viaParsePacket = (frame: Buffer): unknown => {
  const parsed = parsePacket(frame.toString('utf8'));
  return parsed.ok ? parsed.value : null;
};
console.log(`router, MSG and START with sealed data: ${ROUTED.map(([name, frame]) => `${name} ${frame.length} B`).join(', ')}`);
const readers: Array<[string, (frame: Buffer) => unknown, number]> = [
  ['toString + parsePacket (before)', viaParsePacket, 0],
  ['readRoutingHeader (now)', readRoutingHeader, 0],
];
for (const [, read] of readers) for (let i = 0; i < 20_000; i += 1) for (const frame of routedBytes) read(frame);
for (let run = 0; run < 5; run += 1) for (const reader of readers) reader[2] = Math.max(reader[2], measureBytes(routedBytes, reader[1]));
const before = readers[0]?.[2] ?? 1;
for (const [name, , perSecond] of readers) {
  console.log(
    `  ${name.padEnd(32)} ${Math.round(perSecond).toLocaleString('en').padStart(10)} frames/s  ${(1e9 / perSecond).toFixed(0).padStart(5)} ns/frame  ${((perSecond / before) * 100).toFixed(0).padStart(4)} % of before's rate`,
  );
}
