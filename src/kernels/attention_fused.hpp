// Fused AVX-512 attention for head sizes that are multiples of 16 up to 64 (SpliceBERT: 32). Per (batch row, head):
// Kᵀ is packed once into a [HD, T₆₄] panel, then per block of queries the scores, the masked softmax and P·V are
// computed in a [block, T] scratch — [NH, T, T] never exists. Keys past the last real key and queries past the last
// real query (right padding) are skipped.
#pragma once
#include <vector>

#include "kernels/attention.hpp"

namespace splicebert::kernels {

bool fused_attention_supported(const AttentionShape& shape);
void attention_forward_fused(const AttentionShape& shape, const float* Q, const float* K, const float* V,
                             const uint8_t* key_mask, float* context, float* probs, std::vector<float>& scratch);

}  // namespace splicebert::kernels
