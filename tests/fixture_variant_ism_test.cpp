// In-silico mutagenesis against direct REF/ALT runs: each [L,4] entry equals the context KL computed here from two
// single-sequence forwards (4-nucleotide softmax, or with full_vocab the clipped whole-vocabulary softmax), NaN at
// the reference base; records longer than the window are scored in the window where the position is most central.
#include <gtest/gtest.h>

#include "splicebert/variant.hpp"
#include "variant_test_model.hpp"

namespace splicebert::variant {
namespace {

std::string tiny() { return test::fixtures_dir() + "/tiny/checkpoint-multimolecule"; }

// The context KL of substituting `base` at `position` of `window`, from two plain forwards.
double direct(Session& session, const std::string& window, int64_t position, int base, bool full_vocab) {
  const int64_t V = session.model().config().vocab_size, L = static_cast<int64_t>(window.size());
  std::vector<int32_t> ref_ids = test::ids_of(session, window), alt_ids = ref_ids;
  alt_ids[position + 1] = session.model().tokenizer().nucleotide_ids()[base];
  std::vector<int> columns = session.model().tokenizer().nucleotide_ids();
  if (full_vocab) {
    columns.resize(static_cast<size_t>(V));
    for (int v = 0; v < V; ++v) columns[v] = v;
  }
  const auto kl = test::kl_by_hand(test::logits_of(session, ref_ids), test::logits_of(session, alt_ids), V, L,
                                   columns, full_vocab);
  return test::context_by_hand(kl, position);
}

TEST(Ism, EveryEntryEqualsADirectRefAltRun) {
  Session session(test::scaled_model(tiny()));
  const std::string sequence = test::random_dna(150, 21);
  const IsmResult result = in_silico_mutagenesis(session, sequence, {});
  ASSERT_EQ(result.scores.size(), 150u * 4);
  EXPECT_EQ(result.windows, 1);
  EXPECT_EQ(result.forwards, 1 + 3 * 150);  // one shared REF pass
  for (int64_t i : {0, 1, 74, 75, 148, 149}) {
    const int ref = static_cast<int>(std::string("ACGT").find(sequence[i]));
    for (int b = 0; b < 4; ++b) {
      const double got = result.scores[i * 4 + b];
      if (b == ref) {
        EXPECT_TRUE(std::isnan(got)) << i;
        continue;
      }
      EXPECT_NEAR(got, direct(session, sequence, i, b, false), 1e-3) << "position " << i << " base " << b;
    }
  }
}

TEST(Ism, FullVocabularyVariantFollowsSpliceBertsStudy) {
  Session session(test::scaled_model(tiny()));
  const std::string sequence = test::random_dna(120, 22);
  IsmOptions options;
  options.full_vocab = true;
  options.positions = Span{50, 53};
  const IsmResult result = in_silico_mutagenesis(session, sequence, options);
  EXPECT_EQ(result.forwards, 1 + 3 * 3);
  for (int64_t i = 50; i < 53; ++i)
    for (int b = 0; b < 4; ++b) {
      const double got = result.scores[i * 4 + b];
      if (b == static_cast<int>(std::string("ACGT").find(sequence[i]))) continue;
      EXPECT_NEAR(got, direct(session, sequence, i, b, true), 1e-3) << "position " << i << " base " << b;
    }
  EXPECT_TRUE(std::isnan(result.scores[10 * 4]));  // outside `positions`
}

TEST(Ism, LongRecordsAreScoredInTheirMostCentralWindow) {
  Session session(test::scaled_model(tiny()));
  const std::string sequence = test::random_dna(700, 23);
  const auto windows = ism_windows(700, 300, 100);  // overlap min(2·100, 300/2) = 150: [0,300) [150,450) ...
  ASSERT_EQ(windows.size(), 4u);
  EXPECT_EQ(windows[1].start, 150);
  EXPECT_EQ(windows.back().end, 700);
  for (int64_t position : {260, 690}) {
    // The owner: the window where the position is farthest from an edge (the earlier one on ties).
    Span owner{};
    int64_t best = -1;
    for (const Span& w : windows)
      if (w.contains(position) && std::min(position - w.start, w.end - 1 - position) > best)
        best = std::min(position - w.start, w.end - 1 - position), owner = w;
    IsmOptions options;
    options.window = 300;
    options.positions = Span{position, position + 1};
    const IsmResult result = in_silico_mutagenesis(session, sequence, options);
    EXPECT_EQ(result.forwards, 1 + 3) << "only the owning window runs";
    const int ref = static_cast<int>(std::string("ACGT").find(sequence[position]));
    const int base = (ref + 1) % 4;
    const std::string window = sequence.substr(owner.start, owner.end - owner.start);
    EXPECT_NEAR(result.scores[position * 4 + base], direct(session, window, position - owner.start, base, false), 1e-3)
        << "position " << position;
  }
}

}  // namespace
}  // namespace splicebert::variant
