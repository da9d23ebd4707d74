// parse_variant_spellings (include/splicebert/variant_lookup.hpp): the spellings people type give the same site;
// bad lines give a one-line reason naming the line.
#include <gtest/gtest.h>

#include "splicebert/error.hpp"
#include "splicebert/variant_lookup.hpp"

namespace splicebert::variant {
namespace {

TEST(VariantSpelling, AllSpellingsGiveTheSameSite) {
  for (const char* text : {"chr20:31022441 A>G", "chr20:31,022,441 a>g", "chr20:31022441:A>G", "chr20-31022441-A-G",
                           "chr20_31022441_A_G", "chr20:31022441:A:G", "chr20\t31022441\trs1\tA\tG\t.\tPASS\t."}) {
    const auto v = parse_variant_spellings(text);
    ASSERT_EQ(v.size(), 1u) << text;
    EXPECT_EQ(v[0].site.chrom, "chr20") << text;
    EXPECT_EQ(v[0].site.position, 31022440) << text;  // 0-based
    EXPECT_EQ(v[0].site.ref, "A") << text;
    EXPECT_EQ(v[0].site.alts, std::vector<std::string>{"G"}) << text;
  }
}

TEST(VariantSpelling, LinesCommentsAndSeveralAlts) {
  const auto v = parse_variant_spellings("##fileformat=VCFv4.2\n#CHROM\tPOS\n\n20\t5\t.\tAC\tA,GC\n  X:7 U>C \n");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].line, 4);
  EXPECT_EQ(v[0].site.alts, (std::vector<std::string>{"A", "GC"}));
  EXPECT_EQ(v[1].line, 5);
  EXPECT_EQ(v[1].site.ref, "T");  // U read as T
  EXPECT_EQ(v[1].text, "X:7 U>C");
  EXPECT_TRUE(parse_variant_spellings("20\t5\t.\tA\t.").front().site.alts.empty());
}

TEST(VariantSpelling, BadLinesNameTheLineAndTheProblem) {
  auto message = [](const std::string& text) {
    try {
      parse_variant_spellings(text, 3);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("20:5 A>G\n20:0 A>G"), "line 2: the position must be 1 or more (1-based)");
  EXPECT_EQ(message("20:5 A>Q"), "line 1: ALT 'Q' holds a character other than A C G T N");
  EXPECT_EQ(message("<script>:5 A>G"), "line 1: the chromosome '<script>' holds a character other than letters, digits, _ . |");
  EXPECT_EQ(message("20:x A>G"), "line 1: the position 'x' is not a positive whole number");
  EXPECT_EQ(message("hello"), "line 1: 'hello' is not a variant (CHROM:POS REF>ALT, CHROM-POS-REF-ALT or a VCF line)");
  EXPECT_EQ(message("# only a comment"), "no variant given");
  EXPECT_EQ(message("20:1 A>G\n20:2 A>G\n20:3 A>G\n20:4 A>G"), "more than 3 variants in one request");
  EXPECT_EQ(message("20:5 A>" + std::string(1001, 'G')), "line 1: ALT is longer than 1000 bases");
}

TEST(VariantLookup, AltWindowAndPlacement) {
  SubstitutionJob job;
  job.window = "ACGTACGT";
  job.position = 2;
  job.alt = 'U';
  EXPECT_EQ(alt_window(job), "ACTTACGT");
  job.position = 8;
  EXPECT_THROW(alt_window(job), Error);

  genome::TranscriptModel minus;
  minus.strand = '-';
  minus.exons = {{100, 150}, {300, 400}};
  // 100-nt window with the variant at index 50 in transcript orientation; on the minus strand index i is genomic
  // end-1-i, so 320 = end-1-50: genomic [271, 371).
  const auto w = place_window(minus, 320, 100, 1000);
  EXPECT_EQ(w.genomic.start, 271);
  EXPECT_EQ(w.genomic.end, 371);
  EXPECT_EQ(w.variant_index, 50);
  ASSERT_EQ(w.exons.size(), 1u);  // exon [300, 400) clipped to [300, 371): window indices 371-1-370 = 0 .. 370-300+1
  EXPECT_EQ(w.exons[0].start, 0);
  EXPECT_EQ(w.exons[0].end, 71);
}

}  // namespace
}  // namespace splicebert::variant
