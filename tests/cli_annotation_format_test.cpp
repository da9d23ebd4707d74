// Annotations as they come: --format auto decides by content, not by the file's extension (AUGUSTUS writes
// GTF-style attributes into .gff files), a file of CDS lines without exon lines still gives transcripts, a VCF
// without its header gets a hint, and -a - with -i - is refused with a clear error.
#include <gtest/gtest.h>

#include <fstream>

#include "test_util.hpp"
#include "variant_cli_helpers.hpp"

namespace splicebert {
namespace {

using test::run_cli;
using test::shell_quote;

struct AnnotationFormat : ::testing::Test {
  test::TempDir dir;
  std::string fasta = dir / "genome.fa";
  void SetUp() override {
    std::ofstream(fasta) << ">chr1\n" << std::string(40, 'A') << std::string(40, 'C') << std::string(40, 'G') << "\n";
  }
  test::CommandResult extract(const std::string& annotation) {
    return run_cli("extract -q -f " + shell_quote(fasta) + " -a " + shell_quote(annotation) + " -o -");
  }
};

TEST_F(AnnotationFormat, GtfAttributesInADotGffFileAreReadAsGtf) {
  // AUGUSTUS-style: GTF attributes, a .gff name, CDS lines and no exon lines.
  std::ofstream(dir / "rn6.gff") << "# This output was generated with AUGUSTUS\n"
                                 << "chr1\tAUGUSTUS\tgene\t1\t120\t.\t+\t.\tg1\n"
                                 << "chr1\tAUGUSTUS\ttranscript\t1\t120\t.\t+\t.\tg1.t1\n"
                                 << "chr1\tAUGUSTUS\tCDS\t11\t30\t.\t+\t0\ttranscript_id \"g1.t1\"; gene_id \"g1\";\n"
                                 << "chr1\tAUGUSTUS\tCDS\t61\t80\t.\t+\t1\ttranscript_id \"g1.t1\"; gene_id \"g1\";\n";
  auto r = extract(dir / "rn6.gff");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(">g1.t1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::string(20, 'A') + std::string(20, 'C') + std::string(20, 'C')), std::string::npos)
      << r.out;  // 11-30, the intron 31-60, 61-80: pre-mRNA from CDS lines alone
}

TEST_F(AnnotationFormat, Gff3AttributesInADotGtfFileAreReadAsGff3) {
  std::ofstream(dir / "mislabelled.gtf") << "chr1\tsrc\tmRNA\t11\t80\t.\t+\t.\tID=tx1\n"
                                         << "chr1\tsrc\texon\t11\t30\t.\t+\t.\tParent=tx1\n"
                                         << "chr1\tsrc\texon\t61\t80\t.\t+\t.\tParent=tx1\n";
  auto r = extract(dir / "mislabelled.gtf");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(">tx1"), std::string::npos) << r.out;
}

TEST_F(AnnotationFormat, BedContentUnderAnotherName) {
  std::ofstream(dir / "regions.txt") << "chr1\t10\t30\tr1\t0\t+\n";
  auto r = extract(dir / "regions.txt");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(">r1"), std::string::npos) << r.out;
}

TEST(VcfInput, AMissingHeaderGetsAHint) {
  auto r = test::score_vcf("-i - -o -", "chr16\t47700\t.\tA\tC\t.\t.\t.\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("##fileformat=VCF"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("#CHROM"), std::string::npos) << r.err;
}

TEST(VcfInput, AnnotationAndVcfCannotBothBeStandardInput) {
  auto r = run_cli("score-vcf -q -m " + shell_quote(test::small_model()) + " -f " + shell_quote(test::genome_fasta()) +
                   " -a - -o /proc/self/fd/1", "");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("-a - and -i -"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace splicebert
