// Every .npy file the fixtures list: dtype, shape, size and hash as the manifest says, and npy_bytes re-encodes the
// values byte for byte (our writer produces numpy's exact layout).
#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

TEST(FixtureNpy, EveryListedArrayMatchesItsManifestEntryAndReencodesExactly) {
  int checked = 0;
  for (const std::string fixture : {"tiny", "tiny-heads", "base"}) {
    const nlohmann::json manifest = test::load_manifest(fixture);
    for (const auto& [name, facts] : manifest.at("files").items()) {
      if (!name.ends_with(".npy")) continue;
      SCOPED_TRACE(fixture + "/" + name);
      const std::string path = test::fixtures_dir() + "/" + fixture + "/" + name;
      const std::vector<uint8_t> bytes = read_file_bytes(path);
      ASSERT_EQ(bytes.size(), facts.at("bytes").get<size_t>());
      ASSERT_EQ(sha256_hex(bytes.data(), bytes.size()), facts.at("sha256").get<std::string>());

      const NpyArray array = parse_npy(bytes.data(), bytes.size(), path);
      EXPECT_EQ(array.shape, facts.at("shape").get<Shape>());
      const std::string dtype = facts.at("dtype").get<std::string>();
      std::string again;
      if (dtype == "float32") {
        EXPECT_EQ(array.descr, "<f4");
        again = npy_bytes(array.to_float());
      } else {
        ASSERT_EQ(dtype, "int64");
        EXPECT_EQ(array.descr, "<i8");
        again = npy_bytes(array.to_int64());
      }
      EXPECT_EQ(sha256_hex(again.data(), again.size()), facts.at("sha256").get<std::string>());
      ++checked;
    }
  }
  RecordProperty("files_checked", checked);
  EXPECT_GE(checked, 1);
}

}  // namespace
}  // namespace splicebert
