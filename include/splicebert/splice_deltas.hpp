// SpliceAI-style variant deltas from a splice-site model (docs/splice-sites.md, "Variant deltas"): a token head of
// three channels (0 no_splice, 1 acceptor = last intron base, 2 donor = first intron base, transcript strand) run on
// the REF and the ALT sequence around a variant; acceptor / donor gain and loss are the largest increase / decrease
// of that channel's probability within ±distance nt, with the signed offset where it happens. Indels are aligned to
// reference coordinates as SpliceAI aligns them. Used by score-vcf (INFO/SpliceBERT_DS), score-pairs, the server
// and the Python package.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "splicebert/genome.hpp"
#include "splicebert/model.hpp"
#include "splicebert/variant.hpp"
#include "splicebert/variant_sites.hpp"

namespace splicebert::variant {

// ---- the model --------------------------------------------------------------------------------------------------
enum SpliceChannel : int { kNoSplice = 0, kAcceptor = 1, kDonor = 2 };
// True for a token head of exactly three labels (the splice-site channels above).
bool is_splice_site_model(const ModelConfig& config);
// An error naming `model.source()` unless is_splice_site_model.
void require_splice_site_model(const Model& model);

// Per-nucleotide channel probabilities (softmax over the three logits) of each sequence, [L*3] row-major, in the
// sequence's own orientation. Sequences that fit the model run together in batches of up to `max_tokens` tokens;
// longer ones are windowed and stitched (windowed_token_logits). Identical sequences are run once.
std::vector<std::vector<float>> splice_site_probabilities(Session& session, const std::vector<std::string>& sequences,
                                                          int64_t max_tokens = 16384);

// The same probabilities from a token head's logits [L, 3] (windowed_token_logits), [L*3].
std::vector<float> splice_probabilities_from_logits(const Tensor& logits);

// ---- deltas of one allele ---------------------------------------------------------------------------------------
// The four scores in SpliceAI's order: acceptor gain, acceptor loss, donor gain, donor loss.
enum DeltaKind : int { kAcceptorGain = 0, kAcceptorLoss = 1, kDonorGain = 2, kDonorLoss = 3 };
struct SpliceDeltas {
  std::array<double, 4> score{};    // DS_*: max over positions of (alt − ref) for a gain, (ref − alt) for a loss
  std::array<int64_t, 4> offset{};         // DP_*: position of that max − the variant's anchor, in the arrays' order
  std::array<double, 4> ref_probability{}, alt_probability{};  // the channel's REF and aligned ALT value there
};

// One allele in the coordinates of the REF probabilities: REF bases [anchor, anchor + ref_length) become ALT bases
// [anchor, anchor + alt_length) of the ALT sequence (VCF style: an indel keeps its first, anchor base).
struct AlleleChange {
  int64_t anchor = 0, ref_length = 1, alt_length = 1;
};
// Why an allele cannot be scored ("" when it can): SpliceAI scores SNVs, and indels where REF or ALT is one base;
// equal-length substitutions (MNVs) are scored position by position here as well. REF longer than 2·distance is
// refused as SpliceAI refuses it.
std::string delta_problem(const AlleleChange& change, int64_t distance);

// `ref` [ref_L*3] and `alt` [alt_L*3] in the orientation in which offsets are reported (genomic + strand for a VCF;
// a minus-strand sequence's probabilities reversed first), alt_L = ref_L − ref_length + alt_length. Positions
// anchor−distance … anchor+distance of REF are compared (those outside the sequence skipped) with ALT aligned as
// SpliceAI aligns it: before and at the anchor the same index; a deletion's deleted positions get ALT probability 0;
// an insertion's anchor gets the max over the anchor and the inserted bases, and the positions after it shift by
// the insertion's length. Ties go to the lowest position (numpy argmax).
SpliceDeltas splice_deltas(const std::vector<float>& ref, const std::vector<float>& alt, const AlleleChange& change,
                           int64_t distance);

// ---- output formats ---------------------------------------------------------------------------------------------
// One SpliceAI-layout entry, ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL, scores with two
// decimals ("%.2f"); an unscored allele gives ALLELE|SYMBOL|.|.|.|.|.|.|.|. as SpliceAI writes it.
std::string spliceai_entry(const std::string& allele, const std::string& symbol,
                           const std::optional<SpliceDeltas>& deltas);
// The ##INFO header line of INFO/SpliceBERT_DS (its Description ends in "Format: ALLELE|SYMBOL|...").
std::string spliceai_info_header(int64_t distance);
extern const char* const kSpliceAiFormat;  // "ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL"

// MultiMolecule's `splice-variant-effect` records of one allele: four objects {position, reference_nucleotide,
// alternative_nucleotide, channel ("acceptor"|"donor"), delta_score (alt − ref, signed), direction ("gain"|"loss"),
// reference_score, alternative_score}; position = variant_position + offset.
nlohmann::json splice_variant_effects(const SpliceDeltas& deltas, int64_t variant_position, const std::string& ref,
                                      const std::string& alt);

// ---- genome mode (score-vcf) ------------------------------------------------------------------------------------
struct SpliceDeltaOptions {
  int64_t distance = 50;      // --distance
  int64_t max_tokens = 16384;
  int64_t flank = 0;          // nt of context each side of the variant; 0 = as much as one model window holds
};
// One ALT × gene result of a site.
struct GeneDeltas {
  size_t alt = 0;
  std::string symbol;                  // the gene's name where the annotation has one, else its id
  std::optional<SpliceDeltas> deltas;  // nullopt: allele not scored (delta_problem, symbolic ALT)
};
// For each site: one GeneDeltas per ALT allele and gene overlapping the variant (the max of each score over the
// gene's transcripts; transcripts on one strand share one prediction). Sites whose REF does not match the
// reference, or on unknown contigs, give none (SpliceAI skips them too). One batched run for all sites.
std::vector<std::vector<GeneDeltas>> score_site_deltas(Session& session, const std::vector<Site>& sites,
                                                       genome::Reference& reference,
                                                       const TranscriptIndex& transcripts,
                                                       const SpliceDeltaOptions& options);

// The INFO/SpliceBERT_DS entries of one site (spliceai_entry per GeneDeltas; `alts` names the alleles).
std::vector<std::string> spliceai_entries(const std::vector<std::string>& alts, const std::vector<GeneDeltas>& genes);
// The same results as JSON (the server's /variants): per ALT × gene {"allele", "symbol", "spliceai" (the entry
// above), "effects" (splice_variant_effects, positions 1-based on the genome's + strand; [] when not scored)}.
nlohmann::json site_deltas_json(const Site& site, const std::vector<GeneDeltas>& genes);

// ---- sequence pairs (score-pairs) -------------------------------------------------------------------------------
// The allele of a REF/ALT pair: the shared suffix and prefix trimmed (suffix first, so indels are left-aligned), an
// indel given its anchor base before the change. nullopt with `problem` set when the sequences are equal, the change
// has no base before it, or it is neither an SNV/MNV nor a simple indel.
std::optional<AlleleChange> pair_allele_change(const std::string& ref, const std::string& alt, std::string* problem);
struct PairDeltas {
  std::string status = "scored";        // or why not
  std::optional<SpliceDeltas> deltas;   // offsets in the sequence's orientation
  AlleleChange change;
};
// score-pairs' columns for one pair: status, DS_AG … DS_DL ("%.6g"), DP_AG … DP_DL, tab-separated ("." unscored).
std::string pair_delta_columns(const PairDeltas& pair);
// The pairs' deltas as JSON: [{"id", "status", "effects": splice_variant_effects (positions = indices in REF,
// nucleotides = the alleles found)}], effects [] when not scored.
nlohmann::json pair_deltas_json(const std::vector<SequencePair>& pairs, const std::vector<PairDeltas>& deltas);
std::vector<PairDeltas> score_pair_deltas(Session& session, const std::vector<SequencePair>& pairs,
                                          const SpliceDeltaOptions& options);

}  // namespace splicebert::variant
