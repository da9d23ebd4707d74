// The batched scorer against scores computed here, by hand, from single-sequence Session::forward logits of the tiny
// fixture (weights scaled so that KL values matter): context KL, max KL and its offset, donor / acceptor KL and
// masked ΔP, with the formulas of docs/variants.md written out in variant_test_model.hpp. Also: REF windows are run once.
#include <gtest/gtest.h>

#include "splicebert/error.hpp"
#include "splicebert/variant.hpp"
#include "variant_test_model.hpp"

namespace splicebert::variant {
namespace {

std::string tiny() { return test::fixtures_dir() + "/tiny/checkpoint-multimolecule"; }

struct Expected {
  double context, max_value, donor, acceptor, masked;
  int64_t max_offset;
};

Expected by_hand(Session& session, const SubstitutionJob& job) {
  const Tokenizer& tok = session.model().tokenizer();
  const int64_t V = session.model().config().vocab_size, L = static_cast<int64_t>(job.window.size());
  const std::vector<int>& acgu = tok.nucleotide_ids();
  std::vector<int32_t> ref_ids = test::ids_of(session, job.window), alt_ids = ref_ids, masked_ids = ref_ids;
  alt_ids[job.position + 1] = acgu[std::string("ACGT").find(job.alt)];
  masked_ids[job.position + 1] = tok.mask_id();
  const auto ref = test::logits_of(session, ref_ids), alt = test::logits_of(session, alt_ids);
  const auto masked = test::logits_of(session, masked_ids);
  const std::vector<double> kl = test::kl_by_hand(ref, alt, V, L, acgu);

  Expected e{};
  e.context = test::context_by_hand(kl, job.position);
  e.max_value = -1;
  for (int64_t d = 1; d <= 50; ++d)
    for (int64_t i : {job.position - d, job.position + d})
      if (i >= 0 && i < L && kl[i] > e.max_value) e.max_value = kl[i], e.max_offset = i - job.position;
  e.donor = (kl[job.exon->end] + kl[job.exon->end + 1]) / 2;         // [e_end, e_end + 2)
  e.acceptor = (kl[job.exon->start - 2] + kl[job.exon->start - 1]) / 2;  // [e_start - 2, e_start)
  // Masked ΔP: softmax over the whole vocabulary at the masked position, P(alt) - P(ref).
  std::vector<int> all(static_cast<size_t>(V));
  for (int v = 0; v < V; ++v) all[v] = v;
  const auto p = test::softmax_at(masked, V, job.position, all);
  const int ref_base = static_cast<int>(std::string("ACGT").find(job.window[job.position]));
  e.masked = p[acgu[std::string("ACGT").find(job.alt)]] - p[acgu[ref_base]];
  return e;
}

std::vector<SubstitutionJob> sample_jobs() {
  const std::string a = test::random_dna(400, 11), b = test::random_dna(333, 12);
  auto job = [](const std::string& w, int64_t p, Span exon) {
    const char alt = w[p] == 'G' ? 'T' : 'G';
    return SubstitutionJob{w, p, alt, exon, true, true};
  };
  return {job(a, 200, {150, 260}),  // centred
          job(a, 240, {150, 260}),  // same REF window: one REF forward for both
          job(a, 30, {40, 90}),     // near the left edge: one-sided context
          job(b, 300, {100, 320}),  // another length in the same batches (padding)
          job(a, 200, {150, 260})};  // a duplicate
}

TEST(VariantScorer, MatchesScoresComputedByHandFromTheLogits) {
  Session session(test::scaled_model(tiny()));
  const auto jobs = sample_jobs();
  ScoringStats stats;
  const auto scores = score_substitutions(session, jobs, {}, &stats);
  ASSERT_EQ(scores.size(), jobs.size());
  bool some_unclipped = false;
  for (size_t j = 0; j < jobs.size(); ++j) {
    SCOPED_TRACE("job " + std::to_string(j));
    const Expected e = by_hand(session, jobs[j]);
    const SubstitutionScores& s = scores[j];
    EXPECT_NEAR(s.context_kl, e.context, 1e-3);
    EXPECT_NEAR(s.max_kl, e.max_value, 1e-5 * e.max_value + 1e-9);
    EXPECT_EQ(s.max_kl_offset, e.max_offset);
    ASSERT_TRUE(s.donor_kl && s.acceptor_kl);
    EXPECT_NEAR(*s.donor_kl, e.donor, 1e-5 * e.donor + 1e-9);
    EXPECT_NEAR(*s.acceptor_kl, e.acceptor, 1e-5 * e.acceptor + 1e-9);
    EXPECT_NEAR(s.masked_delta_p, e.masked, 1e-6);
    some_unclipped |= e.context > 100 * std::log(1e-6) + 1;
  }
  EXPECT_TRUE(some_unclipped) << "all KL under the clip: the test would not test the formula";
  // Distinct REF windows: a and b; masked: (a,200) (a,240) (a,30) (b,300); ALT windows: 4 distinct.
  EXPECT_EQ(stats.ref_forwards, 2u);
  EXPECT_EQ(stats.masked_forwards, 4u);
  EXPECT_EQ(stats.alt_forwards, 4u);
}

TEST(VariantScorer, BatchingDoesNotChangeTheScores) {
  Session session(test::scaled_model(tiny()));
  const auto jobs = sample_jobs();
  ScoringOptions one_per_batch;
  one_per_batch.max_tokens = 1;  // every forward alone
  const auto batched = score_substitutions(session, jobs, {});
  const auto single = score_substitutions(session, jobs, one_per_batch);
  for (size_t j = 0; j < jobs.size(); ++j) {
    EXPECT_NEAR(batched[j].context_kl, single[j].context_kl, 1e-3);
    EXPECT_NEAR(batched[j].masked_delta_p, single[j].masked_delta_p, 1e-6);
  }
  EXPECT_EQ(batched[0].context_kl, batched[4].context_kl);  // the duplicate
}

TEST(VariantScorer, SpliceSitesOutsideTheWindowOrAbsentAreLeftOut) {
  Session session(test::scaled_model(tiny()));
  const std::string w = test::random_dna(300, 13);
  SubstitutionJob first_exon{w, 150, w[150] == 'A' ? 'C' : 'A', Span{100, 299}, false, true};
  const auto s = score_substitutions(session, {first_exon}, {});
  EXPECT_FALSE(s[0].acceptor_kl);  // a first exon has no acceptor
  EXPECT_FALSE(s[0].donor_kl);     // [299, 301) runs past the window
}

TEST(VariantScorer, RefusesAJobThatIsNotASubstitution) {
  Session session(test::scaled_model(tiny()));
  const std::string w = test::random_dna(100, 14);
  EXPECT_THROW(score_substitutions(session, {SubstitutionJob{w, 10, w[10], std::nullopt, true, true}}, {}), Error);
  EXPECT_THROW(score_substitutions(session, {SubstitutionJob{w, 100, 'A', std::nullopt, true, true}}, {}), Error);
}

}  // namespace
}  // namespace splicebert::variant
