// The batched scorer: every distinct REF window is run once (however many ALT alleles, transcripts or records share
// it), every distinct masked REF window once, every distinct ALT window once; then the docs/variants.md scores per job.
#include <map>
#include <tuple>
#include <unordered_map>

#include "splicebert/error.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::variant {

namespace {

struct Plan {
  std::vector<const std::string*> ref_windows;            // distinct REF windows
  std::vector<std::pair<size_t, int64_t>> masked;         // (REF window, masked position)
  std::vector<std::tuple<size_t, int64_t, int>> alts;     // (REF window, position, ALT base index)
  std::vector<size_t> job_ref, job_masked, job_alt;       // per job
};

void check_job(const SubstitutionJob& job, size_t index) {
  const int64_t L = static_cast<int64_t>(job.window.size());
  if (job.position < 0 || job.position >= L)
    fail("substitution ", index + 1, ": position ", job.position, " is outside its ", L, "-nt window");
  const int ref = base_index(job.window[static_cast<size_t>(job.position)]), alt = base_index(job.alt);
  if (ref < 0 || alt < 0 || ref == alt)
    fail("substitution ", index + 1, ": '", job.window[static_cast<size_t>(job.position)], "' > '", job.alt,
         "' is not a substitution of one base by another");
}

Plan make_plan(const std::vector<SubstitutionJob>& jobs, bool with_masked) {
  Plan plan;
  std::unordered_map<std::string_view, size_t> ref_of;
  std::map<std::pair<size_t, int64_t>, size_t> masked_of;
  std::map<std::tuple<size_t, int64_t, int>, size_t> alt_of;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const SubstitutionJob& job = jobs[j];
    check_job(job, j);
    auto [ref, new_ref] = ref_of.try_emplace(job.window, plan.ref_windows.size());
    if (new_ref) plan.ref_windows.push_back(&job.window);
    plan.job_ref.push_back(ref->second);
    if (with_masked) {
      auto [masked, new_masked] = masked_of.try_emplace({ref->second, job.position}, plan.masked.size());
      if (new_masked) plan.masked.push_back(masked->first);
      plan.job_masked.push_back(masked->second);
    }
    const std::tuple<size_t, int64_t, int> alt_key{ref->second, job.position, base_index(job.alt)};
    auto [alt, new_alt] = alt_of.try_emplace(alt_key, plan.alts.size());
    if (new_alt) plan.alts.push_back(alt_key);
    plan.job_alt.push_back(alt->second);
  }
  return plan;
}

}  // namespace

std::vector<SubstitutionScores> score_substitutions(Session& session, const std::vector<SubstitutionJob>& jobs,
                                                    const ScoringOptions& options, ScoringStats* stats) {
  const Model& model = session.model();
  const Tokenizer& tokenizer = model.tokenizer();
  const int64_t V = model.config().vocab_size;
  const std::vector<int>& nucleotides = tokenizer.nucleotide_ids();
  const Plan plan = make_plan(jobs, options.masked_delta_p);

  // Token ids of each distinct REF window (with <cls>/<eos>): window index i is token i + 1.
  std::vector<std::vector<int32_t>> ref_ids;
  for (const std::string* window : plan.ref_windows) {
    auto encoded = tokenizer.encode(*window);
    if (encoded.ids.size() != window->size() + 2)
      fail("a scoring window of ", window->size(), " nt tokenized to ", encoded.ids.size() - 2, " tokens");
    ref_ids.push_back(std::move(encoded.ids));
  }

  // Pass 1: REF distributions and masked-REF logits rows.
  std::vector<std::vector<int32_t>> first_pass = ref_ids;
  for (const auto& [ref, position] : plan.masked) {
    first_pass.push_back(ref_ids[ref]);
    first_pass.back()[static_cast<size_t>(position + 1)] = tokenizer.mask_id();
  }
  std::vector<std::vector<double>> ref_probabilities(ref_ids.size());
  std::vector<std::vector<float>> masked_rows(plan.masked.size());
  for_each_logits(session, first_pass, options.max_tokens, [&](size_t index, const float* logits) {
    if (index < ref_ids.size()) {
      const int64_t L = static_cast<int64_t>(ref_ids[index].size()) - 2;
      ref_probabilities[index] = nucleotide_distributions(logits + V, L, V, nucleotides);
    } else {
      const auto& [ref, position] = plan.masked[index - ref_ids.size()];
      const float* row = logits + (position + 1) * V;
      masked_rows[index - ref_ids.size()].assign(row, row + V);
    }
  });

  // Pass 2: ALT windows, each scored against its REF as soon as its logits exist.
  std::vector<std::vector<size_t>> jobs_of_alt(plan.alts.size());
  for (size_t j = 0; j < jobs.size(); ++j) jobs_of_alt[plan.job_alt[j]].push_back(j);
  std::vector<std::vector<int32_t>> alt_ids;
  for (const auto& [ref, position, base] : plan.alts) {
    alt_ids.push_back(ref_ids[ref]);
    alt_ids.back()[static_cast<size_t>(position + 1)] = nucleotides[static_cast<size_t>(base)];
  }
  std::vector<SubstitutionScores> results(jobs.size());
  for_each_logits(session, alt_ids, options.max_tokens, [&](size_t index, const float* logits) {
    const auto& [ref, position, base] = plan.alts[index];
    const int64_t L = static_cast<int64_t>(alt_ids[index].size()) - 2;
    const std::vector<double> kl =
        kl_profile(ref_probabilities[ref], nucleotide_distributions(logits + V, L, V, nucleotides), 4);
    for (size_t j : jobs_of_alt[index]) {
      const SubstitutionJob& job = jobs[j];
      SubstitutionScores& s = results[j];
      s.context_kl = context_kl(kl, position, options.context_radius);
      const MaxKl best = max_kl(kl, position, options.max_kl_radius);
      s.max_kl = best.value;
      s.max_kl_offset = best.offset;
      if (job.exon) {
        if (job.exon_has_acceptor) s.acceptor_kl = mean_kl(kl, job.exon->start - 2, job.exon->start);
        if (job.exon_has_donor) s.donor_kl = mean_kl(kl, job.exon->end, job.exon->end + 2);
      }
      if (options.masked_delta_p) {
        const int ref_base = base_index(job.window[static_cast<size_t>(position)]);
        s.masked_delta_p = masked_delta_p(masked_rows[plan.job_masked[j]].data(), V,
                                          nucleotides[static_cast<size_t>(ref_base)],
                                          nucleotides[static_cast<size_t>(base)]);
      }
    }
  });
  if (stats) {
    stats->ref_forwards += plan.ref_windows.size();
    stats->masked_forwards += plan.masked.size();
    stats->alt_forwards += plan.alts.size();
  }
  return results;
}

}  // namespace splicebert::variant
