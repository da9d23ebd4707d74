// --shard I/N on score-vcf, embed, ism and predict: the N outputs merged (bcftools concat --no-version for VCF,
// splicebert merge for npz and text) equal the unsharded output but for the provenance line with the command; the
// precompute table and score-vcf --lookup; flat memory on a 100,000-record VCF (docs/scale-out.md).
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "splicebert/io.hpp"
#include "variant_cli_helpers.hpp"

namespace splicebert::test {
namespace {


// The members of an npz, in order, but the provenance (which holds the command line).
std::vector<std::pair<std::string, std::string>> npz_members(const std::string& path) {
  const std::string bytes = read_file_text(path);
  std::vector<std::pair<std::string, std::string>> members;
  for (auto& m : parse_zip(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), path))
    if (m.name != "__provenance__.npy") members.push_back({m.name, m.data});
  return members;
}

std::string shard_list(const TempDir& dir, const std::string& stem, int n, const std::string& ext) {
  std::string list;
  for (int i = 1; i <= n; ++i) list += " " + shell_quote(dir / (stem + std::to_string(i) + "of" + std::to_string(n) + ext));
  return list;
}

// Records on both strands' transcripts of the chr16 test region (+: exons near 62586 and 67418; -: near 3005 and
// 5964), an unscored indel, a REF mismatch and a position outside every transcript, sorted by position.
std::string test_vcf(int records_per_site = 6) {
  std::string vcf = vcf_header();
  for (int64_t site : {3000, 5960, 40000, 62580, 67420}) {
    for (int k = 0; k < records_per_site; ++k) {
      const int64_t pos = site + 3 * k;
      const std::string ref = genome_bases(pos);
      vcf += vcf_line("chr16", pos, "v" + std::to_string(pos), ref, k == 2 ? ref + "A" : std::string(1, other_base(ref[0], 1 + k % 3)));
    }
  }
  return vcf;
}

struct ScaleShards : ::testing::Test {
  TempDir dir;
  // Scores dir/in.vcf whole and in N shards, concatenates the shards with bcftools and compares.
  void expect_shards_concat_to_whole(int n) {
    auto whole = score_vcf("-i " + shell_quote(dir / "in.vcf") + " -o " + shell_quote(dir / "whole.vcf"));
    ASSERT_EQ(whole.status, 0) << whole.err;
    for (int i = 1; i <= n; ++i) {
      auto r = score_vcf("-i " + shell_quote(dir / "in.vcf") + " --shard " + std::to_string(i) + "/" +
                         std::to_string(n) + " -o " + shell_quote(dir / ("s" + std::to_string(i) + "of" + std::to_string(n) + ".vcf")));
      ASSERT_EQ(r.status, 0) << r.err;
    }
    auto concat = run_shell("bcftools concat --no-version -O v -o " + shell_quote(dir / "merged.vcf") +
                            shard_list(dir, "s", n, ".vcf"));
    ASSERT_EQ(concat.status, 0) << concat.err;
    const std::string merged = read_file_text(dir / "merged.vcf"), expected = read_file_text(dir / "whole.vcf");
    EXPECT_EQ(without_command(merged), without_command(expected)) << "N = " << n;
    EXPECT_NE(merged.find("--shard 1/" + std::to_string(n)), std::string::npos);  // the first shard's provenance
    EXPECT_EQ(lines_of(merged).size(), lines_of(read_file_text(dir / "in.vcf")).size());
  }
};

TEST_F(ScaleShards, ScoreVcfShardsConcatToTheUnshardedOutputForOneThreeAndFour) {
  std::ofstream(dir / "in.vcf") << test_vcf();
  for (int n : {1, 3, 4}) expect_shards_concat_to_whole(n);
  // Both strands were scored (the comparison above would pass trivially on unscored records).
  const std::string whole = read_file_text(dir / "whole.vcf");
  EXPECT_NE(whole.find("|+|"), std::string::npos);
  EXPECT_NE(whole.find("|-|"), std::string::npos);
}

TEST_F(ScaleShards, ScoreVcfShardsOfUnevenInputsIncludingEmptyShards) {
  // Two records, four shards: shards 1 and 3 hold no record and still write the header.
  std::string vcf = vcf_header();
  for (int64_t pos : {3005, 62590}) vcf += vcf_line("chr16", pos, ".", genome_bases(pos), std::string(1, other_base(genome_bases(pos)[0])));
  std::ofstream(dir / "in.vcf") << vcf;
  expect_shards_concat_to_whole(4);
  EXPECT_TRUE(lines_of(read_file_text(dir / "s1of4.vcf")).empty());
  EXPECT_EQ(lines_of(read_file_text(dir / "s4of4.vcf")).size(), 1u);
}

TEST_F(ScaleShards, BadShardIsAOneLineErrorAndStdinIsRefused) {
  std::ofstream(dir / "in.vcf") << test_vcf(1);
  for (const char* bad : {"0/3", "4/3", "2", "1/0", "a/b"}) {
    auto r = score_vcf("-i " + shell_quote(dir / "in.vcf") + " --shard " + bad + " -o " + shell_quote(dir / "x.vcf"));
    EXPECT_NE(r.status, 0) << bad;
    EXPECT_NE(r.err.find("--shard"), std::string::npos) << r.err;
  }
  auto piped = score_vcf("--shard 1/2 -o " + shell_quote(dir / "x.vcf"), test_vcf(1));
  EXPECT_NE(piped.status, 0);
  EXPECT_NE(piped.err.find("not standard input"), std::string::npos) << piped.err;
  EXPECT_FALSE(std::ifstream(dir / "x.vcf").good());  // nothing left behind
  // A broken record fails the shard whose block holds it (the run as a whole fails, as unsharded), naming the file.
  std::ofstream(dir / "broken.vcf") << test_vcf(1) << "chr16\tnot-a-number\t.\tA\tG\t.\t.\t.\n";
  auto broken = score_vcf("-i " + shell_quote(dir / "broken.vcf") + " --shard 2/2 -o " + shell_quote(dir / "x.vcf"));
  EXPECT_NE(broken.status, 0);
  EXPECT_NE(broken.err.find("broken.vcf"), std::string::npos) << broken.err;
  EXPECT_FALSE(std::ifstream(dir / "x.vcf").good());
}

std::string random_fasta(int records, uint32_t seed, bool genomic_names) {
  std::mt19937 rng(seed);
  std::string fasta;
  for (int r = 0; r < records; ++r) {
    const int length = 70 + static_cast<int>(rng() % 60);
    std::string s;
    for (int i = 0; i < length; ++i) s += "ACGT"[rng() % 4];
    const int64_t start = 1000 * (r + 1);
    fasta += ">rec" + std::to_string(r) +
             (genomic_names ? "::chr1:" + std::to_string(start) + "-" + std::to_string(start + length) +
                                  (r % 2 ? "(-)" : "(+)")
                            : "") +
             "\n" + s + "\n";
  }
  return fasta;
}

TEST_F(ScaleShards, EmbedShardsMergeToTheUnshardedNpzAndTsv) {
  std::ofstream(dir / "in.fa") << random_fasta(7, 3, false);
  const std::string base = "embed -q -t 1 -m " + shell_quote(small_model()) + " -i " + shell_quote(dir / "in.fa");
  ASSERT_EQ(run_cli(base + " --pool mean -o " + shell_quote(dir / "whole.npz")).status, 0);
  ASSERT_EQ(run_cli(base + " --pool mean -o " + shell_quote(dir / "whole.tsv")).status, 0);
  for (int n : {1, 3, 4, 9}) {  // 9 > 7 records: two shards are empty
    for (const std::string ext : {".npz", ".tsv"}) {
      for (int i = 1; i <= n; ++i) {
        auto r = run_cli(base + " --pool mean --shard " + std::to_string(i) + "/" + std::to_string(n) + " -o " +
                         shell_quote(dir / ("e" + std::to_string(i) + "of" + std::to_string(n) + ext)));
        ASSERT_EQ(r.status, 0) << r.err;
      }
      auto merged = run_cli("merge -o " + shell_quote(dir / ("merged" + ext)) + shard_list(dir, "e", n, ext));
      ASSERT_EQ(merged.status, 0) << merged.err;
    }
    const auto members = npz_members(dir / "merged.npz");
    EXPECT_EQ(members, npz_members(dir / "whole.npz")) << "N = " << n;
    EXPECT_EQ(members.size(), 7u * 2u + 2u);  // last_hidden_state and pooled per record; pooled and names
    EXPECT_EQ(read_file_text(dir / "merged.tsv"), read_file_text(dir / "whole.tsv")) << "N = " << n;
  }
  auto refused = run_cli(base + " --shard 1/2 -o " + shell_quote(dir / "x.safetensors"));
  EXPECT_NE(refused.status, 0);
}

TEST_F(ScaleShards, IsmShardsMergeOnBothStrandsToTheUnshardedNpzAndBedGraph) {
  std::ofstream(dir / "in.fa") << random_fasta(5, 9, true);  // + and - strand records on genome coordinates
  const std::string base = "ism -q -t 1 -m " + shell_quote(small_model()) + " -i " + shell_quote(dir / "in.fa");
  ASSERT_EQ(run_cli(base + " -o " + shell_quote(dir / "whole.npz") + " --bedgraph " + shell_quote(dir / "whole.bedGraph")).status, 0);
  for (int n : {3, 4}) {
    for (int i = 1; i <= n; ++i) {
      const std::string stem = std::to_string(i) + "of" + std::to_string(n);
      auto r = run_cli(base + " --shard " + std::to_string(i) + "/" + std::to_string(n) + " -o " +
                       shell_quote(dir / ("i" + stem + ".npz")) + " --bedgraph " + shell_quote(dir / ("i" + stem + ".bedGraph")));
      ASSERT_EQ(r.status, 0) << r.err;
    }
    ASSERT_EQ(run_cli("merge -o " + shell_quote(dir / "m.npz") + shard_list(dir, "i", n, ".npz")).status, 0);
    ASSERT_EQ(run_cli("merge -o " + shell_quote(dir / "m.bedGraph") + shard_list(dir, "i", n, ".bedGraph")).status, 0);
    EXPECT_EQ(npz_members(dir / "m.npz"), npz_members(dir / "whole.npz")) << "N = " << n;
    EXPECT_EQ(without_command(read_file_text(dir / "m.bedGraph")), without_command(read_file_text(dir / "whole.bedGraph")));
  }
  EXPECT_EQ(npz_members(dir / "whole.npz").size(), 5u);
}

TEST_F(ScaleShards, PredictShardsMergeOnBothStrandsOfGenomicRegions) {
  // A token head on a tiny model (two fine-tuning steps), then six regions on both strands of a random genome.
  ASSERT_EQ(run_cli("init -o " + dir / "model" + " --layers 1 --hidden 16 --heads 2 --intermediate 32 --max-positions 130").status, 0);
  std::mt19937 rng(4);
  {
    std::ofstream fasta(dir / "train.fa"), labels(dir / "labels.tsv");
    for (int r = 0; r < 6; ++r) {
      std::string s;
      for (int i = 0; i < 50; ++i) s += "ACGT"[rng() % 4];
      fasta << ">t" << r << "\n" << s << "\n";
      labels << "t" << r << "\t" << std::string(20, '0') << '1' << std::string(29, '0') << "\n";
    }
    std::ofstream(dir / "config.json") << R"({"model": ")" << dir / "model" << R"(", "output": ")" << dir / "run"
        << R"(", "fasta": ")" << dir / "train.fa" << R"(", "labels": ")" << dir / "labels.tsv" << R"(",
      "head": {"type": "token", "num_labels": 1}, "folds": 3, "epochs": 1, "max_steps": 2, "lr": 1e-2})";
    std::string genome;
    for (int i = 0; i < 3000; ++i) genome += "ACGT"[rng() % 4];
    std::ofstream(dir / "genome.fa") << ">chrA\n" << genome << "\n";
    std::ofstream bed(dir / "regions.bed");
    for (int r = 0; r < 6; ++r) bed << "chrA\t" << 100 + 400 * r << "\t" << 180 + 400 * r + 30 * r << "\tr" << r << "\t0\t" << (r % 2 ? '-' : '+') << "\n";
  }
  ASSERT_EQ(run_cli("finetune -c " + dir / "config.json" + " -t 1 -q").status, 0);
  const std::string base = "predict -q -t 1 -m " + dir / "run/seed1/fold0/best" + " -f " + dir / "genome.fa" +
                           " -a " + dir / "regions.bed" + " --threshold 0";
  ASSERT_EQ(run_cli(base + " -o " + dir / "whole.bedGraph" + " --bed " + dir / "whole.bed").status, 0);
  for (int n : {1, 3, 4}) {
    for (int i = 1; i <= n; ++i) {
      const std::string stem = std::to_string(i) + "of" + std::to_string(n);
      auto r = run_cli(base + " --shard " + std::to_string(i) + "/" + std::to_string(n) + " -o " +
                       dir / ("p" + stem + ".bedGraph") + " --bed " + dir / ("p" + stem + ".bed"));
      ASSERT_EQ(r.status, 0) << r.err;
    }
    for (const std::string ext : {".bedGraph", ".bed"}) {
      ASSERT_EQ(run_cli("merge -o " + dir / ("m" + ext) + shard_list(dir, "p", n, ext)).status, 0);
      EXPECT_EQ(without_command(read_file_text(dir / ("m" + ext))), without_command(read_file_text(dir / ("whole" + ext))))
          << ext << " N = " << n;
    }
  }
  EXPECT_NE(read_file_text(dir / "whole.bed").find("\t-\n"), std::string::npos);  // both strands present
  EXPECT_NE(read_file_text(dir / "whole.bed").find("\t+\n"), std::string::npos);
}

TEST_F(ScaleShards, MergeRefusesVcfAndPointsToBcftools) {
  std::ofstream(dir / "a.vcf") << vcf_header();
  auto r = run_cli("merge -o " + dir / "m.vcf" + " " + dir / "a.vcf");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("bcftools concat --no-version"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace splicebert::test
