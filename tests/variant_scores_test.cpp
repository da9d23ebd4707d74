// The score formulas and window arithmetic of docs/variants.md on hand-made numbers (no model): softmax over the four
// nucleotide logits, KL profiles, context / max / mean KL, masked ΔP, variant- and exon-centred windows on both
// strands (SB's pos' = 509 - pos, exon' = [510 - e_end, 510 - e_start)), ISM tiling and the sequence-pair TSV.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "expect_error.hpp"
#include "splicebert/variant.hpp"
#include "test_util.hpp"

namespace splicebert::variant {
namespace {

TEST(VariantScores, NucleotideSoftmaxUsesOnlyTheFourIds) {
  // V = 6; nucleotide ids 2..5 (A C G U); ids 0 and 1 must not matter.
  const float logits[2 * 6] = {100, -100, 0, 1, 2, 3, /**/ -5, 7, 1, 1, 1, 1};
  auto p = nucleotide_distributions(logits, 2, 6, {2, 3, 4, 5});
  const double z = 1 + std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(p[0], 1 / z, 1e-12);
  EXPECT_NEAR(p[3], std::exp(3.0) / z, 1e-12);
  for (int x = 4; x < 8; ++x) EXPECT_NEAR(p[x], 0.25, 1e-12);
}

TEST(VariantScores, KlProfileIsAltFromRefInNats) {
  const std::vector<double> ref = {0.25, 0.25, 0.25, 0.25, /**/ 0.7, 0.1, 0.1, 0.1};
  const std::vector<double> alt = {0.25, 0.25, 0.25, 0.25, /**/ 0.1, 0.7, 0.1, 0.1};
  auto kl = kl_profile(ref, alt, 4);
  ASSERT_EQ(kl.size(), 2u);
  EXPECT_EQ(kl[0], 0.0);
  // Σ alt·ln(alt/ref) = 0.1·ln(0.1/0.7) + 0.7·ln(0.7/0.1)
  EXPECT_NEAR(kl[1], 0.1 * std::log(0.1 / 0.7) + 0.7 * std::log(7.0), 1e-12);
}

TEST(VariantScores, ContextKlAveragesBothSidesAndClipsAt1e6) {
  std::vector<double> kl(301, 0.0);
  const int64_t p = 150;
  kl[p - 1] = 0.2, kl[p + 1] = 0.4;   // d = 1: k = 0.3
  kl[p - 2] = 1e-3, kl[p + 2] = 3e-3; // d = 2: k = 2e-3
  kl[p] = 50;                         // the variant itself never counts
  // d = 3..100: k = 0 -> clipped to 1e-6
  const double expected = std::log(0.3) + std::log(2e-3) + 98 * std::log(1e-6);
  EXPECT_NEAR(context_kl(kl, p, 100), expected, 1e-9);
  EXPECT_NEAR(context_kl(kl, p, 2), std::log(0.3) + std::log(2e-3), 1e-12);
}

TEST(VariantScores, ContextKlNearTheWindowEdgeUsesTheSideThatExists) {
  std::vector<double> kl(10, 0.5);
  kl[1] = 0.1;  // p = 2: d = 1 both sides (0.1, 0.5); d = 2 both (kl[0], kl[4]); d = 3..7 right only; d > 7 skipped
  const double expected = std::log(0.3) + std::log(0.5) + 5 * std::log(0.5);
  EXPECT_NEAR(context_kl(kl, 2, 100), expected, 1e-12);
  EXPECT_TRUE(std::isnan(context_kl(std::vector<double>(1, 1.0), 0, 100)));
}

TEST(VariantScores, MaxKlExcludesTheVariantAndReportsASignedOffset) {
  std::vector<double> kl(101, 0.0);
  kl[50] = 9;  // the variant
  kl[40] = 2;
  kl[57] = 3;
  kl[0] = 100;  // outside ±10
  MaxKl best = max_kl(kl, 50, 10);
  EXPECT_EQ(best.value, 3);
  EXPECT_EQ(best.offset, 7);
  kl[43] = 3;  // same value, nearer
  EXPECT_EQ(max_kl(kl, 50, 10).offset, -7);  // -7 is visited before +7 and ties keep the first
}

TEST(VariantScores, SpliceSiteMeansNeedTheWholeDinucleotide) {
  std::vector<double> kl = {1, 2, 3, 4, 5};
  EXPECT_DOUBLE_EQ(*mean_kl(kl, 3, 5), 4.5);
  EXPECT_FALSE(mean_kl(kl, 4, 6));
  EXPECT_FALSE(mean_kl(kl, -1, 1));
}

TEST(VariantScores, MaskedDeltaPIsOverTheWholeVocabulary) {
  const float row[5] = {0, 1, 2, 3, 4};
  double z = 0;
  for (int v = 0; v < 5; ++v) z += std::exp(static_cast<double>(v));
  EXPECT_NEAR(masked_delta_p(row, 5, 1, 4), (std::exp(4.0) - std::exp(1.0)) / z, 1e-12);
}

TEST(VariantWindows, VariantSitsAtIndex255Of510OnEitherStrand) {
  const int64_t contig = 100000, pos = 5000;
  Span plus = window_around_variant(pos, false, 510, contig);
  EXPECT_EQ(plus.start, pos - 255);
  EXPECT_EQ(plus.end - plus.start, 510);
  EXPECT_EQ(window_index(plus, pos, false), 255);
  Span minus = window_around_variant(pos, true, 510, contig);
  EXPECT_EQ(window_index(minus, pos, true), 255);
  EXPECT_EQ(minus.start, pos - 254);
}

TEST(VariantWindows, ExonCentredWindowFollowsSpliceBert) {
  const Span exon{10000, 10101};
  Span w = window_around_exon(exon, 510, 1000000);
  EXPECT_EQ(w.start, (exon.start + exon.end) / 2 - 255);
  // + strand: plain offsets. - strand: pos' = 509 - pos, exon' = [510 - e_end, 510 - e_start) (window-relative).
  const int64_t pos = 10020, local = pos - w.start;
  EXPECT_EQ(window_index(w, pos, false), local);
  EXPECT_EQ(window_index(w, pos, true), 509 - local);
  Span e_minus = window_span(w, exon, true);
  EXPECT_EQ(e_minus.start, 510 - (exon.end - w.start));
  EXPECT_EQ(e_minus.end, 510 - (exon.start - w.start));
}

TEST(VariantWindows, WindowsAreShiftedInsideTheContig) {
  EXPECT_EQ(window_around_variant(10, false, 510, 100000).start, 0);
  Span end = window_around_variant(99990, true, 510, 100000);
  EXPECT_EQ(end.end, 100000);
  EXPECT_EQ(end.end - end.start, 510);
  Span small = window_around_variant(50, false, 510, 300);
  EXPECT_EQ(small.start, 0);
  EXPECT_EQ(small.end, 300);
}

TEST(IsmWindows, TilesOverlapByTwiceTheContextRadius) {
  EXPECT_EQ(ism_windows(400, 510, 100).size(), 1u);
  auto w = ism_windows(1200, 510, 100);
  ASSERT_GE(w.size(), 3u);
  EXPECT_EQ(w[0].start, 0);
  EXPECT_EQ(w[1].start, 310);
  EXPECT_EQ(w.back().end, 1200);
  for (const Span& s : w) EXPECT_EQ(s.end - s.start, 510);
}

TEST(SequencePairs, ReadsNamedColumnsAndJudgesPairs) {
  test::TempDir dir;
  std::ofstream(dir / "pairs.tsv") << "## comment\n#id\tpos\tref\talt\textra\texon_start\texon_end\n"
                                   << "snv\t2\tACGTA\tACTTA\tx\t1\t4\n"
                                   << "indel\t2\tACGTA\tACGA\tx\t.\t.\n"
                                   << "two\t1\tACGTA\tTTGTA\tx\t.\t.\n"
                                   << "same\t1\tACGTA\tACGTA\tx\t.\t.\n";
  auto pairs = read_sequence_pairs(dir / "pairs.tsv");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0].id, "snv");
  EXPECT_EQ(pairs[0].position, 2);
  ASSERT_TRUE(pairs[0].exon);
  EXPECT_EQ(pairs[0].exon->end, 4);
  EXPECT_FALSE(pairs[1].exon);
  EXPECT_EQ(pair_problem(pairs[0]), "");
  EXPECT_EQ(pair_problem(pairs[1]), "INDEL");
  EXPECT_EQ(pair_problem(pairs[2]), "UNSUPPORTED_ALLELE");
  EXPECT_EQ(pair_problem(pairs[3]), "UNSUPPORTED_ALLELE");
  auto job = pair_job(pairs[0], Center::Variant, 510);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->window, "ACGTA");
  EXPECT_EQ(job->alt, 'T');
}

TEST(SequencePairs, LongSequencesAreCutAroundTheVariant) {
  SequencePair pair{"x", std::string(1000, 'A'), std::string(1000, 'A'), 500, Span{100, 200}, 1};
  pair.alt[500] = 'G';
  auto job = pair_job(pair, Center::Variant, 510);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->window.size(), 510u);
  EXPECT_EQ(job->position, 255);
  EXPECT_EQ(job->exon->start, 100 - 245);  // window [245, 755); the exon is outside, its splice sites left out
  pair.position = 900;  // near the end the piece is shifted, not shortened: [490, 1000)
  std::swap(pair.alt[500], pair.alt[900]);
  EXPECT_EQ(pair_job(pair, Center::Variant, 510)->position, 410);
  EXPECT_FALSE(pair_job(pair, Center::Exon, 510));  // the exon-centred piece [0, 510) misses position 900
}

TEST(SequencePairs, BadFilesNameTheLine) {
  test::TempDir dir;
  std::ofstream(dir / "a.tsv") << "id\tref\talt\n";
  test::expect_error([&] { read_sequence_pairs(dir / "a.tsv"); }, {"a.tsv", "pos"});
  std::ofstream(dir / "b.tsv") << "id\tref\talt\tpos\nx\tACG\tACT\t7\n";
  test::expect_error([&] { read_sequence_pairs(dir / "b.tsv"); }, {"b.tsv:2", "outside"});
  std::ofstream(dir / "c.tsv") << "id\tref\talt\tpos\nx\tACG\tACT\tone\n";
  test::expect_error([&] { read_sequence_pairs(dir / "c.tsv"); }, {"c.tsv:2", "pos"});
}

}  // namespace
}  // namespace splicebert::variant
