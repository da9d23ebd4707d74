// Sequence-pair scoring in chunks (pair_scoring.hpp).
#include "splicebert/pair_scoring.hpp"

#include <algorithm>

#include "splicebert/error.hpp"

namespace splicebert::variant {

int64_t pair_window(const Model& model, int64_t requested) {
  const int64_t max_nt = model.config().max_position_embeddings - 2;
  const int64_t window = requested > 0 ? requested : max_nt;
  if (window > max_nt) fail("--window ", window, " exceeds the model's ", max_nt, " nucleotides");
  return window;
}

std::vector<PairScore> score_sequence_pairs(Session& session, const std::vector<SequencePair>& pairs, Center center,
                                            int64_t window, const ScoringOptions& options, size_t chunk) {
  window = pair_window(session.model(), window);
  chunk = std::max<size_t>(1, chunk);
  std::vector<PairScore> results(pairs.size());
  for (size_t begin = 0; begin < pairs.size(); begin += chunk) {
    const size_t end = std::min(pairs.size(), begin + chunk);
    std::vector<SubstitutionJob> jobs;
    std::vector<size_t> owner;  // pair index of each job
    for (size_t i = begin; i < end; ++i) {
      results[i].status = pair_problem(pairs[i]);
      if (!results[i].status.empty()) continue;
      auto job = pair_job(pairs[i], center, window);
      if (!job) {
        results[i].status = "OUTSIDE_WINDOW";
        continue;
      }
      results[i].status = "scored";
      owner.push_back(i);
      jobs.push_back(std::move(*job));
    }
    const auto scores = score_substitutions(session, jobs, options);
    for (size_t j = 0; j < jobs.size(); ++j) results[owner[j]].scores = scores[j];
  }
  return results;
}

}  // namespace splicebert::variant
