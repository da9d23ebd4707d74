// `finetune` and `predict` end to end on a tiny random model (a few steps, -t 1): a sequence head from FASTA + TSV
// labels with stratified folds, and a token head (branchpoint preset) with per-nucleotide labels and folds grouped by
// chromosome, then predictions as TSV, bedGraph and BED6 on genome coordinates; a given split ("split") and its
// errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "splicebert/io.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines of a predict output after its '#' provenance lines, which must name the tool and the model checksum.
std::vector<std::string> data_lines_of(const std::string& path) {
  std::vector<std::string> lines = lines_of(path), data;
  bool tool = false, checksum = false;
  for (const auto& line : lines) {
    if (line.starts_with("# ")) {
      tool = tool || line.starts_with("# tool: splicebert ");
      checksum = checksum || line.starts_with("# model_sha256: ");
    } else {
      data.push_back(line);
    }
  }
  EXPECT_TRUE(tool && checksum) << path << ": no provenance lines";
  return data;
}

std::map<std::string, std::string> bedgraph_scores(const std::string& path) {  // "chrom:start" -> score text
  std::map<std::string, std::string> scores;
  for (const auto& line : data_lines_of(path)) {
    if (line.starts_with("track")) continue;
    std::istringstream fields(line);
    std::string chrom, start, end, score;
    fields >> chrom >> start >> end >> score;
    scores[chrom + ":" + start] = score;
  }
  return scores;
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
  EXPECT_NE(result.err.find(" over 2 runs"), std::string::npos) << result.err;  // seeds 1 and 2, test fold 0
  // No problem_type in the config: inferred once from every label (docs/model.md, "Task heads"), printed and recorded.
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
  const auto rows = data_lines_of(dir / "scores.tsv");
  ASSERT_EQ(rows.size(), 25u);
  EXPECT_EQ(rows[0], "name\tscore0");
  const double score = std::stod(rows[1].substr(rows[1].find('\t') + 1));
  EXPECT_GT(score, 0.0);
  EXPECT_LT(score, 1.0);
  EXPECT_EQ(predicted.err.find("records"), std::string::npos) << "-q must silence progress: " << predicted.err;
  // Without an output option the TSV goes to stdout, the same bytes; progress (records, nt/s) goes to stderr.
  const auto to_stdout = test::run_cli("predict -m " + best + " -i " + dir / "seqs.fa" + " -t 1");
  ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;
  EXPECT_NE(to_stdout.err.find("predict: " + std::to_string(rows.size() - 1) + " records, "), std::string::npos)
      << to_stdout.err;
  EXPECT_NE(to_stdout.err.find(" nt/s"), std::string::npos) << to_stdout.err;
  // Read from a file, the input is counted first: the first progress line has the fraction done and an ETA.
  EXPECT_NE(to_stdout.err.find("predict: 0 records, 0 nt, 0 nt/s, 0.0 % done, ETA "), std::string::npos)
      << to_stdout.err;
  std::string file_text;
  for (const auto& row : lines_of(dir / "scores.tsv")) file_text += row + "\n";
  const auto without_command = [](const std::string& text) {  // the command lines differ (--tsv FILE)
    std::string kept;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (!line.starts_with("# command: ")) kept += line + "\n";
    return kept;
  };
  EXPECT_EQ(without_command(to_stdout.out), without_command(file_text));
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
  const auto graph = data_lines_of(dir / "scores.bedGraph");
  ASSERT_EQ(graph.size(), 1u + 12u * 40u);
  EXPECT_EQ(graph[1].substr(0, graph[1].find('\t', 5)), "chr1\t0");  // w0, + strand, first nucleotide
  // w1 is on the minus strand at chr2:1000-1040: genome order starts at 1000 (its last nucleotide).
  EXPECT_EQ(graph[41].substr(0, 15), "chr2\t1000\t1001\t");
  const auto sites = data_lines_of(dir / "sites.bed");
  ASSERT_EQ(sites.size(), 12u * 40u);  // threshold 0 calls every nucleotide
  EXPECT_EQ(sites[40].substr(0, 20), "chr2\t1000\t1001\tw1::c");
  EXPECT_EQ(sites[40].back(), '-');
}

TEST_F(FinetuneCli, TokenHeadPredictsLongRecordsAndGenomicRegions) {
  // A token-head checkpoint of the tiny model (128 nt at most), then a 300-nt + strand and a 60-nt − strand region.
  std::mt19937 rng(21);
  {
    std::ofstream fasta(dir / "train.fa"), labels(dir / "labels.tsv");
    for (int r = 0; r < 9; ++r) {
      fasta << ">t" << r << "\n" << random_sequence(rng, 50) << "\n";
      labels << "t" << r << "\t" << std::string(20, '0') << '1' << std::string(29, '0') << "\n";
    }
    std::ofstream config(dir / "config.json");
    config << R"({"model": ")" << dir / "model" << R"(", "output": ")" << dir / "run" << R"(", "fasta": ")"
           << dir / "train.fa" << R"(", "labels": ")" << dir / "labels.tsv" << R"(",
      "head": {"type": "token", "num_labels": 1}, "folds": 3, "epochs": 1, "max_steps": 2, "lr": 1e-2})";
    std::ofstream genome(dir / "genome.fa");
    genome << ">chrA\n" << random_sequence(rng, 1000) << "\n";
    std::ofstream(dir / "regions.bed") << "chrA\t100\t400\tlong\t0\t+\nchrA\t500\t560\tshort\t0\t-\n";
  }
  ASSERT_EQ(test::run_cli("finetune -c " + dir / "config.json" + " -t 1 -q").status, 0);
  const std::string best = dir / "run/seed1/fold0/best";
  const auto genome_run = test::run_cli("predict -m " + best + " -f " + dir / "genome.fa" + " -a " +
                                        dir / "regions.bed" + " -o " + dir / "regions.bedGraph" + " -t 1 -q");
  ASSERT_EQ(genome_run.status, 0) << genome_run.err;
  const auto scores = bedgraph_scores(dir / "regions.bedGraph");
  ASSERT_EQ(scores.size(), 360u);  // one score per nucleotide of both regions, on genome coordinates
  EXPECT_TRUE(scores.count("chrA:100") && scores.count("chrA:399") && scores.count("chrA:500") &&
              scores.count("chrA:559"));

  // The 300-nt region runs as windows of 128 nt every 64 nt (0, 64, 128, 172): nucleotides 0-95 come from the first
  // window and 236-299 from the last, so they equal direct runs of those 128 nt (the same tokens, one window each).
  const auto extract = test::run_cli("extract -f " + dir / "genome.fa" + " -a " + dir / "regions.bed" + " --upper");
  ASSERT_EQ(extract.status, 0) << extract.err;
  const std::string long_sequence = extract.out.substr(extract.out.find('\n') + 1, 300);
  std::ofstream(dir / "pieces.fa") << ">first::chrA:100-228(+)\n" << long_sequence.substr(0, 128) << "\n"
                                   << ">last::chrA:272-400(+)\n" << long_sequence.substr(172) << "\n";
  const auto pieces = test::run_cli("predict -m " + best + " -i " + dir / "pieces.fa" + " -o " +
                                    dir / "pieces.bedGraph" + " -t 1 -q");
  ASSERT_EQ(pieces.status, 0) << pieces.err;
  const auto direct = bedgraph_scores(dir / "pieces.bedGraph");
  const auto at = [](const std::map<std::string, std::string>& m, int i) { return m.at("chrA:" + std::to_string(100 + i)); };
  for (int i = 0; i < 96; ++i) EXPECT_EQ(at(scores, i), at(direct, i)) << i;
  for (int i = 236; i < 300; ++i) EXPECT_EQ(at(scores, i), at(direct, i)) << i;
  // Nucleotides 96-127 are owned by the window at 64 nt, which sees other context than the 128 nt run alone.
  int differing = 0;
  for (int i = 96; i < 128; ++i)
    differing += at(scores, i) != at(direct, i);
  EXPECT_GT(differing, 0);

  // -i and -f are alternatives; -f needs -a.
  EXPECT_EQ(test::run_cli("predict -m " + best + " -f " + dir / "genome.fa" + " -q").status, 1);
  const auto both = test::run_cli("predict -m " + best + " -i " + dir / "pieces.fa" + " -f " + dir / "genome.fa" +
                                  " -a " + dir / "regions.bed" + " -q");
  EXPECT_EQ(both.status, 1);
  EXPECT_NE(both.err.find("either -i FASTA or -f GENOME"), std::string::npos) << both.err;
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
  const auto result = test::run_cli("finetune -c " + dir / "config.json" + " -t 1");
  ASSERT_EQ(result.status, 0) << result.err;
  // One seed, one test fold: the summary gives the value without a spread ("± 0" would claim one).
  EXPECT_NE(result.err.find("finetune test auprc: "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(" (1 run)"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("over 1 runs"), std::string::npos) << result.err;
  const auto predicted = test::run_cli("predict -m " + dir / "run/seed1/fold0/best" + " -i " + dir / "rna.fa" +
                                       " --npz " + dir / "contacts.npz" + " -t 1 -q");
  ASSERT_EQ(predicted.status, 0) << predicted.err;
  const auto maps = read_npz(dir / "contacts.npz");
  ASSERT_EQ(maps.size(), 10u);  // nine records and the provenance text
  EXPECT_TRUE(maps.count("__provenance__"));
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

TEST_F(FinetuneCli, GivenSplitIsUsedAsIsAndBadSplitFilesNameFileAndLine) {
  std::mt19937 rng(21);
  std::map<std::string, std::string> given;
  {
    std::ofstream fasta(dir / "seqs.fa"), labels(dir / "labels.tsv"), split(dir / "split.tsv");
    const char* sets[] = {"train", "train", "validation", "test"};
    for (int r = 0; r < 16; ++r) {
      const std::string name = "g" + std::to_string(r % 5) + "|r" + std::to_string(r);
      std::string label(30, '0');
      label[12] = '1';
      fasta << ">" << name << "\n" << random_sequence(rng, 30) << "\n";
      labels << name << "\t" << label << "\n";
      given[name] = sets[(r * 7) % 4];  // not by prefix, not in file order: only the file decides
    }
    for (auto it = given.rbegin(); it != given.rend(); ++it) split << it->first << "\t" << it->second << "\n";
  }
  auto write_config = [&](const std::string& split_file, const std::string& run) {
    std::ofstream config(dir / "config.json");
    config << R"({"model": ")" << dir / "model" << R"(", "output": ")" << dir / run << R"(", "fasta": ")"
           << dir / "seqs.fa" << R"(", "labels": ")" << dir / "labels.tsv" << R"(", "split": ")" << split_file
           << R"(", "folds": 5, "epochs": 1, "batch_size": 4, "max_steps": 2, "seeds": [1, 2]})";
  };
  write_config(dir / "split.tsv", "run");
  // The branchpoint preset's cross-validation and chromosome groups do not apply with a split.
  const auto result = test::run_cli("finetune --preset branchpoint -c " + dir / "config.json" + " -t 1 -q");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto summary = nlohmann::json::parse(std::ifstream(dir / "run/summary.json"));
  ASSERT_EQ(summary["runs"].size(), 2u);  // one run per seed
  for (const char* seed : {"seed1", "seed2"}) {
    std::map<std::string, std::string> written;
    for (const auto& line : lines_of(dir / ("run/" + std::string(seed) + "/fold0/best/split.tsv")))
      written[line.substr(0, line.find('\t'))] = line.substr(line.find('\t') + 1);
    EXPECT_EQ(written, given) << seed;
  }
  EXPECT_EQ(summary["runs"][0]["test_size"].get<int>(), 4);
  EXPECT_EQ(summary["runs"][0]["validation_size"].get<int>(), 4);
  EXPECT_EQ(summary["runs"][0]["train"].get<int>(), 8);

  auto expect_failure = [&](const std::string& text, const std::string& needle) {
    const std::string bad = dir / "bad_split.tsv";
    std::ofstream(bad) << text;
    write_config(bad, "bad_run");
    const auto r = test::run_cli("finetune --preset branchpoint -c " + dir / "config.json" + " -t 1 -q");
    EXPECT_EQ(r.status, 1) << text;
    EXPECT_NE(r.err.find(bad + needle), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "bad_run")) << "a failed run must leave no output folder: " << text;
  };
  std::string all, without_last;
  for (const auto& [name, set] : given) all += name + "\t" + set + "\n";
  without_last = all.substr(0, all.rfind('\n', all.size() - 2) + 1);
  expect_failure(all + "g9|r99\ttrain\n", ":17: 'g9|r99' is not an example");
  expect_failure("g0|r0\ttrain\ng0|r5\ttraining\n" + all, ":2: set 'training' of 'g0|r5' is not train");
  expect_failure("g0|r0\ttrain\n" + all, ":2: 'g0|r0' is named twice");
  expect_failure(without_last, ": 1 example(s) not in the split");
  expect_failure("g0|r0 train\n", ":1: expected NAME<TAB>train|validation|test");
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

// head.class_weights w tilt the trained softmax to p_w(c) ∝ w_c p(c); calibrate_class_weights saves the head with
// −log w_c added to its output bias, so the saved model's probability of class c is p_w(c) / w_c renormalised.
// Checked here against the same training run saved without it (seeded, one validation: the same weights), and a
// calibrated head taken up again with the same weights (lr 0) comes back unchanged, not calibrated twice.
TEST_F(FinetuneCli, CalibratedClassWeightsDivideTheProbabilitiesByTheWeights) {
  std::mt19937 rng(23);
  {
    std::ofstream fasta(dir / "windows.fa"), labels(dir / "labels.tsv");
    for (int r = 0; r < 12; ++r) {
      fasta << ">w" << r << "\n" << random_sequence(rng, 40) << "\n";
      std::string label(40, '0');
      label[10] = '1', label[30] = '2';
      labels << "w" << r << "\t" << label << "\n";
    }
  }
  const std::vector<double> w = {1, 20, 50};
  auto finetune = [&](const std::string& model, const std::string& out, bool calibrate, double lr) {
    std::ofstream config(dir / (out + ".json"));
    config << R"({"model": ")" << model << R"(", "output": ")" << dir / out << R"(", "fasta": ")"
           << dir / "windows.fa" << R"(", "labels": ")" << dir / "labels.tsv" << R"(",
      "head": {"type": "token", "num_labels": 3, "problem_type": "multiclass", "class_weights": [1, 20, 50]},
      "calibrate_class_weights": )" << (calibrate ? "true" : "false")
           << R"(, "folds": 3, "epochs": 1, "batch_size": 4, "max_steps": 2, "lr": )" << lr << "}";
    config.close();
    const auto result = test::run_cli("finetune -q -t 1 -c " + dir / (out + ".json"));
    EXPECT_EQ(result.status, 0) << result.err;
    return dir / (out + "/seed1/fold0/best");
  };
  const std::string plain = finetune(dir / "model", "plain", false, 1e-3);
  const std::string calibrated = finetune(dir / "model", "calibrated", true, 1e-3);
  auto bias = [](const std::string& model) {
    return read_safetensors(model + "/model.safetensors").tensors.at("token_head.decoder.bias").data;
  };
  const std::vector<float> plain_bias = bias(plain), calibrated_bias = bias(calibrated);
  ASSERT_EQ(calibrated_bias.size(), 3u);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(calibrated_bias[c], plain_bias[c] - std::log(w[c]), 1e-5) << c;

  auto scores = [&](const std::string& model, int label) {
    const std::string out = dir / ("scores" + std::to_string(label) + ".bedGraph");
    const auto r = test::run_cli("predict -q -t 1 -m " + model + " -i " + dir / "windows.fa" + " --class " +
                                 std::to_string(label) + " --bedgraph " + out);
    EXPECT_EQ(r.status, 0) << r.err;
    return bedgraph_scores(out);
  };
  const auto p0 = scores(plain, 0), p1 = scores(plain, 1), p2 = scores(plain, 2);
  const auto q1 = scores(calibrated, 1);
  ASSERT_EQ(q1.size(), 12u * 40u);
  int checked = 0;
  for (const auto& [where, text] : q1) {
    const double a = std::stod(p0.at(where)) / w[0], b = std::stod(p1.at(where)) / w[1],
                 d = std::stod(p2.at(where)) / w[2];
    EXPECT_NEAR(std::stod(text), b / (a + b + d), 2e-4) << where;
    EXPECT_LT(std::stod(text), std::stod(p1.at(where))) << where;  // the weight-20 class loses probability
    ++checked;
  }
  EXPECT_EQ(checked, 12 * 40);

  // lr 0 changes no weight: the head is un-calibrated for training and calibrated once more when saved ...
  const std::vector<float> again = bias(finetune(calibrated, "again", true, 0));
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(again[c], calibrated_bias[c], 1e-5) << c;
  // ... or saved as trained when the new run does not calibrate.
  const std::vector<float> raw = bias(finetune(calibrated, "raw", false, 0));
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(raw[c], plain_bias[c], 1e-5) << c;
  // A damaged record of the calibration fails the run by its file name, before anything is trained.
  std::filesystem::copy(calibrated, dir / "damaged");
  std::ofstream(dir / "damaged/finetune_config.json") << "{\"calibrate_class_weights\": true}";
  std::ofstream(dir / "from_damaged.json") << R"({"model": ")" << dir / "damaged" << R"(", "output": ")"
                                          << dir / "from_damaged_run" << R"(", "fasta": ")" << dir / "windows.fa"
                                          << R"(", "labels": ")" << dir / "labels.tsv" << R"(",
    "head": {"type": "token", "num_labels": 3, "problem_type": "multiclass", "class_weights": [1, 20, 50]},
    "folds": 3, "epochs": 1, "max_steps": 1})";
  const auto damaged = test::run_cli("finetune -q -t 1 -c " + dir / "from_damaged.json");
  EXPECT_EQ(damaged.status, 1);
  EXPECT_NE(damaged.err.find("damaged/finetune_config.json: calibrate_class_weights needs head.class_weights"),
            std::string::npos) << damaged.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "from_damaged_run/seed1"));
  std::ofstream(dir / "unweighted.json") << R"({"model": "m", "output": "o", "windows": "w",
    "head": {"type": "token"}, "calibrate_class_weights": true})";
  const auto rejected = test::run_cli("finetune -q -t 1 -c " + dir / "unweighted.json");
  EXPECT_EQ(rejected.status, 1);
  EXPECT_NE(rejected.err.find("calibrate_class_weights needs head.class_weights"), std::string::npos) << rejected.err;
}

}  // namespace
}  // namespace splicebert
