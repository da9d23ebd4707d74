// From genomic sites to scoring jobs on a small made-up genome (no model): transcript overlap, allele normalisation
// and the reason of every unscored case, windows on both strands, exon splice-site flags, Consequence terms and the
// -r / -R region filter.
#include <gtest/gtest.h>

#include <fstream>

#include "splicebert/variant_sites.hpp"
#include "test_util.hpp"
#include "variant_test_model.hpp"

namespace splicebert::variant {
namespace {

// chr1: 3000 random bases. tx_plus (+): exons [200,400) [600,800) [2000,2200); tx_minus (-): [2300,2400) [2800,2900).
struct SmallGenome {
  test::TempDir dir;
  std::string sequence = test::random_dna(3000, 51);
  std::unique_ptr<genome::Reference> reference;
  std::unique_ptr<TranscriptIndex> transcripts;
  SmallGenome() {
    std::ofstream(dir / "g.fa") << ">chr1\n" << sequence << "\n";
    std::ofstream(dir / "t.bed") << "chr1\t200\t2200\ttx_plus\t0\t+\t200\t2200\t0\t3\t200,200,200\t0,400,1800\n"
                                 << "chr1\t2300\t2900\ttx_minus\t0\t-\t2300\t2900\t0\t2\t100,100\t0,500\n"
                                 << "chrZ\t0\t100\tnowhere\t0\t+\t0\t100\t0\t1\t100\t0\n";
    reference = std::make_unique<genome::Reference>(dir / "g.fa");
    genome::Diagnostics diagnostics(false, true);
    auto annotation = genome::open_annotation(dir / "t.bed", genome::AnnotationFormat::bed, diagnostics);
    transcripts = std::make_unique<TranscriptIndex>(*annotation, *reference);
  }
  std::string base(int64_t p, int64_t n = 1) const { return sequence.substr(static_cast<size_t>(p), n); }
  SitePlan plan(Site site, std::vector<SubstitutionJob>& jobs, Center center = Center::Variant) {
    SiteOptions options;
    options.center = center;
    options.window = 510;
    return plan_site(site, *reference, *transcripts, options, jobs);
  }
};

TEST(VariantSites, TranscriptOverlapByContig) {
  SmallGenome g;
  EXPECT_EQ(g.transcripts->size(), 2u);
  EXPECT_EQ(g.transcripts->on_unknown_contigs(), 1u);
  EXPECT_EQ(g.transcripts->overlapping(0, 2199).size(), 1u);
  EXPECT_EQ(g.transcripts->overlapping(0, 2199)[0]->name, "tx_plus");
  EXPECT_TRUE(g.transcripts->overlapping(0, 2200).empty());
  EXPECT_EQ(g.transcripts->overlapping(0, 2300)[0]->name, "tx_minus");
  EXPECT_TRUE(g.transcripts->overlapping(0, 199).empty());
  EXPECT_TRUE(g.transcripts->overlapping(0, 2900).empty());
  EXPECT_TRUE(g.transcripts->overlapping(-1, 500).empty());
}

TEST(VariantSites, ReasonsForEveryUnscoredCase) {
  SmallGenome g;
  std::vector<SubstitutionJob> jobs;
  auto other = [](const std::string& base) { return std::string(1, base[0] == 'A' ? 'C' : 'A'); };
  EXPECT_EQ(g.plan({"chrX", 650, "A", {"G"}}, jobs).reasons[0], Reason::contig_unknown);
  EXPECT_EQ(g.plan({"chr1", 650, other(g.base(650)), {"G"}}, jobs).reasons[0], Reason::ref_mismatch);
  // A REF running past the contig end is a mismatch too.
  EXPECT_EQ(g.plan({"chr1", 2998, g.base(2998, 2) + "AC", {"A"}}, jobs).reasons[0], Reason::ref_mismatch);
  auto p = g.plan({"chr1", 650, g.base(650, 2), {g.base(650), "<DEL>", "*", "N" + g.base(651), g.base(650, 2)}}, jobs);
  EXPECT_EQ(p.reasons[0], Reason::indel);
  EXPECT_EQ(p.reasons[1], Reason::unsupported_allele);
  EXPECT_EQ(p.reasons[2], Reason::unsupported_allele);
  EXPECT_EQ(p.reasons[3], Reason::unsupported_allele);  // N
  EXPECT_EQ(p.reasons[4], Reason::unsupported_allele);  // ALT = REF
  EXPECT_EQ(g.plan({"chr1", 50, g.base(50), {other(g.base(50))}}, jobs).reasons[0], Reason::near_contig_end);
  EXPECT_EQ(g.plan({"chr1", 2250, g.base(2250), {other(g.base(2250))}}, jobs).reasons[0], Reason::not_in_transcript);
  EXPECT_TRUE(jobs.empty());
  EXPECT_STREQ(reason_name(Reason::near_contig_end), "NEAR_CONTIG_END");
}

TEST(VariantSites, SharedBasesAreTrimmedToAnSnv) {
  SmallGenome g;
  std::vector<SubstitutionJob> jobs;
  const std::string ref = g.base(650, 3);
  std::string alt = ref;
  alt[1] = ref[1] == 'A' ? 'C' : 'A';  // REF XYZ, ALT XWZ: an SNV at 651
  std::string mnv = alt;
  mnv[2] = ref[2] == 'A' ? 'C' : 'A';
  auto p = g.plan({"chr1", 650, ref, {alt, mnv}}, jobs);
  EXPECT_EQ(p.reasons[0], Reason::none);
  EXPECT_EQ(p.reasons[1], Reason::unsupported_allele);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].position, 255);
  EXPECT_EQ(jobs[0].window[255], ref[1]);
  EXPECT_EQ(jobs[0].window, g.sequence.substr(651 - 255, 510));
}

TEST(VariantSites, MinusStrandWindowsAreReverseComplemented) {
  SmallGenome g;
  std::vector<SubstitutionJob> jobs;
  const char ref = g.base(2350)[0], alt = ref == 'G' ? 'T' : 'G';
  auto p = g.plan({"chr1", 2350, std::string(1, ref), {std::string(1, alt)}}, jobs);
  ASSERT_EQ(jobs.size(), 1u);
  const SiteJob& minus = p.jobs[0];
  EXPECT_TRUE(minus.minus);
  const SubstitutionJob& job = jobs[minus.job];
  std::string expected = g.sequence.substr(2350 - 254, 510);  // genomic [2096, 2606)
  genome::reverse_complement(expected);
  EXPECT_EQ(job.window, expected);
  EXPECT_EQ(job.position, 255);
  EXPECT_EQ(job.alt, "TGCA"[std::string("ACGT").find(alt)]);
  // Exon [2300, 2400) is tx_minus's last exon in transcript order (its 3' end): no donor, an acceptor.
  EXPECT_FALSE(job.exon_has_donor);
  EXPECT_TRUE(job.exon_has_acceptor);
  EXPECT_EQ(job.exon->start, 510 - (2400 - 2096));
  EXPECT_EQ(job.exon->end, 510 - (2300 - 2096));
  EXPECT_STREQ(minus.consequence, "exon_variant");
}

TEST(VariantSites, ExonCentredWindowsAndOutsideWindow) {
  SmallGenome g;
  std::vector<SubstitutionJob> jobs;
  const char ref = g.base(700)[0], alt = ref == 'G' ? 'T' : 'G';
  auto p = g.plan({"chr1", 700, std::string(1, ref), {std::string(1, alt)}}, jobs, Center::Exon);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].position, 700 - (700 - 255));  // exon [600, 800): window starts at 700 - 255
  EXPECT_TRUE(jobs[0].exon_has_donor && jobs[0].exon_has_acceptor);  // a middle exon
  // Deep in the 1,200-nt intron: the nearest exon is [2000, 2200), whose window [1845, 2355) misses 1400.
  const char r2 = g.base(1400)[0];
  EXPECT_EQ(g.plan({"chr1", 1400, std::string(1, r2), {r2 == 'A' ? "C" : "A"}}, jobs, Center::Exon).reasons[0],
            Reason::outside_window);
}

TEST(VariantSites, ConsequenceTerms) {
  genome::TranscriptModel plus{"chr1", "t", "g", "", '+', {200, 1500}, {{200, 400}, {600, 800}, {1300, 1500}}, 1, 1};
  EXPECT_STREQ(consequence(plus, 400), "splice_donor_variant");
  EXPECT_STREQ(consequence(plus, 401), "splice_donor_variant");
  EXPECT_STREQ(consequence(plus, 598), "splice_acceptor_variant");
  EXPECT_STREQ(consequence(plus, 405), "splice_region_variant");
  EXPECT_STREQ(consequence(plus, 397), "splice_region_variant");
  EXPECT_STREQ(consequence(plus, 300), "exon_variant");
  EXPECT_STREQ(consequence(plus, 500), "intron_variant");
  genome::TranscriptModel minus = plus;
  minus.strand = '-';
  EXPECT_STREQ(consequence(minus, 400), "splice_acceptor_variant");
  EXPECT_STREQ(consequence(minus, 599), "splice_donor_variant");
}

TEST(VariantSites, RegionFilter) {
  SmallGenome g;
  std::ofstream(g.dir / "r.tsv") << "1\t101\t200\nchr1\t500\n";
  RegionFilter filter({"chr1:1001-1010"}, g.dir / "r.tsv", *g.reference);
  EXPECT_TRUE(filter.active());
  EXPECT_TRUE(filter.keep("chr1", 1000));
  EXPECT_FALSE(filter.keep("chr1", 1010));
  EXPECT_TRUE(filter.keep("chr1", 100));  // "1" names chr1, 1-based 101 = 0-based 100
  EXPECT_TRUE(filter.keep("1", 499));
  EXPECT_FALSE(filter.keep("chr1", 500));
  EXPECT_FALSE(filter.keep("chr2", 1000));
}

}  // namespace
}  // namespace splicebert::variant
