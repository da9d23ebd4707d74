// Task heads (docs/model.md, "Task heads"): inference logits from a
// Session's output, and the losses of the four problem types with −100 / NaN ignoring.
// Shapes: B batch, T tokens (with <cls>/<eos>), L = T − 2 nucleotides, C hidden, n labels.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "splicebert/model.hpp"
#include "splicebert/tensor.hpp"

namespace splicebert {

// The label value that marks an ignored entry (binary, multiclass, multilabel); NaN marks a missing regression target.
constexpr float kIgnoreLabel = -100.0f;

// What a head needs from Session::forward: last_hidden_state, plus the pooler for the sequence head.
ForwardOptions head_forward_options(const ModelConfig& config);

// Logits of the checkpoint's head (config.head.kind): sequence [B, n], token [B, L, n], contact [B, L, L, n].
// `output` comes from Session::forward(batch, head_forward_options(...)); the sequence head uses its pooler_output.
Tensor head_logits(const Model& model, const Batch& batch, const ForwardOutput& output);

// Token-head logits [L, n] of one record of any length (`nucleotide_ids` without <cls>/<eos>): cut into windows of
// `window` nt (0 = the model's maximum) every `stride` nt (0 = default_stride), run `max_tokens` tokens per batch,
// each nucleotide's row taken from the window where it is most central (as embed stitches hidden states).
Tensor windowed_token_logits(Session& session, const std::vector<int32_t>& nucleotide_ids, int64_t window = 0,
                             int64_t stride = 0, int64_t max_tokens = 16384);

struct HeadLoss {
  double loss = 0;   // mean over the kept entries; NaN when none is kept
  int64_t kept = 0;  // |K|
};

// Loss of `problem_type` (binary | multiclass | multilabel | regression). Labels are float: class indices for
// multiclass, 0/1 for binary and multilabel, targets for regression; shapes as in docs/model.md, "Task heads" (binary / regression
// labels may drop the logits' size-1 last dimension). With `d_logits`, it is set to ∂loss/∂logits (same shape as
// the logits; zero at ignored entries). `class_weights` (multiclass only; empty = all 1) weights each entry by its
// class and divides by the weights' sum, as PyTorch's CrossEntropyLoss(weight=...) does.
HeadLoss head_loss(const std::string& problem_type, const Tensor& logits, const Tensor& labels,
                   Tensor* d_logits = nullptr, const std::vector<double>& class_weights = {});

// ---- the logits -> score rule ------------------------------------------------------------------------------------
// The score of one logits row of n labels, as `predict` reports it: sigmoid for one label, sigmoid of the class's
// logit for two (SB's branchpoint score), the softmax probability of the class for more; regression heads report
// the raw value.
double head_row_score(const float* row, int n, int score_class, const std::string& problem_type);
// The class head_row_score uses when none is given (score_class < 0): 1 for two or more labels, else 0; an error
// when the class is outside the head's labels.
int resolve_score_class(const HeadConfig& head, int score_class);

}  // namespace splicebert
