/**
 * CHALLENGE nonces (docs/protocol.md, "Logging on"): 32 fresh random bytes per connection. Drawn from a block
 * that one getrandom call fills, because a call per connection was 15 µs of each logon in a storm; every byte
 * is handed out once, and the block is refilled when it runs out.
 */
import { randomFillSync } from 'node:crypto';
import { NONCE_BYTES } from '../protocol/index.ts';

const NONCES_PER_BLOCK = 128;

export function nonceSource(): () => string {
  const block = Buffer.alloc(NONCE_BYTES * NONCES_PER_BLOCK);
  let next = block.length;
  return () => {
    if (next === block.length) {
      randomFillSync(block);
      next = 0;
    }
    const nonce = block.toString('base64url', next, next + NONCE_BYTES);
    next += NONCE_BYTES;
    return nonce;
  };
}
