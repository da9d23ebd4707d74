// From a genomic variant to scoring jobs (docs/variants.md): the transcripts that overlap it, the REF check against
// the reference FASTA, the allele classification (SNV, indel, other) and the window on each transcript's strand, or
// the reason why an ALT allele is not scored.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "splicebert/genome.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::variant {

// Transcripts by reference contig, for overlap queries. Contig names are matched through Reference::find_contig
// (with and without "chr"); transcripts on contigs the reference lacks are counted and left out. A transcript past
// its contig's end is bad input under the same rule as `extract` (genome::past_contig_end), reported through
// `diagnostics` (an error unless it skips bad records), or an error when none is given.
class TranscriptIndex {
 public:
  TranscriptIndex(genome::AnnotationReader& annotation, const genome::Reference& reference,
                  genome::Diagnostics* diagnostics = nullptr);
  // Transcripts whose pre-mRNA span contains `position` (0-based) of reference contig `contig`, by span start.
  std::vector<const genome::TranscriptModel*> overlapping(int contig, int64_t position) const;
  size_t size() const { return size_; }
  size_t on_unknown_contigs() const { return unknown_; }

 private:
  struct Contig {
    std::vector<genome::TranscriptModel> transcripts;  // by span start
    std::vector<int64_t> end_so_far;                    // max span end over transcripts[0..i]
  };
  std::vector<Contig> contigs_;
  size_t size_ = 0, unknown_ = 0;
};

// Why an ALT allele is not scored (SB_REASON).
enum class Reason { none, ref_mismatch, not_in_transcript, contig_unknown, near_contig_end, unsupported_allele,
                    indel, outside_window };
const char* reason_name(Reason reason);  // "REF_MISMATCH", ...; "" for none

struct SiteOptions {
  Center center = Center::Variant;
  int64_t window = 510;          // nucleotides
  int64_t context_radius = 100;  // a variant closer than this to a contig end is NEAR_CONTIG_END
};

struct Site {
  std::string chrom;
  int64_t position = 0;  // 0-based
  std::string ref;
  std::vector<std::string> alts;
};

// One job of a site: ALT allele `alt` on `transcript`, scored by jobs[job].
struct SiteJob {
  size_t alt = 0;
  const genome::TranscriptModel* transcript = nullptr;
  bool minus = false;
  size_t job = 0;
  const char* consequence = "";  // Sequence Ontology term, see consequence()
};
struct SitePlan {
  std::vector<Reason> reasons;  // per ALT (none = at least one transcript scores it)
  std::vector<SiteJob> jobs;
  std::string message;          // for REF_MISMATCH / CONTIG_UNKNOWN / NEAR_CONTIG_END: what exactly was wrong
};
// Where `position` (0-based) lies in `t`, as the Sequence Ontology / VEP name it: splice_donor_variant and
// splice_acceptor_variant (the first / last two intron bases in transcript orientation), splice_region_variant
// (3 exon or 8 intron bases from an intron end), else exon_variant or intron_variant.
const char* consequence(const genome::TranscriptModel& t, int64_t position);

// Appends the site's substitution jobs to `jobs`.
SitePlan plan_site(const Site& site, genome::Reference& reference, const TranscriptIndex& transcripts,
                   const SiteOptions& options, std::vector<SubstitutionJob>& jobs);

// score-vcf -r / -R: keep records whose POS lies in any region. -r strings are samtools regions (1-based inclusive);
// a -R file has CHROM BEG END (1-based inclusive) or CHROM POS per line, or BED (0-based half-open) when its name
// ends in .bed. Contig names match with and without "chr" when the reference knows them.
class RegionFilter {
 public:
  RegionFilter(const std::vector<std::string>& regions, const std::string& regions_file,
               const genome::Reference& reference);
  bool active() const { return !regions_.empty(); }
  bool keep(const std::string& chrom, int64_t position) const;

 private:
  std::string key(const std::string& chrom) const;  // the reference's name for it, else the name as given
  const genome::Reference& reference_;
  std::vector<genome::Region> regions_;
};

}  // namespace splicebert::variant
