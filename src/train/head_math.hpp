// Task-head math for fine-tuning (docs/finetuning.md, "Heads") on raw parameter pointers: the forward keeps what the
// backward needs, on the training kernels. Inference runs the same math on the inference kernels (model/heads.cpp),
// so a running fine-tune's precision switch never reaches it.
// Shapes: B batch, T tokens (with <cls>/<eos>), L = T − 2 nucleotides, C hidden, n labels, R head rows
// (B for the sequence head, B·L for token/contact).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "splicebert/config.hpp"
#include "splicebert/tensor.hpp"

namespace splicebert::detail {

struct HeadParam {
  const float* value = nullptr;
  float* grad = nullptr;  // null: no gradient wanted
};

struct HeadParams {
  HeadKind kind = HeadKind::None;
  std::string transform = "none";  // none | linear | nonlinear
  int64_t C = 0, n = 0;
  float eps = 1e-12f;                          // head.layer_norm_eps
  float dropout = 0.0f;                        // on the head input (training only; 0 = off)
  uint64_t dropout_key = 0;                    // fresh per step: masks are a function of (key, row, column)
  HeadParam pooler_weight, pooler_bias;        // [C, C], [C]; sequence head only
  HeadParam transform_weight, transform_bias;  // [C, C], [C]
  HeadParam norm_weight, norm_bias;            // [C]
  HeadParam decoder_weight, decoder_bias;      // [n, C], [n] (bias may be absent)
};

// Everything the backward reads, sized on first use and reused.
struct HeadActivations {
  int64_t B = 0, T = 0, L = 0, rows = 0;  // rows = R
  std::vector<int64_t> nucleotides;       // [B] n_b = real tokens − 2
  std::vector<float> pooler_input;        // [B, C] h[:, 0] (sequence head)
  std::vector<float> pooled;              // [B, C] tanh(pooler) before the head's dropout (sequence head)
  std::vector<float> x;                   // [R, C] head input (pooled, or nucleotide columns zero-padded)
  std::vector<float> u, xhat, rstd;       // transform: dense output [R, C], LayerNorm x̂ [R, C] and 1/σ [R]
  std::vector<float> t;                   // [R, C] transform output (the decoder input)
  std::vector<float> scratch, d_t, d_x;   // [L, C] or [R, C] working buffers
};

// hidden [B, T, C], mask [B, T]; logits [B, n], [B, L, n] or [B, L, L, n].
void head_forward(const HeadParams& params, const float* hidden, int64_t B, int64_t T, const uint8_t* mask,
                  HeadActivations& saved, Tensor& logits);

// Sequence head from rows already pooled (an inference Session's pooler_output [B, C]); forward only.
void head_forward_pooled(const HeadParams& params, const float* pooled, int64_t B, HeadActivations& saved,
                         Tensor& logits);

// d_logits shaped as the logits; accumulates parameter gradients and writes d_hidden [B, T, C] (fully overwritten:
// zero wherever the head does not read the backbone).
void head_backward(const HeadParams& params, HeadActivations& saved, const Tensor& d_logits, float* d_hidden);

}  // namespace splicebert::detail
