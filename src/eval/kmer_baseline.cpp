// The two-sided order-k context baseline for masked-nucleotide prediction; definitions in kmer_baseline.hpp.
#include "splicebert/kmer_baseline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "splicebert/error.hpp"

namespace splicebert::train {

int nucleotide_code(char c) {
  switch (c) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': case 'U': case 'u': return 3;
    default: return -1;
  }
}

ContextModel::ContextModel(int order) : order_(order) {
  if (order < 1 || order > 15) fail("k-mer baseline: order ", order, " outside 1..15");
  counts_.assign(context_count(order) * 4, 0);
}

uint64_t ContextModel::context_count(int order) { return uint64_t{1} << (4 * order); }

uint64_t ContextModel::memory_bytes(int order) { return context_count(order) * 4 * sizeof(uint32_t); }

bool ContextModel::context_at(std::string_view sequence, size_t i, int order, uint64_t& context, int& target) {
  const size_t k = static_cast<size_t>(order);
  if (i < k || i + k >= sequence.size()) return false;
  target = nucleotide_code(sequence[i]);
  if (target < 0) return false;
  uint64_t c = 0;
  for (size_t j = i - k; j <= i + k; ++j) {
    if (j == i) continue;
    const int code = nucleotide_code(sequence[j]);
    if (code < 0) return false;
    c = (c << 2) | static_cast<uint64_t>(code);
  }
  context = c;
  return true;
}

void ContextModel::fit(std::string_view sequence) {
  uint64_t context = 0;
  int target = 0;
  for (size_t i = 0; i < sequence.size(); ++i) {
    if (!context_at(sequence, i, order_, context, target)) continue;
    uint32_t& n = counts_[context * 4 + static_cast<unsigned>(target)];
    if (n != std::numeric_limits<uint32_t>::max()) ++n;  // saturates rather than wraps
    ++base_totals_[static_cast<size_t>(target)];
    ++positions_;
  }
  update_fallback();
}

void ContextModel::update_fallback() {
  std::array<int, 4> order{0, 1, 2, 3};
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return base_totals_[static_cast<size_t>(a)] > base_totals_[static_cast<size_t>(b)]; });
  fallback_order_ = order;
}

uint64_t ContextModel::contexts_seen() const {
  uint64_t seen = 0;
  for (size_t c = 0; c < counts_.size(); c += 4)
    if (counts_[c] | counts_[c + 1] | counts_[c + 2] | counts_[c + 3]) ++seen;
  return seen;
}

int ContextModel::predict(uint64_t context) const {
  const uint32_t* n = &counts_[context * 4];
  int best = fallback_order_[0];
  for (int b : fallback_order_)  // most frequent overall first, so a tie keeps the more frequent base
    if (n[b] > n[best]) best = b;
  return best;
}

std::array<double, 4> ContextModel::probabilities(uint64_t context) const {
  const uint32_t* n = &counts_[context * 4];
  const double total = static_cast<double>(n[0]) + n[1] + n[2] + n[3] + 4.0;
  return {(n[0] + 1.0) / total, (n[1] + 1.0) / total, (n[2] + 1.0) / total, (n[3] + 1.0) / total};
}

void ContextModel::evaluate(std::string_view sequence, int position_order, MlmStats& stats) const {
  if (position_order < order_) fail("k-mer baseline: position order ", position_order, " below the model order ", order_);
  uint64_t wide = 0, context = 0;
  int target = 0, narrow_target = 0;
  for (size_t i = 0; i < sequence.size(); ++i) {
    if (!context_at(sequence, i, position_order, wide, target)) continue;
    context_at(sequence, i, order_, context, narrow_target);  // always valid inside a valid wider context
    const int predicted = predict(context);
    const auto p = probabilities(context);
    stats.loss_sum -= std::log(p[static_cast<size_t>(target)]);
    ++stats.labelled;
    ++stats.class_total[static_cast<size_t>(target)];
    if (predicted == target) {
      ++stats.correct;
      ++stats.class_correct[static_cast<size_t>(target)];
    }
  }
}

KmerBaselineReport run_kmer_baseline(const SequenceSource& train, const SequenceSource& test,
                                     const KmerBaselineOptions& options) {
  if (options.max_k < 1) fail("k-mer baseline: --max-k must be at least 1 (got ", options.max_k, ")");
  KmerBaselineReport report;
  report.requested_max_k = options.max_k;
  report.max_memory = options.max_memory;
  int max_k = 0;
  while (max_k < options.max_k && max_k < 15 && ContextModel::memory_bytes(max_k + 1) <= options.max_memory) ++max_k;
  if (max_k == 0)
    fail("k-mer baseline: --max-memory ", options.max_memory, " bytes is below the ", ContextModel::memory_bytes(1),
         " bytes order 1 needs");
  report.max_k = max_k;
  for (int k = 1; k <= max_k; ++k) {
    KmerFit fit;
    fit.k = k;
    {
      ContextModel model(k);
      train([&](std::string_view sequence) { model.fit(sequence); });
      if (model.training_positions() == 0) fail("k-mer baseline: no training position has a full order-", k, " context");
      fit.training_positions = model.training_positions();
      fit.contexts_seen = model.contexts_seen();
      fit.contexts_possible = ContextModel::context_count(k);
      test([&](std::string_view sequence) { model.evaluate(sequence, max_k, fit.stats); });
    }
    report.fits.push_back(fit);
  }
  if (report.fits.front().stats.labelled == 0)
    fail("k-mer baseline: no held-out position has a full order-", max_k, " context");
  for (size_t i = 1; i < report.fits.size(); ++i) {
    if (report.fits[i].stats.accuracy() > report.fits[report.best_accuracy].stats.accuracy()) report.best_accuracy = i;
    if (report.fits[i].stats.balanced_accuracy() > report.fits[report.best_balanced].stats.balanced_accuracy())
      report.best_balanced = i;
  }
  return report;
}

}  // namespace splicebert::train
