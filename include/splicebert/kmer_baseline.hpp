// A k-mer baseline for masked-nucleotide prediction (issue 5 item 6): the two-sided context model of order k,
// P(x_i | x_{i-k..i-1}, x_{i+1..i+k}), estimated by counting on training sequences, scored like MLM on held-out ones.
//
// Alphabet: A C G T/U (case folded; T and U are the same class, reported as U). Any other character (N, IUPAC
// codes, '-') is never a target and never part of a context: a position counts only when it and its 2k neighbours
// all lie inside the sequence (window) and are all A/C/G/T/U. Contexts never cross window boundaries.
//
// Estimate: add-one (Laplace) smoothing, P(b | c) = (n(c, b) + 1) / (n(c) + 4), used for the loss (cross-entropy).
// Prediction: argmax_b n(c, b); ties (including a context never seen in training, where all counts are 0) go to the
// base most frequent overall in the training targets, then to the first of A C G U. Smoothing does not change the
// argmax, so the prediction is the plain count argmax with this fallback.
//
// Evaluation positions: when several orders are fitted, every order is scored on the same positions, those valid for
// the largest order fitted (K): held-out position i counts when x_{i-K..i+K} all exist in the window and are ACGTU.
// That is the MLM masking rule "any nucleotide position may be masked" restricted to positions with a full context.
//
// Memory: order k keeps 4^(2k) contexts × 4 uint32 counts = 4^(2k+1)·4 bytes (k = 6: 268 MB, k = 7: 4.3 GB); orders
// are fitted one at a time, so the peak is the largest order's table. The largest order is capped to fit max_memory.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "splicebert/train.hpp"

namespace splicebert::train {

// 0 A, 1 C, 2 G, 3 T/U (either case); -1 for anything else.
int nucleotide_code(char c);

class ContextModel {
 public:
  explicit ContextModel(int order);  // 1 <= order <= 15
  int order() const { return order_; }
  static uint64_t context_count(int order);  // 4^(2·order)
  static uint64_t memory_bytes(int order);   // counts table size

  // The context index of position i (2 bits per base: x_{i-k} … x_{i-1} then x_{i+1} … x_{i+k}, first base most
  // significant) when i and its 2k neighbours exist and are ACGTU; false otherwise. `target` gets x_i's code.
  static bool context_at(std::string_view sequence, size_t i, int order, uint64_t& context, int& target);

  void fit(std::string_view sequence);  // adds the counts of every valid position
  uint32_t count(uint64_t context, int base) const { return counts_[context * 4 + static_cast<unsigned>(base)]; }
  uint64_t training_positions() const { return positions_; }
  const std::array<uint64_t, 4>& base_totals() const { return base_totals_; }
  uint64_t contexts_seen() const;  // contexts with at least one training count

  int predict(uint64_t context) const;                       // see the header comment (ties, unseen contexts)
  std::array<double, 4> probabilities(uint64_t context) const;  // Laplace
  // Scores the positions of `sequence` valid for `position_order` (>= order()) into `stats` (loss: natural log).
  void evaluate(std::string_view sequence, int position_order, MlmStats& stats) const;

 private:
  int order_;
  std::vector<uint32_t> counts_;
  std::array<uint64_t, 4> base_totals_{};
  std::array<int, 4> fallback_order_{0, 1, 2, 3};  // bases by overall training frequency, most frequent first
  uint64_t positions_ = 0;
  void update_fallback();
};

// Calls `visit` once per sequence (window) of a data set; may be called once per fitted order.
using SequenceSource = std::function<void(const std::function<void(std::string_view)>& visit)>;

struct KmerBaselineOptions {
  int max_k = 6;
  uint64_t max_memory = uint64_t{1} << 30;  // bytes for one order's count table
};
struct KmerFit {
  int k = 0;
  uint64_t training_positions = 0, contexts_seen = 0, contexts_possible = 0;
  MlmStats stats;  // held-out, on the common positions
};
struct KmerBaselineReport {
  int requested_max_k = 0, max_k = 0;  // max_k < requested_max_k when capped by max_memory
  uint64_t max_memory = 0;
  std::vector<KmerFit> fits;           // k = 1 … max_k
  size_t best_accuracy = 0, best_balanced = 0;  // indexes into fits
};
// Fits k = 1 … min(max_k, largest k within max_memory) on `train`, evaluates each on `test`. Throws when even k = 1
// does not fit or max_k < 1.
KmerBaselineReport run_kmer_baseline(const SequenceSource& train, const SequenceSource& test,
                                     const KmerBaselineOptions& options);

}  // namespace splicebert::train
