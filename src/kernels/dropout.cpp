#include "kernels/dropout.hpp"

#include <cmath>

namespace splicebert::kernels {

namespace {
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
}  // namespace

uint64_t dropout_key(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;
  uint64_t h = mix64(a + kGolden);
  h = mix64(h ^ (b + 2 * kGolden));
  h = mix64(h ^ (c + 3 * kGolden));
  return mix64(h ^ (d + 4 * kGolden));
}

uint32_t dropout_threshold(float p) {
  if (!(p > 0.0f)) return 0;
  const double scaled = std::ldexp(static_cast<double>(p), 32);
  return scaled >= 4294967295.0 ? 0xFFFFFFFFu : static_cast<uint32_t>(scaled);
}

void dropout_row(float* x, int64_t n, uint32_t row_seed, float p) {
  if (!(p > 0.0f)) return;
  const uint32_t threshold = dropout_threshold(p);
  const float scale = 1.0f / (1.0f - p);
#pragma omp simd
  for (int64_t j = 0; j < n; ++j)
    x[j] = dropout_keep(row_seed, static_cast<uint32_t>(j), threshold) ? x[j] * scale : 0.0f;
}

void dropout_row_reference(float* x, int64_t n, uint32_t row_seed, float p) {
  if (!(p > 0.0f)) return;
  const uint32_t threshold = dropout_threshold(p);
  for (int64_t j = 0; j < n; ++j) {
    const bool keep = dropout_keep(row_seed, static_cast<uint32_t>(j), threshold);
    x[j] = keep ? x[j] * (1.0f / (1.0f - p)) : 0.0f;
  }
}

}  // namespace splicebert::kernels
