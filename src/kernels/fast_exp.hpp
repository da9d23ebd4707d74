// fast_exp: a scalar exp for the softmax and GELU kernels in a form every compiler vectorises for the ISA it targets
// (no libm call). The training attention uses it in forward and backward, so recomputed probabilities match bit for
// bit; the portable inference attention (attention_portable.cpp) uses it too. exp_avx512.hpp holds the same
// polynomial in AVX-512 intrinsics.
#pragma once
#include <cstdint>
#include <cstring>

namespace splicebert::kernels {

// fast_exp: exp(x) for float in a form the compiler vectorises (no libm call): x = n·ln2 + r with |r| ≤ ln2/2 (Cody-Waite
// split of ln2), e^r by a degree-6 polynomial (Taylor coefficients, error below 2 ulp on the reduced range), times
// 2^n built from the exponent bits. Inputs below −87.3 give 0 (the softmax's masked or negligible terms), inputs
// above 88.7 are not expected (softmax arguments are ≤ 0). The training attention uses it in forward and backward,
// so its probabilities are recomputed bit for bit.
inline float fast_exp(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  x = x < -87.3f ? -87.3f : x;
  constexpr float kRound = 12582912.0f;  // 1.5·2^23: adding and subtracting it rounds to the nearest integer
  const float n = (x * kLog2e + kRound) - kRound;
  const float r = (x - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return x <= -87.3f ? 0.0f : p * scale;
}

}  // namespace splicebert::kernels
