// Sequence mode (score-pairs): a REF/ALT pair given as sequences, for users without a genome. The pair is in
// transcript orientation already; only the window has to be chosen when the sequence is longer than the model takes.
#include "splicebert/variant.hpp"

namespace splicebert::variant {

std::string pair_problem(const SequencePair& pair) {
  if (pair.ref.size() != pair.alt.size()) return "INDEL";
  const size_t p = static_cast<size_t>(pair.position);
  const int ref = base_index(pair.ref[p]), alt = base_index(pair.alt[p]);
  if (ref < 0 || alt < 0 || ref == alt) return "UNSUPPORTED_ALLELE";
  for (size_t i = 0; i < pair.ref.size(); ++i)
    if (i != p && (pair.ref[i] & ~0x20) != (pair.alt[i] & ~0x20)) return "UNSUPPORTED_ALLELE";
  return "";
}

std::optional<SubstitutionJob> pair_job(const SequencePair& pair, Center center, int64_t window) {
  const int64_t length = static_cast<int64_t>(pair.ref.size());
  const Span piece = center == Center::Exon && pair.exon ? window_around_exon(*pair.exon, window, length)
                                                          : window_around_variant(pair.position, false, window, length);
  if (!piece.contains(pair.position)) return std::nullopt;
  SubstitutionJob job;
  job.window = pair.ref.substr(static_cast<size_t>(piece.start), static_cast<size_t>(piece.end - piece.start));
  for (char& c : job.window) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  job.position = pair.position - piece.start;
  job.alt = static_cast<char>(pair.alt[static_cast<size_t>(pair.position)] & ~0x20);
  if (pair.exon) job.exon = window_span(piece, *pair.exon, false);
  return job;
}

}  // namespace splicebert::variant
