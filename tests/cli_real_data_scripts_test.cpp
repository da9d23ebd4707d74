// The real-data fine-tuning scripts of docs/finetuning.md end to end on a tiny random model (MAX_STEPS=1, one seed):
// StatLog (binary and three-class tasks with their baselines), the BPP branchpoint folds and the human chr20 splice
// sites (GRCh37 chr20 from the vt-examples package, which scripts/setup.sh installs). They must prepare the data with
// its checks, fine-tune, score and print their summary tables; the numbers themselves come from real runs
// (docs/finetuning.md). The Mercer pipeline needs chrX from build-data/ (scripts/prepare_pretraining_data.sh) and
// is not run here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace splicebert::test {
namespace {

struct RealDataScripts : ::testing::Test {
  void SetUp() override {
    ASSERT_EQ(run_cli("init -o " + shell_quote(dir / "model") +
                      " --layers 1 --hidden 16 --heads 2 --intermediate 32 --max-positions 258")
                  .status,
              0);
  }
  CommandResult script(const std::string& name, const std::string& arguments) {
    return run_shell("THREADS=1 MAX_STEPS=1 SPLICEBERT_DATA=" + shell_quote(data_dir()) + " " +
                     shell_quote(source_dir() + "/scripts/" + name) + " " + shell_quote(binary()) + " " +
                     shell_quote(dir / "model") + " " + arguments);
  }
  TempDir dir;
};

TEST_F(RealDataScripts, StatLogPreparesFineTunesAndComparesWithBaselines) {
  const auto r = script("statlog_splice_sites.sh", shell_quote(dir / "statlog") + " 1 1e-4 1");
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  EXPECT_NE(r.err.find("3001 distinct sequences, 1 with conflicting classes dropped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("junction: 3000 sequences"), std::string::npos) << r.err;
  for (const char* row : {"| donor | fine-tuned |", "| donor | PWM log-odds |", "| acceptor | PWM log-odds |",
                          "| junction | fine-tuned |", "| junction | naive Bayes", "| junction | one-hot multinomial"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  // The three-class head was trained as such, and its baselines saw the same split.
  const auto config = nlohmann::json::parse(std::ifstream(dir / "statlog/junction-run/seed1/fold0/best/finetune_config.json"));
  EXPECT_EQ(config["head"]["num_labels"], 3);
  EXPECT_EQ(config["head"]["problem_type"], "multiclass");
  const auto baselines = nlohmann::json::parse(std::ifstream(dir / "statlog/junction-run/seed1/baselines.json"));
  EXPECT_EQ(baselines["test_size"], 300);  // fold 0 of 10 over 3,000 sequences
  EXPECT_GT(baselines["naive_bayes"]["test_accuracy"].get<double>(), 0.8);  // position frequencies carry the sites
}

TEST_F(RealDataScripts, BppBranchpointFoldsScoreEveryLabelledNucleotide) {
  const auto r = script("bpp_branchpoints.sh", shell_quote(dir / "bpp") + " 1 1e-4 1");
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("48 intron 3' regions (last 200 nt), 1236 labelled nucleotides, 114 positives"),
            std::string::npos)
      << r.out;
  for (const char* row : {"| fine-tuned model (predict) |", "| nearest A 18-44 nt (1/rank) |", "| is A |"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  for (int fold = 0; fold < 5; ++fold)
    EXPECT_TRUE(std::filesystem::exists(dir / ("bpp/run/seed1/fold" + std::to_string(fold) + "/test_predictions.bedgraph")));
}

TEST_F(RealDataScripts, Chr20SpliceSitesKeepLociApartAndScoreBaselinesOnTheSameSplit) {
  // 60 positives per task (+ 2 negatives each) keep it to seconds; the whole chromosome is still read and checked.
  const auto r = script("chr20_splice_sites.sh", shell_quote(dir / "chr20") + " 1 1e-4 1 200 60");
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  EXPECT_NE(r.err.find("record 20, 63,025,520 nt; 693 genes, 4905 introns"), std::string::npos) << r.err;
  for (const char* row : {"| donor | fine-tuned model |", "| donor | PWM log-odds |", "| donor | k-mer/one-hot logistic |",
                          "| acceptor | fine-tuned model |", "| acceptor | k-mer/one-hot logistic |"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  for (const std::string task : {"donor", "acceptor"}) {
    const auto stats = nlohmann::json::parse(std::ifstream(dir / "chr20/prepare_stats.json"))["tasks"][task];
    EXPECT_EQ(stats["positives"], 60) << task;
    EXPECT_EQ(stats["negatives"], 120) << task;
    // The model and both baselines are scored on one and the same test fold.
    const std::string seed = dir / ("chr20/" + task + "-run/seed1");
    const auto result = nlohmann::json::parse(std::ifstream(seed + "/fold0/result.json"));
    const auto kmer = nlohmann::json::parse(std::ifstream(seed + "/kmer_baseline.json"));
    const auto pwm = nlohmann::json::parse(std::ifstream(seed + "/pwm_baseline.json"));
    EXPECT_EQ(kmer["test_size"], result["test_size"]) << task;
    EXPECT_EQ(pwm["test_size"], result["test_size"]) << task;
    // Grouped by locus: no gene-locus prefix on both sides of the test / train split.
    std::set<std::string> test_loci, train_loci;
    std::ifstream split(seed + "/fold0/best/split.tsv");
    for (std::string line; std::getline(split, line);) {
      const std::string locus = line.substr(0, line.find('|')), set = line.substr(line.find('\t') + 1);
      if (set == "test") test_loci.insert(locus);
      if (set == "train") train_loci.insert(locus);
    }
    ASSERT_FALSE(test_loci.empty()) << task;
    for (const auto& locus : test_loci) EXPECT_EQ(train_loci.count(locus), 0u) << task << " " << locus;
  }
}

}  // namespace
}  // namespace splicebert::test
