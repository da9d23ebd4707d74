// SpliceAI's top-k accuracy and the per-channel metrics of a three-class token head (no_splice / acceptor / donor),
// against values worked out by hand (each case's arithmetic in its comment).
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "splicebert/config.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/io.hpp"
#include "splicebert/metrics.hpp"

namespace splicebert {
namespace {

TEST(SpliceSiteMetrics, TopKAccuracyIsTheShareOfSitesAmongTheKBest) {
  // two positives, so k = 2: the two best are 0.9 (+) and 0.8 (−) → 1/2
  EXPECT_DOUBLE_EQ(metrics::top_k_accuracy({0.9, 0.8, 0.7, 0.1}, {1, 0, 1, 0}), 0.5);
  // both positives on top → 1
  EXPECT_DOUBLE_EQ(metrics::top_k_accuracy({0.2, 0.9, 0.8}, {0, 1, 1}), 1.0);
  // k = 1 and the best is a negative → 0
  EXPECT_DOUBLE_EQ(metrics::top_k_accuracy({0.3, 0.7}, {1, 0}), 0.0);
  EXPECT_TRUE(std::isnan(metrics::top_k_accuracy({0.3, 0.7}, {0, 0})));
}

TEST(SpliceSiteMetrics, TopKAccuracyTiesCountTheirAverage) {
  // k = 2; the 2nd best score 0.5 is shared by three positions (one positive), none above: the 2 places go to the
  // tie, each a positive with probability 1/3 → 2/3 hits over k = 2 → 1/3
  EXPECT_NEAR(metrics::top_k_accuracy({0.5, 0.5, 0.5, 0.1}, {1, 0, 0, 1}), 1.0 / 3.0, 1e-15);
  // the same in another order gives the same value
  EXPECT_NEAR(metrics::top_k_accuracy({0.1, 0.5, 0.5, 0.5}, {1, 0, 0, 1}), 1.0 / 3.0, 1e-15);
}

// One window of 5 nucleotides, logits [1, 5, 3] and labels [1, 5]:
//   pos 0: (0, 0, 0)        p = 1/3, 1/3, 1/3   label 0
//   pos 1: (0, ln 3, 0)     p = 1/5, 3/5, 1/5   label 1 (acceptor)
//   pos 2: (0, 0, ln 3)     p = 1/5, 1/5, 3/5   label 2 (donor)
//   pos 3: (0, ln 4, 0)     p = 1/6, 4/6, 1/6   label 0
//   pos 4: (0, 10, 0)       ignored (−100)
// acceptor scores (1/3, 3/5, 1/5, 2/3) vs (0, 1, 0, 0): the best is pos 3 (a negative) → top-k 0; average precision:
//   the positive ranks 2nd → precision 1/2 → 0.5; AUROC: it beats 1/3 and 1/5, loses to 2/3 → 2/3.
// donor scores (1/3, 1/5, 3/5, 1/6) vs (0, 0, 1, 0): the positive ranks first → top-k, AUPRC, AUROC all 1.
// mean_auprc_topk = (0.5 + 0 + 1 + 1) / 4 = 0.625; accuracy: argmax 0 (first of a tie), 1, 2, 1 vs 0, 1, 2, 0 → 3/4.
TEST(SpliceSiteMetrics, PerChannelMetricsOfAThreeClassTokenHead) {
  Tensor logits({1, 5, 3}), labels({1, 5});
  const float ln3 = std::log(3.0f), ln4 = std::log(4.0f);
  logits.data = {0, 0, 0, 0, ln3, 0, 0, 0, ln3, 0, ln4, 0, 0, 10, 0};
  labels.data = {0, 1, 2, 0, -100};
  const auto m = finetune::evaluation_metrics("multiclass", 3, {logits}, {labels}, {"no_splice", "acceptor", "donor"});
  EXPECT_DOUBLE_EQ(m.at("topk_acceptor"), 0.0);
  EXPECT_NEAR(m.at("auprc_acceptor"), 0.5, 1e-12);
  EXPECT_NEAR(m.at("auroc_acceptor"), 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(m.at("topk_donor"), 1.0);
  EXPECT_NEAR(m.at("auprc_donor"), 1.0, 1e-12);
  EXPECT_NEAR(m.at("auroc_donor"), 1.0, 1e-12);
  EXPECT_NEAR(m.at("mean_auprc_topk"), 0.625, 1e-12);
  EXPECT_DOUBLE_EQ(m.at("accuracy"), 0.75);
  EXPECT_EQ(m.at("count"), 4.0);
  EXPECT_EQ(m.count("auroc"), 0u) << "no single class-1 AUROC for three classes";
  // unnamed channels are class<c>
  const auto unnamed = finetune::evaluation_metrics("multiclass", 3, {logits}, {labels});
  EXPECT_DOUBLE_EQ(unnamed.at("topk_class2"), 1.0);
}

TEST(SpliceSiteModel, ShippedConfigNamesTheThreeChannels) {
  const ModelConfig c = ModelConfig::from_file(std::string(SPLICEBERT_SOURCE_DIR) + "/models/splice-site/config.json");
  EXPECT_EQ(c.head.kind, HeadKind::Token);
  EXPECT_EQ(c.head.num_labels, 3);
  EXPECT_EQ(c.head.label_names, (std::vector<std::string>{"no_splice", "acceptor", "donor"}));
  // written back as id2label / label2id
  const nlohmann::json j = c.to_json(Layout::MultiMolecule);
  EXPECT_EQ(j.at("id2label").at("2"), "donor");
  EXPECT_EQ(j.at("label2id").at("acceptor"), 1);
}

TEST(SpliceSiteModel, Id2LabelThatDoesNotFitTheHeadIsIgnored) {
  nlohmann::json j = nlohmann::json::parse(
      read_file_text(std::string(SPLICEBERT_SOURCE_DIR) + "/models/splice-site/config.json"));
  j["id2label"] = {{"0", "LABEL_0"}, {"1", "LABEL_1"}};  // two names for three channels
  EXPECT_TRUE(ModelConfig::from_json(j, "config.json").head.label_names.empty());
}

}  // namespace
}  // namespace splicebert
