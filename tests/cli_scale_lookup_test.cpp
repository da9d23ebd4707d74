// precompute + score-vcf --lookup give the bytes of computing everything; a table of other parameters is refused;
// score-vcf's memory stays flat from 1,000 to 100,000 records (docs/scale-out.md).
#include <gtest/gtest.h>

#include <fstream>

#include "splicebert/io.hpp"
#include "variant_cli_helpers.hpp"

namespace splicebert::test {
namespace {


std::string common_args() {
  return "-t 1 -m " + shell_quote(small_model()) + " -f " + shell_quote(genome_fasta()) + " -a " +
         shell_quote(genome_gtf());
}

struct ScaleLookup : ::testing::Test {
  static void SetUpTestSuite() {
    // Positions around a + strand exon start (62586) and inside a - strand exon (3005-3172): 50 + 25 positions.
    std::ofstream(dir() / "regions.bed") << "chr16\t2990\t3015\nchr16\t62560\t62610\n";
    auto r = run_cli("precompute -q " + common_args() + " -R " + shell_quote(dir() / "regions.bed") + " -o " +
                     shell_quote(table()));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static TempDir& dir() {
    static TempDir d;
    return d;
  }
  static std::string table() { return dir() / "table.vcf.gz"; }
};

TEST_F(ScaleLookup, TableHoldsThreeSnvsPerPositionWithTheModelAndParametersInItsHeader) {
  auto view = run_shell("bcftools view -H " + shell_quote(table()) + " | wc -l");
  EXPECT_EQ(std::stoi(view.out), 3 * 75);
  const std::string header = run_shell("bcftools view -h " + shell_quote(table())).out;
  EXPECT_NE(header.find("##SpliceBERT_table=model_sha256=" + sha256_file_hex(small_model() + "/model.safetensors") +
                        ";annotation_sha256=" + sha256_file_hex(genome_gtf()) +
                        ";window=512;center=variant;context_radius=100;max_kl_window=50;masked_dp=1;precision=f32"),
            std::string::npos)
      << header;
  // The tabix index answers a region query.
  auto query = run_shell("tabix " + shell_quote(table()) + " chr16:62586-62586");
  EXPECT_EQ(lines_of(query.out).size(), 3u);
}

TEST_F(ScaleLookup, LookupGivesTheBytesOfComputingEverythingAndCountsHits) {
  // In the table: SNVs (one multi-allelic, one in lower case); not in it: an SNV elsewhere, an indel, a REF
  // mismatch inside the regions.
  std::string vcf = vcf_header();
  auto snv = [&](int64_t pos, std::string alt) { vcf += vcf_line("chr16", pos, ".", genome_bases(pos), alt); };
  snv(2995, std::string(1, other_base(genome_bases(2995)[0])));
  snv(3001, std::string(1, other_base(genome_bases(3001)[0], 1)) + "," + other_base(genome_bases(3001)[0], 2));
  vcf += vcf_line("chr16", 3010, ".", genome_bases(3010), genome_bases(3010) + "T");
  vcf += vcf_line("chr16", 62570, ".", std::string(1, other_base(genome_bases(62570)[0])), "A");
  snv(62586, std::string(1, other_base(genome_bases(62586)[0], 3)));
  vcf += vcf_line("chr16", 62600, ".", std::string(1, static_cast<char>(std::tolower(genome_bases(62600)[0]))),
                  std::string(1, static_cast<char>(std::tolower(other_base(genome_bases(62600)[0])))));
  snv(67420, std::string(1, other_base(genome_bases(67420)[0])));
  TempDir run;
  std::ofstream(run / "in.vcf") << vcf;
  auto plain = run_cli("score-vcf -q " + common_args() + " -i " + shell_quote(run / "in.vcf") + " -o " +
                       shell_quote(run / "plain.vcf"));
  ASSERT_EQ(plain.status, 0) << plain.err;
  auto looked = run_cli("score-vcf " + common_args() + " --lookup " + shell_quote(table()) + " -i " +
                        shell_quote(run / "in.vcf") + " -o " + shell_quote(run / "looked.vcf"));
  ASSERT_EQ(looked.status, 0) << looked.err;
  EXPECT_EQ(without_command(read_file_text(run / "looked.vcf")), without_command(read_file_text(run / "plain.vcf")));
  // Four records come from the table; the SNV at 67420 is computed (indel and mismatch have nothing to score).
  EXPECT_NE(looked.err.find("lookup table: 4 records found, 1 computed"), std::string::npos) << looked.err;
  EXPECT_NE(read_file_text(run / "plain.vcf").find("|-|"), std::string::npos);  // both strands were scored
  EXPECT_NE(read_file_text(run / "plain.vcf").find("|+|"), std::string::npos);
}

TEST_F(ScaleLookup, TableOfOtherParametersIsRefusedWithTheDifference) {
  TempDir run;
  std::ofstream(run / "in.vcf") << vcf_header() << vcf_line("chr16", 2995, ".", genome_bases(2995), "A");
  auto r = run_cli("score-vcf -q " + common_args() + " --max-kl-window 40 --lookup " + shell_quote(table()) +
                   " -i " + shell_quote(run / "in.vcf") + " -o " + shell_quote(run / "out.vcf"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("max_kl_window=50, this run max_kl_window=40"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(run / "out.vcf").good());
  auto no_index = run_cli("score-vcf -q " + common_args() + " --lookup " + shell_quote(run / "in.vcf") + " -i " +
                          shell_quote(run / "in.vcf") + " -o " + shell_quote(run / "out.vcf"));
  EXPECT_NE(no_index.status, 0);
  EXPECT_NE(no_index.err.find("no tabix index"), std::string::npos) << no_index.err;
}

TEST_F(ScaleLookup, PrecomputeShardsConcatToTheWholeTable) {
  // 75 positions in 4 blocks (18, 19, 19, 19): the second block crosses from the first region into the second.
  TempDir run;
  std::string shards;
  for (int i = 1; i <= 4; ++i) {
    const std::string part = run / ("t" + std::to_string(i) + ".vcf.gz");
    auto r = run_cli("precompute -q " + common_args() + " -R " + shell_quote(dir() / "regions.bed") + " --shard " +
                     std::to_string(i) + "/4 -o " + shell_quote(part));
    ASSERT_EQ(r.status, 0) << r.err;
    shards += " " + shell_quote(part);
  }
  auto concat = run_shell("bcftools concat --no-version -O z -o " + shell_quote(run / "table.vcf.gz") + shards +
                          " && tabix -p vcf " + shell_quote(run / "table.vcf.gz"));
  ASSERT_EQ(concat.status, 0) << concat.err;
  auto view = [](const std::string& path) {
    return without_command(run_shell("bcftools view --no-version " + shell_quote(path)).out);
  };
  EXPECT_TRUE(view(run / "table.vcf.gz") == view(table())) << "the concatenated table differs from the whole one";
  EXPECT_EQ(lines_of(view(table())).size(), 3u * 75u);
  // The concatenated table serves lookups as the whole one does.
  std::ofstream(run / "in.vcf") << vcf_header() << vcf_line("chr16", 3001, ".", genome_bases(3001), "A,C,G,T");
  auto plain = run_cli("score-vcf -q " + common_args() + " -i " + shell_quote(run / "in.vcf") + " -o " +
                       shell_quote(run / "plain.vcf"));
  auto looked = run_cli("score-vcf " + common_args() + " --lookup " + shell_quote(run / "table.vcf.gz") + " -i " +
                        shell_quote(run / "in.vcf") + " -o " + shell_quote(run / "looked.vcf"));
  ASSERT_EQ(plain.status, 0) << plain.err;
  ASSERT_EQ(looked.status, 0) << looked.err;
  EXPECT_NE(looked.err.find("lookup table: 1 records found, 0 computed"), std::string::npos) << looked.err;
  EXPECT_EQ(without_command(read_file_text(run / "looked.vcf")), without_command(read_file_text(run / "plain.vcf")));
}

// Peak RSS of score-vcf on N records that plan, annotate and write but need no forward (a contig the reference
// lacks): the reader, scorer and writer stream, so 100,000 records cost no more memory than 1,000.
int64_t peak_rss_kb(const TempDir& run, int records) {
  {
    std::ofstream vcf(run / "big.vcf");
    vcf << vcf_header();
    for (int i = 0; i < records; ++i) vcf << vcf_line("chrUn", 1000 + i, ".", "A", "G");
  }
  auto r = run_shell("/usr/bin/time -f 'RSS %M' " + shell_quote(binary()) + " score-vcf -q " + common_args() +
                     " -i " + shell_quote(run / "big.vcf") + " -o " + shell_quote(run / "big.out.vcf") + " 2>&1 >/dev/null | tail -1");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(lines_of(read_file_text(run / "big.out.vcf")).size(), static_cast<size_t>(records));
  return r.out.starts_with("RSS ") ? std::stoll(r.out.substr(4)) : -1;
}

TEST(ScaleStreaming, PeakRssStaysFlatFromOneThousandToOneHundredThousandRecords) {
  TempDir run;
  const int64_t small = peak_rss_kb(run, 1000), large = peak_rss_kb(run, 100000);
  ASSERT_GT(small, 0);
  EXPECT_LT(large, small + 16 * 1024) << "1,000 records: " << small << " kB, 100,000: " << large << " kB";
}

}  // namespace
}  // namespace splicebert::test
