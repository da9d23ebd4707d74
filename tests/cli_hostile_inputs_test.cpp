// Crafted model folders under a memory limit: the loader must refuse them (or ignore what it does not need)
// without allocating what the crafted file declares. Each case allocated gigabytes before the loader checked the
// config's tensors against the file first and inflated zip members lazily against what each tensor needs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace splicebert::test;

namespace {

// The address-space limit: several times what `info` on the shipped model needs (about 500 MB of mostly thread
// stacks and BLAS buffers), well under the crafted inputs' 1.2 GB.
constexpr const char* kMemoryLimit = "900000000";
constexpr const char* kBombBytes = "1200000000";

CommandResult run_limited(const std::string& args) {
  return run_shell(std::string("prlimit --as=") + kMemoryLimit + " " + shell_quote(binary()) + " " + args);
}

void copy_model_files(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const char* name : {"config.json", "vocab.txt", "special_tokens_map.json", "tokenizer_config.json"})
    if (fs::exists(from / name)) fs::copy_file(from / name, to / name);
}

// The shipped model in the original layout (pytorch_model.bin), made by `convert`.
std::string original_layout_model(const TempDir& dir) {
  const std::string out = dir / "original";
  const CommandResult made = run_cli("convert -i " + shell_quote(source_dir() + "/models/default") + " -o " + out);
  EXPECT_EQ(made.status, 0) << made.err;
  return out;
}

std::string bomb(const TempDir& dir, const std::string& original, const std::string& mode) {
  const fs::path folder = dir / mode;
  copy_model_files(original, folder);
  const CommandResult made =
      run_shell("python3 " + shell_quote(source_dir() + "/tests/scripts/zip_bomb_checkpoint.py") + " " +
                shell_quote(original + "/pytorch_model.bin") + " " + shell_quote((folder / "pytorch_model.bin").string()) +
                " " + mode + " " + kBombBytes);
  EXPECT_EQ(made.status, 0) << made.err;
  EXPECT_LT(fs::file_size(folder / "pytorch_model.bin"), 20u << 20);  // a small file ...
  return folder.string();
}

}  // namespace

TEST(HostileModel, ShippedModelLoadsUnderTheLimit) {
  TempDir dir;
  const CommandResult plain = run_limited("info -m " + shell_quote(source_dir() + "/models/default"));
  EXPECT_EQ(plain.status, 0) << plain.err;
  const CommandResult original = run_limited("info -m " + original_layout_model(dir));
  EXPECT_EQ(original.status, 0) << original.err;
}

TEST(HostileModel, ConfigWithLargeDimensionsIsRefusedBeforeAllocating) {
  TempDir dir;
  const fs::path folder = dir / "large";
  copy_model_files(source_dir() + "/models/default", folder);
  fs::copy_file(source_dir() + "/models/default/model.safetensors", folder / "model.safetensors");
  nlohmann::json config = nlohmann::json::parse(std::ifstream(folder / "config.json"));
  // 1.6 G parameters (6.4 GB of float32) that the weights file does not hold.
  config["hidden_size"] = 4096;
  config["num_attention_heads"] = 16;
  config["intermediate_size"] = 16384;
  config["num_hidden_layers"] = 8;
  std::ofstream(folder / "config.json") << config.dump();
  const CommandResult result = run_limited("info -m " + shell_quote(folder.string()));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("checkpoint does not match its config: missing tensors"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("wrong shapes"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("out of memory"), std::string::npos) << result.err;
}

TEST(HostileModel, ConfigPastTheParameterLimitIsRefused) {
  TempDir dir;
  const fs::path folder = dir / "huge";
  copy_model_files(source_dir() + "/models/default", folder);
  fs::copy_file(source_dir() + "/models/default/model.safetensors", folder / "model.safetensors");
  nlohmann::json config = nlohmann::json::parse(std::ifstream(folder / "config.json"));
  config["hidden_size"] = 1 << 16;
  config["num_attention_heads"] = 16;
  config["intermediate_size"] = 1 << 18;
  std::ofstream(folder / "config.json") << config.dump();
  const CommandResult result = run_limited("info -m " + shell_quote(folder.string()));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("config.json: the dimensions"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("past the limit"), std::string::npos) << result.err;
}

TEST(HostileModel, UnusedZipBombMemberIsNeverInflated) {
  TempDir dir;
  const std::string folder = bomb(dir, original_layout_model(dir), "extra");
  const CommandResult result = run_limited("info -m " + shell_quote(folder));
  EXPECT_EQ(result.status, 0) << result.err;
}

TEST(HostileModel, StorageLargerThanItsTensorIsRefusedBeforeInflating) {
  TempDir dir;
  const std::string folder = bomb(dir, original_layout_model(dir), "replace");
  const CommandResult result = run_limited("info -m " + shell_quote(folder));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find(" declares "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("more than the"), std::string::npos) << result.err;
}
