// Precomputed score tables (docs/scale-out.md): `precompute` scores all three SNVs at every position of some regions
// and writes them as a bgzip VCF with a tabix index; `score-vcf --lookup` takes a record's scores from such a table
// when its header says it was made with the same model, annotation and scoring parameters, and computes the rest.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "splicebert/genome.hpp"
#include "splicebert/shard.hpp"
#include "splicebert/vcf_scoring.hpp"

namespace splicebert::variant {

// Everything a table row's scores depend on, as one header value: "model_sha256=...;annotation_sha256=...;window=
// 510;center=variant;context_radius=100;max_kl_window=50;masked_dp=1;precision=f32". A table is used only when its
// ##SpliceBERT_table line equals the current run's.
std::string table_parameters(const std::string& model_sha256, const std::string& annotation_sha256,
                             const VcfScoringOptions& options, const std::string& precision);
inline constexpr const char* kTableHeaderKey = "##SpliceBERT_table=";

class ScoreTable {
 public:
  // Opens TABLE.vcf.gz and its .tbi; throws a one-line Error when either is missing or unreadable, or when the
  // table's ##SpliceBERT_table line differs from `expected` (naming the first parameter that differs).
  ScoreTable(const std::string& path, const std::string& expected);
  ~ScoreTable();
  ScoreTable(const ScoreTable&) = delete;
  ScoreTable& operator=(const ScoreTable&) = delete;

  struct Row {
    std::vector<std::string> entries;  // INFO/SpliceBERT entries as written
    double context_kl = NAN;           // INFO/SB_KL
  };
  // The row of the SNV `ref`>`alt` at 0-based `position` of `contig` (the reference's name), if the table has it.
  std::optional<Row> find(const std::string& contig, int64_t position, char ref, char alt) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::string path_;
};

// Regions for precompute: a BED file (CHROM START END ..., 0-based half-open; '#', track and browser lines skipped),
// merged and sorted in reference order. Throws naming the file and line of a malformed line or an unknown contig.
std::vector<genome::Region> read_precompute_regions(const std::string& bed_path, const genome::Reference& reference);

struct PrecomputeStats {
  size_t positions = 0, variants = 0, skipped_positions = 0;  // skipped: the reference base is not A, C, G or T
};
// Scores the three SNVs of every position of `regions` with `scorer` in chunks of `chunk` positions and writes the
// table to `output` (bgzip VCF, renamed into place when complete) and `output`.tbi. `header_lines` are extra
// provenance lines; `progress(positions_done)` is called after each chunk. `shard` (--shard I/N) keeps the I-th of N
// contiguous blocks of the regions' positions, so that bcftools concat of the N tables is the whole table.
PrecomputeStats precompute_table(VcfScorer& scorer, genome::Reference& reference,
                                 const std::vector<genome::Region>& regions, const std::string& output,
                                 const std::vector<std::string>& header_lines, size_t chunk,
                                 const std::function<void(size_t)>& progress, const Shard& shard = {});

}  // namespace splicebert::variant
