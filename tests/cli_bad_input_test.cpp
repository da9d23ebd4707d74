// Bad input through the CLI: each case is a one-line error naming the file and the problem, exit status 1, and no
// output file left behind. Inputs are damaged copies of the tiny fixture checkpoints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "test_util.hpp"

namespace splicebert {
namespace {

namespace fs = std::filesystem;

struct BadInput : ::testing::Test {
  test::TempDir dir;
  std::string model = dir / "model";
  std::string fasta = dir / "in.fa";
  std::string output = dir / "out.npz";

  void SetUp() override {
    fs::copy(test::fixtures_dir() + "/tiny/checkpoint-multimolecule", model);
    std::ofstream(fasta) << ">r1\nACGUACGUACGUNNACGU\n";
  }
  void write(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

  // Runs embed and checks the contract; `needle` must appear in the message.
  void expect_clean_failure(const std::string& needle, const std::string& args = "") {
    auto r = test::run_cli("embed -q -m " + test::shell_quote(model) + " -i " + test::shell_quote(fasta) + " -o " +
                           test::shell_quote(output) + " " + args);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line expected:\n" << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(output));
    for (const auto& entry : fs::directory_iterator(dir.path))
      EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos) << "temporary left: " << entry.path();
  }
};

TEST_F(BadInput, TruncatedSafetensors) {
  std::string bytes = read_file_text(model + "/model.safetensors");
  write(model + "/model.safetensors", bytes.substr(0, bytes.size() / 2));
  expect_clean_failure("model.safetensors");
}

TEST_F(BadInput, HeaderLengthPastTheEnd) {
  std::string bytes = read_file_text(model + "/model.safetensors");
  bytes[5] = '\x7f';  // the 8-byte little-endian header length now claims terabytes
  write(model + "/model.safetensors", bytes);
  expect_clean_failure("model.safetensors");
}

TEST_F(BadInput, HeaderOffsetsLie) {
  std::string bytes = read_file_text(model + "/model.safetensors");
  // Same-length edit: the first tensor's span now overlaps the second's.
  const std::string from = "\"data_offsets\":[112,240]", to = "\"data_offsets\":[100,240]";
  auto at = bytes.find(from);
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, from.size(), to);
  write(model + "/model.safetensors", bytes);
  expect_clean_failure("model.safetensors");
}

TEST_F(BadInput, PickleNamingAnotherGlobal) {
  fs::remove(model + "/model.safetensors");
  // A protocol-2 pickle that would call os.system('ls') if unpickled by Python.
  const std::string pickle("\x80\x02" "cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.", 31);
  write(model + "/pytorch_model.bin", zip_bytes({{"archive/data.pkl", pickle}, {"archive/version", "3\n"}}));
  expect_clean_failure("os.system");
  expect_clean_failure("pytorch_model.bin");
}

TEST_F(BadInput, ConfigDisagreesWithTensors) {
  std::string config = read_file_text(model + "/config.json");
  config = std::regex_replace(config, std::regex("\"intermediate_size\": [0-9]+"), "\"intermediate_size\": 8");
  write(model + "/config.json", config);
  expect_clean_failure("intermediate.dense.weight");
}

TEST_F(BadInput, VocabularyLacksMask) {
  std::string vocab = read_file_text(model + "/vocab.txt");
  vocab = std::regex_replace(vocab, std::regex("<mask>"), "<masq>");
  write(model + "/vocab.txt", vocab);
  expect_clean_failure("'<mask>'");
  expect_clean_failure("vocab.txt");
}

TEST_F(BadInput, EmptyFasta) {
  write(fasta, "");
  expect_clean_failure("in.fa");
}

TEST_F(BadInput, NotFasta) {
  write(fasta, "chr1\t100\t200\tgene\n");
  expect_clean_failure("in.fa:1");
}

TEST_F(BadInput, ExistingOutputSurvivesAFailedRun) {
  write(output, "precious");
  write(fasta, "");
  auto r = test::run_cli("embed -q -m " + test::shell_quote(model) + " -i " + test::shell_quote(fasta) + " -o " +
                         test::shell_quote(output));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(read_file_text(output), "precious");
}

}  // namespace
}  // namespace splicebert
