// exp512: the Cody–Waite + degree-6 polynomial exp of fast_exp.hpp in AVX-512 intrinsics, for the fused inference
// attention. Include it only from files compiled with the AVX-512 flags (see CMakeLists.txt, SPLICEBERT_AVX512_SOURCES).
#pragma once
#include <immintrin.h>

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

}  // namespace splicebert::kernels
