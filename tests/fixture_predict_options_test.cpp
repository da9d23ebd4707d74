// predict refuses an output option that its head does not produce (before, --bedgraph with a sequence head was
// silently ignored), and takes --precision like every verb. Models: the tiny-heads fixture's checkpoints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_util.hpp"

namespace splicebert {
namespace {

using test::run_cli;
using test::shell_quote;

std::string head_model(const std::string& name) {
  return test::fixtures_dir() + "/tiny-heads/" + name + "/checkpoint-multimolecule";
}

TEST(PredictOptions, AnOutputTheHeadDoesNotProduceIsAnError) {
  test::TempDir dir;
  std::ofstream(dir / "in.fa") << ">r1\nACGUACGUACGUACGUACGUACGUACGU\n";
  const std::string base = "predict -q -t 1 -i " + shell_quote(dir / "in.fa");
  auto r = run_cli(base + " -m " + shell_quote(head_model("seq_binary")) + " --bedgraph " +
                   shell_quote(dir / "x.bedgraph"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("splicebert predict: error: --bedgraph does not apply"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sequence head"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.bedgraph"));

  auto token = run_cli(base + " -m " + shell_quote(head_model("token_binary_nonlinear")) + " --tsv " +
                       shell_quote(dir / "x.tsv"));
  EXPECT_EQ(token.status, 1);
  EXPECT_NE(token.err.find("--tsv does not apply"), std::string::npos) << token.err;
}

TEST(PredictOptions, PrecisionIsAccepted) {
  test::TempDir dir;
  std::ofstream(dir / "in.fa") << ">r1\nACGUACGUACGUACGUACGUACGUACGU\n";
  for (const char* precision : {"fp32", "bf16"}) {
    auto r = run_cli("predict -q -t 1 -i " + shell_quote(dir / "in.fa") + " -m " +
                     shell_quote(head_model("seq_binary")) + " --precision " + precision);
    ASSERT_EQ(r.status, 0) << precision << ": " << r.err;
    EXPECT_NE(r.out.find("r1\t"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace splicebert
