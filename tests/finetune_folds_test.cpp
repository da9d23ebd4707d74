// Fold assignment of `finetune` with group_by prefix: every record whose name shares the part before the first '|'
// (a gene, an intron) lands in one fold, so a test fold holds whole genes the model never trained on.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "test_util.hpp"

namespace splicebert::finetune {
namespace {

TEST(FinetuneFolds, GroupByPrefixKeepsEachGeneInOneFold) {
  test::TempDir dir;
  std::ofstream fasta(dir / "sites.fa"), labels(dir / "sites.tsv");
  const int genes = 12, sites_per_gene = 5;
  for (int g = 0; g < genes; ++g)
    for (int s = 0; s < sites_per_gene; ++s) {
      const std::string name = "GENE" + std::to_string(g) + "|donor|" + std::to_string(s);
      fasta << ">" << name << "\nACGUACGUACGUAGGUAAGU\n";
      labels << name << "\t" << (s % 2) << "\n";
    }
  fasta.close();
  labels.close();
  FinetuneConfig config = FinetuneConfig::from_json(
      {{"model", "unused"}, {"output", dir / "out"}, {"fasta", dir / "sites.fa"}, {"labels", dir / "sites.tsv"},
       {"head", {{"type", "sequence"}, {"num_labels", 1}}}, {"folds", 4}, {"group_by", "prefix"}},
      "test");
  const auto examples = read_examples(config);
  ASSERT_EQ(examples.size(), static_cast<size_t>(genes * sites_per_gene));
  for (const auto& e : examples) EXPECT_EQ(e.group, e.name.substr(0, e.name.find('|')));
  const auto folds = assign_folds(examples, config, 7);
  std::map<std::string, std::set<int>> folds_of_gene;
  std::set<int> used;
  for (size_t i = 0; i < examples.size(); ++i) {
    folds_of_gene[examples[i].group].insert(folds[i]);
    used.insert(folds[i]);
  }
  EXPECT_EQ(folds_of_gene.size(), static_cast<size_t>(genes));
  for (const auto& [gene, in] : folds_of_gene) EXPECT_EQ(in.size(), 1u) << gene << " split over folds";
  EXPECT_EQ(used.size(), 4u);  // 12 genes of equal size over 4 folds: every fold gets some

  // An unknown mode is refused.
  EXPECT_THROW(FinetuneConfig::from_json({{"model", "m"}, {"output", "o"}, {"group_by", "gene"}}, "test"), Error);
}

TEST(FinetuneConfig, SeedOfTheWrongTypeIsAnError) {
  // Found by fuzz_config_json: a non-number "seed" escaped as the JSON library's exception, not an Error.
  EXPECT_THROW(FinetuneConfig::from_json({{"model", "m"}, {"output", "o"}, {"seed", nlohmann::json::object()}}, "t"),
               Error);
}

TEST(FinetuneConfig, ClassWeightsNeedOnePositiveWeightPerLabel) {
  auto with_weights = [](nlohmann::json weights) {
    return FinetuneConfig::from_json({{"model", "m"}, {"output", "o"}, {"windows", "w"},
                                      {"head", {{"type", "token"}, {"num_labels", 3}, {"problem_type", "multiclass"},
                                                {"class_weights", weights}}}},
                                     "test");
  };
  EXPECT_EQ(with_weights({1, 50, 50}).head.class_weights, (std::vector<double>{1, 50, 50}));
  EXPECT_THROW(with_weights({1, 50}), Error);
  EXPECT_THROW(with_weights({1, 0, 50}), Error);
  EXPECT_THROW(with_weights({1, -2, 50}), Error);
  EXPECT_THROW(with_weights("heavy"), Error);
}

}  // namespace
}  // namespace splicebert::finetune
