// Multi-head self-attention, memory-lean: scores are computed per block of queries of one head, so a layer never
// materialises [NH, T, T]; each thread needs only a [query_block, T] scratch. The full probability tensor is written
// only when the caller asks for attention maps.
#pragma once
#include <cstdint>
#include <vector>

namespace splicebert::kernels {

struct AttentionShape {
  int64_t B = 0, T = 0, NH = 0, HD = 0;  // C = NH · HD
  int64_t C() const { return NH * HD; }
};

// Q, K, V, context: [B, T, C] with head h in columns [h·HD, (h+1)·HD). key_mask [B, T] (1 = real key).
// probs (optional): [B, NH, T, T]. scratch: grown as needed, one per session. Runs the fused AVX-512 kernel where
// the CPU path and head size allow, else the portable one; both are deterministic in batch composition and threads.
void attention_forward(const AttentionShape& shape, const float* Q, const float* K, const float* V,
                       const uint8_t* key_mask, float* context, float* probs, std::vector<float>& scratch);
void attention_forward_reference(const AttentionShape& shape, const float* Q, const float* K, const float* V,
                                 const uint8_t* key_mask, float* context, float* probs);

}  // namespace splicebert::kernels
