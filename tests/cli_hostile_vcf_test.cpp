// score-vcf on inputs that used to give silently wrong or partial output: a bgzip VCF cut exactly at a block
// boundary (it read as a shorter valid file and exited 0), and an annotation record past its contig's end (extract
// refused it, score-vcf used it). Both must stop with exit 1, a message naming the problem, and no output left.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "variant_cli_helpers.hpp"

namespace splicebert::test {
namespace {

namespace fs = std::filesystem;

// Header plus `count` records, all outside the -r region the tests pass, so nothing is scored.
std::string many_records(int count) {
  std::string text = vcf_header();
  for (int i = 0; i < count; ++i) text += vcf_line("chr16", 100000 + i, ".", "A", "G");
  return text;
}

TEST(HostileVcf, BgzipCutAtABlockBoundaryIsAnError) {
  TempDir dir;
  std::ofstream(dir / "in.vcf") << many_records(5000);
  ASSERT_EQ(run_shell("bgzip -f " + shell_quote(dir / "in.vcf")).status, 0);
  // Whole lines, then the file ends where a block ends: drop bgzip's 28-byte empty end-of-file block.
  const auto size = fs::file_size(dir / "in.vcf.gz");
  fs::copy_file(dir / "in.vcf.gz", dir / "cut.vcf.gz");
  fs::resize_file(dir / "cut.vcf.gz", size - 28);

  const CommandResult whole = score_vcf("-r chr16:1-2 -i " + shell_quote(dir / "in.vcf.gz") + " -o " +
                                        shell_quote(dir / "whole.vcf"));
  EXPECT_EQ(whole.status, 0) << whole.err;
  const CommandResult cut = score_vcf("-r chr16:1-2 -i " + shell_quote(dir / "cut.vcf.gz") + " -o " +
                                      shell_quote(dir / "cut.vcf"));
  EXPECT_EQ(cut.status, 1);
  EXPECT_NE(cut.err.find("cut.vcf.gz: ends without the bgzip end-of-file block (the file is truncated)"),
            std::string::npos) << cut.err;
  EXPECT_FALSE(fs::exists(dir / "cut.vcf"));
  // The same through stdin.
  const CommandResult piped =
      run_shell("cat " + shell_quote(dir / "cut.vcf.gz") + " | " + shell_quote(binary()) + " score-vcf -q -t 1 -m " +
                shell_quote(small_model()) + " -f " + shell_quote(genome_fasta()) + " -a " +
                shell_quote(genome_gtf()) + " -r chr16:1-2 -i - -o " + shell_quote(dir / "piped.vcf"));
  EXPECT_EQ(piped.status, 1);
  EXPECT_NE(piped.err.find("stdin: ends without the bgzip end-of-file block"), std::string::npos) << piped.err;
}

TEST(HostileVcf, AnnotationPastTheContigEndIsRefusedLikeExtractDoes) {
  TempDir dir;
  // chr16 of the test genome has 210,155 nt; the second transcript's last exon runs past it.
  std::ofstream(dir / "ann.gtf")
      << "chr16\tt\texon\t47583\t47894\t.\t+\t.\tgene_id \"g\"; transcript_id \"a\";\n"
      << "chr16\tt\texon\t200001\t200100\t.\t+\t.\tgene_id \"h\"; transcript_id \"b\";\n"
      << "chr16\tt\texon\t210001\t210200\t.\t+\t.\tgene_id \"h\"; transcript_id \"b\";\n";
  std::ofstream(dir / "in.vcf") << many_records(3);
  const CommandResult scored =
      run_cli("score-vcf -q -t 1 -m " + shell_quote(small_model()) + " -f " + shell_quote(genome_fasta()) + " -a " +
              shell_quote(dir / "ann.gtf") + " -i " + shell_quote(dir / "in.vcf") + " -o " + shell_quote(dir / "o.vcf"));
  EXPECT_EQ(scored.status, 1);
  const std::string rule = "'b' chr16:200000-210200 is past the end of chr16 (length 210155)";
  EXPECT_NE(scored.err.find("ann.gtf:3: " + rule), std::string::npos) << scored.err;
  EXPECT_FALSE(fs::exists(dir / "o.vcf"));
  const CommandResult extracted = run_cli("extract -f " + shell_quote(genome_fasta()) + " -a " +
                                          shell_quote(dir / "ann.gtf") + " -o " + shell_quote(dir / "o.fa"));
  EXPECT_EQ(extracted.status, 1);
  EXPECT_NE(extracted.err.find("ann.gtf:3: " + rule), std::string::npos) << extracted.err;
}

}  // namespace
}  // namespace splicebert::test
