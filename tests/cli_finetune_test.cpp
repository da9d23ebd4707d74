// `finetune` and `predict` end to end on a tiny random model (a few steps, -t 1): a sequence head from FASTA + TSV
// labels with stratified folds, and a token head (branchpoint preset) with per-nucleotide labels and folds grouped by
// chromosome, then predictions as TSV, bedGraph and BED6 on genome coordinates.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "test_util.hpp"

namespace splicebert {
namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string random_sequence(std::mt19937& rng, int length) {
  std::string s;
  for (int i = 0; i < length; ++i) s += "ACGT"[rng() % 4];
  return s;
}

struct FinetuneCli : ::testing::Test {
  void SetUp() override {
    ASSERT_EQ(test::run_cli("init -o " + dir / "model" +
                            " --layers 1 --hidden 16 --heads 2 --intermediate 32 --max-positions 130")
                  .status,
              0);
  }
  test::TempDir dir;
};

TEST_F(FinetuneCli, SequenceHeadTrainsSavesAndPredicts) {
  std::mt19937 rng(5);
  {
    std::ofstream fasta(dir / "seqs.fa"), labels(dir / "labels.tsv");
    for (int r = 0; r < 24; ++r) {
      std::string s = random_sequence(rng, 30 + r % 7);
      if (r % 2) s.replace(10, 2, "GT");  // the positive class carries a donor-like GT at a fixed place
      fasta << ">s" << r << "\n" << s << "\n";
      labels << "s" << r << "\t" << r % 2 << "\n";
    }
    std::ofstream config(dir / "config.json");
    config << R"({"model": ")" << dir / "model" << R"(", "output": ")" << dir / "run" << R"(", "fasta": ")"
           << dir / "seqs.fa" << R"(", "labels": ")" << dir / "labels.tsv" << R"(",
      "head": {"type": "sequence", "num_labels": 1},
      "folds": 3, "epochs": 2, "batch_size": 4, "max_steps": 5, "lr": 1e-3, "seeds": [1, 2]})";
  }
  const auto result = test::run_cli("finetune -c " + dir / "config.json" + " -t 1");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.err.find("initialised normal(0, 0.02), bias 0: model.pooler.dense.bias, model.pooler.dense.weight"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("test auroc"), std::string::npos) << result.err;
  // No problem_type in the config: inferred once from every label (SPEC §4), printed and recorded.
  EXPECT_NE(result.err.find("problem_type inferred from all 24 labelled sequences: binary"), std::string::npos)
      << result.err;
  const auto summary = nlohmann::json::parse(std::ifstream(dir / "run/summary.json"));
  EXPECT_EQ(summary["runs"].size(), 2u);
  EXPECT_EQ(summary["test"]["auroc"]["runs"].get<int>(), 2);
  const std::string best = dir / "run/seed1/fold0/best";
  EXPECT_TRUE(std::filesystem::exists(best + "/model.safetensors"));
  const auto config_copy = nlohmann::json::parse(std::ifstream(best + "/finetune_config.json"));
  EXPECT_EQ(config_copy["head"]["problem_type"], "binary");
  EXPECT_TRUE(std::filesystem::exists(best + "/split.tsv"));
  EXPECT_GE(lines_of(dir / "run/train_log.jsonl").size(), 4u);

  const auto predicted = test::run_cli("predict -m " + best + " -i " + dir / "seqs.fa" + " --tsv " +
                                       dir / "scores.tsv" + " -t 1 -q");
  ASSERT_EQ(predicted.status, 0) << predicted.err;
  const auto rows = lines_of(dir / "scores.tsv");
  ASSERT_EQ(rows.size(), 25u);
  EXPECT_EQ(rows[0], "name\tscore0");
  const double score = std::stod(rows[1].substr(rows[1].find('\t') + 1));
  EXPECT_GT(score, 0.0);
  EXPECT_LT(score, 1.0);
  // Without an output option the TSV goes to stdout, the same bytes.
  const auto to_stdout = test::run_cli("predict -m " + best + " -i " + dir / "seqs.fa" + " -t 1 -q");
  ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;
  std::string file_text;
  for (const auto& row : rows) file_text += row + "\n";
  EXPECT_EQ(to_stdout.out, file_text);
}

TEST_F(FinetuneCli, TokenHeadWithPresetGroupedFoldsAndGenomeCoordinates) {
  std::mt19937 rng(9);
  {
    std::ofstream fasta(dir / "windows.fa"), labels(dir / "labels.tsv");
    for (int r = 0; r < 12; ++r) {
      const int length = 40;
      const std::string chrom = "chr" + std::to_string(1 + r % 3);
      const char strand = r % 2 ? '-' : '+';
      fasta << ">w" << r << "::" << chrom << ":" << 1000 * r << "-" << 1000 * r + length << "(" << strand << ")\n"
            << random_sequence(rng, length) << "\n";
      std::string label(length, '0');
      label[20] = '1';
      label[0] = '.';
      labels << "w" << r << "::" << chrom << ":" << 1000 * r << "-" << 1000 * r + length << "(" << strand << ")\t"
             << label << "\n";
    }
    std::ofstream config(dir / "config.json");
    config << R"({"model": ")" << dir / "model" << R"(", "output": ")" << dir / "run" << R"(", "fasta": ")"
           << dir / "windows.fa" << R"(", "labels": ")" << dir / "labels.tsv" << R"(",
      "folds": 3, "epochs": 1, "batch_size": 4, "max_steps": 2, "max_length": 100})";
  }
  const auto result = test::run_cli("finetune --preset branchpoint -c " + dir / "config.json" + " -t 1");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto summary = nlohmann::json::parse(std::ifstream(dir / "run/summary.json"));
  EXPECT_EQ(summary["runs"].size(), 3u);  // the preset's cross-validation: every fold once
  EXPECT_TRUE(summary["test"].contains("auprc"));

  const std::string best = dir / "run/seed1/fold0/best";
  const auto predicted = test::run_cli("predict -m " + best + " -i " + dir / "windows.fa" + " --bedgraph " +
                                       dir / "scores.bedGraph" + " --bed " + dir / "sites.bed" +
                                       " --threshold 0 -t 1 -q");
  ASSERT_EQ(predicted.status, 0) << predicted.err;
  const auto graph = lines_of(dir / "scores.bedGraph");
  ASSERT_EQ(graph.size(), 1u + 12u * 40u);
  EXPECT_EQ(graph[1].substr(0, graph[1].find('\t', 5)), "chr1\t0");  // w0, + strand, first nucleotide
  // w1 is on the minus strand at chr2:1000-1040: genome order starts at 1000 (its last nucleotide).
  EXPECT_EQ(graph[41].substr(0, 15), "chr2\t1000\t1001\t");
  const auto sites = lines_of(dir / "sites.bed");
  ASSERT_EQ(sites.size(), 12u * 40u);  // threshold 0 calls every nucleotide
  EXPECT_EQ(sites[40].substr(0, 20), "chr2\t1000\t1001\tw1::c");
  EXPECT_EQ(sites[40].back(), '-');
}

TEST_F(FinetuneCli, ContactHeadFromPairListsWritesNpz) {
  std::mt19937 rng(13);
  {
    std::ofstream fasta(dir / "rna.fa"), labels(dir / "pairs.tsv");
    for (int r = 0; r < 9; ++r) {
      fasta << ">r" << r << "\n" << random_sequence(rng, 20) << "\n";
      labels << "r" << r << "\t0-5,3-10," << r << "-19\n";
    }
    std::ofstream config(dir / "config.json");
    config << R"({"model": ")" << dir / "model" << R"(", "output": ")" << dir / "run" << R"(", "fasta": ")"
           << dir / "rna.fa" << R"(", "labels": ")" << dir / "pairs.tsv" << R"(",
      "head": {"type": "contact", "num_labels": 1, "problem_type": "binary"}, "monitor": "auprc",
      "folds": 3, "epochs": 1, "batch_size": 4, "max_steps": 2})";
  }
  const auto result = test::run_cli("finetune -c " + dir / "config.json" + " -t 1 -q");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto predicted = test::run_cli("predict -m " + dir / "run/seed1/fold0/best" + " -i " + dir / "rna.fa" +
                                       " --npz " + dir / "contacts.npz" + " -t 1 -q");
  ASSERT_EQ(predicted.status, 0) << predicted.err;
  const auto maps = read_npz(dir / "contacts.npz");
  ASSERT_EQ(maps.size(), 9u);
  EXPECT_EQ(maps.at("r0").shape, (Shape{20, 20, 1}));
  const Tensor map = maps.at("r0").to_float();
  EXPECT_FLOAT_EQ(map.data[1 * 20 + 7], map.data[7 * 20 + 1]);  // symmetric
}

TEST_F(FinetuneCli, TokenHeadFromLabelledWindowShard) {
  std::mt19937 rng(17);
  {
    std::ofstream fasta(dir / "introns.fa"), bed(dir / "bp.bed");
    for (int r = 0; r < 6; ++r) {
      const std::string chrom = "chr" + std::to_string(1 + r % 3);
      const int start = 1000 * (r + 1);
      fasta << ">i" << r << "::" << chrom << ":" << start << "-" << start + 60 << "(+)\n"
            << random_sequence(rng, 60) << "\n";
      bed << chrom << "\t" << start + 30 << "\t" << start + 35 << "\tbp" << r << "\t0,0,1,0,-100\t+\n";
    }
  }
  const auto windows = test::run_cli("windows -q --min-length 1 --max-length 100000 --no-dedup -i human=" +
                                     dir / "introns.fa" + " --branchpoint-labels " + dir / "bp.bed" + " -o " +
                                     dir / "bp");
  ASSERT_EQ(windows.status, 0) << windows.err;
  {
    std::ofstream config(dir / "config.json");
    config << R"({"model": ")" << dir / "model" << R"(", "output": ")" << dir / "run" << R"(", "windows": ")"
           << dir / "bp.train" << R"(", "folds": 3, "epochs": 1, "batch_size": 2, "max_steps": 2,
      "max_length": 100})";
  }
  const auto result = test::run_cli("finetune --preset branchpoint -c " + dir / "config.json" + " -t 1 -q");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto summary = nlohmann::json::parse(std::ifstream(dir / "run/summary.json"));
  EXPECT_EQ(summary["runs"].size(), 3u);
  // Labelled entries: 4 per window (the −100 and everything outside the BED records are ignored).
  EXPECT_EQ(summary["runs"][0]["test"]["count"].get<double>(), 8.0);
}

TEST_F(FinetuneCli, ResumeKeepsFinishedFoldsAndTrainsTheRest) {
  std::mt19937 rng(9);
  {
    std::ofstream fasta(dir / "seqs.fa"), labels(dir / "labels.tsv");
    for (int r = 0; r < 18; ++r) {
      std::string s = random_sequence(rng, 28);
      if (r % 2) s.replace(8, 2, "AG");
      fasta << ">s" << r << "\n" << s << "\n";
      labels << "s" << r << "\t" << r % 2 << "\n";
    }
    std::ofstream config(dir / "config.json");
    config << R"({"model": ")" << dir / "model" << R"(", "output": ")" << dir / "run" << R"(", "fasta": ")"
           << dir / "seqs.fa" << R"(", "labels": ")" << dir / "labels.tsv" << R"(",
      "head": {"type": "sequence", "num_labels": 1}, "cross_validation": true,
      "folds": 3, "epochs": 2, "batch_size": 4, "max_steps": 4, "lr": 1e-3, "seeds": [1, 2]})";
  }
  const auto full = test::run_cli("finetune -q -c " + dir / "config.json" + " -t 1");
  ASSERT_EQ(full.status, 0) << full.err;
  const auto reference = nlohmann::json::parse(std::ifstream(dir / "run/summary.json"));
  ASSERT_EQ(reference["runs"].size(), 6u);
  // As if killed during seed 2: its folds never finished, the summary was never written.
  const std::string kept_weights = dir / "run/seed1/fold2/best/model.safetensors";
  const auto kept_time = std::filesystem::last_write_time(kept_weights);
  for (int fold = 0; fold < 3; ++fold) std::filesystem::remove(dir / ("run/seed2/fold" + std::to_string(fold) + "/result.json"));
  std::filesystem::remove(dir / "run/summary.json");

  const auto resumed = test::run_cli("finetune -c /dev/null --resume " + dir / "run" + " -t 1");
  EXPECT_EQ(resumed.status, 1);  // one of the two, not both
  const auto again = test::run_cli("finetune --resume " + dir / "run" + " -t 1");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.err.find("seed 1 fold 2 finished before"), std::string::npos) << again.err;
  EXPECT_EQ(again.err.find("seed 2 fold 0 finished before"), std::string::npos) << again.err;
  EXPECT_EQ(std::filesystem::last_write_time(kept_weights), kept_time);  // not trained again
  const auto summary = nlohmann::json::parse(std::ifstream(dir / "run/summary.json"));
  EXPECT_EQ(summary["test"], reference["test"]);  // seeded: the retrained folds come out the same
  EXPECT_NE(test::run_cli("finetune --resume " + dir / "nowhere").err.find("finetune_config.json"), std::string::npos);
}

}  // namespace
}  // namespace splicebert
