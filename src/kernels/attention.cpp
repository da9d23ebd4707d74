#include "kernels/attention.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/activations.hpp"
#include "kernels/attention_fused.hpp"
#include "kernels/gemm.hpp"

namespace splicebert::kernels {

namespace {
constexpr int64_t kQueryBlock = 64;
}

void attention_forward(const AttentionShape& s, const float* Q, const float* K, const float* V,
                       const uint8_t* key_mask, float* context, float* probs, std::vector<float>& scratch) {
  if (fused_attention_supported(s)) {
    attention_forward_fused(s, Q, K, V, key_mask, context, probs, scratch);
    return;
  }
  attention_forward_blas(s, Q, K, V, key_mask, context, probs, scratch);
}

void attention_forward_blas(const AttentionShape& s, const float* Q, const float* K, const float* V,
                            const uint8_t* key_mask, float* context, float* probs, std::vector<float>& scratch) {
  const int64_t C = s.C(), T = s.T;
  const int64_t blocks = (T + kQueryBlock - 1) / kQueryBlock;
  const int64_t tasks = s.B * s.NH * blocks;
  const int threads = omp_get_max_threads();
  const size_t per_thread = static_cast<size_t>(kQueryBlock * T);
  if (scratch.size() < per_thread * static_cast<size_t>(threads)) scratch.resize(per_thread * threads);
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.HD));

#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t b = task / (s.NH * blocks), h = (task / blocks) % s.NH, blk = task % blocks;
    const int64_t q0 = blk * kQueryBlock, rows = std::min(kQueryBlock, T - q0);
    float* scores = scratch.data() + per_thread * static_cast<size_t>(omp_get_thread_num());
    const float* q = Q + (b * T + q0) * C + h * s.HD;
    const float* k = K + b * T * C + h * s.HD;
    const float* v = V + b * T * C + h * s.HD;
    const uint8_t* mask = key_mask ? key_mask + b * T : nullptr;
    // scores[rows, T] = q · kᵀ
    gemm_nt(q, C, k, C, scores, T, rows, T, s.HD);
    for (int64_t r = 0; r < rows; ++r) {
      float* row = scores + r * T;
      for (int64_t j = 0; j < T; ++j) row[j] *= scale;
      softmax_masked_inplace(row, mask, T);
    }
    if (probs) std::memcpy(probs + ((b * s.NH + h) * T + q0) * T, scores, sizeof(float) * rows * T);
    // context[rows, HD] = scores · v
    gemm_nn(scores, T, v, C, context + (b * T + q0) * C + h * s.HD, C, rows, s.HD, T);
  }
}

void attention_forward_reference(const AttentionShape& s, const float* Q, const float* K, const float* V,
                                 const uint8_t* key_mask, float* context, float* probs) {
  const int64_t C = s.C(), T = s.T;
  std::vector<double> row(static_cast<size_t>(T));
  for (int64_t b = 0; b < s.B; ++b)
    for (int64_t h = 0; h < s.NH; ++h)
      for (int64_t i = 0; i < T; ++i) {
        double max_value = -INFINITY;
        for (int64_t j = 0; j < T; ++j) {
          double dot = 0;
          for (int64_t d = 0; d < s.HD; ++d)
            dot += static_cast<double>(Q[(b * T + i) * C + h * s.HD + d]) * K[(b * T + j) * C + h * s.HD + d];
          row[j] = dot / std::sqrt(static_cast<double>(s.HD));
          if (!key_mask || key_mask[b * T + j]) max_value = std::max(max_value, row[j]);
        }
        double sum = 0;
        for (int64_t j = 0; j < T; ++j) {
          row[j] = (!key_mask || key_mask[b * T + j]) ? std::exp(row[j] - max_value) : 0.0;
          sum += row[j];
        }
        for (int64_t j = 0; j < T; ++j) {
          row[j] = sum > 0 ? row[j] / sum : 0.0;
          if (probs) probs[((b * s.NH + h) * T + i) * T + j] = static_cast<float>(row[j]);
        }
        for (int64_t d = 0; d < s.HD; ++d) {
          double acc = 0;
          for (int64_t j = 0; j < T; ++j) acc += row[j] * V[(b * T + j) * C + h * s.HD + d];
          context[(b * T + i) * C + h * s.HD + d] = static_cast<float>(acc);
        }
      }
}

}  // namespace splicebert::kernels
