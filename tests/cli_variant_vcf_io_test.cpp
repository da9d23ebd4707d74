// score-vcf input and output handling: VCF / bgzip VCF / BCF out (-O and by extension), stdin to stdout, BCF in,
// -r / -R regions, a VCF without ##contig lines, re-annotating its own output, --center exon; and broken input: a
// malformed line, header or POS stops the run with exit 1, a message naming the record and no output file left.
#include <gtest/gtest.h>

#include <filesystem>

#include "variant_cli_helpers.hpp"

namespace splicebert::test {
namespace {

std::string small_vcf() {
  std::string text = vcf_header();
  for (int64_t pos : {3000, 47600, 47700, 82000}) {
    const char base = genome_bases(pos)[0];
    text += vcf_line("chr16", pos, "v" + std::to_string(pos), std::string(1, base), std::string(1, other_base(base)));
  }
  return text;
}

size_t records_in(const std::string& path) {
  auto view = run_shell("bcftools view -H " + shell_quote(path));
  EXPECT_EQ(view.status, 0) << view.err;
  return lines_of(view.out).size();
}

size_t files_in(const std::string& dir) {
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(ScoreVcfIo, EveryOutputTypeParses) {
  TempDir dir;
  std::ofstream(dir / "in.vcf") << small_vcf();
  for (const std::string& args : {std::string("-O z -o ") + shell_quote(dir / "a.vcf.gz"),
                                  std::string("-O b -o ") + shell_quote(dir / "a.bcf"),
                                  std::string("-O u -o ") + shell_quote(dir / "u.bcf"),
                                  std::string("-o ") + shell_quote(dir / "b.bcf"),       // by extension
                                  std::string("-o ") + shell_quote(dir / "b.vcf.gz")}) {  // by extension
    auto r = score_vcf("-i " + shell_quote(dir / "in.vcf") + " " + args);
    ASSERT_EQ(r.status, 0) << args << ": " << r.err;
  }
  for (const char* name : {"a.vcf.gz", "a.bcf", "u.bcf", "b.bcf", "b.vcf.gz"}) EXPECT_EQ(records_in(dir / name), 4u);
  EXPECT_EQ(run_shell("gzip -t " + shell_quote(dir / "b.vcf.gz")).status, 0);
  EXPECT_EQ(run_shell("gzip -dc " + shell_quote(dir / "b.bcf") + " | head -c 3").out, "BCF");
}

TEST(ScoreVcfIo, StdinToStdoutAndBcfInput) {
  TempDir dir;
  auto r = score_vcf("", small_vcf());  // -i and -o default to - (stdin, stdout)
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 4u);
  EXPECT_NE(r.out.find("SpliceBERT="), std::string::npos);
  std::ofstream(dir / "in.vcf") << small_vcf();
  ASSERT_EQ(run_shell("bcftools view -Ob -o " + shell_quote(dir / "in.bcf") + " " + shell_quote(dir / "in.vcf")).status,
            0);
  auto from_bcf = score_vcf("-i " + shell_quote(dir / "in.bcf"));
  ASSERT_EQ(from_bcf.status, 0) << from_bcf.err;
  EXPECT_EQ(lines_of(from_bcf.out), lines_of(r.out)) << "BCF input gives the same records";
}

TEST(ScoreVcfIo, RegionsKeepOnlyTheirRecords) {
  TempDir dir;
  std::ofstream(dir / "in.vcf") << small_vcf();
  auto r = score_vcf("-i " + shell_quote(dir / "in.vcf") + " -r chr16:47000-48000 -r 16:81999-82001");
  ASSERT_EQ(r.status, 0) << r.err;
  auto records = lines_of(r.out);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(columns_of(records[0])[1], "47600");
  EXPECT_EQ(columns_of(records[2])[1], "82000");
  std::ofstream(dir / "regions.bed") << "chr16\t2999\t3000\n";
  r = score_vcf("-i " + shell_quote(dir / "in.vcf") + " -R " + shell_quote(dir / "regions.bed"));
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(lines_of(r.out).size(), 1u);
  EXPECT_EQ(columns_of(lines_of(r.out)[0])[1], "3000");
}

TEST(ScoreVcfIo, ContigsMissingFromTheHeaderAndBcfOutput) {
  TempDir dir;
  const char base = genome_bases(47600)[0];
  std::ofstream(dir / "in.vcf") << "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                                << "chr16\t47600\t.\t" << base << "\t" << other_base(base) << "\t.\t.\t.\n";
  auto r = score_vcf("-i " + shell_quote(dir / "in.vcf") + " -o " + shell_quote(dir / "out.bcf"));
  ASSERT_EQ(r.status, 0) << r.err;  // the first chunk is read before the header is written
  EXPECT_EQ(records_in(dir / "out.bcf"), 1u);
}

TEST(ScoreVcfIo, ItsOwnOutputCanBeScoredAgain) {
  TempDir dir;
  std::ofstream(dir / "in.vcf") << small_vcf();
  ASSERT_EQ(score_vcf("-i " + shell_quote(dir / "in.vcf") + " -o " + shell_quote(dir / "once.vcf")).status, 0);
  auto twice = score_vcf("-i " + shell_quote(dir / "once.vcf"));
  ASSERT_EQ(twice.status, 0) << twice.err;
  size_t definitions = 0;
  for (size_t at = 0; (at = twice.out.find("##INFO=<ID=SpliceBERT,", at)) != std::string::npos; ++at) ++definitions;
  EXPECT_EQ(definitions, 1u);
  const std::string once = read_file_text(dir / "once.vcf");
  EXPECT_EQ(lines_of(twice.out), lines_of(once)) << "the values are replaced, not appended";
}

TEST(ScoreVcfIo, ExonCentredWindows) {
  TempDir dir;
  std::ofstream(dir / "in.vcf") << small_vcf();
  auto r = score_vcf("--center exon -i " + shell_quote(dir / "in.vcf") + " -o " + shell_quote(dir / "exon.vcf"));
  ASSERT_EQ(r.status, 0) << r.err;
  auto split = run_shell("bcftools +split-vep -a SpliceBERT -d -f '%POS\\t%context_KL\\n' " +
                         shell_quote(dir / "exon.vcf"));
  ASSERT_EQ(split.status, 0) << split.err;
  EXPECT_FALSE(lines_of(split.out, false).empty());
  EXPECT_NE(read_file_text(dir / "exon.vcf").find("centred on the exon"), std::string::npos);
}

TEST(ScoreVcfIo, BrokenLinesStopWithTheRecordNamedAndNoOutput) {
  TempDir dir;
  const std::string good = small_vcf();
  const std::string broken_lines[] = {"chr16\t47650\t.\tA\n",                   // too few columns
                                      "chr16\tabc\t.\tA\tG\t.\t.\t.\tGT\t0/1\n",  // POS not a number
                                      " chr16\t47650\t.\tA\tG\t.\t.\t.\tGT\t0/1\n"};
  for (const std::string& broken : broken_lines) {
    std::ofstream(dir / "in.vcf") << good << broken << vcf_line("chr16", 90000, ".", genome_bases(90000), "A");
    auto r = score_vcf("--chunk 2 -i " + shell_quote(dir / "in.vcf") + " -o " + shell_quote(dir / "out.vcf"));
    EXPECT_EQ(r.status, 1) << broken;
    EXPECT_NE(r.err.find("record 5"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("after chr16:82000"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "out.vcf"));
    EXPECT_EQ(files_in(dir.path), 1u) << "no temporary file left";
  }
}

TEST(ScoreVcfIo, BrokenHeaderStops) {
  TempDir dir;
  std::ofstream(dir / "in.vcf") << "##fileformat=VCFv4.2\nchr16\t100\t.\tA\tG\t.\t.\t.\n";
  auto r = score_vcf("-i " + shell_quote(dir / "in.vcf") + " -o " + shell_quote(dir / "out.vcf"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("header"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.vcf"));
  r = score_vcf("-i " + shell_quote(dir / "missing.vcf"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("missing.vcf"), std::string::npos) << r.err;
}

TEST(ScoreVcfIo, PerRecordProblemsAreWarningsNamingTheRecord) {
  const char base = genome_bases(47700)[0];
  auto r = run_cli("score-vcf -t 1 -m " + shell_quote(small_model()) + " -f " + shell_quote(genome_fasta()) +
                       " -a " + shell_quote(genome_gtf()),
                   vcf_header() + vcf_line("chr16", 47700, "bad", std::string(1, other_base(base)), "A") +
                       vcf_line("chrUn", 5, "unknown", "A", "G"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("record 1 (chr16:47700"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the reference has " + std::string(1, base)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("record 2 (chrUn:5"), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 2u);
}

}  // namespace
}  // namespace splicebert::test
