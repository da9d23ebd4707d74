// Where a scoring window sits on the genome (docs/variants.md) and how genomic coordinates map into it. Windows are read on
// the + strand and reverse-complemented for minus-strand transcripts, so index i of the window in transcript
// orientation is genomic start + (length-1-i) on minus.
#include <algorithm>

#include "splicebert/error.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::variant {

namespace {

// A window of `length` nt wanted at `start`, moved to lie inside [0, contig_length).
Span fit_to_contig(int64_t start, int64_t length, int64_t contig_length) {
  if (length <= 0) fail("window length must be positive");
  if (contig_length <= length) return {0, contig_length};
  start = std::clamp<int64_t>(start, 0, contig_length - length);
  return {start, start + length};
}

}  // namespace

Span window_around_variant(int64_t position, bool minus, int64_t length, int64_t contig_length) {
  const int64_t centre = length / 2;  // 255 of 510: the window index the variant gets in transcript orientation
  const int64_t genomic_offset = minus ? length - 1 - centre : centre;
  return fit_to_contig(position - genomic_offset, length, contig_length);
}

Span window_around_exon(Span exon, int64_t length, int64_t contig_length) {
  // SB (misc_for_variant_analysis.py): left = (e_start + e_end) // 2 - 255, the same genomic window on both strands.
  return fit_to_contig((exon.start + exon.end) / 2 - length / 2, length, contig_length);
}

int64_t window_index(Span window, int64_t genomic_position, bool minus) {
  const int64_t i = genomic_position - window.start;
  return minus ? (window.end - window.start) - 1 - i : i;
}

Span window_span(Span window, Span genomic, bool minus) {
  const int64_t length = window.end - window.start;
  const Span local{genomic.start - window.start, genomic.end - window.start};
  return minus ? Span{length - local.end, length - local.start} : local;
}

}  // namespace splicebert::variant
