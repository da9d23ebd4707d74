// Embeddings for training: hidden = dropout(LN(word[id] + position[t] + token_type[0])), and the backward that
// scatters into the three tables. Shapes: rows = B·T, C hidden; positions are 0..T−1 in every row.
#pragma once
#include <vector>

#include "splicebert/model.hpp"
#include "train/hidden_dropout.hpp"
#include "train/parameter_refs.hpp"

namespace splicebert::train::detail {

struct EmbeddingActivations {
  std::vector<float> xhat, rstd;  // [rows, C], [rows]
};

void embedding_forward(const ModelRefs& params, const Batch& batch, int64_t C, float eps,
                       const HiddenDropout& dropout, EmbeddingActivations& saved, float* hidden);

// d_hidden [rows, C] (consumed: overwritten with scratch values). The word-embedding gradient gets the lookup
// contribution here; the tied decoder adds its own in the MLM head.
void embedding_backward(const ModelRefs& params, const Batch& batch, int64_t C, const HiddenDropout& dropout,
                        const EmbeddingActivations& saved, float* d_hidden);

}  // namespace splicebert::train::detail
