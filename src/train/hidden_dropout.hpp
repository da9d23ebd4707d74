// Dropout on hidden outputs [B·T, C] (embedding output, attention output, FFN output), keyed per token by
// (site, the row's sequence key, position) so the backward regenerates the same mask (kernels/dropout.hpp).
#pragma once
#include <cstdint>
#include <vector>

namespace splicebert::train::detail {

// Dropout sites of one step: 0 = embeddings, then per layer 3 sites (attention probabilities, attention output,
// FFN output).
enum class Site : uint64_t { AttentionProbs = 0, AttentionOutput = 1, FfnOutput = 2 };
uint64_t site_key(uint64_t step_key, int layer, Site site);  // layer −1 = embeddings
uint64_t embedding_site_key(uint64_t step_key);

struct HiddenDropout {
  float p = 0.0f;
  uint64_t site_key = 0;
  const std::vector<uint64_t>* sequence_keys = nullptr;  // [B]
  int64_t T = 0;
  // x [B·T, C] in place (forward on activations, backward on their gradients).
  void apply(float* x, int64_t rows, int64_t C) const;
};

}  // namespace splicebert::train::detail
