// Dropout masks that are a pure function of (key, row, column): nothing is stored between forward and backward, the
// backward pass regenerates the mask, and the result does not depend on the thread count or on how a batch is split
// into micro-batches or ranks (rows are keyed by what they hold, not by where they sit in a buffer).
#pragma once
#include <cstdint>

namespace splicebert::kernels {

// Mixes words into a 64-bit key (SplitMix64 finaliser after each word); e.g. (step key, site, sequence, position).
uint64_t dropout_key(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0);

// A row's 32-bit seed from its 64-bit key.
inline uint32_t dropout_row_seed(uint64_t key) { return static_cast<uint32_t>(key ^ (key >> 32)); }

// The keep decision for column j of a row: a 32-bit integer hash of (row seed, j) compared with p · 2^32.
// Vectorises (32-bit multiplies only).
inline bool dropout_keep(uint32_t row_seed, uint32_t column, uint32_t threshold) {
  uint32_t h = row_seed ^ (column * 0x9E3779B9u);
  h ^= h >> 16;
  h *= 0x7FEB352Du;
  h ^= h >> 15;
  h *= 0x846CA68Bu;
  h ^= h >> 16;
  return h >= threshold;
}

// p in [0, 1) -> the threshold dropout_keep compares with (0 keeps everything).
uint32_t dropout_threshold(float p);

// x[j] *= keep(j) / (1 - p) for j < n. The same call applies the mask to a gradient in the backward pass.
void dropout_row(float* x, int64_t n, uint32_t row_seed, float p);
void dropout_row_reference(float* x, int64_t n, uint32_t row_seed, float p);

}  // namespace splicebert::kernels
