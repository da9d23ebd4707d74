// The MLM head for training and its loss: for the labelled rows only (the head is per token and unlabelled rows
// contribute nothing), t = LN(gelu(dense(h))), logits = t·Eᵀ + lm_head.bias with E the word embeddings (tied),
// loss = cross-entropy summed over labelled rows. Shapes: rows = B·T, M labelled rows, C hidden, V vocabulary.
#pragma once
#include <array>
#include <vector>

#include "splicebert/train.hpp"
#include "train/parameter_refs.hpp"

namespace splicebert::train::detail {

struct HeadBuffers {
  std::vector<int64_t> rows;             // [M] indices into [B·T]
  std::vector<int32_t> labels;           // [M]
  std::vector<float> x, u, xhat, rstd, t, logits, d_x, d_t;  // [M, C] ([M] rstd, [M, V] logits)
};

// Statistics of the batch; with `d_hidden` (zeroed here, [rows, C]) also the backward: parameter gradients
// (including the decoder's share of the word-embedding gradient) accumulated with ∂(gradient_scale·Σ CE).
// `class_of_label` maps a label id to 0..3 (A, C, G, U) or −1.
MlmStats mlm_head_forward(const ModelRefs& params, const float* hidden, int64_t rows, int64_t C, int64_t V,
                          float eps, const std::vector<int32_t>& labels, const std::vector<int>& class_of_label,
                          double gradient_scale, HeadBuffers& buffers, float* d_hidden);

}  // namespace splicebert::train::detail
