// Overlap queries of variants against annotated transcripts: per contig, transcripts sorted by start with the running
// maximum of their ends, so a query walks back from the last transcript starting at or before the position only as
// far as some earlier transcript can still reach it.
#include <algorithm>

#include "splicebert/error.hpp"
#include "splicebert/variant_sites.hpp"

namespace splicebert::variant {

TranscriptIndex::TranscriptIndex(genome::AnnotationReader& annotation, const genome::Reference& reference,
                                 genome::Diagnostics* diagnostics)
    : contigs_(static_cast<size_t>(reference.contig_count())) {
  genome::TranscriptModel transcript;
  while (annotation.next(transcript)) {
    const int contig = reference.find_contig(transcript.chrom);
    if (contig < 0) {
      ++unknown_;
      continue;
    }
    const std::string past_end = genome::past_contig_end(transcript, reference.contig_length(contig));
    if (!past_end.empty()) {
      const std::string where = annotation.path() + ":" + std::to_string(transcript.end_line);
      if (!diagnostics) fail(where, ": ", past_end);
      diagnostics->bad(where, past_end);
      continue;
    }
    contigs_[static_cast<size_t>(contig)].transcripts.push_back(transcript);
    ++size_;
  }
  for (Contig& c : contigs_) {
    std::stable_sort(c.transcripts.begin(), c.transcripts.end(),
                     [](const auto& a, const auto& b) { return a.span.start < b.span.start; });
    int64_t reach = INT64_MIN;
    for (const auto& t : c.transcripts) c.end_so_far.push_back(reach = std::max(reach, t.span.end));
  }
}

std::vector<const genome::TranscriptModel*> TranscriptIndex::overlapping(int contig, int64_t position) const {
  std::vector<const genome::TranscriptModel*> found;
  if (contig < 0 || static_cast<size_t>(contig) >= contigs_.size()) return found;
  const Contig& c = contigs_[static_cast<size_t>(contig)];
  auto after = std::upper_bound(c.transcripts.begin(), c.transcripts.end(), position,
                                [](int64_t p, const auto& t) { return p < t.span.start; });
  for (size_t i = static_cast<size_t>(after - c.transcripts.begin()); i-- > 0 && c.end_so_far[i] > position;)
    if (c.transcripts[i].span.end > position) found.push_back(&c.transcripts[i]);
  std::reverse(found.begin(), found.end());
  return found;
}

}  // namespace splicebert::variant
