// Held-out masked-nucleotide evaluation on the k-mer baseline's positions (see heldout_mlm.hpp for the protocol).
#include "splicebert/heldout_mlm.hpp"

#include <algorithm>
#include <cmath>

#include "splicebert/error.hpp"
#include "splicebert/kmer_baseline.hpp"

namespace splicebert::train {
namespace {

struct MaskedRow {
  size_t window = 0;
  int pass = 0;
  std::vector<int64_t> positions;  // nucleotide offsets in the window (token index = offset + 1)
};

// Adds the four-way prediction at each masked position of one output row.
void score_row(const float* logits /* [T, V] */, int64_t vocab, const MaskedRow& row, const std::string& window,
               const std::vector<int>& nucleotide_ids, MlmStats& stats) {
  for (int64_t offset : row.positions) {
    const float* token_logits = logits + (offset + 1) * vocab;
    float four[4];
    for (int b = 0; b < 4; ++b) four[b] = token_logits[nucleotide_ids[static_cast<size_t>(b)]];
    const int predicted = static_cast<int>(std::max_element(four, four + 4) - four);
    const int target = nucleotide_code(window[static_cast<size_t>(offset)]);
    const float top = four[predicted];
    double sum = 0;
    for (float v : four) sum += std::exp(static_cast<double>(v - top));
    stats.loss_sum += std::log(sum) - static_cast<double>(four[target] - top);
    ++stats.labelled;
    ++stats.class_total[static_cast<size_t>(target)];
    if (predicted == target) {
      ++stats.correct;
      ++stats.class_correct[static_cast<size_t>(target)];
    }
  }
}

}  // namespace

MlmStats evaluate_masked_nucleotides(Session& session, const std::vector<std::string>& windows,
                                     const MaskedEvaluationOptions& options, const EvaluationProgress& progress) {
  const int order = options.context_order, spacing = options.spacing;
  if (order < 0) throw Error("held-out MLM: context order must be >= 0");
  if (spacing < 2 * order + 1)
    throw Error("held-out MLM: spacing " + std::to_string(spacing) + " is below 2K+1 = " +
                std::to_string(2 * order + 1) + ": masked positions would hide each other's context");
  const int passes = options.passes == 0 ? spacing : std::min(options.passes, spacing);
  if (passes < 0) throw Error("held-out MLM: passes must be >= 0");
  const Model& model = session.model();
  const Tokenizer& tokenizer = model.tokenizer();
  const auto& nucleotide_ids = tokenizer.nucleotide_ids();
  if (nucleotide_ids.size() != 4 || tokenizer.mask_id() < 0)
    throw Error("held-out MLM: the model's vocabulary lacks <mask> or one of A, C, G, U");
  const int64_t max_length = model.config().max_position_embeddings - 2;

  // Scored positions of every window, grouped into rows by pass.
  std::vector<MaskedRow> rows;
  std::vector<std::vector<int32_t>> encoded(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) {
    const std::string& window = windows[w];
    if (static_cast<int64_t>(window.size()) > max_length)
      throw Error("held-out MLM: window " + std::to_string(w) + " has " + std::to_string(window.size()) +
                  " nucleotides, over the model's " + std::to_string(max_length));
    auto ids = tokenizer.encode(window).ids;
    if (ids.size() != window.size() + 2)
      throw Error("held-out MLM: window " + std::to_string(w) + " does not encode to one token per nucleotide");
    encoded[w] = std::move(ids);
    std::vector<MaskedRow> by_pass(static_cast<size_t>(passes));
    for (size_t i = 0; i < window.size(); ++i) {
      const int pass = static_cast<int>(i % static_cast<size_t>(spacing));
      if (pass >= passes) continue;
      uint64_t context = 0;
      int target = 0;
      if (order == 0 ? nucleotide_code(window[i]) >= 0 : ContextModel::context_at(window, i, order, context, target))
        by_pass[static_cast<size_t>(pass)].positions.push_back(static_cast<int64_t>(i));
    }
    for (int p = 0; p < passes; ++p) {
      auto& row = by_pass[static_cast<size_t>(p)];
      if (row.positions.empty()) continue;
      row.window = w;
      row.pass = p;
      rows.push_back(std::move(row));
    }
  }

  MlmStats stats;
  const int64_t vocab = tokenizer.size();
  ForwardOptions forward_options;
  forward_options.mlm_logits = true;
  std::vector<std::vector<int32_t>> batch_ids;
  size_t next = 0;
  while (next < rows.size()) {
    // Rows of one batch: consecutive rows while the padded token count stays within the budget.
    size_t end = next;
    int64_t longest = 0;
    while (end < rows.size()) {
      const int64_t length = static_cast<int64_t>(encoded[rows[end].window].size());
      const int64_t padded = std::max(longest, length) * static_cast<int64_t>(end - next + 1);
      if (end > next && padded > options.batch_tokens) break;
      longest = std::max(longest, length);
      ++end;
    }
    batch_ids.clear();
    for (size_t r = next; r < end; ++r) {
      auto ids = encoded[rows[r].window];
      for (int64_t offset : rows[r].positions) ids[static_cast<size_t>(offset + 1)] = tokenizer.mask_id();
      batch_ids.push_back(std::move(ids));
    }
    const Batch batch = make_batch(batch_ids, tokenizer.pad_id());
    const ForwardOutput& output = session.forward(batch, forward_options);
    for (size_t r = next; r < end; ++r)
      score_row(output.mlm_logits.ptr() + static_cast<int64_t>(r - next) * batch.tokens * vocab, vocab, rows[r],
                windows[rows[r].window], nucleotide_ids, stats);
    next = end;
    if (progress) progress(static_cast<int64_t>(next), static_cast<int64_t>(rows.size()));
  }
  return stats;
}

}  // namespace splicebert::train
