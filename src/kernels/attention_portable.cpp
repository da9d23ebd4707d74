#include "kernels/attention_portable.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/attention_panel.hpp"
#include "kernels/fast_exp.hpp"

namespace splicebert::kernels {

namespace {

constexpr int64_t kQueryBlock = 32;
constexpr int64_t kLanes = 16;  // panel width multiple: whole vectors on AVX2 and AVX-512

// scores[j] = scale · Σ_d q[d]·kt[d, j], d in order for every j (vectorised over j).
void query_key_scores(const float* q, const float* kt, int64_t HD, int64_t panel, float scale, float* scores) {
  std::fill(scores, scores + panel, 0.0f);
  for (int64_t d = 0; d < HD; ++d) {
    const float qd = q[d];
    const float* row = kt + d * panel;
#pragma omp simd
    for (int64_t j = 0; j < panel; ++j) scores[j] += qd * row[j];
  }
#pragma omp simd
  for (int64_t j = 0; j < panel; ++j) scores[j] *= scale;
}

// exp(s − max) over real keys, 0 for masked ones; returns 1/Σ (0 when no key is real).
float masked_exp(float* row, const uint8_t* mask, int64_t keys) {
  float max_value = -std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j < keys; ++j)
    if (!mask || mask[j]) max_value = std::max(max_value, row[j]);
  if (max_value == -std::numeric_limits<float>::infinity()) {
    std::fill(row, row + keys, 0.0f);
    return 0.0f;
  }
  float sum = 0;
  for (int64_t j = 0; j < keys; ++j) {
    row[j] = (!mask || mask[j]) ? fast_exp(row[j] - max_value) : 0.0f;
    sum += row[j];
  }
  return 1.0f / sum;
}

// out[0:HD] = inverse_sum · Σ_j p[j]·V[j, 0:HD], j in order (vectorised over d).
void probabilities_values(const float* p, const float* v, int64_t ldv, int64_t keys, int64_t HD, float inverse_sum,
                          float* out) {
  std::fill(out, out + HD, 0.0f);
  for (int64_t j = 0; j < keys; ++j) {
    const float pj = p[j];
    if (pj == 0.0f) continue;  // masked key: exactly nothing to add
    const float* vj = v + j * ldv;
#pragma omp simd
    for (int64_t d = 0; d < HD; ++d) out[d] += pj * vj[d];
  }
#pragma omp simd
  for (int64_t d = 0; d < HD; ++d) out[d] *= inverse_sum;
}

}  // namespace

void attention_forward_portable(const AttentionShape& s, const float* Q, const float* K, const float* V,
                                const uint8_t* key_mask, float* context, float* probs, std::vector<float>& scratch) {
  const int64_t C = s.C(), T = s.T, HD = s.HD, tp = round_up(std::max<int64_t>(T, 1), kLanes);
  const size_t per_thread = static_cast<size_t>(HD * tp + tp);
  const int threads = omp_get_max_threads();
  if (scratch.size() < per_thread * threads) scratch.resize(per_thread * threads);
  const float scale = 1.0f / std::sqrt(static_cast<float>(HD));
  const int64_t blocks = (T + kQueryBlock - 1) / kQueryBlock;

  // Tasks are (batch row, head, block of queries); each packs its head's keys (cheap next to the scores) so that
  // the work spreads over threads even for one long record.
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < s.B * s.NH * blocks; ++task) {
    const int64_t b = task / (s.NH * blocks), h = (task / blocks) % s.NH, q0 = (task % blocks) * kQueryBlock;
    float* kt = scratch.data() + per_thread * static_cast<size_t>(omp_get_thread_num());
    float* scores = kt + HD * tp;
    const uint8_t* mask = key_mask ? key_mask + b * T : nullptr;
    const int64_t extent = real_extent(mask, T), panel = round_up(std::max<int64_t>(extent, 1), kLanes);
    const int64_t rows = std::min(kQueryBlock, T - q0);
    const float* v = V + b * T * C + h * HD;
    if (q0 < extent) pack_keys(K + b * T * C + h * HD, C, extent, HD, panel, kt);
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = q0 + r;
      float* out = context + (b * T + i) * C + h * HD;
      float* map = probs ? probs + ((b * s.NH + h) * T + i) * T : nullptr;
      if (i >= extent) {  // a padded query: zeros, as the fused kernel writes
        std::fill(out, out + HD, 0.0f);
        if (map) std::fill(map, map + T, 0.0f);
        continue;
      }
      query_key_scores(Q + (b * T + i) * C + h * HD, kt, HD, panel, scale, scores);
      const float inverse_sum = masked_exp(scores, mask, extent);
      probabilities_values(scores, v, C, extent, HD, inverse_sum, out);
      if (map) {
        for (int64_t j = 0; j < extent; ++j) map[j] = scores[j] * inverse_sum;
        std::fill(map + extent, map + T, 0.0f);
      }
    }
  }
}

}  // namespace splicebert::kernels
