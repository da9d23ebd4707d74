// embed writes results as records finish: memory stays flat in the number of records (checked under an address-
// space limit that the old whole-output-in-memory embed exceeded: 0.99 GB peak for the 20,000 records here),
// ZIP64 once the archive passes 65,535 members, member keys that cannot escape an unzip folder, and pooled vectors
// as one [N, C] matrix with `names`, optionally L2-normalised, or as TSV / JSON lines on stdout.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "test_util.hpp"

namespace splicebert::test {
namespace {

namespace fs = std::filesystem;

// A 1-layer, 32-wide model: the point is the output's size, not the model's.
const std::string& tiny_model() {
  static TempDir dir;
  static std::string path;
  if (path.empty()) {
    path = dir / "model";
    const CommandResult made =
        run_cli("init -o " + shell_quote(path) + " --layers 1 --hidden 32 --heads 2 --intermediate 64 --max-positions 130");
    EXPECT_EQ(made.status, 0) << made.err;
  }
  return path;
}
constexpr int64_t kHidden = 32;

void write_records(const std::string& path, int count, int length) {
  std::mt19937 random(7);
  std::ofstream out(path);
  for (int i = 0; i < count; ++i) {
    out << ">r" << i << "\n";
    for (int j = 0; j < length; ++j) out << "ACGU"[random() % 4];
    out << "\n";
  }
}

CommandResult embed(const std::string& args) { return run_cli("embed -q -t 1 -m " + shell_quote(tiny_model()) + " " + args); }

// Decodes a '<UN' array of ASCII names.
std::vector<std::string> strings_of(const NpyArray& array) {
  const size_t width = std::stoul(array.descr.substr(2));
  std::vector<std::string> out;
  for (size_t i = 0; i < static_cast<size_t>(array.shape.at(0)); ++i) {
    std::string text;
    for (size_t c = 0; c < width; ++c) {
      const uint8_t low = array.bytes[(i * width + c) * 4];
      if (low) text += static_cast<char>(low);
    }
    out.push_back(text);
  }
  return out;
}

TEST(EmbedStream, TwentyThousandRecordsUnderAMemoryLimit) {
  TempDir dir;
  write_records(dir / "in.fa", 20000, 100);  // 0.26 GB of output
  const CommandResult result =
      run_shell("prlimit --as=600000000 " + shell_quote(binary()) + " embed -q -t 1 -m " + shell_quote(tiny_model()) +
                " -i " + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "out.npz"));
  ASSERT_EQ(result.status, 0) << result.err;
  const auto npz = read_npz(dir / "out.npz");
  EXPECT_EQ(npz.size(), 20001u);  // one array per record and the provenance
  EXPECT_EQ(npz.at("r19999/last_hidden_state").shape, (Shape{100, kHidden}));
}

TEST(EmbedStream, MoreThan65535MembersUseZip64) {
  TempDir dir;
  write_records(dir / "in.fa", 70000, 4);
  const CommandResult result = embed("-i " + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "out.npz") +
                                     " --pool mean");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto npz = read_npz(dir / "out.npz");
  EXPECT_EQ(npz.size(), 2u * 70000 + 3);  // last_hidden_state and pooled per record; pooled, names, provenance
  EXPECT_EQ(npz.at("pooled").shape, (Shape{70000, kHidden}));
  EXPECT_EQ(strings_of(npz.at("names")).back(), "r69999");
}

TEST(EmbedStream, MemberKeysCannotLeaveTheUnzipFolder) {
  TempDir dir;
  std::ofstream(dir / "in.fa") << ">../x\nACGUACGU\n>a/b\nACGU\n>..\nACGU\n>a_b\nACGU\n>.hidden\\y\nACGU\n";
  const CommandResult result = embed("-i " + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "out.npz") +
                                     " --pool cls");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto npz = read_npz(dir / "out.npz");
  for (const char* key : {"___x/last_hidden_state", "a_b/last_hidden_state", "__/last_hidden_state",
                          "a_b~2/last_hidden_state", "_hidden_y/last_hidden_state"})
    EXPECT_TRUE(npz.count(key)) << key;
  for (const auto& [key, array] : npz) EXPECT_EQ(key.find(".."), std::string::npos) << key;
  // The names array keeps the headers as they were.
  EXPECT_EQ(strings_of(npz.at("names")), (std::vector<std::string>{"../x", "a/b", "..", "a_b", ".hidden\\y"}));
}

TEST(EmbedStream, PooledOnlyNormalisedMatrixWithNames) {
  TempDir dir;
  write_records(dir / "in.fa", 5, 70);
  for (const char* pooled_only : {"--no-per-nucleotide", "--layers none"}) {
    const CommandResult result = embed("-i " + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "out.npz") +
                                       " --pool mean --normalize " + pooled_only);
    ASSERT_EQ(result.status, 0) << result.err;
    const auto npz = read_npz(dir / "out.npz");
    EXPECT_EQ(npz.size(), 3u) << pooled_only;  // pooled, names, __provenance__
    const Tensor pooled = npz.at("pooled").to_float();
    ASSERT_EQ(pooled.shape, (Shape{5, kHidden}));
    for (int64_t r = 0; r < 5; ++r) {
      double squares = 0;
      for (int64_t c = 0; c < kHidden; ++c) squares += std::pow(pooled.data[static_cast<size_t>(r * kHidden + c)], 2);
      EXPECT_NEAR(squares, 1.0, 1e-5) << r;
    }
    EXPECT_EQ(strings_of(npz.at("names")), (std::vector<std::string>{"r0", "r1", "r2", "r3", "r4"}));
    const auto& bytes = npz.at("__provenance__").bytes;
    EXPECT_NO_THROW(static_cast<void>(nlohmann::json::parse(std::string(bytes.begin(), bytes.end()))));
  }
  const CommandResult nothing = embed("-i " + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "x.npz") +
                                      " --no-per-nucleotide");
  EXPECT_EQ(nothing.status, 1);
  EXPECT_NE(nothing.err.find("need --pool"), std::string::npos) << nothing.err;
}

TEST(EmbedStream, PooledVectorsAsTsvAndJsonLinesMatchTheNpz) {
  TempDir dir;
  write_records(dir / "in.fa", 4, 80);
  ASSERT_EQ(embed("-i " + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "out.npz") +
                  " --pool max --no-per-nucleotide").status, 0);
  const Tensor pooled = read_npz(dir / "out.npz").at("pooled").to_float();
  const CommandResult tsv = embed("-i " + shell_quote(dir / "in.fa") + " -o - --pool max");
  ASSERT_EQ(tsv.status, 0) << tsv.err;
  std::istringstream lines(tsv.out);
  int64_t r = 0;
  for (std::string line; std::getline(lines, line); ++r) {
    std::istringstream fields(line);
    std::string name;
    std::getline(fields, name, '\t');
    EXPECT_EQ(name, "r" + std::to_string(r));
    for (int64_t c = 0; c < kHidden; ++c) {
      float value = 0;
      fields >> value;
      EXPECT_EQ(value, pooled.data[static_cast<size_t>(r * kHidden + c)]) << r << "," << c;
    }
  }
  EXPECT_EQ(r, 4);
  ASSERT_EQ(embed("-i " + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "out.jsonl") + " --pool max").status,
            0);
  std::ifstream json_lines(dir / "out.jsonl");
  r = 0;
  for (std::string line; std::getline(json_lines, line); ++r) {
    const auto record = nlohmann::json::parse(line);
    EXPECT_EQ(record["name"], "r" + std::to_string(r));
    EXPECT_EQ(record["pooled"][5].get<float>(), pooled.data[static_cast<size_t>(r * kHidden + 5)]);
  }
  EXPECT_EQ(r, 4);
  const CommandResult refused = embed("-i " + shell_quote(dir / "in.fa") + " -o - --pool max --logits");
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("pooled vectors only"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace splicebert::test
