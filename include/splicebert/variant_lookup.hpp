// Variant lookup for one-at-a-time use (the server's /variants and the page, docs/serve.md): variants spelled the
// ways people type them, turned into the same sites score-vcf scores, and the per-position REF / ALT probabilities
// and KL along a scored window, for plots.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "splicebert/genome.hpp"
#include "splicebert/variant.hpp"
#include "splicebert/variant_sites.hpp"

namespace splicebert::variant {

// ---- spellings (src/genome/variant_spelling.cpp) -----------------------------------------------------------------
struct SpelledVariant {
  Site site;          // chrom as written, 0-based position, REF and ALT alleles (upper case)
  int64_t line = 0;   // 1-based line of the input
  std::string text;   // the line as given (trimmed)
};
// One variant per line; blank lines and lines starting with '#' are skipped. Accepted spellings (POS 1-based):
//   CHROM:POS REF>ALT      chr20:31022441 A>G  (also CHROM:POS:REF>ALT, "chr20:31022441 A>G,T")
//   CHROM-POS-REF-ALT      20-31022441-A-G     (gnomAD / SpliceAI-lookup; ':' or '_' may replace '-')
//   a VCF data line        CHROM POS ID REF ALT [...] separated by tabs (or runs of spaces)
// Alleles are A C G T N (any case; U is read as T); a VCF ALT of '.' gives no ALT. Throws splicebert::Error
// "line N: ..." naming what is wrong; more than `max_variants` variants is an error too.
std::vector<SpelledVariant> parse_variant_spellings(std::string_view text, size_t max_variants = 1000);

// ---- profiles along a window (src/model/variant_profile.cpp) -----------------------------------------------------
// The ALT window of a substitution job: its REF window with the ALT base at its position.
std::string alt_window(const SubstitutionJob& job);
struct WindowProfile {
  std::vector<double> ref, alt;  // [L*4] P(A, C, G, U) per position (softmax over the four nucleotide logits)
  std::vector<double> kl;        // [L] KL(ALT || REF) per position
};
// From the MLM logits of the REF and ALT windows ([L+2, V] rows each, row 0 = <cls>).
WindowProfile window_profile(const float* ref_logits, const float* alt_logits, int64_t L, int64_t V,
                             const std::vector<int>& nucleotide_ids);

// Where a site job's window lies on the genome (variant-centred windows of `window` nt, as plan_site places them)
// and the exon boundaries inside it, in window (transcript-orientation) coordinates, for plots.
struct WindowPlacement {
  Span genomic;                    // 0-based half-open on the contig
  bool minus = false;
  int64_t variant_index = 0;       // in window coordinates
  std::vector<Span> exons;         // exons of the transcript that overlap the window, window coordinates, clipped
};
WindowPlacement place_window(const genome::TranscriptModel& transcript, int64_t variant_position, int64_t window,
                             int64_t contig_length);

}  // namespace splicebert::variant
