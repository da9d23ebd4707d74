// The config readers take a number only when the field's type holds it exactly: a float, or an integer past the
// field's range, where an integer belongs is a wrong-type error naming the key. nlohmann's get<int>() converts
// such values unchecked (undefined behaviour for a float out of range: fuzz_config_json found
// "local_attention_offsets": [-2.5e26] in a pre-training config).
#include <gtest/gtest.h>

#include <fstream>

#include "expect_error.hpp"
#include "pretrain_test_helpers.hpp"
#include "splicebert/error.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/pretrain.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using nlohmann::json;
using test::expect_error;

class PretrainConfigNumbers : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir / "train.fa") << ">a\nACGU\n";
    std::ofstream(dir / "valid.fa") << ">b\nACGU\n";
  }
  json config() { return test::tiny_pretrain_config(dir / "run", dir / "train.fa", dir / "valid.fa"); }
  test::TempDir dir;
};

TEST_F(PretrainConfigNumbers, IntegersAreReadAsGiven) {
  json c = config();
  c["model"]["position_init"] = "sinusoidal";
  c["model"]["local_attention_offsets"] = {-3, 0, 2};
  const auto parsed = train::PretrainConfig::from_json(c, "p.json");
  EXPECT_EQ(parsed.model.local_attention_offsets, (std::vector<int>{-3, 0, 2}));
  EXPECT_EQ(parsed.batch_tokens, 512);
}

TEST_F(PretrainConfigNumbers, FloatsAndOutOfRangeIntegersWhereIntegersBelongAreWrongTypes) {
  for (const json& offsets : {json::array({-2.5e26}), json::array({1.5}), json::array({int64_t{1} << 40})}) {
    json c = config();
    c["model"]["position_init"] = "sinusoidal";
    c["model"]["local_attention_offsets"] = offsets;
    expect_error([&] { train::PretrainConfig::from_json(c, "p.json"); },
                 {"p.json", "model.local_attention_offsets", "wrong type"});
  }
  for (const json& tokens : {json(1e30), json(512.5), json(uint64_t{1} << 63)}) {
    json c = config();
    c["batch_tokens"] = tokens;
    expect_error([&] { train::PretrainConfig::from_json(c, "p.json"); }, {"p.json", "batch_tokens", "wrong type"});
  }
}

TEST(FinetuneConfigNumbers, FloatsAndOutOfRangeIntegersWhereIntegersBelongAreWrongTypes) {
  const json base = {{"model", "m"},
                     {"output", "o"},
                     {"windows", "w"},
                     {"head", {{"type", "token"}, {"num_labels", 3}, {"problem_type", "multiclass"}}}};
  json good = base;
  good["epochs"] = 7;
  good["lr"] = 1;  // an integer where a float belongs is a number like any other
  const auto parsed = finetune::FinetuneConfig::from_json(good, "f.json");
  EXPECT_EQ(parsed.epochs, 7);
  EXPECT_DOUBLE_EQ(parsed.lr, 1.0);
  for (const json& epochs : {json(1e30), json(3.5), json(int64_t{1} << 40), json(-1e300)}) {
    json c = base;
    c["epochs"] = epochs;
    expect_error([&] { finetune::FinetuneConfig::from_json(c, "f.json"); }, {"f.json", "epochs", "wrong type"});
  }
  json c = base;
  c["head"]["num_labels"] = 2.0e20;
  expect_error([&] { finetune::FinetuneConfig::from_json(c, "f.json"); }, {"f.json", "num_labels", "wrong type"});
}

}  // namespace
}  // namespace splicebert
