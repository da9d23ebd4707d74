// Zero-shot variant effect scores and in-silico mutagenesis (docs/variants.md): per-nucleotide distributions
// from the MLM head, KL profiles between a REF and an ALT window, the context / max / splice-site KL and masked ΔP
// scores, window placement around a variant or an exon, and the batched scorer that shares REF forwards.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "splicebert/model.hpp"

namespace splicebert::variant {

// ---- per-position distributions and KL (src/model/variant_scores.cpp) ------------------------------------------
// `logits` are L consecutive rows of V logits (nucleotide rows only, no <cls>). Returns [L*4] probabilities of
// A, C, G, U (Tokenizer::nucleotide_ids order): the softmax over those four logits, in double.
std::vector<double> nucleotide_distributions(const float* logits, int64_t L, int64_t V,
                                             const std::vector<int>& nucleotide_ids);
// SB's in-silico-mutagenesis variant (ism --full-vocab): softmax over all V logits, each probability clipped to
// [1e-6, 1 - 1e-6]; returns [L*V].
std::vector<double> clipped_vocabulary_distributions(const float* logits, int64_t L, int64_t V);
// KL(i) = Σ_x alt(i,x)·ln(alt(i,x)/ref(i,x)), natural log, no epsilon; `width` probabilities per position.
std::vector<double> kl_profile(const std::vector<double>& ref, const std::vector<double>& alt, int64_t width);

// Context KL at window index p: k_d = mean of KL over those of p-d, p+d that lie in the profile (both when both
// exist, docs/variants.md), d = 1..radius; d with neither side inside is skipped. score = Σ_d ln(max(k_d, 1e-6)).
// NaN when no d qualifies.
double context_kl(const std::vector<double>& kl, int64_t p, int64_t radius = 100);
// The largest KL at offsets 1..radius on either side of p (p itself excluded: its distribution reflects the changed
// input token, not an effect on the context); offset signed in window orientation, the nearer one on ties.
struct MaxKl {
  double value = NAN;
  int64_t offset = 0;
};
MaxKl max_kl(const std::vector<double>& kl, int64_t p, int64_t radius = 50);
// Mean KL over [begin, end) when that range lies inside the profile, else nullopt.
std::optional<double> mean_kl(const std::vector<double>& kl, int64_t begin, int64_t end);
// Masked ΔP: softmax over the whole vocabulary of one logits row (REF window with <mask> at p): P(alt) - P(ref).
double masked_delta_p(const float* logits_row, int64_t V, int ref_id, int alt_id);

// Index of a base (either case) in A, C, G, U order (T = U); -1 for anything else.
int base_index(char base);

// ---- windows (src/model/variant_windows.cpp) ---------------------------------------------------------------------
struct Span {
  int64_t start = 0, end = 0;  // 0-based half-open
  bool contains(int64_t i) const { return i >= start && i < end; }
};
enum class Center { Variant, Exon };
// Genomic [start, start+length) of a window of `length` nt on a contig of `contig_length` nt. Variant-centred: the
// variant at index length/2 in transcript orientation (255 of 510). Exon-centred (SB): start = (exon.start +
// exon.end)/2 - length/2 on either strand. Either is shifted to lie inside the contig (shortened to the contig when
// it is shorter than `length`).
Span window_around_variant(int64_t position, bool minus, int64_t length, int64_t contig_length);
Span window_around_exon(Span exon, int64_t length, int64_t contig_length);
// Genomic position / span -> transcript-orientation window index / span (reverse-complemented on minus:
// i' = length-1-i, [s, e) -> [length-e, length-s)).
int64_t window_index(Span window, int64_t genomic_position, bool minus);
Span window_span(Span window, Span genomic, bool minus);

// ---- the batched scorer (src/model/variant_scorer.cpp) -----------------------------------------------------------
// One single-nucleotide substitution in one window (transcript orientation, upper case).
struct SubstitutionJob {
  std::string window;     // the REF window
  int64_t position = 0;   // variant index in `window`
  char alt = 'A';         // ALT base (A, C, G, T or U)
  std::optional<Span> exon;     // window coordinates, for the splice-site KL
  bool exon_has_acceptor = true, exon_has_donor = true;  // false for a first / last exon
};
struct SubstitutionScores {
  double context_kl = NAN, max_kl = NAN, masked_delta_p = NAN;
  int64_t max_kl_offset = 0;  // window orientation
  std::optional<double> donor_kl, acceptor_kl;
};
struct ScoringOptions {
  int64_t context_radius = 100;
  int64_t max_kl_radius = 50;   // --max-kl-window
  int64_t max_tokens = 16384;   // token budget per forward batch
  bool masked_delta_p = true;
};
struct ScoringStats {
  size_t ref_forwards = 0, masked_forwards = 0, alt_forwards = 0;
};
// Identical REF windows are run once, identical masked REF windows once, identical ALT windows once; all in batches
// of up to `max_tokens` tokens. Results are in job order.
std::vector<SubstitutionScores> score_substitutions(Session& session, const std::vector<SubstitutionJob>& jobs,
                                                    const ScoringOptions& options, ScoringStats* stats = nullptr);

// Runs the model over `sequences` (token ids with <cls>/<eos>) in batches of up to `max_tokens` tokens, longest
// first, and calls consume(index, logits) with that sequence's [T_index, V] logits rows (row 0 = <cls>).
void for_each_logits(Session& session, const std::vector<std::vector<int32_t>>& sequences, int64_t max_tokens,
                     const std::function<void(size_t, const float*)>& consume);

// ---- in-silico mutagenesis (src/model/ism.cpp) -------------------------------------------------------------------
struct IsmOptions {
  bool full_vocab = false;       // SB's variant: full softmax, clipped, KL over the whole vocabulary
  int64_t window = 0;            // nucleotides per window (0 = the model's maximum)
  int64_t context_radius = 100;
  int64_t max_tokens = 16384;
  std::optional<Span> positions;  // score only these positions (the rest of the record is context); NaN elsewhere
};
// [L*4] context-KL scores (A, C, G, U columns) of every single substitution of `sequence` (upper case, DNA or RNA
// letters); NaN at the reference base of each position. Records longer than the window are tiled with windows
// overlapping by 2*context_radius; each position is scored in the window where it is most central.
struct IsmResult {
  std::vector<double> scores;  // [L*4]
  int64_t windows = 0, forwards = 0;
};
IsmResult in_silico_mutagenesis(Session& session, const std::string& sequence, const IsmOptions& options);
// The windows ISM uses for a record of L nt (shared with the tests).
std::vector<Span> ism_windows(int64_t L, int64_t window, int64_t context_radius);

// ---- sequence pairs (src/io/variant_pairs_tsv.cpp, src/model/variant_pairs.cpp) ---------------------------------
// A TSV with a header row naming at least `id`, `ref`, `alt`, `pos` (0-based index of the variant in ref) and
// optionally `exon_start`, `exon_end` (0-based half-open, in ref); other columns are ignored.
struct SequencePair {
  std::string id, ref, alt;
  int64_t position = 0;
  std::optional<Span> exon;
  int64_t line = 0;
};
std::vector<SequencePair> read_sequence_pairs(const std::string& path);  // "-" = stdin
// Why a pair cannot be scored ("" when it can): INDEL when the lengths differ, UNSUPPORTED_ALLELE when ref and alt
// are not exactly one A/C/G/T/U substitution at pos (no difference, a difference elsewhere, another letter).
std::string pair_problem(const SequencePair& pair);
// The job of a pair that pair_problem() accepts (src/model/variant_pairs.cpp): the whole ref when it fits in
// `window` nt, else the `window`-nt piece centred on the variant (or on the exon, as window_around_exon); nullopt
// when exon centring leaves the variant outside the piece. The exon is taken to have both splice sites.
std::optional<SubstitutionJob> pair_job(const SequencePair& pair, Center center, int64_t window);

// A score as the VCF and TSV outputs print it: "%.6g", or "." when missing (NaN or absent).
std::string format_score(double value);
std::string format_score(const std::optional<double>& value);

}  // namespace splicebert::variant
