// Every safetensors file the fixtures list: its hash matches the manifest, it parses, and writing it back with
// metadata {"format": "pt"} reproduces it byte for byte (so our writer matches transformers' layout exactly).
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

TEST(FixtureSafetensors, ReadAndRewriteReproducesEveryListedFile) {
  int checked = 0;
  for (const std::string fixture : {"tiny", "tiny-heads"}) {
    const nlohmann::json manifest = test::load_manifest(fixture);
    for (const auto& [name, facts] : manifest.at("files").items()) {
      if (!name.ends_with(".safetensors")) continue;
      SCOPED_TRACE(fixture + "/" + name);
      const std::string path = test::fixtures_dir() + "/" + fixture + "/" + name;
      const std::vector<uint8_t> bytes = read_file_bytes(path);
      EXPECT_EQ(bytes.size(), facts.at("bytes").get<size_t>());
      EXPECT_EQ(sha256_file_hex(path), facts.at("sha256").get<std::string>());

      const SafetensorsContents contents = parse_safetensors(bytes.data(), bytes.size(), path);
      EXPECT_FALSE(contents.tensors.empty());
      EXPECT_EQ(contents.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
      const std::string rewritten = safetensors_bytes(contents.tensors, {{"format", "pt"}});
      EXPECT_EQ(sha256_hex(rewritten.data(), rewritten.size()), facts.at("sha256").get<std::string>());

      test::TempDir dir;
      write_safetensors(dir / "copy.safetensors", contents.tensors, {{"format", "pt"}});
      EXPECT_EQ(sha256_file_hex(dir / "copy.safetensors"), facts.at("sha256").get<std::string>());
      ++checked;
    }
  }
  RecordProperty("files_checked", checked);
  EXPECT_GE(checked, 1);
}

}  // namespace
}  // namespace splicebert
