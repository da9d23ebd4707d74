// Enum-like strings are parsed once (enums.hpp): every accepted spelling, and one clear error naming where the value
// came from; the fine-tuning config rejects unknown keys as the pre-training config does.
#include <gtest/gtest.h>

#include "expect_error.hpp"
#include "splicebert/enums.hpp"
#include "splicebert/finetune.hpp"

namespace splicebert {
namespace {

using test::expect_error;

TEST(Enums, PrecisionSpellings) {
  for (const char* text : {"f32", "fp32", "float32", "F32", "FP32"}) EXPECT_EQ(parse_precision(text), Precision::F32);
  for (const char* text : {"bf16", "bfloat16", "BF16"}) EXPECT_EQ(parse_precision(text), Precision::BF16);
  expect_error([] { parse_precision("fp16", "--precision"); }, {"--precision", "unknown precision 'fp16'", "bf16"});
  EXPECT_STREQ(precision_name(Precision::BF16), "bf16");
}

TEST(Enums, ProblemTypeTransformGroupBy) {
  EXPECT_EQ(parse_problem_type("", "c"), ProblemType::Infer);
  EXPECT_EQ(parse_problem_type("multilabel", "c"), ProblemType::Multilabel);
  expect_error([] { parse_problem_type("binomial", "cfg.json"); }, {"cfg.json", "binomial", "multiclass"});
  EXPECT_EQ(parse_head_transform("nonlinear", "c"), HeadTransform::Nonlinear);
  expect_error([] { parse_head_transform("relu", "cfg.json"); }, {"cfg.json", "relu"});
  EXPECT_EQ(parse_group_by("prefix", "c"), GroupBy::Prefix);
  expect_error([] { parse_group_by("gene", "cfg.json"); }, {"cfg.json", "group_by 'gene'", "chrom"});
}

TEST(FinetuneConfig, UnknownKeysAreRejected) {
  using finetune::FinetuneConfig;
  const nlohmann::json base = {{"model", "m"}, {"output", "o"}, {"fasta", "f.fa"}, {"labels", "l.tsv"},
                               {"head", {{"num_labels", 1}}}};
  EXPECT_NO_THROW(FinetuneConfig::from_json(base, "cfg.json"));
  nlohmann::json misspelt = base;
  misspelt["learning_rate"] = 1e-4;
  expect_error([&] { FinetuneConfig::from_json(misspelt, "cfg.json"); }, {"cfg.json", "unknown key 'learning_rate'"});
  nlohmann::json head_key = base;
  head_key["head"] = {{"type", "sequence"}, {"num_labels", 1}, {"num_lables", 2}};
  expect_error([&] { FinetuneConfig::from_json(head_key, "cfg.json"); }, {"cfg.json", "unknown key 'head.num_lables'"});
}

TEST(FinetuneConfig, PrecisionAndGroupByBecomeEnums) {
  using finetune::FinetuneConfig;
  const auto c = FinetuneConfig::from_json(
      {{"model", "m"}, {"output", "o"}, {"fasta", "f"}, {"labels", "l"}, {"precision", "fp32"}, {"group_by", "chrom"},
       {"head", {{"num_labels", 1}}}},
      "cfg.json");
  EXPECT_EQ(c.precision, Precision::F32);
  EXPECT_EQ(c.group_by, GroupBy::Chrom);
  expect_error([] {
    FinetuneConfig::from_json({{"model", "m"}, {"output", "o"}, {"fasta", "f"}, {"labels", "l"}, {"precision", "x"},
                               {"head", {{"num_labels", 1}}}},
                              "cfg.json");
  }, {"cfg.json", "unknown precision 'x'"});
}

}  // namespace
}  // namespace splicebert
