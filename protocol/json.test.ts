import { describe, expect, it } from 'vitest';
import { checkJsonObject, JSON_FAULTS, JSON_LIMITS, parseJsonObject, readJsonObject } from './json-reader.ts';
import { parseMessage } from './message-readers.ts';
import { parsePacket } from './packets.ts';
import { jsonVectors } from './vectors/index.ts';

const finding2 = jsonVectors.cases.find((v) => v.why.startsWith('finding 2: an ERROR'));

describe('JSON rules: every vector of protocol/vectors/json.json', () => {
  it('uses the limits of the contract', () => {
    expect(jsonVectors.maxDepth).toBe(JSON_LIMITS.maxDepth);
    expect(jsonVectors.maxKeysPerObject).toBe(JSON_LIMITS.maxKeysPerObject);
    expect(jsonVectors.maxValues).toBe(JSON_LIMITS.maxValues);
    expect(jsonVectors.maxNumberLength).toBe(JSON_LIMITS.maxNumberLength);
  });

  it('covers every fault and acceptance', () => {
    const seen = new Set(jsonVectors.cases.map((v) => v.expect));
    expect([...seen].sort()).toEqual(['ok', ...JSON_FAULTS].sort());
  });

  it.each(jsonVectors.cases.map((v) => [v.why, v] as const))('%s', (_why, vector) => {
    expect(checkJsonObject(vector.text)?.fault ?? 'ok').toBe(vector.expect);
    const read = readJsonObject(vector.text);
    if (vector.expect === 'ok') {
      expect(read).toEqual({ ok: true, value: JSON.parse(vector.text) as unknown });
    } else {
      expect(read).toMatchObject({ ok: false, error: vector.expect });
      if (!read.ok) expect(read.message.startsWith(`${vector.expect}: `)).toBe(true);
      expect(parseJsonObject(vector.text)).toBeNull();
    }
  });
});

describe('JSON rules against the native parser', () => {
  let seed = 0x2545f491;
  const random = (below: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % below;
  };
  // "\\u0061" is the key "a" spelled with an escape; strings hold brackets that are not nesting.
  const keys = ['"a"', '"b"', '"\\u0061"', '"c\\"["'];
  const leaves = ['1', '-0.5e3', 'true', 'null', '"[{"', '"x\\"]}"', '[]', '{}'];
  interface Sample {
    text: string;
    depth: number;
    repeats: boolean;
  }
  function sample(level: number): Sample {
    const kind = level > 11 ? 2 : random(3);
    if (kind === 2) {
      const leaf = leaves[random(leaves.length)] ?? '1';
      // An empty [] or {} is a level of its own.
      return { text: leaf, depth: leaf === '[]' || leaf === '{}' ? level : level - 1, repeats: false };
    }
    const parts: Sample[] = [];
    for (let n = random(4); n > 0; n -= 1) parts.push(sample(level + 1));
    const seen = new Set<string>();
    let repeats = false;
    const members = parts.map((part) => {
      if (kind === 1) return part.text;
      const key = keys[random(keys.length)] ?? '"a"';
      const name = key === '"\\u0061"' ? '"a"' : key;
      repeats ||= seen.has(name);
      seen.add(name);
      return `${key}${random(4) === 0 ? ' : ' : ':'}${part.text}`;
    });
    const [open, close] = kind === 1 ? ['[', ']'] : ['{', '}'];
    return {
      text: `${open}${members.join(random(4) === 0 ? ' ,\n' : ',')}${close}`,
      depth: Math.max(level, ...parts.map((part) => part.depth)),
      repeats: repeats || parts.some((part) => part.repeats),
    };
  }

  it('agrees with the structure on 5,000 generated objects, and with JSON.parse on 5,000 damaged ones', () => {
    const counts = { ok: 0, too_deep: 0, duplicate_key: 0, damaged: 0 };
    for (let n = 0; n < 10_000; n += 1) {
      let object = sample(2);
      while (!object.text.startsWith('{')) object = sample(2);
      const top = { ...object, text: `{"top":${object.text}}` };
      if (n % 2 === 0) {
        const fault = checkJsonObject(top.text)?.fault ?? 'ok';
        const read = readJsonObject(top.text);
        expect(read.ok ? 'ok' : read.error, top.text).toBe(fault);
        const expected = top.depth > JSON_LIMITS.maxDepth || top.repeats ? ['too_deep', 'duplicate_key'] : ['ok'];
        expect(expected, top.text).toContain(fault);
        if (fault === 'ok' || fault === 'too_deep' || fault === 'duplicate_key') counts[fault] += 1;
        continue;
      }
      const at = random(top.text.length);
      const damage = ['', '"', ',', ']', '}', '\\', '0', '\\u0000', '\\ud800', '\\udc00\\ud800', '\\ud83d\\ude00'];
      const damaged = top.text.slice(0, at) + (damage[random(damage.length)] ?? '') + top.text.slice(at + 1);
      let nativeOk = true;
      try {
        JSON.parse(damaged);
      } catch {
        nativeOk = false;
      }
      const violation = checkJsonObject(damaged);
      // readJsonObject skips what JSON.parse has checked, and must still name the same first fault.
      const read = readJsonObject(damaged);
      expect(read.ok ? 'ok' : read.error, damaged).toBe(violation?.fault ?? 'ok');
      if (violation === null) expect(nativeOk, damaged).toBe(true);
      if (!nativeOk) {
        expect(violation, damaged).not.toBeNull();
        counts.damaged += 1;
      }
    }
    expect(counts.ok).toBeGreaterThan(500);
    expect(counts.too_deep).toBeGreaterThan(100);
    expect(counts.duplicate_key).toBeGreaterThan(500);
    expect(counts.damaged).toBeGreaterThan(1000);
  });
});

describe('every parser of the system applies the rules', () => {
  it('the broker: parsePacket answers bad_json naming the rule, for finding 2', () => {
    expect(finding2).toBeDefined();
    expect(parsePacket(finding2?.text ?? '')).toEqual({
      ok: false,
      error: 'bad_json',
      message: 'duplicate_key: key "packet_type" appears twice in one object',
    });
  });

  it('the broker: parsePacket refuses 999 nested arrays in data', () => {
    const frame = `{"packet_type":"MSG","transmitter":"GGXACDHnP37iP8E8stD1iL","receiver":"BROADCAST","data":${'['.repeat(999)}${']'.repeat(999)}}`;
    expect(parsePacket(frame)).toEqual({ ok: false, error: 'bad_json', message: 'too_deep: nested deeper than 8 levels' });
  });

  it('the app: parseMessage refuses a layer 7 message with a repeated key', () => {
    const plaintext = '{"type":"SET","session":"c2Vzc2lvbi1zZXNzaW9u","seq":2,"target":21,"target":30}';
    expect(parseMessage(plaintext)).toEqual({
      ok: false,
      error: 'bad_message',
      message: 'duplicate_key: key "target" appears twice in one object',
    });
  });

  it('a polluted Object.prototype does not make up for a key dropped as a repeat', () => {
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true, writable: true });
    try {
      expect(readJsonObject(finding2?.text ?? '')).toMatchObject({ ok: false, error: 'duplicate_key' });
      expect(readJsonObject('{"a":{"b":1}}')).toMatchObject({ ok: true });
    } finally {
      Reflect.deleteProperty(Object.prototype, 'polluted');
    }
  });

  it('the state is not kept between texts: a key of a refused text is not a repeat in the next', () => {
    expect(checkJsonObject('{"a":{"b":1,"b":2}}')?.fault).toBe('duplicate_key');
    expect(checkJsonObject('{"b":1}')).toBeNull();
    expect(checkJsonObject('{"a":[[[[[[[[[')?.fault).toBe('too_deep');
    expect(checkJsonObject('{"a":1}')).toBeNull();
  });
});
