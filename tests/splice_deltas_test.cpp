// SpliceAI-style deltas (splice_deltas.hpp): the alignment and maxima on hand-made arrays with hand-worked answers,
// then on a small generated splice-site model, where the test runs the plain forward itself (one sequence, no
// batching), takes the softmax, aligns REF and ALT with its own loops and compares with the library's SNV,
// insertion and deletion results on both strands, in genome mode and for sequence pairs. Plus the INFO entry layout.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "splice_test_model.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/splice_deltas.hpp"
#include "expect_error.hpp"
#include "test_util.hpp"
#include "variant_test_model.hpp"

namespace splicebert {
namespace {

using variant::AlleleChange;
using variant::SpliceDeltas;

// [L*3] rows from acceptor and donor columns (no_splice = 1 − both).
std::vector<float> rows(const std::vector<float>& acceptor, const std::vector<float>& donor) {
  std::vector<float> out;
  for (size_t i = 0; i < acceptor.size(); ++i) out.insert(out.end(), {1 - acceptor[i] - donor[i], acceptor[i], donor[i]});
  return out;
}

TEST(SpliceDeltas, SubstitutionTakesTheLargestChangeAndItsOffset) {
  const auto ref = rows({.1f, .2f, .3f, .4f, .5f, .6f, .7f}, std::vector<float>(7, .1f));
  const auto alt = rows({.1f, .2f, .9f, .4f, .1f, .6f, .7f}, std::vector<float>(7, .1f));
  const SpliceDeltas d = variant::splice_deltas(ref, alt, {3, 1, 1}, 2);  // positions 1..5 compared
  EXPECT_NEAR(d.score[variant::kAcceptorGain], 0.6, 1e-6);
  EXPECT_EQ(d.offset[variant::kAcceptorGain], -1);
  EXPECT_NEAR(d.score[variant::kAcceptorLoss], 0.4, 1e-6);
  EXPECT_EQ(d.offset[variant::kAcceptorLoss], 1);
  EXPECT_NEAR(d.ref_probability[variant::kAcceptorLoss], 0.5, 1e-6);
  EXPECT_NEAR(d.alt_probability[variant::kAcceptorLoss], 0.1, 1e-6);
  // Donor unchanged everywhere: 0 at the first compared position (ties go to the lowest, as numpy's argmax).
  EXPECT_EQ(d.score[variant::kDonorGain], 0.0);
  EXPECT_EQ(d.offset[variant::kDonorGain], -2);
  EXPECT_EQ(d.offset[variant::kDonorLoss], -2);
  EXPECT_EQ(variant::spliceai_entry("T", "GENE1", d), "T|GENE1|0.60|0.40|0.00|0.00|-1|1|-2|-2");
}

TEST(SpliceDeltas, DeletionFillsTheDeletedPositionsWithZero) {
  // REF 9 positions, anchor 3, REF length 3 (positions 4, 5 deleted), ALT length 1: ALT has 7 positions.
  const auto ref = rows({.1f, .1f, .1f, .1f, .8f, .1f, .1f, .1f, .1f}, std::vector<float>(9, 0.f));
  const auto alt = rows({.1f, .1f, .1f, .1f, .5f, .1f, .1f}, std::vector<float>(7, 0.f));
  const SpliceDeltas d = variant::splice_deltas(ref, alt, {3, 3, 1}, 3);  // positions 0..6
  // Position 4 (deleted): 0.8 -> 0, the loss; position 6 = ALT index 4: 0.1 -> 0.5, the gain.
  EXPECT_NEAR(d.score[variant::kAcceptorLoss], 0.8, 1e-6);
  EXPECT_EQ(d.offset[variant::kAcceptorLoss], 1);
  EXPECT_EQ(d.alt_probability[variant::kAcceptorLoss], 0.0);
  EXPECT_NEAR(d.score[variant::kAcceptorGain], 0.4, 1e-6);
  EXPECT_EQ(d.offset[variant::kAcceptorGain], 3);
  EXPECT_EQ(d.offset[variant::kDonorGain], -3);
}

TEST(SpliceDeltas, InsertionTakesTheMaxOverTheInsertedBasesOntoTheAnchor) {
  // REF 7 positions, anchor 3, ALT length 3 (two bases inserted after the anchor): ALT has 9 positions.
  const auto ref = rows(std::vector<float>(7, .1f), std::vector<float>(7, .2f));
  const auto alt = rows(std::vector<float>(9, .1f), {.2f, .2f, .2f, .1f, .9f, .3f, .2f, .05f, .2f});
  const SpliceDeltas d = variant::splice_deltas(ref, alt, {3, 1, 3}, 2);  // positions 1..5
  EXPECT_NEAR(d.score[variant::kDonorGain], 0.7, 1e-6);  // anchor: max(.1, .9, .3) − .2
  EXPECT_EQ(d.offset[variant::kDonorGain], 0);
  EXPECT_NEAR(d.score[variant::kDonorLoss], 0.15, 1e-6);  // REF 5 ↔ ALT 7
  EXPECT_EQ(d.offset[variant::kDonorLoss], 2);
  EXPECT_EQ(variant::spliceai_entry("CAT", "G", std::nullopt), "CAT|G|.|.|.|.|.|.|.|.");
}

TEST(SpliceDeltas, AllelesOfSequencePairs) {
  std::string problem;
  auto change = variant::pair_allele_change("ACGTACGT", "ACGAACGT", &problem);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->anchor, 3);
  EXPECT_EQ(change->ref_length, 1);
  change = variant::pair_allele_change("ACGTACGT", "ACGTTTACGT", &problem);  // TT after index 3 = after index 2
  ASSERT_TRUE(change);
  EXPECT_EQ(change->anchor, 2);
  EXPECT_EQ(change->alt_length, 3);
  change = variant::pair_allele_change("ACGTACGT", "ACGCGT", &problem);  // TA deleted (left-aligned: after G)
  ASSERT_TRUE(change);
  EXPECT_EQ(change->anchor, 2);
  EXPECT_EQ(change->ref_length, 3);
  EXPECT_EQ(change->alt_length, 1);
  EXPECT_FALSE(variant::pair_allele_change("ACGT", "ACGT", &problem));
  EXPECT_EQ(problem, "NO_CHANGE");
  EXPECT_FALSE(variant::pair_allele_change("ACGTACGT", "ACTTTTCGT", &problem));  // GTA -> TTTT: complex
  EXPECT_EQ(problem, "UNSUPPORTED_ALLELE");
  EXPECT_EQ(variant::delta_problem({0, 101, 1}, 50), "REF_TOO_LONG");
}

// ---- on a model ---------------------------------------------------------------------------------------------------

// Probabilities [L][3] of one sequence by the plain forward: <cls> seq <eos>, one sequence, softmax by hand.
std::vector<std::array<double, 3>> plain_probabilities(Session& session, const std::string& sequence) {
  const Model& model = session.model();
  const Batch batch = make_batch({model.tokenizer().encode(sequence).ids}, model.tokenizer().pad_id());
  const Tensor logits = head_logits(model, batch, session.forward(batch, head_forward_options(model.config())));
  std::vector<std::array<double, 3>> p(sequence.size());
  for (size_t i = 0; i < sequence.size(); ++i) {
    const float* x = logits.ptr() + i * 3;
    const double sum = std::exp(x[0]) + std::exp(x[1]) + std::exp(x[2]);
    for (int k = 0; k < 3; ++k) p[i][k] = std::exp(x[k]) / sum;
  }
  return p;
}

std::string revcomp(std::string s) {
  std::reverse(s.begin(), s.end());
  for (char& c : s) c = c == 'A' ? 'T' : c == 'C' ? 'G' : c == 'G' ? 'C' : 'A';
  return s;
}

// The expected deltas, written out: ALT value at REF position i per case, then max / first argmax.
struct Expected {
  double score[4];
  int64_t offset[4];
};
Expected expected_deltas(const std::vector<std::array<double, 3>>& ref, const std::vector<std::array<double, 3>>& alt,
                         int64_t anchor, int64_t ref_length, int64_t alt_length, int64_t distance) {
  Expected e;
  for (int k = 0; k < 4; ++k) e.score[k] = -1e9, e.offset[k] = 0;
  for (int64_t i = anchor - distance; i <= anchor + distance; ++i) {
    if (i < 0 || i >= static_cast<int64_t>(ref.size())) continue;
    for (int channel = 1; channel <= 2; ++channel) {
      double a;
      if (ref_length == alt_length) a = alt[i][channel];
      else if (ref_length > alt_length)  // deletion of ref_length − 1 bases after the anchor
        a = i <= anchor ? alt[i][channel] : i < anchor + ref_length ? 0.0 : alt[i - ref_length + 1][channel];
      else if (i < anchor) a = alt[i][channel];
      else if (i > anchor) a = alt[i + alt_length - 1][channel];
      else {
        a = alt[anchor][channel];
        for (int64_t j = anchor + 1; j < anchor + alt_length; ++j) a = std::max(a, alt[j][channel]);
      }
      const int gain = channel == 1 ? 0 : 2;
      if (a - ref[i][channel] > e.score[gain]) e.score[gain] = a - ref[i][channel], e.offset[gain] = i - anchor;
      if (ref[i][channel] - a > e.score[gain + 1]) e.score[gain + 1] = ref[i][channel] - a, e.offset[gain + 1] = i - anchor;
    }
  }
  return e;
}

void expect_same(const SpliceDeltas& got, const Expected& want, const std::string& what) {
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(got.score[k], want.score[k], 1e-5) << what << " score " << k;
    EXPECT_EQ(got.offset[k], want.offset[k]) << what << " offset " << k;
  }
}

struct Case {
  const char* name;
  int64_t ref_length;
  std::string alt;  // the ALT allele (starts with the anchor's base for indels, set below)
};

TEST(SpliceDeltasModel, GenomeModeMatchesTheHandComputedDeltasOnBothStrands) {
  auto model = test::splice_test_model();
  Session session(model);
  test::TempDir dir;
  const std::string genome = test::random_dna(2000, 5);
  {
    std::ofstream(dir / "genome.fa") << ">chr1\n" << genome << "\n";
    std::ofstream(dir / "genes.bed") << "chr1\t0\t2000\tPLUS1\t0\t+\nchr1\t100\t1900\tMINUS1\t0\t-\n";
  }
  genome::Reference reference(dir / "genome.fa");
  genome::Diagnostics diagnostics(false, true);
  auto annotation = genome::open_annotation(dir / "genes.bed", genome::AnnotationFormat::bed, diagnostics);
  const variant::TranscriptIndex transcripts(*annotation, reference);
  const int64_t p = 1000, flank = 60, distance = 20;
  const char other = genome[p] == 'A' ? 'C' : 'A';
  const std::vector<Case> cases = {{"SNV", 1, std::string(1, other)},
                                   {"insertion", 1, std::string(1, genome[p]) + "GTA"},
                                   {"deletion", 4, std::string(1, genome[p])}};
  std::vector<variant::Site> sites;
  for (const Case& c : cases) sites.push_back({"chr1", p, genome.substr(p, c.ref_length), {c.alt}});
  sites.push_back({"chr1", p, "N", {"A"}});  // REF mismatch: skipped
  variant::SpliceDeltaOptions options;
  options.distance = distance;
  options.flank = flank;
  const auto results = variant::score_site_deltas(session, sites, reference, transcripts, options);
  ASSERT_EQ(results.size(), sites.size());
  EXPECT_TRUE(results.back().empty());
  for (size_t s = 0; s < cases.size(); ++s) {
    const Case& c = cases[s];
    ASSERT_EQ(results[s].size(), 2u) << c.name;
    EXPECT_EQ(results[s][0].symbol, "PLUS1");
    EXPECT_EQ(results[s][1].symbol, "MINUS1");
    // The test's own windows: [p − flank, p + ref_length + flank), ALT with the allele spliced in.
    const std::string ref_seq = genome.substr(p - flank, c.ref_length + 2 * flank);
    const std::string alt_seq = ref_seq.substr(0, flank) + c.alt + ref_seq.substr(flank + c.ref_length);
    const int64_t alt_length = static_cast<int64_t>(c.alt.size());
    // + strand: as read.
    auto plus_ref = plain_probabilities(session, ref_seq), plus_alt = plain_probabilities(session, alt_seq);
    ASSERT_TRUE(results[s][0].deltas) << c.name;
    expect_same(*results[s][0].deltas, expected_deltas(plus_ref, plus_alt, flank, c.ref_length, alt_length, distance),
                std::string(c.name) + " +");
    // − strand: the reverse complement run, its rows reversed back into genome order.
    auto minus_ref = plain_probabilities(session, revcomp(ref_seq));
    auto minus_alt = plain_probabilities(session, revcomp(alt_seq));
    std::reverse(minus_ref.begin(), minus_ref.end());
    std::reverse(minus_alt.begin(), minus_alt.end());
    ASSERT_TRUE(results[s][1].deltas) << c.name;
    const Expected minus = expected_deltas(minus_ref, minus_alt, flank, c.ref_length, alt_length, distance);
    expect_same(*results[s][1].deltas, minus, std::string(c.name) + " -");
    // The comparison is not of zeros: a single substitution moves some probability of the generated model.
    if (s == 0) EXPECT_GT(std::max({minus.score[0], minus.score[1], minus.score[2], minus.score[3]}), 1e-3);
  }
}

TEST(SpliceDeltasModel, GenesAreNamedByTheirSymbolWhereTheAnnotationHasOne) {
  auto model = test::splice_test_model();
  Session session(model);
  test::TempDir dir;
  const std::string genome = test::random_dna(600, 6);
  {
    std::ofstream(dir / "genome.fa") << ">chr1\n" << genome << "\n";
    std::ofstream(dir / "genes.gtf")
        << "chr1\tt\texon\t101\t200\t.\t+\t.\tgene_id \"ENSG1\"; transcript_id \"T1\"; gene_name \"SYMB\";\n"
           "chr1\tt\texon\t301\t400\t.\t+\t.\tgene_id \"ENSG1\"; transcript_id \"T1\"; gene_name \"SYMB\";\n"
           "chr1\tt\texon\t151\t450\t.\t-\t.\tgene_id \"ENSG2\"; transcript_id \"T2\";\n";
  }
  genome::Reference reference(dir / "genome.fa");
  genome::Diagnostics diagnostics(false, true);
  auto annotation = genome::open_annotation(dir / "genes.gtf", genome::AnnotationFormat::gtf, diagnostics);
  const variant::TranscriptIndex transcripts(*annotation, reference);
  const std::string alt(1, genome[250] == 'A' ? 'G' : 'A');
  const auto results = variant::score_site_deltas(session, {{"chr1", 250, genome.substr(250, 1), {alt}}}, reference,
                                                  transcripts, {});
  ASSERT_EQ(results[0].size(), 2u);
  EXPECT_EQ(results[0][0].symbol, "SYMB");   // gene_name
  EXPECT_EQ(results[0][1].symbol, "ENSG2");  // no gene_name: the gene id
}

TEST(SpliceDeltasModel, SequencePairsMatchTheHandComputedDeltas) {
  auto model = test::splice_test_model();
  Session session(model);
  const std::string ref = test::random_dna(300, 9);
  std::string snv = ref, insertion = ref, deletion = ref;
  snv[150] = ref[150] == 'G' ? 'T' : 'G';
  insertion.insert(151, "AAC");  // after index 150: anchor 150 when ref[151] is not the inserted A (checked below)
  deletion.erase(151, 2);
  std::vector<variant::SequencePair> pairs = {{"snv", ref, snv, 150, std::nullopt, 1},
                                              {"ins", ref, insertion, 150, std::nullopt, 2},
                                              {"del", ref, deletion, 150, std::nullopt, 3},
                                              {"same", ref, ref, 150, std::nullopt, 4}};
  variant::SpliceDeltaOptions options;
  options.distance = 30;
  const auto results = variant::score_pair_deltas(session, pairs, options);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[3].status, "NO_CHANGE");
  const auto ref_p = plain_probabilities(session, ref);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(results[i].status, "scored") << pairs[i].id;
    const AlleleChange& c = results[i].change;
    const auto alt_p = plain_probabilities(session, pairs[i].alt);
    expect_same(*results[i].deltas, expected_deltas(ref_p, alt_p, c.anchor, c.ref_length, c.alt_length, 30),
                pairs[i].id);
  }
  // The alleles found are the ones made (left-aligned where the neighbours repeat the change).
  EXPECT_EQ(results[0].change.anchor, 150);
  EXPECT_EQ(results[1].change.alt_length, 4);
  EXPECT_LE(results[1].change.anchor, 150);
  EXPECT_EQ(results[2].change.ref_length, 3);
  EXPECT_LE(results[2].change.anchor, 150);
}

TEST(SpliceDeltasModel, BatchedProbabilitiesEqualOneSequenceAtATime) {
  auto model = test::splice_test_model();
  Session session(model);
  const std::vector<std::string> sequences = {test::random_dna(200, 1), test::random_dna(80, 2),
                                              test::random_dna(200, 1), test::random_dna(1500, 3)};
  const auto batched = variant::splice_site_probabilities(session, sequences, 600);
  ASSERT_EQ(batched.size(), 4u);
  EXPECT_EQ(batched[0], batched[2]);
  for (size_t s = 0; s < 2; ++s) {
    const auto single = plain_probabilities(session, sequences[s]);
    ASSERT_EQ(batched[s].size(), single.size() * 3);
    for (size_t i = 0; i < single.size(); ++i)
      for (int k = 0; k < 3; ++k) EXPECT_NEAR(batched[s][i * 3 + k], single[i][k], 1e-5);
  }
  EXPECT_EQ(batched[3].size(), 1500u * 3);  // longer than the model: windowed
  test::expect_error([&] {
    Session mlm(test::generated_model({1, 48, 3, 96, 26}));
    variant::splice_site_probabilities(mlm, {"ACGT"});
  }, {"not a splice-site model"});
}

}  // namespace
}  // namespace splicebert
