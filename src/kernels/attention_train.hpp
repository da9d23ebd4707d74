// Multi-head self-attention for training, memory-lean like the inference kernel (attention.hpp): scores and
// probabilities exist only per block of queries of one head. The forward saves two numbers per query row (the row
// maximum and 1/Σexp) and the backward recomputes the probabilities from Q, K and those, so [B, NH, T, T] is never
// stored. Attention dropout masks come from kernels/dropout.hpp and are regenerated in the backward.
//
// Q, K, V, context and their gradients: [B, T, C], head h in columns [h·HD, (h+1)·HD). key_mask [B, T] (1 = real
// key; padded keys get probability exactly 0). row_max, row_inv_sum: [B, NH, T].
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/attention.hpp"

namespace splicebert::kernels {

struct AttentionDropout {
  float p = 0.0f;                          // 0 = off
  uint64_t site_key = 0;                   // the step's key for this layer's attention dropout
  const uint64_t* sequence_keys = nullptr;  // [B] what each row holds (needed when p > 0)
  // Seed of the mask row for query i of head h in batch row b.
  uint32_t row_seed(int64_t b, int64_t h, int64_t i) const;
};

// context = dropout(softmax(Q·Kᵀ/√HD, masked))·V per head.
void attention_forward_train(const AttentionShape& shape, const float* Q, const float* K, const float* V,
                             const uint8_t* key_mask, const AttentionDropout& dropout, float* context,
                             float* row_max, float* row_inv_sum, std::vector<float>& scratch);

// dQ, dK, dV (overwritten) from d_context.
void attention_backward(const AttentionShape& shape, const float* Q, const float* K, const float* V,
                        const uint8_t* key_mask, const AttentionDropout& dropout, const float* row_max,
                        const float* row_inv_sum, const float* d_context, float* dQ, float* dK, float* dV,
                        std::vector<float>& scratch);

// Scalar references in double, materialising each probability row (same dropout masks).
void attention_forward_train_reference(const AttentionShape& shape, const float* Q, const float* K, const float* V,
                                       const uint8_t* key_mask, const AttentionDropout& dropout, float* context);
void attention_backward_reference(const AttentionShape& shape, const float* Q, const float* K, const float* V,
                                  const uint8_t* key_mask, const AttentionDropout& dropout, const float* d_context,
                                  float* dQ, float* dK, float* dV);

}  // namespace splicebert::kernels
