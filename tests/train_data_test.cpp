// The training data path: FASTA windows, epoch order, token-budget packing, and masks that depend only on the
// sample (what makes 1 rank and N ranks, or a resumed run, see identical inputs).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "splicebert/convert.hpp"
#include "splicebert/error.hpp"
#include "test_util.hpp"
#include "train/corpus.hpp"
#include "train/mlm_batch_builder.hpp"
#include "train/sample_stream.hpp"

namespace splicebert::train::detail {
namespace {

struct TrainData : ::testing::Test {
  void SetUp() override {
    std::ofstream fasta(dir / "a.fa");
    for (int r = 0; r < 6; ++r) {
      fasta << ">r" << r << "\n";
      for (int i = 0; i < 100 + 37 * r; ++i) fasta << "ACGT"[(i * 7 + r) % 4];
      fasta << "\n";
    }
  }
  test::TempDir dir;
};

TEST_F(TrainData, FastaWindowsTileRecords) {
  WindowingOptions windows;
  windows.min_length = windows.max_length = 50;
  const Corpus corpus = Corpus::open({dir / "a.fa"}, windows, 510, 1);
  // Record lengths 100, 137, 174, 211, 248, 285: full 50-nt tiles only (tails shorter than 50 are dropped).
  EXPECT_EQ(corpus.size(), 2u + 2 + 3 + 4 + 4 + 5);
  for (size_t i = 0; i < corpus.size(); ++i) EXPECT_EQ(corpus.text(i).size(), 50u);
  EXPECT_THROW(Corpus::open({dir / "a.fa"}, windows, 40, 1), splicebert::Error);  // windows longer than the model takes
}

TEST_F(TrainData, EpochsVisitEveryWindowOnceInANewOrder) {
  WindowingOptions windows;
  windows.min_length = windows.max_length = 50;
  const Corpus corpus = Corpus::open({dir / "a.fa"}, windows, 510, 1);
  SampleStream stream(corpus.size(), 7, 0);
  std::vector<uint64_t> first, second;
  std::set<uint64_t> keys;
  for (size_t i = 0; i < corpus.size(); ++i) first.push_back(stream.next().index);
  for (size_t i = 0; i < corpus.size(); ++i) {
    const SampleRef ref = stream.next();
    second.push_back(ref.index);
    keys.insert(ref.key);
  }
  EXPECT_EQ(std::set<uint64_t>(first.begin(), first.end()).size(), corpus.size());
  EXPECT_EQ(std::set<uint64_t>(second.begin(), second.end()).size(), corpus.size());
  EXPECT_NE(first, second);
  EXPECT_EQ(keys.size(), corpus.size());  // keys differ between epochs and samples
  // Seeking back replays exactly.
  SampleStream replay(corpus.size(), 7, 0);
  replay.seek({1, 0});
  for (size_t i = 0; i < corpus.size(); ++i) EXPECT_EQ(replay.next().index, second[i]);
}

TEST_F(TrainData, PlansRespectTheTokenBudget) {
  WindowingOptions windows;
  windows.min_length = 20;
  windows.max_length = 90;
  const Corpus corpus = Corpus::open({dir / "a.fa"}, windows, 510, 3);
  SampleStream stream(corpus.size(), 1, 0);
  const PackingOptions packing{300, 0};
  for (int step = 0; step < 20; ++step) {
    const auto plan = plan_step(stream, corpus, 3, packing);
    ASSERT_EQ(plan.size(), 3u);
    for (const auto& batch : plan) {
      ASSERT_FALSE(batch.empty());
      int64_t longest = 0;
      for (const SampleRef& s : batch) longest = std::max(longest, corpus.length(s.index) + 2);
      EXPECT_TRUE(batch.size() == 1 || static_cast<int64_t>(batch.size()) * longest <= packing.batch_tokens);
    }
  }
}

TEST_F(TrainData, MasksDependOnlyOnTheSample) {
  WindowingOptions windows;
  windows.min_length = windows.max_length = 50;
  const Corpus corpus = Corpus::open({dir / "a.fa"}, windows, 510, 1);
  const Tokenizer tokenizer = Tokenizer::from_tokens(target_vocabulary("26"), "26");
  const std::vector<SampleRef> together = {{0, 100}, {3, 103}, {5, 105}};
  BatchCounts counts_together, counts_alone;
  const MlmBatch all = build_mlm_batch(corpus, together, tokenizer, MaskingOptions{}, 42, counts_together);
  const MlmBatch alone = build_mlm_batch(corpus, {together[1]}, tokenizer, MaskingOptions{}, 42, counts_alone);
  const int64_t T = all.batch.tokens;
  for (int64_t t = 0; t < alone.batch.tokens; ++t) {
    EXPECT_EQ(all.batch.input_ids[T + t], alone.batch.input_ids[t]);
    EXPECT_EQ(all.labels[T + t], alone.labels[t]);
  }
  EXPECT_EQ(counts_together.real, 3 * 52);
  const MlmBatch other_step = build_mlm_batch(corpus, {together[1]}, tokenizer, MaskingOptions{}, 43, counts_alone);
  EXPECT_NE(other_step.labels, alone.labels);
}

}  // namespace
}  // namespace splicebert::train::detail
