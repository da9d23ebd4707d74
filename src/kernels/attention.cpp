#include "kernels/attention.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/attention_fused.hpp"
#include "kernels/attention_portable.hpp"
#include "kernels/cpu_isa.hpp"

namespace splicebert::kernels {

void attention_forward(const AttentionShape& s, const float* Q, const float* K, const float* V,
                       const uint8_t* key_mask, float* context, float* probs, std::vector<float>& scratch) {
  if (active_isa() == Isa::Avx512 && fused_attention_supported(s)) {
    attention_forward_fused(s, Q, K, V, key_mask, context, probs, scratch);
    return;
  }
  attention_forward_portable(s, Q, K, V, key_mask, context, probs, scratch);
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
