/** The contract's test vectors, read by the TypeScript tests; the C++ tests read the same files (firmware/test/vectors.h). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface LogonIdVector {
  public_key: string;
  id: string;
}

export interface LogonKeyVector extends LogonIdVector {
  private_key: string;
}

export interface LogonVerifyVector {
  why: string;
  nonce: string;
  host: string;
  transmitter: string;
  public_key: string;
  signature: string;
  valid: boolean;
}

export interface EnvelopeVector {
  why: string;
  packet_type: string;
  transmitter: string;
  receiver: string;
  aad: string;
  iv: string;
  plaintext: string;
  envelope: string;
}

const vectorsDir = fileURLToPath(new URL('./', import.meta.url));

function load(name: string): Record<string, unknown> {
  const value: unknown = JSON.parse(readFileSync(`${vectorsDir}${name}`, 'utf8'));
  if (typeof value !== 'object' || value === null) throw new Error(`${name}: not an object`);
  return value as Record<string, unknown>;
}

function strings<K extends string>(value: unknown, keys: readonly K[], optional: readonly K[] = []): Record<K, string> {
  if (typeof value !== 'object' || value === null) throw new Error('vector is not an object');
  const record = value as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const key of keys) {
    const text = record[key] ?? (optional.includes(key) ? '' : undefined);
    if (typeof text !== 'string') throw new Error(`vector field ${key} is not text`);
    out[key] = text;
  }
  return out;
}

function list(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${name} is not a list`);
  return value;
}

const envelopeKeys = ['why', 'packet_type', 'transmitter', 'receiver', 'aad', 'iv', 'plaintext', 'envelope'] as const;

const logon = load('logon.json');
const verifyKeys = ['why', 'nonce', 'host', 'transmitter', 'public_key', 'signature'] as const;
export const logonVectors = {
  ids: list(logon['ids'], 'logon.ids').map((v): LogonIdVector => strings(v, ['public_key', 'id'])),
  keys: list(logon['keys'], 'logon.keys').map((v): LogonKeyVector => strings(v, ['private_key', 'public_key', 'id'])),
  verify: list(logon['verify'], 'logon.verify').map((v): LogonVerifyVector => {
    if (typeof v !== 'object' || v === null || !('valid' in v) || typeof v.valid !== 'boolean') {
      throw new Error('logon.verify: valid is not true or false');
    }
    return { ...strings(v, verifyKeys), valid: v.valid };
  }),
};

const envelopes = load('envelope.json');
export const envelopeVectors = {
  key: strings(envelopes, ['key']).key,
  open: list(envelopes['open'], 'open').map((v): EnvelopeVector => strings(v, envelopeKeys, ['why'])),
  reject: list(envelopes['reject'], 'reject').map((v): EnvelopeVector => strings(v, envelopeKeys)),
};
