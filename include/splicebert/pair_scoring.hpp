// Scoring REF/ALT sequence pairs (score-pairs and the Python package): each pair's status (scored, or why not) and,
// when scored, its substitution scores. The rules of variant.hpp (pair_problem, pair_job, score_substitutions)
// applied chunk by chunk, so the CLI and the bindings give the same answer.
#pragma once
#include <string>
#include <vector>

#include "splicebert/variant.hpp"

namespace splicebert::variant {

struct PairScore {
  std::string status;  // "scored", pair_problem()'s reason, or OUTSIDE_WINDOW (exon centring left the variant out)
  SubstitutionScores scores;  // meaningful when status == "scored"
};

// `window` nt pieces (0 = the model's maximum; more is an error), `chunk` pairs per scoring batch.
std::vector<PairScore> score_sequence_pairs(Session& session, const std::vector<SequencePair>& pairs, Center center,
                                            int64_t window, const ScoringOptions& options, size_t chunk = 1024);

// The window score_sequence_pairs uses for `requested` (0 = the model's maximum); an error when it is too long.
int64_t pair_window(const Model& model, int64_t requested);

}  // namespace splicebert::variant
