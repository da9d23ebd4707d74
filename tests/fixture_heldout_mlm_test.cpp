// Held-out masked-nucleotide evaluation (heldout_mlm.hpp) against the same protocol written out here: for each pass,
// mask the positions with full ±K ACGT context and i ≡ pass (mod spacing) together, run the window alone through
// Session::forward, take the argmax and the 4-way softmax over A, C, G, U. Model: the tiny fixture scaled so its
// predictions are sharp (variant_test_model.hpp).
#include <gtest/gtest.h>

#include "splicebert/error.hpp"
#include "splicebert/heldout_mlm.hpp"
#include "variant_test_model.hpp"

namespace splicebert::train {
namespace {

std::string tiny() { return test::fixtures_dir() + "/tiny/checkpoint-multimolecule"; }

std::vector<std::string> test_windows(int64_t max_length) {
  std::vector<std::string> windows;
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    const size_t length = static_cast<size_t>(std::min<int64_t>(max_length, 20 + 9 * seed));
    std::string w = test::random_dna(length, seed);
    if (length > 12) w[length / 2] = 'N';  // no position whose context covers the N may be scored
    windows.push_back(w);
  }
  return windows;
}

bool full_context(const std::string& w, int64_t i, int k) {
  if (i - k < 0 || i + k >= static_cast<int64_t>(w.size())) return false;
  for (int64_t j = i - k; j <= i + k; ++j)
    if (std::string("ACGT").find(w[static_cast<size_t>(j)]) == std::string::npos) return false;
  return true;
}

MlmStats by_hand(Session& session, const std::vector<std::string>& windows, int k, int spacing, int passes) {
  const Tokenizer& tok = session.model().tokenizer();
  const int64_t V = session.model().config().vocab_size;
  MlmStats stats;
  for (const std::string& w : windows)
    for (int pass = 0; pass < passes; ++pass) {
      std::vector<int64_t> chosen;
      for (int64_t i = pass; i < static_cast<int64_t>(w.size()); i += spacing)
        if (full_context(w, i, k)) chosen.push_back(i);
      if (chosen.empty()) continue;
      auto ids = test::ids_of(session, w);
      for (int64_t i : chosen) ids[static_cast<size_t>(i + 1)] = tok.mask_id();
      const auto logits = test::logits_of(session, ids);
      for (int64_t i : chosen) {
        const auto p = test::softmax_at(logits, V, i, tok.nucleotide_ids());
        const int target = static_cast<int>(std::string("ACGT").find(w[static_cast<size_t>(i)]));
        const int predicted = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
        stats.loss_sum -= std::log(p[static_cast<size_t>(target)]);
        ++stats.labelled;
        ++stats.class_total[static_cast<size_t>(target)];
        if (predicted == target) ++stats.correct, ++stats.class_correct[static_cast<size_t>(target)];
      }
    }
  return stats;
}

void expect_same(const MlmStats& got, const MlmStats& want) {
  ASSERT_GT(want.labelled, 0);
  EXPECT_EQ(got.labelled, want.labelled);
  EXPECT_EQ(got.correct, want.correct);
  EXPECT_EQ(got.class_total, want.class_total);
  EXPECT_EQ(got.class_correct, want.class_correct);
  EXPECT_NEAR(got.loss(), want.loss(), 1e-5 * std::max(1.0, want.loss()));
}

TEST(HeldoutMlm, EveryPassMatchesMaskingByHand) {
  auto model = test::scaled_model(tiny());
  Session session(model);
  const auto windows = test_windows(model->config().max_position_embeddings - 2);
  MaskedEvaluationOptions options;
  options.context_order = 2;
  options.spacing = 5;
  options.batch_tokens = 64;  // several batches
  const MlmStats got = evaluate_masked_nucleotides(session, windows, options);
  expect_same(got, by_hand(session, windows, 2, 5, 5));
  // Every position with full context scored exactly once.
  int64_t eligible = 0;
  for (const auto& w : windows)
    for (int64_t i = 0; i < static_cast<int64_t>(w.size()); ++i) eligible += full_context(w, i, 2);
  EXPECT_EQ(got.labelled, eligible);
}

TEST(HeldoutMlm, FewerPassesScoreOnlyTheirOffsets) {
  auto model = test::scaled_model(tiny());
  Session session(model);
  const auto windows = test_windows(model->config().max_position_embeddings - 2);
  MaskedEvaluationOptions options;
  options.context_order = 1;
  options.spacing = 4;
  options.passes = 2;
  expect_same(evaluate_masked_nucleotides(session, windows, options), by_hand(session, windows, 1, 4, 2));
}

TEST(HeldoutMlm, RefusesSpacingThatHidesContextAndOverlongWindows) {
  auto model = test::scaled_model(tiny());
  Session session(model);
  MaskedEvaluationOptions options;
  options.context_order = 3;
  options.spacing = 6;
  EXPECT_THROW(evaluate_masked_nucleotides(session, {"ACGUACGUACGU"}, options), Error);
  options.spacing = 7;
  const std::string too_long(static_cast<size_t>(model->config().max_position_embeddings - 1), 'A');
  EXPECT_THROW(evaluate_masked_nucleotides(session, {too_long}, options), Error);
}

}  // namespace
}  // namespace splicebert::train
