// write_base_checkpoint regenerates the base fixture's weights bit for bit: same model.safetensors SHA-256 and size
// as base/manifest.json records for gen_base_checkpoint.py, with the seed and dimensions read from that manifest.
#include <gtest/gtest.h>

#include <filesystem>

#include "splicebert/base_checkpoint.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

BaseCheckpointSpec spec_from_manifest(const nlohmann::json& manifest) {
  const nlohmann::json& model = manifest.at("model");
  BaseCheckpointSpec spec;
  spec.seed = manifest.at("checkpoint").at("seed").get<uint64_t>();
  spec.layers = model.at("num_hidden_layers").get<int>();
  spec.hidden = model.at("hidden_size").get<int>();
  spec.heads = model.at("num_attention_heads").get<int>();
  spec.intermediate = model.at("intermediate_size").get<int>();
  spec.max_positions = model.at("max_position_embeddings").get<int>();
  return spec;
}

TEST(FixtureBaseCheckpoint, SafetensorsMatchesTheManifest) {
  const nlohmann::json manifest = test::load_manifest("base");
  const nlohmann::json& checkpoint = manifest.at("checkpoint");
  const BaseCheckpointSpec spec = spec_from_manifest(manifest);
  test::TempDir dir;
  write_base_checkpoint(dir.path, spec);

  const std::string weights = dir / "model.safetensors";
  EXPECT_EQ(std::filesystem::file_size(weights), checkpoint.at("model.safetensors_bytes").get<uint64_t>());
  EXPECT_EQ(sha256_file_hex(weights), checkpoint.at("model.safetensors_sha256").get<std::string>());

  int64_t parameters = 0;
  for (const auto& [name, tensor] : read_safetensors(weights).tensors) parameters += tensor.numel();
  EXPECT_EQ(parameters, checkpoint.at("parameters").get<int64_t>());

  const nlohmann::json config = nlohmann::json::parse(read_file_text(dir / "config.json"));
  EXPECT_EQ(config.at("vocab_size"), manifest.at("model").at("vocab_size"));
  EXPECT_EQ(config.at("num_hidden_layers").get<int>(), spec.layers);
  EXPECT_EQ(config.at("layer_norm_eps").get<double>(), manifest.at("model").at("layer_norm_eps").get<double>());
  for (const char* file : {"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"})
    EXPECT_TRUE(std::filesystem::is_regular_file(dir / file)) << file;
}

}  // namespace
}  // namespace splicebert
