// Splice-site windows on a hand-made genome: `windows --splice-labels` labels both strands (acceptor = last intron
// base, donor = first intron base, read on the transcript strand), and --site-free-share keeps or drops the windows
// that hold no site. Every expected label below is written out by hand from the annotation in the comments.
#include <fstream>

#include "genome_test_helpers.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::test {
namespace {

using genome::WindowShard;

// chrT, 0-based half-open:
//   plus  : transcript [2, 18) on '+', exons [2, 6) and [13, 18) -> intron [6, 13): donor 6, acceptor 12
//   minus : transcript [21, 39) on '-', exons [21, 24) and [33, 39) -> intron [24, 33): on '-' the intron starts
//           (5'->3') at 32, so donor 32 and acceptor 24
//   quiet : transcript [41, 59) on '+', one exon: inside a gene, no site
// Records (bedtools-style names place them): r1 = chrT:0-20(+), r2 = chrT:20-40(-) (offset k is genomic 39 - k),
// r3 = chrT:40-60(+).
void write_inputs(const TempDir& dir) {
  std::ofstream bed(dir / "genes.bed12");
  bed << "chrT\t2\t18\tplus\t0\t+\t2\t2\t0\t2\t4,5\t0,11\n"
      << "chrT\t21\t39\tminus\t0\t-\t21\t21\t0\t2\t3,6\t0,12\n"
      << "chrT\t41\t59\tquiet\t0\t+\t41\t41\t0\t1\t18\t0\n";
  std::ofstream fasta(dir / "records.fa");
  fasta << ">r1::chrT:0-20(+)\nACGTTAGTAAGCAGGCATCA\n"
        << ">r2::chrT:20-40(-)\nTTGACCAGTCCATTCAGACG\n"
        << ">r3::chrT:40-60(+)\nGGCATTACCGATTAGCCATA\n";
}

std::vector<int8_t> window_labels(const WindowShard& shard, const std::string& record) {
  for (size_t i = 0; i < shard.size(); ++i)
    if (shard.origin(i).genomic.name == record || shard.origin(i).record.rfind(record + "::", 0) == 0)
      return std::vector<int8_t>(shard.labels(i), shard.labels(i) + shard.window(i).size());
  return {};
}

constexpr int8_t X = genome::label_ignore;

TEST(GenomeSpliceSiteWindows, BothStrandsLabelledOnTheTranscriptStrand) {
  TempDir dir;
  write_inputs(dir);
  CommandResult r = run_cli("windows -q --length 20 -i t=" + shell_quote(dir / "records.fa") + " --splice-labels " +
                            shell_quote(dir / "genes.bed12") + " --format bed -o " + shell_quote(dir / "w"));
  ASSERT_EQ(r.status, 0) << r.err;
  WindowShard shard = WindowShard::open(dir / "w.train");
  ASSERT_EQ(shard.size(), 3u);
  // r1: genomic 0, 1 and 18, 19 outside the transcript; donor (2) at 6, acceptor (1) at 12
  EXPECT_EQ(window_labels(shard, "r1"),
            (std::vector<int8_t>{X, X, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, X, X}));
  // r2 read right to left: offset 0 = genomic 39 and offset 19 = genomic 20 lie outside [21, 39); donor at genomic
  // 32 = offset 7, acceptor at genomic 24 = offset 15
  EXPECT_EQ(window_labels(shard, "r2"),
            (std::vector<int8_t>{X, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, X}));
  // r3: genomic 40 and 59 outside, the rest inside one exon
  EXPECT_EQ(window_labels(shard, "r3"),
            (std::vector<int8_t>{X, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, X}));
}

TEST(GenomeSpliceSiteWindows, SiteFreeShareZeroKeepsOnlyWindowsWithSites) {
  TempDir dir;
  write_inputs(dir);
  CommandResult r = run_cli("windows -q --length 20 --site-free-share 0 -i t=" + shell_quote(dir / "records.fa") +
                            " --splice-labels " + shell_quote(dir / "genes.bed12") + " --format bed -o " +
                            shell_quote(dir / "w"));
  ASSERT_EQ(r.status, 0) << r.err;
  WindowShard shard = WindowShard::open(dir / "w.train");
  ASSERT_EQ(shard.size(), 2u);  // r3 holds no site
  EXPECT_TRUE(window_labels(shard, "r3").empty());
  EXPECT_FALSE(window_labels(shard, "r1").empty());
  EXPECT_FALSE(window_labels(shard, "r2").empty());
}

TEST(GenomeSpliceSiteWindows, SiteFreeShareNeedsSpliceLabels) {
  TempDir dir;
  write_inputs(dir);
  CommandResult r = run_cli("windows -q --length 20 --site-free-share 0.5 -i t=" + shell_quote(dir / "records.fa") +
                            " -o " + shell_quote(dir / "w"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("--site-free-share needs splice-site labels"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace splicebert::test
