/**
 * Writes protocol/vectors/secretbox.json (docs/protocol.md, "OwnTracks bodies"). Run with
 * `npx tsx protocol/vectors/make-secretbox-vectors.ts`. It seals with libsodium (libsodium-wrappers), the
 * library OwnTracks for iOS uses; the tests open every case with it and with @noble/ciphers. Nonces are fixed,
 * so a rerun writes the same file byte for byte (protocol/secretbox-vectors.test.ts checks that).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sodium from 'libsodium-wrappers';
import { owntracksKey } from '../owntracks-key.ts';
import type { SecretboxVector } from './index.ts';

/**
 * OwnTracks' own vector, verbatim: owntracks/android, project/app/src/test/java/org/owntracks/android/model/
 * EncryptionProviderTest.kt ("given an encrypted message, when decrypting it then the correct message is
 * returned"), key "123". The test there checks only lat, lon and acc; the full plaintext is what libsodium opens.
 */
const ANDROID_SECRET = '123';
const ANDROID_DATA =
  'aUiEKyGnskRz383od0mu4uqxTIxeZUddBVxKEmsdv1FFSH2y0NwqLP1tTqOmxaFhGv0bNX1DT7o81FW9Yaxpla6Byvr6CZV3t2skQv8nlxiIv1ZpQWM1bqHE0JFHwD3/yRx9bLHRF3j67kWcO6o2D/xn4ma8Fd4u86NPobFkRIzIhJljphEZyDCGugp7H3FkydGvgEkljb1/P1K91E/ij+m73wFplvTQm8ba5eWSFlQHDdY2B7QwbVPrKarHJLrm1+Y29+HD4Wg6TNhBJZLvdsmek6AcZLB+bq7Q84tUWoLrKp3aiyJZZX70q4HbVI3skkmDWMuMP2cDmsY9bvBjh1ZWAGlOq5VS1dWIlu6OWgWN9VdDbLzP+s2ykeFXrGs=';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const fixedNonce = (label: string): Uint8Array => sha256(`hearth secretbox vector nonce ${label}`).subarray(0, 24);
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');

/** As the app makes a member secret: 24 bytes, base64url, 32 characters. */
const MEMBER_SECRET = sha256('hearth secretbox vector member secret').subarray(0, 24).toString('base64url');
const OTHER_MEMBER_SECRET = sha256('hearth secretbox vector other member secret').subarray(0, 24).toString('base64url');
const LONG_SECRET = 'correct horse battery staple, and then some more words';
const MULTIBYTE_SECRET = 'Grüße aus dem Wohnzimmer ☕';

const IOS_LEAVE =
  '{"_type":"transition","acc":12,"created_at":1767340802,"desc":"Home","event":"leave","lat":52.0907,"lon":5.1214,"rid":"6d9c2f","t":"c","tid":"ab","tst":1767340800,"wtst":1767000000}';
const ANDROID_ENTER =
  '{"_type":"transition","_id":"4f1c2b7a","acc":9,"desc":"Home","event":"enter","lat":52.0909,"lon":5.1216,"t":"l","tid":"cd","tst":1767344400,"wtst":1767000000}';
const LOCATION_IN_REGION =
  '{"_type":"location","acc":15,"batt":81,"conn":"m","created_at":1767344460,"inregions":["Home"],"lat":52.0908,"lon":5.1215,"t":"u","tid":"ef","tst":1767344459,"vel":0}';

/** A location message padded (with a `topic` field OwnTracks does send) to exactly 1024 bytes of UTF-8. */
function kilobytePlaintext(): string {
  const head = '{"_type":"location","acc":20,"inregions":["Home","Work","Gym","Café"],"lat":52.0908,"lon":5.1215,"tid":"gh","tst":1767344500,"topic":"';
  const tail = '"}';
  const room = 1024 - Buffer.byteLength(head + tail, 'utf8');
  const text = head + 'owntracks/user/phone/'.padEnd(room, 'x') + tail;
  if (Buffer.byteLength(text, 'utf8') !== 1024) throw new Error('kilobyte plaintext is not 1024 bytes');
  return text;
}

function seal(key: Uint8Array, label: string, plaintext: string): Uint8Array {
  const nonce = fixedNonce(label);
  const box = sodium.crypto_secretbox_easy(new TextEncoder().encode(plaintext), nonce, key);
  return new Uint8Array([...nonce, ...box]);
}

function flipBit(bytes: Uint8Array, index: number, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] = copy[index]! ^ (1 << bit);
  return copy;
}

export async function makeSecretboxVectors(): Promise<string> {
  await sodium.ready;
  const cases: SecretboxVector[] = [];
  const opens = (why: string, secret: string, label: string, plaintext: string): Uint8Array => {
    const data = seal(owntracksKey(secret), label, plaintext);
    cases.push({ why, secret, data: base64(data), plaintext });
    return data;
  };
  const refuses = (why: string, secret: string, data: Uint8Array | string): void => {
    cases.push({ why, secret, data: typeof data === 'string' ? data : base64(data), plaintext: null });
  };

  const android = fromBase64(ANDROID_DATA);
  const androidPlain = sodium.crypto_secretbox_open_easy(android.subarray(24), android.subarray(0, 24), owntracksKey(ANDROID_SECRET));
  cases.push({
    why:
      "OwnTracks' own vector, verbatim: owntracks/android project/app/src/test/java/org/owntracks/android/model/EncryptionProviderTest.kt " +
      '(key "123", the `data` of its {"_type":"encrypted","_id":"0571e18d",...} body): a short secret, zero-padded',
    secret: ANDROID_SECRET,
    data: ANDROID_DATA,
    plaintext: new TextDecoder('utf-8', { fatal: true }).decode(androidPlain),
  });

  const member = opens('a 32-character member secret as the app makes it (24 random bytes, base64url): its bytes are the key as they are; an iOS leave', MEMBER_SECRET, 'member leave', IOS_LEAVE);
  opens('a secret longer than 32 bytes: only its first 32 bytes are the key; an Android enter', LONG_SECRET, 'long secret', ANDROID_ENTER);
  opens(
    'a secret with multi-byte UTF-8 characters (30 bytes, so iOS and Android agree on it): its UTF-8 bytes, zero-padded; a location in the region',
    MULTIBYTE_SECRET,
    'multibyte secret',
    LOCATION_IN_REGION,
  );
  const empty = opens('an empty plaintext: 40 bytes, nonce and tag only', MEMBER_SECRET, 'empty plaintext', '');
  opens('a 1024-byte plaintext (many Salsa20 and Poly1305 blocks)', MEMBER_SECRET, 'kilobyte plaintext', kilobytePlaintext());

  refuses("wrong key: the member secret's iOS leave opened with another member's secret", OTHER_MEMBER_SECRET, member);
  const oneBytePerCharacter = new Uint8Array(32);
  oneBytePerCharacter.set(Buffer.from(MULTIBYTE_SECRET, 'latin1').subarray(0, 32));
  refuses('wrong key: sealed under one byte per character of the secret (Latin-1), not its UTF-8 bytes', MULTIBYTE_SECRET, seal(oneBytePerCharacter, 'latin1 key', LOCATION_IN_REGION));
  refuses('wrong key: sealed under SHA-256 of the secret (there is no key derivation)', MEMBER_SECRET, seal(sha256(MEMBER_SECRET), 'hashed key', IOS_LEAVE));
  refuses('one bit flipped in the tag (byte 24)', MEMBER_SECRET, flipBit(member, 24, 0));
  refuses('one bit flipped in the tag (byte 39, its last)', MEMBER_SECRET, flipBit(member, 39, 7));
  refuses('one bit flipped in the ciphertext (its first byte)', MEMBER_SECRET, flipBit(member, 40, 0));
  refuses('one bit flipped in the ciphertext (its last byte)', MEMBER_SECRET, flipBit(member, member.length - 1, 3));
  refuses('one bit flipped in the nonce (byte 0, in the HSalsa20 part)', MEMBER_SECRET, flipBit(member, 0, 0));
  refuses('one bit flipped in the nonce (byte 23, in the Salsa20 part)', MEMBER_SECRET, flipBit(member, 23, 6));
  refuses('one byte appended after the ciphertext', MEMBER_SECRET, new Uint8Array([...member, 0]));
  refuses('truncated: the empty-plaintext box less its last byte (39 bytes, shorter than nonce and tag)', MEMBER_SECRET, empty.subarray(0, 39));
  refuses('truncated: the nonce alone (24 bytes)', MEMBER_SECRET, member.subarray(0, 24));
  refuses('truncated: nothing (empty data)', MEMBER_SECRET, '');
  refuses("data not base64: '!' and '*' in it", MEMBER_SECRET, `${base64(member).slice(0, 40)}!*${base64(member).slice(42)}`);
  const standard = base64(member);
  if (!/[+/]/.test(standard)) throw new Error('the member box should hold + or / in base64');
  refuses("data in the base64url alphabet ('-' and '_'): OwnTracks sends standard base64", MEMBER_SECRET, standard.replaceAll('+', '-').replaceAll('/', '_'));
  if (!standard.endsWith('=')) throw new Error('the member box should need padding');
  refuses('data without its = padding: OwnTracks sends it padded', MEMBER_SECRET, standard.replace(/=+$/, ''));

  const vectors = {
    about:
      'OwnTracks encrypted bodies per docs/protocol.md, section "OwnTracks bodies". A body is {"_type":"encrypted","data":...}; ' +
      'data is standard base64 (RFC 4648 alphabet, = padded) of nonce(24) || tag(16) || ciphertext, libsodium crypto_secretbox_easy ' +
      '(XSalsa20-Poly1305). The key is the UTF-8 bytes of the secret, cut or zero-padded to 32 bytes: no key derivation. ' +
      'plaintext is the UTF-8 text data opens to under that key, or null when it must not open. ' +
      'Regenerate with: npx tsx protocol/vectors/make-secretbox-vectors.ts',
    cases,
  };
  return `${JSON.stringify(vectors, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('./secretbox.json', import.meta.url));
  writeFileSync(target, await makeSecretboxVectors());
  console.log(`wrote ${target}`);
}
