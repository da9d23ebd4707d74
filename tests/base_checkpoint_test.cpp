// The base-checkpoint generator on a small spec: names, shapes, constants, the spread of the random values, and
// that every file it writes is readable and self-consistent. (The bit-exact check against the Python generator's
// hash is fixture_base_checkpoint_test.)
#include "splicebert/base_checkpoint.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

const BaseCheckpointSpec kSmall{
    .seed = 7, .layers = 2, .hidden = 64, .heads = 4, .intermediate = 128, .max_positions = 100};

double standard_deviation(const Tensor& tensor) {
  double sum = 0, squares = 0;
  for (float v : tensor.data) sum += v, squares += static_cast<double>(v) * v;
  const double mean = sum / tensor.numel();
  return std::sqrt(squares / tensor.numel() - mean * mean);
}

TEST(BaseCheckpoint, TensorsHaveTheDefinedShapesAndSpread) {
  const TensorMap tensors = base_checkpoint_tensors(kSmall);
  EXPECT_EQ(tensors.size(), 5u + 16u * kSmall.layers + 5u);
  EXPECT_EQ(tensors.at("model.embeddings.word_embeddings.weight").shape, (Shape{28, 64}));
  EXPECT_EQ(tensors.at("model.embeddings.position_embeddings.weight").shape, (Shape{100, 64}));
  EXPECT_EQ(tensors.at("model.encoder.layer.1.intermediate.dense.weight").shape, (Shape{128, 64}));
  EXPECT_EQ(tensors.at("model.encoder.layer.1.output.dense.weight").shape, (Shape{64, 128}));
  for (const auto& [name, tensor] : tensors) {
    if (name.find("layer_norm") != std::string::npos) {
      const float expected = name.ends_with(".weight") ? 1.0f : 0.0f;
      for (float v : tensor.data) ASSERT_EQ(v, expected) << name;
    } else if (tensor.numel() >= 1000) {
      const double expected = name.ends_with(".bias") ? 0.01 : 0.02;
      EXPECT_NEAR(standard_deviation(tensor), expected, 0.1 * expected) << name;
    }
  }
  // each tensor has its own stream
  EXPECT_NE(tensors.at("model.encoder.layer.0.attention.self.query.weight").data,
            tensors.at("model.encoder.layer.0.attention.self.key.weight").data);
}

TEST(BaseCheckpoint, DeterministicPerSeed) {
  const TensorMap a = base_checkpoint_tensors(kSmall), b = base_checkpoint_tensors(kSmall);
  BaseCheckpointSpec other = kSmall;
  other.seed = 8;
  const TensorMap c = base_checkpoint_tensors(other);
  const std::string name = "lm_head.transform.dense.weight";
  EXPECT_EQ(a.at(name).data, b.at(name).data);
  EXPECT_NE(a.at(name).data, c.at(name).data);
}

TEST(BaseCheckpoint, WritesAReadableFolder) {
  test::TempDir dir;
  write_base_checkpoint(dir / "nested/model", kSmall);
  const SafetensorsContents weights = read_safetensors(dir / "nested/model/model.safetensors");
  EXPECT_EQ(weights.metadata.at("format"), "pt");
  const TensorMap expected = base_checkpoint_tensors(kSmall);
  ASSERT_EQ(weights.tensors.size(), expected.size());
  for (const auto& [name, tensor] : expected) EXPECT_EQ(weights.tensors.at(name).data, tensor.data) << name;

  const nlohmann::json config = nlohmann::json::parse(read_file_text(dir / "nested/model/config.json"));
  EXPECT_EQ(config.at("hidden_size"), 64);
  EXPECT_EQ(config.at("max_position_embeddings"), 100);
  EXPECT_EQ(config.at("model_type"), "splicebert");
  const std::string vocab = read_file_text(dir / "nested/model/vocab.txt");
  EXPECT_EQ(std::count(vocab.begin(), vocab.end(), '\n'), 27);  // 28 tokens, no final newline
  EXPECT_TRUE(vocab.starts_with("<pad>\n<cls>\n"));
}

TEST(BaseCheckpoint, RejectsImpossibleSpecs) {
  BaseCheckpointSpec bad = kSmall;
  bad.heads = 5;
  EXPECT_THROW(base_checkpoint_tensors(bad), Error);
  bad = kSmall;
  bad.hidden = 0;
  EXPECT_THROW(base_checkpoint_tensors(bad), Error);
}

}  // namespace
}  // namespace splicebert
