// One post-LN encoder layer for training, forward and backward side by side:
//   h1  = LN1(x + dropout(Wo·attention(x)))
//   out = LN2(h1 + dropout(W2·gelu(W1·h1)))
// Shapes: rows = B·T, C hidden, FF intermediate, NH heads, HD head size; attention statistics [B, NH, T].
#pragma once
#include <vector>

#include "kernels/attention_train.hpp"
#include "train/hidden_dropout.hpp"
#include "train/parameter_refs.hpp"

namespace splicebert::train::detail {

// What the backward reads; one per layer, kept between forward and backward.
struct LayerActivations {
  std::vector<float> input;               // x [rows, C]
  std::vector<float> q, k, v, context;    // [rows, C]; context after attention dropout
  std::vector<float> row_max, row_inv_sum;  // [B, NH, T]
  std::vector<float> xhat1, rstd1, h1;    // LN1: x̂ [rows, C], 1/σ [rows], output [rows, C]
  std::vector<float> u;                   // W1·h1 + b1 before GELU [rows, FF]
  std::vector<float> xhat2, rstd2;        // LN2
};

// Buffers shared by every layer of a step.
struct LayerScratch {
  std::vector<float> sublayer, d_h1, d_tmp, d_context, dq, dk, dv;  // [rows, C]
  std::vector<float> ffn, d_ffn;                                     // [rows, FF]
  std::vector<float> attention;                                      // attention kernels' per-thread blocks
};

struct LayerContext {
  kernels::AttentionShape shape;
  int64_t FF = 0;
  float eps = 0;
  const uint8_t* key_mask = nullptr;  // [B, T]
  kernels::AttentionDropout attention_dropout;
  HiddenDropout attention_output_dropout, ffn_output_dropout;
};

// hidden [rows, C]: the layer input on entry, its output on return.
void encoder_layer_forward(const LayerRefs& params, const LayerContext& context, LayerActivations& saved,
                           LayerScratch& scratch, float* hidden);

// d_hidden [rows, C]: ∂/∂output on entry, ∂/∂input on return. Parameter gradients are accumulated.
void encoder_layer_backward(const LayerRefs& params, const LayerContext& context, const LayerActivations& saved,
                            LayerScratch& scratch, float* d_hidden);

}  // namespace splicebert::train::detail
