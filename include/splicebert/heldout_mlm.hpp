// Held-out masked-nucleotide accuracy of a model, scored on exactly the positions the k-mer baseline scores
// (kmer_baseline.hpp), so the two numbers can stand side by side in a model card (issue 5 item 6).
//
// Protocol. A position i of a window is scored when x_{i-K..i+K} (K = context_order) all lie in the window and are
// ACGTU: the baseline's rule for its largest order. Each pass masks the scored positions with i ≡ pass (mod spacing)
// — replaced by <mask>, nothing else changed — and runs the window once. With spacing ≥ 2K + 1 the K neighbours on
// each side of a masked position stay visible, so the model sees at least what the order-K baseline sees;
// `spacing` passes score every position exactly once. Prediction: the argmax over the logits of A, C, G, U (the
// baseline's four classes); loss: cross-entropy of the softmax over those four logits (natural log).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "splicebert/model.hpp"
#include "splicebert/train.hpp"

namespace splicebert::train {

struct MaskedEvaluationOptions {
  int context_order = 6;         // K: positions need K ACGTU neighbours on each side inside the window
  int spacing = 13;              // distance between the positions masked together (>= 2K + 1)
  int passes = 0;                // 0 = spacing (every scored position once); fewer = offsets 0 … passes-1 only
  int64_t batch_tokens = 16384;  // padded tokens per forward batch
};

// Rows (window × pass) run so far and in total; called after every batch.
using EvaluationProgress = std::function<void(int64_t rows_done, int64_t rows_total)>;

// `windows` are nucleotide strings (window shards' windows); each must fit the model's positions.
MlmStats evaluate_masked_nucleotides(Session& session, const std::vector<std::string>& windows,
                                     const MaskedEvaluationOptions& options, const EvaluationProgress& progress = {});

}  // namespace splicebert::train
