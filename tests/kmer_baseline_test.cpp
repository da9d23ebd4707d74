// The order-k two-sided context baseline (splicebert/kmer_baseline.hpp) and `splicebert kmer-baseline`: hand-counted
// tables, a synthetic corpus whose middle base is a function of its order-2 neighbours, and the CLI on shards written
// by `splicebert windows`. No fixtures.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "splicebert/kmer_baseline.hpp"
#include "test_util.hpp"

namespace splicebert::test {
namespace {

using train::ContextModel;

train::SequenceSource source_of(const std::vector<std::string>& sequences) {
  return [&sequences](const std::function<void(std::string_view)>& visit) {
    for (const auto& s : sequences) visit(s);
  };
}

TEST(KmerBaseline, NucleotideCodes) {
  EXPECT_EQ(train::nucleotide_code('A'), 0);
  EXPECT_EQ(train::nucleotide_code('c'), 1);
  EXPECT_EQ(train::nucleotide_code('G'), 2);
  EXPECT_EQ(train::nucleotide_code('T'), 3);
  EXPECT_EQ(train::nucleotide_code('u'), 3);
  EXPECT_EQ(train::nucleotide_code('N'), -1);
  EXPECT_EQ(train::nucleotide_code('R'), -1);
}

TEST(KmerBaseline, HandCountedOrderOne) {
  ContextModel model(1);
  EXPECT_EQ(ContextModel::context_count(1), 16u);
  EXPECT_EQ(ContextModel::memory_bytes(1), 16u * 4 * 4);
  EXPECT_EQ(ContextModel::memory_bytes(6), 268435456u);  // 4^12 contexts x 4 counts x 4 bytes
  // ACGTAC: i=1 (A|G)->C, i=2 (C|T)->G, i=3 (G|A)->T, i=4 (T|C)->A; the ends have no left / right neighbour.
  model.fit("ACGTAC");
  // acgN: only i=1 (a|g)->c counts (lower case folds); i=2 has N on its right, i=3 is N.
  model.fit("acgN");
  EXPECT_EQ(model.training_positions(), 5u);
  const uint64_t a_g = 0 * 4 + 2, c_t = 1 * 4 + 3, g_a = 2 * 4 + 0, t_c = 3 * 4 + 1;
  EXPECT_EQ(model.count(a_g, 1), 2u);
  EXPECT_EQ(model.count(a_g, 0), 0u);
  EXPECT_EQ(model.count(c_t, 2), 1u);
  EXPECT_EQ(model.count(g_a, 3), 1u);
  EXPECT_EQ(model.count(t_c, 0), 1u);
  EXPECT_EQ(model.contexts_seen(), 4u);
  EXPECT_EQ(model.base_totals(), (std::array<uint64_t, 4>{1, 2, 1, 1}));
  // Laplace: (n + 1) / (N + 4).
  auto p = model.probabilities(a_g);
  EXPECT_DOUBLE_EQ(p[1], 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(p[0], 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(model.probabilities(0)[2], 0.25);
  EXPECT_EQ(model.predict(a_g), 1);
  EXPECT_EQ(model.predict(g_a), 3);
  EXPECT_EQ(model.predict(0), 1) << "an unseen context falls back to the most frequent base overall (C)";

  uint64_t context = 0;
  int target = -1;
  EXPECT_TRUE(ContextModel::context_at("ACGU", 1, 1, context, target));
  EXPECT_EQ(context, a_g);
  EXPECT_EQ(target, 1);
  EXPECT_FALSE(ContextModel::context_at("ACGU", 0, 1, context, target));
  EXPECT_FALSE(ContextModel::context_at("ACGU", 3, 1, context, target));
  EXPECT_TRUE(ContextModel::context_at("ACGTACG", 3, 3, context, target));
  EXPECT_EQ(context, (((((0u * 4 + 1) * 4 + 2) * 4 + 0) * 4 + 1) * 4 + 2));  // A C G | A C G
  EXPECT_EQ(target, 3);

  // Scoring ACGTAC with positions of order 1: all four contexts predict their own training target.
  train::MlmStats stats;
  model.evaluate("ACGTAC", 1, stats);
  EXPECT_EQ(stats.labelled, 4);
  EXPECT_EQ(stats.correct, 4);
  EXPECT_DOUBLE_EQ(stats.accuracy(), 1.0);
  const double expected_loss = -std::log(3.0 / 6.0) - 3 * std::log(2.0 / 5.0);
  EXPECT_NEAR(stats.loss_sum, expected_loss, 1e-12);
  // Positions of order 2 in the same sequence: only i=2 and i=3.
  train::MlmStats narrow;
  model.evaluate("ACGTAC", 2, narrow);
  EXPECT_EQ(narrow.labelled, 2);
  EXPECT_THROW(ContextModel(2).evaluate("ACGTAC", 1, narrow), std::exception);
}

TEST(KmerBaseline, TiesGoToTheMoreFrequentBase) {
  ContextModel model(1);
  model.fit("AAAAA");  // (A|A) -> A three times: A is the most frequent target overall
  model.fit("CGT");    // (C|T) -> G once
  model.fit("CAT");    // (C|T) -> A once: a tie
  EXPECT_EQ(model.count(1 * 4 + 3, 2), 1u);
  EXPECT_EQ(model.predict(1 * 4 + 3), 0);
}

// Windows of 7 nt, random except the middle: x3 = (x1 + x2 + x4 + x5) mod 4, a function of the order-2 context
// that is uniform given the order-1 context (x1 and x5 are uniform and independent).
std::vector<std::string> synthetic_windows(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> windows;
  for (size_t w = 0; w < n; ++w) {
    int x[7];
    for (int& v : x) v = static_cast<int>(rng() & 3);
    x[3] = (x[1] + x[2] + x[4] + x[5]) & 3;
    std::string s;
    for (int v : x) s += "ACGU"[v];
    windows.push_back(s);
  }
  return windows;
}

TEST(KmerBaseline, SyntheticMiddleBaseIsLearnedFromOrderTwo) {
  const auto training = synthetic_windows(100000, 1), held_out = synthetic_windows(4000, 2);
  train::KmerBaselineOptions options;
  options.max_k = 3;
  const auto report = train::run_kmer_baseline(source_of(training), source_of(held_out), options);
  ASSERT_EQ(report.max_k, 3);
  ASSERT_EQ(report.fits.size(), 3u);
  for (const auto& fit : report.fits) EXPECT_EQ(fit.stats.labelled, 4000) << "one common position per window: i=3";
  EXPECT_NEAR(report.fits[0].stats.accuracy(), 0.25, 0.04);
  EXPECT_NEAR(report.fits[0].stats.balanced_accuracy(), 0.25, 0.04);
  EXPECT_DOUBLE_EQ(report.fits[1].stats.accuracy(), 1.0);
  EXPECT_DOUBLE_EQ(report.fits[1].stats.balanced_accuracy(), 1.0);
  EXPECT_DOUBLE_EQ(report.fits[2].stats.accuracy(), 1.0);
  EXPECT_DOUBLE_EQ(report.fits[2].stats.balanced_accuracy(), 1.0);
  EXPECT_EQ(report.fits[2].contexts_seen, 4096u);
  EXPECT_EQ(report.fits[report.best_accuracy].k, 2) << "the first order reaching the best accuracy";
  EXPECT_EQ(report.fits[report.best_balanced].k, 2);
}

TEST(KmerBaseline, MemoryCapsTheOrder) {
  const auto training = synthetic_windows(100, 1);
  train::KmerBaselineOptions options;
  options.max_k = 6;
  options.max_memory = ContextModel::memory_bytes(2);
  const auto report = train::run_kmer_baseline(source_of(training), source_of(training), options);
  EXPECT_EQ(report.requested_max_k, 6);
  EXPECT_EQ(report.max_k, 2);
  EXPECT_EQ(report.fits.size(), 2u);
  options.max_memory = 10;
  EXPECT_THROW(train::run_kmer_baseline(source_of(training), source_of(training), options), std::exception);
  options.max_memory = uint64_t{1} << 30;
  options.max_k = 4;  // 7-nt windows have no position with 4 neighbours on each side
  EXPECT_THROW(train::run_kmer_baseline(source_of(training), source_of(training), options), std::exception);
  options.max_k = 0;
  EXPECT_THROW(train::run_kmer_baseline(source_of(training), source_of(training), options), std::exception);
}

TEST(KmerBaseline, CliOnWindowShards) {
  TempDir dir;
  std::mt19937 rng(7);
  std::string a, b;
  for (int i = 0; i < 3000; ++i) a += "ACGT"[rng() & 3];
  for (int i = 0; i < 1000; ++i) b += "ACGT"[rng() & 3];
  std::ofstream(dir / "in.fa") << ">a\n" << a << "\n>b\n" << b << "\n";
  CommandResult r = run_cli("windows -q --length 100 --holdout b -i x=" + shell_quote(dir / "in.fa") + " -o " +
                            shell_quote(dir / "s"));
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("kmer-baseline --train " + shell_quote(dir / "s.train") + " --test " + shell_quote(dir / "s.test") +
              " --max-k 2 --json -o " + shell_quote(dir / "report.json"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j, nlohmann::json::parse(std::ifstream(dir / "report.json")));
  ASSERT_EQ(j["fits"].size(), 2u);
  EXPECT_EQ(j["fits"][0]["k"], 1);
  EXPECT_EQ(j["fits"][0]["training_positions"], 30 * 98);
  EXPECT_EQ(j["fits"][1]["training_positions"], 30 * 96);
  EXPECT_EQ(j["fits"][1]["test"]["positions"], 10 * 96);
  EXPECT_EQ(j["fits"][0]["test"]["positions"], 10 * 96) << "every order on the positions of the largest";
  const double accuracy = j["fits"][0]["test"]["accuracy"];
  EXPECT_GT(accuracy, 0.1);
  EXPECT_LT(accuracy, 0.45);
  EXPECT_TRUE(j.contains("best_accuracy"));

  r = run_cli("kmer-baseline --train " + shell_quote(dir / "s.train") + " --test " + shell_quote(dir / "s.test") +
              " --max-k 8 --max-memory 1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("capped to 4"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("best accuracy: k="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n4\t"), std::string::npos) << r.out;

  r = run_cli("kmer-baseline --train " + shell_quote(dir / "missing") + " --test " + shell_quote(dir / "s.test"));
  EXPECT_NE(r.status, 0);
}

}  // namespace
}  // namespace splicebert::test
