#include "kernels/attention_fused.hpp"

#include <omp.h>

// GCC 12 warns inside its own AVX-512 reduce/mask intrinsics (a known false positive on their __Y temporaries).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/attention_panel.hpp"
#include "kernels/exp_avx512.hpp"

namespace splicebert::kernels {

namespace {

constexpr int64_t kQueryBlock = 48;  // a multiple of both register blockings below (6 and 8 rows)
constexpr int64_t kKeyTile = 64;  // scores computed 4 vectors of 16 keys at a time

// scores[r, 0:tp] = q[r] · ktᵀ · scale for R ≤ 6 query rows.
template <int R>
void query_key_scores(const float* q, int64_t ldq, const float* kt, int64_t HD, int64_t tp, float scale,
                      float* scores, int64_t lds) {
  for (int64_t j = 0; j < tp; j += kKeyTile) {
    __m512 acc[R][4];
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < 4; ++v) acc[r][v] = _mm512_setzero_ps();
    for (int64_t d = 0; d < HD; ++d) {
      const float* row = kt + d * tp + j;
      __m512 k0 = _mm512_loadu_ps(row), k1 = _mm512_loadu_ps(row + 16), k2 = _mm512_loadu_ps(row + 32),
             k3 = _mm512_loadu_ps(row + 48);
      for (int r = 0; r < R; ++r) {
        __m512 qv = _mm512_set1_ps(q[r * ldq + d]);
        acc[r][0] = _mm512_fmadd_ps(qv, k0, acc[r][0]);
        acc[r][1] = _mm512_fmadd_ps(qv, k1, acc[r][1]);
        acc[r][2] = _mm512_fmadd_ps(qv, k2, acc[r][2]);
        acc[r][3] = _mm512_fmadd_ps(qv, k3, acc[r][3]);
      }
    }
    const __m512 s = _mm512_set1_ps(scale);
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < 4; ++v) _mm512_storeu_ps(scores + r * lds + j + 16 * v, _mm512_mul_ps(acc[r][v], s));
  }
}

// Rows in register blocks of 6 (24 accumulators: 6 rows × 4 vectors of keys), tails in blocks of 2 and 1.
void query_key_scores_rows(const float* q, int64_t ldq, const float* kt, int64_t HD, int64_t tp, float scale,
                           float* scores, int64_t lds, int64_t rows) {
  int64_t r = 0;
  for (; r + 6 <= rows; r += 6) query_key_scores<6>(q + r * ldq, ldq, kt, HD, tp, scale, scores + r * lds, lds);
  for (; r + 2 <= rows; r += 2) query_key_scores<2>(q + r * ldq, ldq, kt, HD, tp, scale, scores + r * lds, lds);
  for (; r < rows; ++r) query_key_scores<1>(q + r * ldq, ldq, kt, HD, tp, scale, scores + r * lds, lds);
}

// Unnormalised softmax over keys [0, keys) of one score row: exp(s − max), keys with mask 0 exactly 0, columns
// [keys, tp) zeroed. Returns 1 / Σ (0 when the row has no real key); the caller folds it into P·V, and normalises the
// row itself only when attention maps are requested.
float masked_exp_row(float* row, const uint8_t* mask, int64_t keys, int64_t tp) {
  __m512 vmax = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  auto key_mask = [&](int64_t j) -> __mmask16 {
    __mmask16 in_range = j + 16 <= keys ? 0xFFFF : static_cast<__mmask16>((1u << (keys - j)) - 1);
    if (!mask) return in_range;
    __m128i bytes = _mm_maskz_loadu_epi8(in_range, mask + j);
    return _mm_test_epi8_mask(bytes, bytes);
  };
  for (int64_t j = 0; j < keys; j += 16)
    vmax = _mm512_mask_max_ps(vmax, key_mask(j), vmax, _mm512_loadu_ps(row + j));
  const float max_value = _mm512_reduce_max_ps(vmax);
  if (max_value == -std::numeric_limits<float>::infinity()) {  // no real key
    std::fill(row, row + tp, 0.0f);
    return 0.0f;
  }
  const __m512 m = _mm512_set1_ps(max_value);
  __m512 vsum = _mm512_setzero_ps();
  for (int64_t j = 0; j < keys; j += 16) {
    __m512 e = _mm512_maskz_mov_ps(key_mask(j), exp512(_mm512_sub_ps(_mm512_loadu_ps(row + j), m)));
    _mm512_storeu_ps(row + j, e);  // row is tp ≥ round_up(keys, 16) wide
    vsum = _mm512_add_ps(vsum, e);
  }
  std::fill(row + round_up(keys, 16), row + tp, 0.0f);
  return 1.0f / _mm512_reduce_add_ps(vsum);
}

// out[r, 0:HD] = Σ_j p[r, j] · V[j, 0:HD] for R rows, HD = 16·NV.
template <int R, int NV>
void probabilities_values(const float* p, int64_t ldp, const float* v, int64_t ldv, int64_t keys, const float* row_scale,
                          float* out, int64_t ldo) {
  __m512 acc[R][NV];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < NV; ++c) acc[r][c] = _mm512_setzero_ps();
  for (int64_t j = 0; j < keys; ++j) {
    __m512 vv[NV];
    for (int c = 0; c < NV; ++c) vv[c] = _mm512_loadu_ps(v + j * ldv + 16 * c);
    for (int r = 0; r < R; ++r) {
      __m512 pr = _mm512_set1_ps(p[r * ldp + j]);
      for (int c = 0; c < NV; ++c) acc[r][c] = _mm512_fmadd_ps(pr, vv[c], acc[r][c]);
    }
  }
  for (int r = 0; r < R; ++r) {
    const __m512 scale = _mm512_set1_ps(row_scale[r]);
    for (int c = 0; c < NV; ++c) _mm512_storeu_ps(out + r * ldo + 16 * c, _mm512_mul_ps(acc[r][c], scale));
  }
}

// Rows in register blocks of up to 24 accumulators (8 rows × 2 vectors for HD 32), tails in blocks of 2 and 1.
template <int NV>
void probabilities_values_rows(const float* p, int64_t ldp, const float* v, int64_t ldv, int64_t keys,
                               const float* row_scale, float* out, int64_t ldo, int64_t rows) {
  constexpr int R = NV <= 2 ? 8 : 4;
  int64_t r = 0;
  for (; r + R <= rows; r += R)
    probabilities_values<R, NV>(p + r * ldp, ldp, v, ldv, keys, row_scale + r, out + r * ldo, ldo);
  for (; r + 2 <= rows; r += 2)
    probabilities_values<2, NV>(p + r * ldp, ldp, v, ldv, keys, row_scale + r, out + r * ldo, ldo);
  for (; r < rows; ++r) probabilities_values<1, NV>(p + r * ldp, ldp, v, ldv, keys, row_scale + r, out + r * ldo, ldo);
}

}  // namespace

bool fused_attention_supported(const AttentionShape& s) { return s.HD % 16 == 0 && s.HD >= 16 && s.HD <= 64; }

void attention_forward_fused(const AttentionShape& s, const float* Q, const float* K, const float* V,
                             const uint8_t* key_mask, float* context, float* probs, std::vector<float>& scratch) {
  const int64_t C = s.C(), T = s.T, HD = s.HD, tp = round_up(T, kKeyTile);
  const size_t per_thread = static_cast<size_t>(HD * tp + kQueryBlock * tp);
  const int threads = omp_get_max_threads();
  if (scratch.size() < per_thread * threads) scratch.resize(per_thread * threads);
  const float scale = 1.0f / std::sqrt(static_cast<float>(HD));

#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < s.B * s.NH; ++task) {
    const int64_t b = task / s.NH, h = task % s.NH;
    float* kt = scratch.data() + per_thread * static_cast<size_t>(omp_get_thread_num());
    float* scores = kt + HD * tp;
    const uint8_t* mask = key_mask ? key_mask + b * T : nullptr;
    const int64_t extent = real_extent(mask, T), panel = round_up(extent, kKeyTile);
    const float* k = K + b * T * C + h * HD;
    const float* v = V + b * T * C + h * HD;
    pack_keys(k, C, extent, HD, panel, kt);
    for (int64_t q0 = 0; q0 < T; q0 += kQueryBlock) {
      const int64_t rows = std::min(kQueryBlock, T - q0), real_rows = std::clamp<int64_t>(extent - q0, 0, rows);
      float* out = context + (b * T + q0) * C + h * HD;
      for (int64_t r = real_rows; r < rows; ++r) std::fill(out + r * C, out + r * C + HD, 0.0f);  // padded queries
      if (probs)
        for (int64_t r = 0; r < rows; ++r) {
          float* dst = probs + ((b * s.NH + h) * T + q0 + r) * T;
          std::fill(dst + (r < real_rows ? extent : 0), dst + T, 0.0f);
        }
      if (real_rows == 0) continue;
      const float* q = Q + (b * T + q0) * C + h * HD;
      query_key_scores_rows(q, C, kt, HD, panel, scale, scores, panel, real_rows);
      float inverse_sums[kQueryBlock];
      for (int64_t r = 0; r < real_rows; ++r) inverse_sums[r] = masked_exp_row(scores + r * panel, mask, extent, panel);
      if (probs)
        for (int64_t r = 0; r < real_rows; ++r) {
          float* dst = probs + ((b * s.NH + h) * T + q0 + r) * T;
          for (int64_t j = 0; j < extent; ++j) dst[j] = scores[r * panel + j] * inverse_sums[r];
        }
      switch (HD / 16) {
        case 1: probabilities_values_rows<1>(scores, panel, v, C, extent, inverse_sums, out, C, real_rows); break;
        case 2: probabilities_values_rows<2>(scores, panel, v, C, extent, inverse_sums, out, C, real_rows); break;
        case 3: probabilities_values_rows<3>(scores, panel, v, C, extent, inverse_sums, out, C, real_rows); break;
        default: probabilities_values_rows<4>(scores, panel, v, C, extent, inverse_sums, out, C, real_rows); break;
      }
    }
  }
}

}  // namespace splicebert::kernels
