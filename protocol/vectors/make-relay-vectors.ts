/**
 * Writes protocol/vectors/relay.json (docs/protocol.md, "The ingress" and "RELAY"). Run with
 * `npx tsx protocol/vectors/make-relay-vectors.ts`. Everything is fixed (the sealed `data` comes from
 * secretbox.json), so a rerun writes the same file byte for byte (protocol/relay.test.ts checks that).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  MAX_INGRESS_THERMOSTATS,
  MAX_OWNTRACKS_BODY_BYTES,
  MAX_OWNTRACKS_DATA_CHARS,
  MIN_OWNTRACKS_DATA_BYTES,
  OWNTRACKS_INGRESS_PREFIX,
  relayPacket,
  type OwntracksBodyFault,
} from '../relay.ts';

/** IDs of the logon vectors' shape; what they hash from does not matter here. */
const THERMOSTAT = 'Yw3NKWbEM2aRElRIu7JbT_';
const MEMBER = 'GGXACDHnP37iP8E8stD1iL';
const OTHER = '6dJCrkykZadkdwfxaPEkQ-';
const HOUSEHOLD = ['Yw3NKWbEM2aRElRIu7JbT_', 'k2Jd9-aQpL0xWm7Zr4Ty1B', 'Qn8vC3hX_eUo5sGf2AiKj7', 'zP4tR6yWb1NcM9dLqE0uHg',
  'Ha7Vx2Kp-3LmQs8Nr5Tj0C', 'b9ZeW1gY4oJ6uI2kX8fS_D', 'T5nM0cQ7vR3xA9pL1wE6yF', 'd2Gh8Ks4Jq6Nz0Bm9Vt3Xr', 'Lw1Pe7Ua5Oi3Yt9Rc2Bn6M'];

interface SecretboxCase {
  why: string;
  data: string;
}
const secretbox = JSON.parse(readFileSync(fileURLToPath(new URL('./secretbox.json', import.meta.url)), 'utf8')) as { cases: SecretboxCase[] };
const sealed = (prefix: string): string => {
  const found = secretbox.cases.find((vector) => vector.why.startsWith(prefix));
  if (found === undefined) throw new Error(`secretbox.json has no case "${prefix}…"`);
  return found.data;
};
/** OwnTracks' own Android vector: its data holds '/' and '+'. */
const OWNTRACKS_DATA = sealed("OwnTracks' own vector");
const EMPTY_PLAINTEXT_DATA = sealed('an empty plaintext');
const KILOBYTE_DATA = sealed('a 1024-byte plaintext');

/** Standard padded base64 of `bytes` bytes of a fixed pattern. */
const base64Of = (bytes: number): string => Buffer.from(Array.from({ length: bytes }, (_, index) => (index * 37 + 11) & 0xff)).toString('base64');
const LONGEST_DATA = base64Of((MAX_OWNTRACKS_DATA_CHARS / 4) * 3);
const relayText = (data: unknown, overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ ...relayPacket(THERMOSTAT, MEMBER, ''), data, ...overrides });
const withoutField = (key: string): string => {
  const packet: Record<string, unknown> = { ...relayPacket(THERMOSTAT, MEMBER, OWNTRACKS_DATA) };
  delete packet[key];
  return JSON.stringify(packet);
};

interface RelayCase {
  why: string;
  text: string;
  result: 'accepted' | 'dropped';
  member?: string;
  data?: string;
}

function relayCases(): RelayCase[] {
  const cases: RelayCase[] = [];
  const accepted = (why: string, text: string, data: string): void => void cases.push({ why, text, result: 'accepted', member: MEMBER, data });
  const dropped = (why: string, text: string): void => void cases.push({ why, text, result: 'dropped' });

  accepted('as the broker sends it', JSON.stringify(relayPacket(THERMOSTAT, MEMBER, OWNTRACKS_DATA)), OWNTRACKS_DATA);
  accepted('fields in another order, and an unknown field, which is ignored',
    `{"data":"${KILOBYTE_DATA}","member":"${MEMBER}","future":[1,2],"receiver":"${THERMOSTAT}","transmitter":"BROKER","packet_type":"RELAY"}`, KILOBYTE_DATA);
  accepted('data of exactly 3072 characters', relayText(LONGEST_DATA), LONGEST_DATA);
  accepted('data written with \\/ escapes is read unescaped: 3072 characters, though the text holds more',
    relayText(LONGEST_DATA).replaceAll('/', '\\/'), LONGEST_DATA);
  accepted('empty data is a RELAY (it then fails to open, see "OwnTracks bodies")', relayText(''), '');
  accepted('data that is not base64 is a RELAY (it then fails to open)', relayText('not base64!'), 'not base64!');

  dropped('data of 3073 characters', relayText(`${LONGEST_DATA}A`));
  dropped('data a number', relayText(42));
  dropped('data null', relayText(null));
  dropped('data an object', relayText({ data: EMPTY_PLAINTEXT_DATA }));
  dropped('data a list', relayText([EMPTY_PLAINTEXT_DATA]));
  dropped('no data', withoutField('data'));
  dropped('transmitter a client ID, not BROKER', relayText(OWNTRACKS_DATA, { transmitter: OTHER }));
  dropped('transmitter "broker" (BROKER is compared exactly)', relayText(OWNTRACKS_DATA, { transmitter: 'broker' }));
  dropped('no transmitter', withoutField('transmitter'));
  dropped("receiver another thermostat's ID", relayText(OWNTRACKS_DATA, { receiver: OTHER }));
  dropped('receiver BROADCAST', relayText(OWNTRACKS_DATA, { receiver: 'BROADCAST' }));
  dropped('no receiver', withoutField('receiver'));
  dropped('member of 21 characters', relayText(OWNTRACKS_DATA, { member: MEMBER.slice(1) }));
  dropped('member of 23 characters', relayText(OWNTRACKS_DATA, { member: `${MEMBER}A` }));
  dropped("member with '+', not base64url", relayText(OWNTRACKS_DATA, { member: `${MEMBER.slice(1)}+` }));
  dropped('member a number', relayText(OWNTRACKS_DATA, { member: 7 }));
  dropped('member null', relayText(OWNTRACKS_DATA, { member: null }));
  dropped('no member', withoutField('member'));
  dropped('member twice (the JSON rules: parsers would disagree which one counts)',
    relayText(EMPTY_PLAINTEXT_DATA).replace('"member":', `"member":"${OTHER}","member":`));
  dropped('packet_type "relay": not a RELAY', relayText(OWNTRACKS_DATA, { packet_type: 'relay' }));
  dropped('not one JSON object', `[${relayText(OWNTRACKS_DATA)}]`);
  return cases;
}

interface BodyCase {
  why: string;
  /** The body as text, or `bytes` (standard base64) for a body that is not UTF-8. */
  text?: string;
  bytes?: string;
  status: 200 | 400 | 413;
  /** With 200: the `data` every RELAY carries. */
  data?: string;
  /** With 400: why, as parseOwntracksBody names it. */
  error?: OwntracksBodyFault;
}

const encrypted = (data: unknown): string => JSON.stringify({ _type: 'encrypted', data });
/** `body` with spaces before its closing brace up to `bytes` bytes: whitespace is allowed by the JSON rules. */
const paddedTo = (body: string, bytes: number): string => `${body.slice(0, -1)}${' '.repeat(bytes - Buffer.byteLength(body))}}`;

function bodyCases(): BodyCase[] {
  const cases: BodyCase[] = [];
  const ok = (why: string, text: string, data: string): void => void cases.push({ why, text, status: 200, data });
  const refused = (why: string, text: string, error: OwntracksBodyFault): void => void cases.push({ why, text, status: 400, error });

  // OwnTracks for Android (Jackson): a plaintext random _id beside the box, slashes as they are.
  ok('as OwnTracks for Android sends it, with its _id (dropped)', `{"_type":"encrypted","_id":"0571e18d","data":"${OWNTRACKS_DATA}"}`, OWNTRACKS_DATA);
  // OwnTracks for iOS (NSJSONSerialization) writes every '/' as '\/'.
  ok('as OwnTracks for iOS sends it: every / written \\/, read unescaped', encrypted(OWNTRACKS_DATA).replaceAll('/', '\\/'), OWNTRACKS_DATA);
  ok('data of 40 bytes, nonce and tag only (an empty plaintext)', encrypted(EMPTY_PLAINTEXT_DATA), EMPTY_PLAINTEXT_DATA);
  ok('whitespace around and inside the object, and an unknown field', `\r\n { "topic" : "owntracks/a/b", "_type" : "encrypted", "data" : "${KILOBYTE_DATA}" }\n`, KILOBYTE_DATA);
  const largest = paddedTo(encrypted(LONGEST_DATA), MAX_OWNTRACKS_BODY_BYTES);
  ok('exactly 4096 bytes, with data of 3072 characters (2304 bytes)', largest, LONGEST_DATA);

  cases.push({ why: '4097 bytes, otherwise good: refused on its size, however it goes on', text: paddedTo(encrypted(LONGEST_DATA), MAX_OWNTRACKS_BODY_BYTES + 1), status: 413 });
  cases.push({ why: '8000 bytes that are not JSON', text: 'x'.repeat(8000), status: 413 });

  refused('empty', '', 'bad_json');
  refused('not JSON', 'hello', 'bad_json');
  refused('a list holding the body', `[${encrypted(OWNTRACKS_DATA)}]`, 'bad_json');
  refused('data twice (the JSON rules)', `{"_type":"encrypted","data":"${EMPTY_PLAINTEXT_DATA}","data":"${OWNTRACKS_DATA}"}`, 'bad_json');
  refused('_type twice, \\u escaped the second time (the JSON rules compare keys unescaped)',
    `{"_type":"encrypted","\\u005ftype":"location","data":"${OWNTRACKS_DATA}"}`, 'bad_json');
  refused('nine levels deep (the JSON rules)', `{"_type":"encrypted","data":"${EMPTY_PLAINTEXT_DATA}","x":[[[[[[[[1]]]]]]]]}`, 'bad_json');
  refused('something after the object', `${encrypted(OWNTRACKS_DATA)}{}`, 'bad_json');
  refused('a UTF-8 byte order mark before the object', `\uFEFF${encrypted(OWNTRACKS_DATA)}`, 'bad_json');
  cases.push({ why: 'not UTF-8 (a lone 0xFF byte inside a string)', bytes: Buffer.concat([Buffer.from('{"_type":"encrypted","x":"'), Buffer.from([0xff]), Buffer.from(`","data":"${EMPTY_PLAINTEXT_DATA}"}`)]).toString('base64'), status: 400, error: 'bad_json' });

  refused('plaintext: a location, as OwnTracks sends it without an encryption key',
    '{"_type":"location","acc":15,"lat":52.0908,"lon":5.1215,"t":"u","tid":"ef","tst":1767344459}', 'not_encrypted');
  refused('plaintext: a transition', '{"_type":"transition","event":"leave","desc":"Hearth","tst":1767340800,"wtst":1767000000,"lat":52.09,"lon":5.12,"acc":12,"t":"c"}', 'not_encrypted');
  refused('no _type', JSON.stringify({ data: OWNTRACKS_DATA }), 'not_encrypted');
  refused('_type "Encrypted" (compared exactly)', JSON.stringify({ _type: 'Encrypted', data: OWNTRACKS_DATA }), 'not_encrypted');
  refused('_type not text', JSON.stringify({ _type: ['encrypted'], data: OWNTRACKS_DATA }), 'not_encrypted');

  refused('no data', '{"_type":"encrypted"}', 'bad_data');
  refused('data a number', encrypted(12345), 'bad_data');
  refused('data null', encrypted(null), 'bad_data');
  refused('data empty', encrypted(''), 'bad_data');
  refused(`data of ${MIN_OWNTRACKS_DATA_BYTES - 1} bytes, shorter than nonce and tag`, encrypted(base64Of(MIN_OWNTRACKS_DATA_BYTES - 1)), 'bad_data');
  refused('data of 3076 characters (2307 bytes)', encrypted(base64Of(2307)), 'bad_data');
  refused("data in the base64url alphabet ('-' and '_')", encrypted(OWNTRACKS_DATA.replaceAll('+', '-').replaceAll('/', '_')), 'bad_data');
  refused('data without its = padding', encrypted(OWNTRACKS_DATA.replace(/=+$/, '')), 'bad_data');
  refused('data with bits set after its last byte', encrypted(`${EMPTY_PLAINTEXT_DATA.slice(0, -3)}AB=`), 'bad_data');
  refused('data broken by a line feed (\\n escaped in the JSON)', encrypted(`${KILOBYTE_DATA.slice(0, 76)}\n${KILOBYTE_DATA.slice(76)}`), 'bad_data');
  refused("data with a character outside base64 ('!')", encrypted(`!${OWNTRACKS_DATA.slice(1)}`), 'bad_data');
  return cases;
}

interface PathCase {
  why: string;
  path: string;
  /** null when the broker answers 404. */
  result: { member: string; thermostats: string[] } | null;
}

function pathCases(): PathCase[] {
  const cases: PathCase[] = [];
  const good = (why: string, thermostats: string[]): void =>
    void cases.push({ why, path: `${OWNTRACKS_INGRESS_PREFIX}${[MEMBER, ...thermostats].join('/')}`, result: { member: MEMBER, thermostats } });
  const notFound = (why: string, path: string): void => void cases.push({ why, path, result: null });
  const household = HOUSEHOLD.slice(0, MAX_INGRESS_THERMOSTATS);

  good('one thermostat', [THERMOSTAT]);
  good('two thermostats, in the order named', [household[1]!, THERMOSTAT]);
  good('eight thermostats', household);
  notFound('nine thermostats', `${OWNTRACKS_INGRESS_PREFIX}${[MEMBER, ...HOUSEHOLD].join('/')}`);
  notFound('no thermostat', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}`);
  notFound('nothing after the prefix', OWNTRACKS_INGRESS_PREFIX);
  notFound('a thermostat named twice', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/${THERMOSTAT}/${OTHER}/${THERMOSTAT}`);
  notFound('a query string', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/${THERMOSTAT}?u=ab`);
  notFound('an empty query string', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/${THERMOSTAT}?`);
  notFound('a trailing slash', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/${THERMOSTAT}/`);
  notFound('an empty segment', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}//${THERMOSTAT}`);
  notFound('a thermostat of 21 characters', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/${THERMOSTAT.slice(1)}`);
  notFound('a member of 23 characters', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}A/${THERMOSTAT}`);
  notFound("a character outside base64url ('.')", `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/${THERMOSTAT.slice(1)}.`);
  notFound('a percent-encoded character (IDs need none)', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/${THERMOSTAT.slice(1)}%5F`);
  notFound('the prefix in capitals', `/Presence/OwnTracks/${MEMBER}/${THERMOSTAT}`);
  notFound('another prefix', `/presence/${MEMBER}/${THERMOSTAT}`);
  notFound('a dot segment', `${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/../${THERMOSTAT}`);
  notFound('an absolute URL as the request target', `http://hearth.example${OWNTRACKS_INGRESS_PREFIX}${MEMBER}/${THERMOSTAT}`);
  return cases;
}

export function makeRelayVectors(): string {
  const vectors = {
    about:
      'The OwnTracks ingress and RELAY per docs/protocol.md, sections "The ingress" and "RELAY". ' +
      'relay: frames a thermostat whose ID is `thermostat` takes as a RELAY (result accepted, with the member and data it reads) ' +
      'or drops without an answer. bodies: what the broker answers an ingress POST with each body (text, or bytes as base64 ' +
      'when the body is not UTF-8): 200 with the data the RELAYs carry, 400 with the reason, or 413. paths: request targets ' +
      'and the member and thermostats they name, or null when they name none (404 under /presence/owntracks/). Regenerate with: npx tsx protocol/vectors/make-relay-vectors.ts',
    thermostat: THERMOSTAT,
    relay: relayCases(),
    bodies: bodyCases(),
    paths: pathCases(),
  };
  return `${JSON.stringify(vectors, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('./relay.json', import.meta.url));
  writeFileSync(target, makeRelayVectors());
  console.log(`wrote ${target}`);
}
