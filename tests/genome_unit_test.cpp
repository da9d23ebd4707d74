// Small genome pieces on their own: reverse complement (bedtools' table), region and header parsing, window
// placement, GFF3 naming, GTF transcripts without exon lines, format detection on stdin.
#include <fstream>

#include "genome_test_helpers.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::test {
namespace {

using namespace splicebert::genome;

TEST(GenomeUnit, ReverseComplementIsBedtoolsTable) {
  // expected = `bedtools getfasta -s` (v2.30) on this very record, minus strand
  std::string s = "ACGTNacgtnRYKMSWBDHVrykmswbdhvUuXx*-.";
  reverse_complement(s);
  EXPECT_EQ(s, ".-*xXaAbdhvwskmryBDHVWSKMRYnacgtNACGT");
}

TEST(GenomeUnit, Regions) {
  Region r = parse_region("chr1:1,001-2000", nullptr);
  EXPECT_EQ(r.chrom, "chr1");
  EXPECT_EQ(r.start, 1000);
  EXPECT_EQ(r.end, 2000);
  r = parse_region("{22:20000001-21000000}:5-9", nullptr);
  EXPECT_EQ(r.chrom, "22:20000001-21000000");
  EXPECT_EQ(r.start, 4);
  EXPECT_EQ(r.end, 9);
  r = parse_region("chrM", nullptr);
  EXPECT_EQ(r.start, 0);
  EXPECT_EQ(r.end, INT64_MAX);
  Reference hisat2(data_path("genome/hg19-annotations-debian/22_20-21M.fa"));
  r = parse_region("22:20000001-21000000", &hisat2);  // a whole record name that looks like a range
  EXPECT_EQ(r.chrom, "22:20000001-21000000");
  EXPECT_EQ(r.end, INT64_MAX);
  EXPECT_THROW(parse_region("chr1:0-5", nullptr), std::exception);
}

TEST(GenomeUnit, SequenceOriginFromBedtoolsHeaders) {
  SequenceOrigin o = parse_sequence_origin("ENST1::22:20000001-21000000:4536-43727(+)", 39191);
  EXPECT_TRUE(o.from_header);
  EXPECT_EQ(o.name, "ENST1");
  EXPECT_EQ(o.chrom, "22:20000001-21000000");
  EXPECT_EQ(o.start, 4536);
  EXPECT_EQ(o.end, 43727);
  o = parse_sequence_origin("chr17:6010-31420(-)", 1083);  // bedtools without -name
  EXPECT_EQ(o.chrom, "chr17");
  EXPECT_EQ(o.strand, '-');
  o = parse_sequence_origin("chrXVI", 948062);  // a plain record is a chromosome
  EXPECT_FALSE(o.from_header);
  EXPECT_EQ(o.chrom, "chrXVI");
  EXPECT_EQ(o.end, 948062);
}

TEST(GenomeUnit, WindowPlacement) {
  WindowParams fixed;
  fixed.min_length = fixed.max_length = 100;
  auto w = sample_windows(350, fixed, 0);
  ASSERT_EQ(w.size(), 3u);  // the 50-nt tail is shorter than the fixed length
  EXPECT_EQ(w[2].offset, 200);
  WindowParams variable;
  variable.min_length = 1, variable.max_length = 64, variable.seed = 3;
  auto v = sample_windows(1000, variable, 42);
  int64_t next = 0;
  for (const auto& x : v) {  // stride 0 tiles the record
    EXPECT_EQ(x.offset, next);
    next += x.length;
  }
  EXPECT_EQ(next, 1000);
  auto again = sample_windows(1000, variable, 42);
  EXPECT_EQ(again.size(), v.size());
  EXPECT_EQ(again.back().offset, v.back().offset);
  EXPECT_DOUBLE_EQ(non_acgt_fraction("ACGUNn"), 2.0 / 6.0);
}

std::vector<TranscriptModel> read_all(const std::string& path, AnnotationFormat format = AnnotationFormat::automatic) {
  Diagnostics diagnostics(false, true);
  auto reader = open_annotation(path, format, diagnostics);
  std::vector<TranscriptModel> all;
  for (TranscriptModel t; reader->next(t);) all.push_back(t);
  return all;
}

TEST(GenomeUnit, Gff3EnsemblStyleNamesAndSharedExons) {
  TempDir dir;
  std::ofstream(dir / "a.gff3")
      << "##gff-version 3\n"
         "1\tens\tgene\t1\t100\t.\t-\t.\tID=gene:G1;gene_id=G1\n"
         "1\tens\tmRNA\t1\t100\t.\t-\t.\tID=transcript:T1;Parent=gene:G1;transcript_id=T1\n"
         "1\tens\tlnc_RNA\t1\t60\t.\t-\t.\tID=transcript:T2;Parent=gene:G1;transcript_id=T2\n"
         "1\tens\texon\t1\t20\t.\t-\t.\tParent=transcript:T1,transcript:T2\n"
         "1\tens\texon\t51\t60\t.\t-\t.\tParent=transcript:T2\n"
         "1\tens\texon\t81\t100\t.\t-\t.\tParent=transcript:T1;Note=a%3Bb\n";
  auto all = read_all(dir / "a.gff3");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "T1");
  EXPECT_EQ(all[0].gene, "G1");
  EXPECT_EQ(all[0].exons.size(), 2u);
  EXPECT_EQ(all[0].span.end, 100);
  EXPECT_EQ(all[1].name, "T2");
  EXPECT_EQ(all[1].span.start, 0);
  EXPECT_EQ(all[1].span.end, 60);
}

TEST(GenomeUnit, GtfWithoutExonLinesUsesCdsOrTheTranscriptLine) {
  TempDir dir;  // AUGUSTUS style: transcript + CDS lines only; and a transcript line alone
  std::ofstream(dir / "a.gtf") << "c\tAUGUSTUS\ttranscript\t10\t90\t.\t+\t.\tg1.t1\n"
                                  "c\tAUGUSTUS\ttranscript\t10\t90\t.\t+\t.\ttranscript_id \"g1.t1\"; gene_id \"g1\";\n"
                                  "c\tAUGUSTUS\tCDS\t10\t30\t.\t+\t0\ttranscript_id \"g1.t1\"; gene_id \"g1\";\n"
                                  "c\tAUGUSTUS\tCDS\t61\t90\t.\t+\t0\ttranscript_id \"g1.t1\"; gene_id \"g1\";\n"
                                  "c\tx\ttranscript\t5\t8\t.\t-\t.\ttranscript_id \"lonely\";\n";
  Diagnostics diagnostics(true, true);  // line 1: AUGUSTUS's bare id is its transcript_id (the same transcript)
  auto reader = open_annotation(dir / "a.gtf", AnnotationFormat::automatic, diagnostics);
  std::vector<TranscriptModel> all;
  for (TranscriptModel t; reader->next(t);) all.push_back(t);
  EXPECT_EQ(diagnostics.bad_count(), 0u);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].exons.size(), 2u);
  EXPECT_EQ(all[0].span.start, 9);
  EXPECT_EQ(all[0].span.end, 90);
  EXPECT_EQ(all[1].exons.size(), 1u);
  EXPECT_EQ(all[1].gene, "lonely");
}

TEST(GenomeUnit, FormatDetectedFromContentOnStdin) {
  std::string gtf = read_file_text(data_path("genome/hg38-chr16-region/refseq.hg38.gtf"));
  std::string fasta = quoted_data("genome/hg38-chr16-region/hg38.fa");
  CommandResult r = run_cli("extract -q -f " + fasta + " -a - --feature intron", gtf);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(same_text(r.out, read_file_text(data_path("genome/hg38-chr16-region/golden/refseq.hg38.introns.fa"))));
  r = run_cli("extract -q -f " + fasta + " -a - --ids NM_018032,NM_201412 --feature exon",
              read_file_text(data_path("genome/hg38-chr16-region/refseq.bed")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '>'), 19);  // 10 + 9 exons
  EXPECT_EQ(r.out.rfind(">NM_201412_exon10::chr16:2011-2376(-)", 0), 0u);  // 3'-most exon first in genomic order
}

}  // namespace
}  // namespace splicebert::test
