// The tiny fixture's pytorch_model.bin files (written by torch.save) load, agree bit for bit with the safetensors
// copy of the same weights, and carry the tied entries the safetensors file omits.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

const std::string kBin = "pytorch_model.bin";

std::string tiny_dir() { return test::fixtures_dir() + "/tiny/"; }

// Every checkpoint folder the manifest lists with a pytorch_model.bin, e.g. "checkpoint-original".
std::vector<std::string> bin_folders() {
  const nlohmann::json manifest = test::load_manifest("tiny");
  std::vector<std::string> folders;
  for (const auto& [path, entry] : manifest.at("files").items())
    if (path.ends_with("/" + kBin)) folders.push_back(path.substr(0, path.size() - kBin.size() - 1));
  return folders;
}

bool bit_equal(const Tensor& a, const Tensor& b) {
  return a.shape == b.shape && a.data.size() == b.data.size() &&
         std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

// torch.save writes one zip member per distinct storage: `<top>/data/<key>`.
size_t storage_count(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  size_t count = 0;
  for (const ZipMember& member : parse_zip(bytes.data(), bytes.size(), path))
    if (member.name.find("/data/") != std::string::npos) ++count;
  return count;
}

TEST(FixtureTorch, BinFilesAreTheManifestsOnes) {
  const nlohmann::json files = test::load_manifest("tiny")["files"];
  ASSERT_FALSE(bin_folders().empty());
  for (const std::string& folder : bin_folders()) {
    const nlohmann::json& entry = files[folder + "/" + kBin];
    const std::string path = tiny_dir() + folder + "/" + kBin;
    EXPECT_EQ(std::filesystem::file_size(path), entry["bytes"].get<uint64_t>()) << path;
    EXPECT_EQ(sha256_file_hex(path), entry["sha256"].get<std::string>()) << path;
  }
}

TEST(FixtureTorch, EveryBinLoadsWithOneTensorPerName) {
  ASSERT_FALSE(bin_folders().empty());
  for (const std::string& folder : bin_folders()) {
    const std::string path = tiny_dir() + folder + "/" + kBin;
    const TensorMap tensors = read_torch_checkpoint(path);
    // Tied names share a storage, so there are at least as many names as storages, never fewer.
    EXPECT_GE(tensors.size(), storage_count(path)) << path;
    for (const auto& [name, tensor] : tensors) {
      EXPECT_EQ(tensor.numel(), shape_numel(tensor.shape)) << name;
      for (float value : tensor.data) ASSERT_TRUE(std::isfinite(value)) << path << ": " << name;
    }
  }
}

TEST(FixtureTorch, MultiMoleculeBinEqualsSafetensors) {
  const std::string folder = tiny_dir() + "checkpoint-multimolecule/";
  const TensorMap from_bin = read_torch_checkpoint(folder + kBin);
  const TensorMap from_safetensors = read_safetensors(folder + "model.safetensors").tensors;
  ASSERT_FALSE(from_safetensors.empty());
  for (const auto& [name, tensor] : from_safetensors) {
    ASSERT_TRUE(from_bin.count(name)) << name << " is missing from the .bin";
    EXPECT_TRUE(bit_equal(from_bin.at(name), tensor)) << name;
  }
  // The .bin's extra names are the tied copies safetensors leaves out: each is bit for bit a saved tensor, and
  // they add no storage of their own.
  EXPECT_GT(from_bin.size(), from_safetensors.size());
  EXPECT_EQ(storage_count(folder + kBin), from_safetensors.size());
  for (const auto& [name, tensor] : from_bin) {
    if (from_safetensors.count(name)) continue;
    bool tied = false;
    for (const auto& [saved_name, saved] : from_safetensors) tied = tied || bit_equal(tensor, saved);
    EXPECT_TRUE(tied) << name << " equals no tensor of model.safetensors";
  }
  ASSERT_TRUE(from_bin.count("lm_head.decoder.weight"));
  EXPECT_TRUE(bit_equal(from_bin.at("lm_head.decoder.weight"), from_bin.at("model.embeddings.word_embeddings.weight")));
}

// The original layout: tied decoder, the int64 position_ids buffer (loaded as float), and every tensor that the
// conversion only renames equal to its MultiMolecule counterpart.
TEST(FixtureTorch, OriginalBinMatchesTheConvertedOne) {
  const TensorMap original = read_torch_checkpoint(tiny_dir() + "checkpoint-original/" + kBin);
  const TensorMap converted = read_torch_checkpoint(tiny_dir() + "checkpoint-multimolecule/" + kBin);
  const nlohmann::json config = nlohmann::json::parse(read_file_text(tiny_dir() + "checkpoint-original/config.json"));

  ASSERT_TRUE(original.count("cls.predictions.decoder.weight"));
  EXPECT_TRUE(
      bit_equal(original.at("cls.predictions.decoder.weight"), original.at("bert.embeddings.word_embeddings.weight")));
  const Tensor& positions = original.at("bert.embeddings.position_ids");
  const int64_t max_positions = config["max_position_embeddings"].get<int64_t>();
  EXPECT_EQ(positions.shape, (Shape{1, max_positions}));
  for (int64_t i = 0; i < positions.numel(); ++i) ASSERT_EQ(positions.data[i], static_cast<float>(i));

  auto rename = [](std::string name) {
    auto replace = [&](const std::string& from, const std::string& to) {
      for (size_t at; (at = name.find(from)) != std::string::npos;) name.replace(at, from.size(), to);
    };
    replace("bert.", "model."), replace("cls.predictions.", "lm_head."), replace("LayerNorm", "layer_norm");
    return name;
  };
  int compared = 0;
  for (const auto& [name, tensor] : original) {
    // re-indexed to the new vocabulary, or dropped, by the conversion
    if (name.find("word_embeddings") != std::string::npos || name.find("position_ids") != std::string::npos ||
        name.starts_with("cls.predictions.decoder") || name == "cls.predictions.bias")
      continue;
    ASSERT_TRUE(converted.count(rename(name))) << rename(name);
    EXPECT_TRUE(bit_equal(converted.at(rename(name)), tensor)) << name;
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

// Random edits of a real data.pkl (repacked, so the zip's CRC still holds): each load succeeds or throws Error.
TEST(FixtureTorch, EditedPicklesLoadOrFailCleanly) {
  const std::string path = tiny_dir() + "checkpoint-multimolecule/" + kBin;
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  std::vector<std::pair<std::string, std::string>> members;
  size_t pickle_index = 0;
  for (const ZipMember& member : parse_zip(bytes.data(), bytes.size(), path)) {
    if (member.name.ends_with("/data.pkl")) pickle_index = members.size();
    members.emplace_back(member.name, member.data);
  }
  const std::string pickle = members[pickle_index].second;
  std::mt19937_64 random(20240101);
  int loaded = 0, refused = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    std::string edited = pickle;
    for (int edit = 0, edits = 1 + random() % 4; edit < edits && !edited.empty(); ++edit) {
      const size_t at = random() % edited.size();
      switch (random() % 3) {
        case 0: edited[at] = static_cast<char>(random()); break;
        case 1: edited.erase(at, 1 + random() % 8); break;
        case 2: edited.insert(at, edited.substr(random() % edited.size(), random() % 32)); break;
      }
    }
    members[pickle_index].second = edited;
    const std::string archive = zip_bytes(members);
    try {
      parse_torch_checkpoint(reinterpret_cast<const uint8_t*>(archive.data()), archive.size(), "edited.bin");
      ++loaded;
    } catch (const Error& e) {
      ASSERT_NE(std::string(e.what()).find("edited.bin"), std::string::npos) << e.what();
      ++refused;
    }
  }
  EXPECT_EQ(loaded + refused, 1000);
}

}  // namespace
}  // namespace splicebert
