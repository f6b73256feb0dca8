#include "secretbox.h"

#include <string.h>

#include "codec.h"

namespace hearth {
namespace {

uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

// Volatile stores, so the compiler cannot drop the wipe of a buffer that is
// never read again.
void wipe(void* p, size_t n) {
  volatile uint8_t* b = static_cast<volatile uint8_t*>(p);
  while (n--) *b++ = 0;
}

// ---- Salsa20 and HSalsa20 ------------------------------------------------

// The 4x4 state: the constant "expand 32-byte k" on the diagonal, the key in
// words 1..4 and 11..14, the 16 input bytes (nonce, counter) in words 6..9.
void salsa_state(uint32_t state[16], const uint8_t key[32], const uint8_t input[16]) {
  static const uint8_t sigma[16] = {'e', 'x', 'p', 'a', 'n', 'd', ' ', '3',
                                    '2', '-', 'b', 'y', 't', 'e', ' ', 'k'};
  for (int i = 0; i < 4; ++i) {
    state[5 * i] = load_le32(sigma + 4 * i);
    state[1 + i] = load_le32(key + 4 * i);
    state[11 + i] = load_le32(key + 16 + 4 * i);
    state[6 + i] = load_le32(input + 4 * i);
  }
}

// Twenty rounds: alternately every column and every row gets a quarter-round
// that starts from its diagonal word (word 5i belongs to column i and row i).
void salsa_rounds(const uint32_t state[16], uint32_t x[16]) {
  static const uint8_t rotation[4] = {18, 7, 9, 13};
  memcpy(x, state, 16 * sizeof(uint32_t));
  for (int round = 0; round < 20; ++round) {
    const bool columns = (round % 2) == 0;
    for (int line = 0; line < 4; ++line) {
      uint32_t* y[4];
      for (int k = 0; k < 4; ++k) {
        const int along = (line + k) % 4;
        y[k] = &x[columns ? along * 4 + line : line * 4 + along];
      }
      // y1 ^= (y0+y3)<<<7, y2 ^= (y1+y0)<<<9, y3 ^= (y2+y1)<<<13, y0 ^= (y3+y2)<<<18.
      for (int k = 1; k <= 4; ++k) {
        *y[k % 4] ^= rotl(*y[k - 1] + *y[(k + 2) % 4], rotation[k % 4]);
      }
    }
  }
}

// HSalsa20: the rounds without the final addition; words 0,5,10,15,6,7,8,9 are
// the subkey that XSalsa20 uses with the last 8 nonce bytes.
void hsalsa20(uint8_t subkey[32], const uint8_t key[32], const uint8_t nonce16[16]) {
  uint32_t state[16], x[16];
  salsa_state(state, key, nonce16);
  salsa_rounds(state, x);
  for (int i = 0; i < 4; ++i) {
    store_le32(subkey + 4 * i, x[5 * i]);
    store_le32(subkey + 16 + 4 * i, x[6 + i]);
  }
  wipe(state, sizeof state);
  wipe(x, sizeof x);
}

// One 64-byte Salsa20 keystream block for an 8-byte nonce and a block counter.
void salsa20_block(uint8_t block[64], const uint8_t key[32], const uint8_t nonce8[8],
                   uint64_t counter) {
  uint8_t input[16];
  memcpy(input, nonce8, 8);
  store_le32(input + 8, uint32_t(counter));
  store_le32(input + 12, uint32_t(counter >> 32));
  uint32_t state[16], x[16];
  salsa_state(state, key, input);
  salsa_rounds(state, x);
  for (int i = 0; i < 16; ++i) store_le32(block + 4 * i, x[i] + state[i]);
  wipe(state, sizeof state);
  wipe(x, sizeof x);
}

// ---- Poly1305 in five 26-bit limbs -----------------------------------------
// 26-bit limbs keep every product in 64 bits, so all arithmetic is plain
// multiplies and adds without data-dependent branches.

constexpr uint32_t kLimbMask = (1u << 26) - 1;

void to_limbs(const uint32_t words[4], uint32_t limbs[5]) {
  for (int i = 0; i < 5; ++i) {
    const int bit = 26 * i, word = bit / 32, shift = bit % 32;
    uint32_t v = words[word] >> shift;
    if (shift > 6 && word + 1 < 4) v |= words[word + 1] << (32 - shift);
    limbs[i] = v & kLimbMask;
  }
}

// h = (h + block + high_bit * 2^128) * r  mod 2^130 - 5, partly reduced.
void poly1305_block(uint32_t h[5], const uint32_t r[5], const uint8_t block[16],
                    uint32_t high_bit) {
  uint32_t words[4], m[5];
  for (int i = 0; i < 4; ++i) words[i] = load_le32(block + 4 * i);
  to_limbs(words, m);
  for (int i = 0; i < 5; ++i) h[i] += m[i];
  h[4] += high_bit << 24;

  // 2^130 = 5 mod p: a product landing in limb i+5 folds back into limb i times 5.
  uint64_t d[5];
  for (int i = 0; i < 5; ++i) {
    d[i] = 0;
    for (int j = 0; j < 5; ++j) {
      const uint32_t factor = j <= i ? r[i - j] : 5 * r[i - j + 5];
      d[i] += uint64_t(h[j]) * factor;
    }
  }
  uint64_t carry = 0;
  for (int i = 0; i < 5; ++i) {
    d[i] += carry;
    h[i] = uint32_t(d[i]) & kLimbMask;
    carry = d[i] >> 26;
  }
  const uint64_t low = h[0] + carry * 5;
  h[0] = uint32_t(low) & kLimbMask;
  h[1] += uint32_t(low >> 26);
}

}  // namespace

void poly1305(const uint8_t one_time_key[32], const uint8_t* message, size_t length,
              uint8_t tag[16]) {
  // r with the bits RFC 8439 clamps cleared.
  static const uint32_t clamp[4] = {0x0fffffff, 0x0ffffffc, 0x0ffffffc, 0x0ffffffc};
  uint32_t words[4], r[5], h[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) words[i] = load_le32(one_time_key + 4 * i) & clamp[i];
  to_limbs(words, r);

  for (; length >= 16; message += 16, length -= 16) poly1305_block(h, r, message, 1);
  if (length > 0) {
    uint8_t last[16] = {0};
    memcpy(last, message, length);
    last[length] = 1;
    poly1305_block(h, r, last, 0);
  }

  // Two full carry passes leave every limb below 2^26 and h below 2^130.
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 4; ++i) {
      h[i + 1] += h[i] >> 26;
      h[i] &= kLimbMask;
    }
    h[0] += (h[4] >> 26) * 5;
    h[4] &= kLimbMask;
  }
  // h - p = h + 5 - 2^130: keep it instead of h when it does not borrow.
  uint32_t g[5];
  uint32_t carry = 5;
  for (int i = 0; i < 5; ++i) {
    g[i] = h[i] + carry;
    carry = g[i] >> 26;
    g[i] &= kLimbMask;
  }
  const uint32_t use_g = 0u - carry;  // carry out of bit 130: h >= p
  for (int i = 0; i < 5; ++i) h[i] = (h[i] & ~use_g) | (g[i] & use_g);

  // tag = (h + s) mod 2^128
  words[0] = h[0] | h[1] << 26;
  words[1] = h[1] >> 6 | h[2] << 20;
  words[2] = h[2] >> 12 | h[3] << 14;
  words[3] = h[3] >> 18 | h[4] << 8;
  uint64_t sum = 0;
  for (int i = 0; i < 4; ++i) {
    sum += uint64_t(words[i]) + load_le32(one_time_key + 16 + 4 * i);
    store_le32(tag + 4 * i, uint32_t(sum));
    sum >>= 32;
  }
  wipe(r, sizeof r);
  wipe(h, sizeof h);
  wipe(g, sizeof g);
  wipe(words, sizeof words);
}

Result<size_t> secretbox_open(const uint8_t key[kSecretboxKeyBytes], const uint8_t* box,
                              size_t box_len, uint8_t* out, size_t out_capacity) {
  if (box == nullptr || box_len < kSecretboxOverhead) {
    return Result<size_t>::failure(Error::bad_format);
  }
  const uint8_t* nonce = box;
  const uint8_t* tag = box + kSecretboxNonceBytes;
  const uint8_t* ciphertext = box + kSecretboxOverhead;
  const size_t length = box_len - kSecretboxOverhead;
  if (length > out_capacity || (length > 0 && out == nullptr)) {
    return Result<size_t>::failure(Error::too_large);
  }

  // XSalsa20: HSalsa20 turns the key and the first 16 nonce bytes into a subkey
  // for Salsa20 with the last 8. The first 32 keystream bytes are Poly1305's
  // one-time key; the plaintext is XORed with the keystream from byte 32 on.
  uint8_t subkey[32], block[64], expected[16];
  hsalsa20(subkey, key, nonce);
  const uint8_t* nonce8 = nonce + 16;
  salsa20_block(block, subkey, nonce8, 0);
  poly1305(block, ciphertext, length, expected);

  uint8_t difference = 0;  // every byte compared: the time does not depend on where they differ
  for (size_t i = 0; i < kSecretboxTagBytes; ++i) difference |= uint8_t(expected[i] ^ tag[i]);
  Result<size_t> result = Result<size_t>::failure(Error::auth_failed);
  if (difference == 0) {
    size_t used = 32;
    uint64_t counter = 0;
    for (size_t i = 0; i < length; ++i) {
      if (used == sizeof block) {
        salsa20_block(block, subkey, nonce8, ++counter);
        used = 0;
      }
      out[i] = ciphertext[i] ^ block[used++];
    }
    result = Result<size_t>::success(length);
  }
  wipe(subkey, sizeof subkey);
  wipe(block, sizeof block);
  wipe(expected, sizeof expected);
  return result;
}

void owntracks_key(const char* secret, size_t length, uint8_t key[kSecretboxKeyBytes]) {
  if (secret == nullptr) length = 0;
  if (length > kSecretboxKeyBytes) length = kSecretboxKeyBytes;
  memset(key, 0, kSecretboxKeyBytes);
  if (length > 0) memcpy(key, secret, length);
}

}  // namespace hearth
