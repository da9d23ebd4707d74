// Streaming VCF scoring (docs/variants.md, docs/scale-out.md): records go in chunk by chunk (vcf::Annotator::read),
// each chunk's sites are planned, scored in shared batches and turned into the INFO values of vcf::Annotation. Memory
// stays flat however long the input is. score-vcf, precompute and any other caller share this one path, so the
// INFO/SpliceBERT text is the same everywhere.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "splicebert/splice_deltas.hpp"
#include "splicebert/variant.hpp"
#include "splicebert/variant_sites.hpp"
#include "splicebert/vcf.hpp"

namespace splicebert::variant {

class ScoreTable;  // score_table.hpp

struct VcfScoringOptions {
  SiteOptions sites;
  ScoringOptions scoring;
  std::string center_name = "variant";  // as given on the command line, for the header
};

// The ##SpliceBERT_window / ##SpliceBERT_scoring header lines that describe how the scores were made.
std::vector<std::string> scoring_header_lines(const VcfScoringOptions& options);

struct VcfScoringStats {
  size_t records = 0, scored_jobs = 0;   // records seen; ALT x transcript scores computed by the model
  ScoringStats forwards;
  std::map<std::string, size_t> allele_outcomes;  // "scored" or the SB_REASON name -> ALT alleles
  size_t lookup_hits = 0, lookup_misses = 0;     // records taken from / not found in a --lookup table
  // Set by score_vcf_file for its progress callback: input records read so far (region filter and shard included)
  // and how many it will read (0 = unknown: standard input).
  int64_t input_records_read = 0, input_records_total = 0;
};

// What one ALT allele contributes to its record's INFO fields.
struct AlleleResult {
  Reason reason = Reason::none;
  std::vector<std::string> entries;  // INFO/SpliceBERT entries, one per transcript, allele field included
  double best_context_kl = NAN;      // the largest context KL over its transcripts (SB_KL)
};
// The INFO values of a record from its alleles' results (SB_REASON only when some ALT is unscored; SB_KL only when
// some entry exists); a record without ALT gets UNSUPPORTED_ALLELE.
vcf::Annotation assemble_annotation(const vcf::Record& record, const std::vector<AlleleResult>& alleles);
// Characters with a meaning in a pipe- and comma-separated INFO value become '_'; "" becomes ".".
std::string info_safe(std::string text);

class VcfScorer {
 public:
  // `warn` receives one line per problem in the data (REF mismatch, unknown contig, ...): the first 20 in full, then
  // one line saying the rest are only counted. `table` (optional) supplies the scores of plain SNV records it holds.
  VcfScorer(Session& session, genome::Reference& reference, const TranscriptIndex& transcripts,
            VcfScoringOptions options, std::string source_name, std::function<void(const std::string&)> warn,
            const ScoreTable* table = nullptr);
  // One annotation per record of `chunk`, in order.
  std::vector<vcf::Annotation> score(const std::vector<vcf::Record>& chunk);
  const VcfScoringStats& stats() const { return stats_; }
  // "N records, M allele x transcript scores in S s (...); ALT alleles: scored 12 INDEL 3 ..."
  std::string summary(double seconds) const;

 private:
  bool from_table(const vcf::Record& record, const SitePlan& plan, std::vector<AlleleResult>& alleles) const;
  void warn_about(const vcf::Record& record, const SitePlan& plan);
  Session& session_;
  genome::Reference& reference_;
  const TranscriptIndex& transcripts_;
  VcfScoringOptions options_;
  std::string source_;
  std::function<void(const std::string&)> warn_;
  const ScoreTable* table_;
  size_t warnings_ = 0;
  VcfScoringStats stats_;
};

// The genomic scoring window in nt: `requested` (0 = the model's maximum), checked against the model's maximum and
// the 201 nt the context KL reads. score-vcf and precompute share it, so a table and a run agree on windows.
int64_t scoring_window(const Model& model, int64_t requested);

// ---- a whole run: what `score-vcf` does between parsing its options and printing its summary ----------------------
struct VcfRunOptions {
  std::string fasta, annotation, annotation_format = "auto";  // "-" = stdin for one of annotation / io.input
  vcf::AnnotatorOptions io;            // input, output, output type, htslib threads
  std::vector<std::string> regions;    // CHROM[:BEG-END], 1-based
  std::string regions_file;            // CHROM BEG END, or .bed
  std::string shard;                   // "I/N": a contiguous block of the input's records (docs/scale-out.md)
  std::string lookup;                  // a precompute table to take scores from, or ""
  std::string precision = "f32";       // recorded in, and matched against, a lookup table
  VcfScoringOptions scoring;           // window 0 = the model's maximum
  size_t chunk = 256;                  // records scored together
  std::map<std::string, std::string> provenance;  // written as ##SpliceBERT_<key>=<value> (output_provenance)
  bool quiet = false;                  // annotation diagnostics: counts only
  // A splice-site model's session (3-channel token head): adds SpliceAI-style INFO/SpliceBERT_DS deltas
  // (docs/splice-sites.md); null = none.
  Session* splice_session = nullptr;
  SpliceDeltaOptions deltas;
};
struct VcfRunCallbacks {
  std::function<void(const std::string&)> message;  // warnings about the data and notes (the CLI: stderr, always)
  // After every chunk. With it set, an input file's records are counted first (one more read of the file, cheap
  // next to scoring) so that input_records_total is known.
  std::function<void(const VcfScoringStats&)> progress;
  std::function<void(const vcf::Record&, const vcf::Annotation&)> record;  // every written record, in order
};
// Opens the reference, the annotation (transcripts) and the lookup table, checks the window against the model,
// reads the input in chunks, scores them and writes the annotated VCF/BCF with the provenance and scoring header
// lines; the output appears only when complete. Returns the run's statistics; `summary` gets the closing line.
VcfScoringStats score_vcf_file(Session& session, VcfRunOptions options, const VcfRunCallbacks& callbacks,
                               std::string* summary = nullptr);

}  // namespace splicebert::variant
