// exp for the softmax and GELU kernels, in two forms of the same Cody–Waite + degree-6 polynomial: `fast_exp`, a
// scalar the compiler vectorises (training forward and backward use it, so recomputed probabilities match bit for
// bit), and `exp512`, AVX-512 intrinsics for the fused inference attention.
#pragma once
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace splicebert::kernels {

// exp(x) for x <= 0 (softmax after max subtraction) and moderate positive x: n = round(x·log2 e),
// r = x − n·ln 2 (two-step Cody–Waite), degree-6 Taylor polynomial on |r| ≤ ln2/2, scaled by 2ⁿ with scalef.
// Inputs below −87.3 give 0 or a denormal, never NaN; callers zero masked entries explicitly.
inline __m512 exp512(__m512 x) {
  const __m512 log2e = _mm512_set1_ps(1.44269504088896341f);
  const __m512 ln2_hi = _mm512_set1_ps(0.693359375f), ln2_lo = _mm512_set1_ps(-2.12194440e-4f);
  x = _mm512_max_ps(x, _mm512_set1_ps(-103.0f));
  x = _mm512_min_ps(x, _mm512_set1_ps(88.5f));
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, ln2_hi, x);
  r = _mm512_fnmadd_ps(n, ln2_lo, r);
  __m512 p = _mm512_set1_ps(1.0f / 720);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

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
