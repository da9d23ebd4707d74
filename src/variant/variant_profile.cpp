// Per-position profiles along a scored window and the window's place on the genome, for plots
// (include/splicebert/variant_lookup.hpp). The numbers are those the scores are computed from (variant.hpp).
#include <algorithm>

#include "splicebert/error.hpp"
#include "splicebert/variant_lookup.hpp"

namespace splicebert::variant {

std::string alt_window(const SubstitutionJob& job) {
  if (job.position < 0 || job.position >= static_cast<int64_t>(job.window.size()))
    fail("variant index ", job.position, " lies outside its window of ", job.window.size(), " nt");
  std::string alt = job.window;
  alt[static_cast<size_t>(job.position)] = job.alt == 'U' ? 'T' : job.alt;
  return alt;
}

WindowProfile window_profile(const float* ref_logits, const float* alt_logits, int64_t L, int64_t V,
                             const std::vector<int>& nucleotide_ids) {
  WindowProfile p;
  // Row 0 is <cls>: nucleotide i is row i + 1.
  p.ref = nucleotide_distributions(ref_logits + V, L, V, nucleotide_ids);
  p.alt = nucleotide_distributions(alt_logits + V, L, V, nucleotide_ids);
  p.kl = kl_profile(p.ref, p.alt, 4);
  return p;
}

WindowPlacement place_window(const genome::TranscriptModel& transcript, int64_t variant_position, int64_t window,
                             int64_t contig_length) {
  WindowPlacement w;
  w.minus = transcript.strand == '-';
  w.genomic = window_around_variant(variant_position, w.minus, window, contig_length);
  w.variant_index = window_index(w.genomic, variant_position, w.minus);
  const int64_t length = w.genomic.end - w.genomic.start;
  for (const auto& exon : transcript.exons) {
    if (exon.end <= w.genomic.start || exon.start >= w.genomic.end) continue;
    Span s = window_span(w.genomic, {exon.start, exon.end}, w.minus);
    w.exons.push_back({std::max<int64_t>(s.start, 0), std::min(s.end, length)});
  }
  std::sort(w.exons.begin(), w.exons.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  return w;
}

}  // namespace splicebert::variant
