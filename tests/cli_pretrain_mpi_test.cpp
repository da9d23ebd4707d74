// Data parallelism on loopback: one rank with accumulation 2 and two MPI ranks with accumulation 1 train on the same
// global batches (same micro-batches, same masks and dropout masks), so their loss curves agree to float rounding.
#include <gtest/gtest.h>

#include <cmath>

#include "pretrain_test_helpers.hpp"

namespace splicebert {
namespace {

using test::shell_quote;

TEST(PretrainMpi, OneRankAndTwoRanksGiveTheSameLosses) {
  if (test::run_shell("command -v mpirun").status != 0) GTEST_SKIP() << "mpirun not installed";
  test::TempDir dir;
  test::write_random_fasta(dir / "train.fa", 24, 3);
  test::write_random_fasta(dir / "valid.fa", 4, 4);
  auto config = test::tiny_pretrain_config(dir / "one", dir / "train.fa", dir / "valid.fa");
  config["stages"] = {{{"name", "stage1"}, {"steps", 20}, {"min_length", 20}, {"max_length", 126},
                       {"max_position_embeddings", 128}}};
  config["accumulation"] = 2;
  test::write_json(dir / "one.json", config);
  config["output_dir"] = dir / "two";
  config["accumulation"] = 1;
  test::write_json(dir / "two.json", config);

  const std::string binary = shell_quote(test::binary());
  auto one = test::run_shell(binary + " pretrain -t 1 --config " + shell_quote(dir / "one.json"));
  ASSERT_EQ(one.status, 0) << one.err;
  auto two = test::run_shell("OMPI_MCA_plm=isolated OMPI_MCA_btl_vader_single_copy_mechanism=none "
                             "mpirun --oversubscribe --allow-run-as-root -np 2 " + binary +
                             " pretrain -t 1 --config " + shell_quote(dir / "two.json"));
  if (two.err.find("built without MPI") != std::string::npos) GTEST_SKIP() << "splicebert was built without MPI";
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_NE(two.err.find("2 rank(s)"), std::string::npos) << two.err;
  // The global batch line is the same for both.
  const auto global_batch = [](const std::string& err) { return err.substr(err.find("= ", err.find("global batch"))); };
  EXPECT_EQ(global_batch(one.err).substr(0, 30), global_batch(two.err).substr(0, 30));

  for (const char* type : {"step", "validation"}) {
    const auto a = test::log_values(dir / "one/train_log.jsonl", type, "loss");
    const auto b = test::log_values(dir / "two/train_log.jsonl", type, "loss");
    ASSERT_EQ(a.size(), b.size()) << type;
    ASSERT_FALSE(a.empty());
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
    EXPECT_LE(worst, 1e-5) << type;
    std::cout << type << " losses: " << a.size() << " values, max |1 rank - 2 ranks| = " << worst << "\n";
  }
}

}  // namespace
}  // namespace splicebert
