// Genome data: annotation models (GTF, GFF3, BED6, BED12), reference access through htslib faidx, extraction of
// pre-mRNA / mRNA / exon / intron sequences byte-identical to `bedtools getfasta -s -name [-split]`, window sampling
// into mmap-able token shards, and per-nucleotide splice-site / branchpoint labels. Design notes: docs/genome.md.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace splicebert::genome {

// ---- sequence helpers -------------------------------------------------------------------------------------------
// IUPAC complement with case kept (A<->T, C<->G, U->A, R<->Y, K<->M, B<->V, D<->H; S W N and anything else
// unchanged), the table bedtools 2.30 uses, then reversed in place.
void reverse_complement(std::string& sequence);
void reverse_complement(char* begin, char* end);
void to_upper(std::string& sequence);
void to_upper(char* begin, char* end);

// ---- bad input policy -------------------------------------------------------------------------------------------
// A malformed or impossible record is an error naming "file:line" unless --skip-bad, which turns it into a warning
// on stderr (the first few printed, all counted).
class Diagnostics {
 public:
  Diagnostics(bool skip_bad, bool quiet) : skip_bad_(skip_bad), quiet_(quiet) {}
  // `where` is "file:line" (or "file"); throws splicebert::Error when not skipping.
  void bad(const std::string& where, const std::string& what);
  void warn(const std::string& where, const std::string& what);  // never fatal (e.g. zero-length BED record)
  size_t bad_count() const { return bad_; }
  size_t warning_count() const { return warnings_; }
  bool skip_bad() const { return skip_bad_; }
  void summary(const std::string& verb) const;  // "N bad records skipped" on stderr when any

 private:
  void print(const std::string& line);
  bool skip_bad_, quiet_;
  size_t bad_ = 0, warnings_ = 0, printed_ = 0;
};

// ---- annotation model -------------------------------------------------------------------------------------------
struct Interval {
  int64_t start = 0, end = 0;  // 0-based, half-open
};

// One transcript (a BED record is one transcript). Strand is '+', '-', '.', or 0 for a BED without a strand column
// (printed "()" like bedtools).
struct TranscriptModel {
  std::string chrom, name, gene;  // name: transcript_id / BED name; gene: gene_id (BED: the name again)
  std::string gene_name;          // the gene's symbol where the annotation has one (GTF gene_name), else empty
  char strand = '+';
  Interval span;                  // pre-mRNA span (BED chromStart-chromEnd; GTF first exon start - last exon end)
  std::vector<Interval> exons;    // ascending by start (BED12 blocks, GTF exons; BED6: the span)
  int64_t line = 0;               // annotation line that started the record (unknown-contig errors)
  int64_t end_line = 0;           // line that set the span end (past-the-contig-end errors)
};

enum class AnnotationFormat { automatic, gtf, gff3, bed };
AnnotationFormat parse_annotation_format(const std::string& name);  // "auto" "gtf" "gff3"/"gff" "bed"
const char* annotation_format_name(AnnotationFormat format);

// Yields transcripts. BED: one per record, as read (streaming). GTF/GFF3: read whole, grouped per transcript, in the
// order of each transcript's first line (only coordinates are held, never sequence).
class AnnotationReader {
 public:
  virtual ~AnnotationReader() = default;
  virtual bool next(TranscriptModel& transcript) = 0;
  virtual AnnotationFormat format() const = 0;
  virtual const std::string& path() const = 0;
  // How far through its input the reader is, in [0, 1], for a progress line; -1 when unknown (stdin).
  virtual double fraction_read() const = 0;
};
// The one rule `extract` and `score-vcf` share for a transcript against its reference contig: "" when the span and
// every exon end inside the contig, else the problem ("'tx' chr2:10-21 is past the end of chr2 (length 20)").
std::string past_contig_end(const TranscriptModel& transcript, int64_t contig_length);
// `path` may be "-" (stdin) and may be gzip/bgzip compressed. automatic = by extension, else by content.
std::unique_ptr<AnnotationReader> open_annotation(const std::string& path, AnnotationFormat format,
                                                  Diagnostics& diagnostics);

// ---- reference sequence -----------------------------------------------------------------------------------------
// A FASTA (plain or bgzip) read through htslib faidx. Existing .fai/.gzi are used; missing ones are built in a
// private temporary folder (never beside the input), after a scan that rejects duplicate record names.
class Reference {
 public:
  explicit Reference(const std::string& path, size_t cache_window = 4u << 20, int threads = 1);
  ~Reference();
  Reference(const Reference&) = delete;
  Reference& operator=(const Reference&) = delete;

  int contig_count() const;
  // Exact name first, then with / without a leading "chr"; -1 when unknown.
  int find_contig(std::string_view name) const;
  const std::string& contig_name(int contig) const;
  int64_t contig_length(int contig) const;
  const std::string& path() const { return path_; }
  // Appends [start, end) of the contig (case kept). Reads through a window cache of the current contig, so sorted
  // requests touch each part of the file once and memory stays at max(window, request).
  void append(int contig, int64_t start, int64_t end, std::string& out);

 private:
  bool move_to(int64_t file_offset);
  struct State;
  std::string path_;
  std::unique_ptr<State> state_;
};

// ---- extraction -------------------------------------------------------------------------------------------------
enum class FeatureKind { transcript, gene, exon, intron };
FeatureKind parse_feature_kind(const std::string& name);

// What one output record is: header NAME::CHROM:START-END(STRAND) over `span`, sequence = `blocks` joined.
struct Feature {
  std::string chrom, name;
  char strand = '+';
  Interval span;
  std::vector<Interval> blocks;
  int64_t line = 0;
};
// Names: TX (transcript), GENE (gene: union span of its transcripts), TX_exonN and TX_intronN with N counted 5'->3'
// on the transcript (an empty gap between touching exons keeps its number but gives no record, as in the goldens).
void transcript_features(const TranscriptModel& transcript, FeatureKind kind, bool split, std::vector<Feature>& out);

// A region filter: CHROM, CHROM:BEG-END, CHROM:BEG (1-based inclusive, samtools style), {NAME}:BEG-END for names
// holding ':'. With a `reference`, a whole string that names one of its contigs is that contig (not split at ':').
struct Region {
  std::string chrom;
  int64_t start = 0, end = INT64_MAX;  // 0-based half-open
};
Region parse_region(const std::string& text, const Reference* reference);

enum class OutputOrder { automatic, input, sorted };
struct ExtractOptions {
  FeatureKind feature = FeatureKind::transcript;
  bool split = false;        // spliced mRNA (transcript feature only)
  bool upper = false;        // drop soft-masking
  OutputOrder order = OutputOrder::automatic;  // automatic: input for BED, sorted for GTF/GFF3
  std::vector<Region> regions;                 // keep features overlapping any
  std::unordered_set<std::string> ids;         // keep transcripts whose name or gene is listed
  int threads = 1;                             // bgzip output compression
  // Called after every record written with the records and nucleotides so far and the share of the work done
  // (0-1; -1 when unknown: BED from stdin), for a CLI's progress line; may be empty.
  std::function<void(size_t records, size_t bases, double done_fraction)> progress;
};
struct ExtractStats {
  size_t transcripts = 0, records = 0, bases = 0;
};
// Writes FASTA to `output` ("-" = stdout; "*.gz" = bgzip) through AtomicOutput: nothing is left on error.
ExtractStats extract_sequences(Reference& reference, AnnotationReader& annotation, const ExtractOptions& options,
                               const std::string& output, Diagnostics& diagnostics);

// Where a sequence comes from in the genome: a bedtools header NAME::CHROM:START-END(STRAND) (chromosome = CHROM),
// else the record is a chromosome itself (CHROM = record name, START = 0, strand +).
struct SequenceOrigin {
  std::string name, chrom;
  int64_t start = 0, end = 0;
  char strand = '+';
  bool from_header = false;
};
SequenceOrigin parse_sequence_origin(const std::string& record_name, int64_t length);

// ---- windows and token shards -----------------------------------------------------------------------------------
struct WindowParams {
  int64_t min_length = 510, max_length = 510;  // equal = fixed length; else uniform in [min, max]
  int64_t stride = 0;                          // 0 = tile: the next window starts where the previous ended
  bool random_offsets = false;                 // random phase in [0, stride or max_length) per record
  uint64_t seed = 1;
  double max_n_fraction = 0.1;                 // windows with more non-ACGTU are dropped
  bool dedup = true;                           // identical windows (case folded) kept once
  // With splice-site labels: the share (0-1) of windows without any acceptor or donor that is kept. Sites are
  // ~1 in 1000 nucleotides of pre-mRNA, so keeping every site window and a few site-free ones trains a splice-site
  // head on far fewer windows; 1 keeps all. The choice per window is a fixed hash of (seed, record, offset).
  double site_free_share = 1.0;
};
struct WindowSpan {
  int64_t offset = 0, length = 0;
};
// The windows of one record, deterministic for (params.seed, species index, record index).
std::vector<WindowSpan> sample_windows(int64_t record_length, const WindowParams& params, uint64_t stream_id);
double non_acgt_fraction(std::string_view window);

// A shard PREFIX: PREFIX.tokens (one upper-case ASCII byte per nucleotide), PREFIX.index (uint64 LE offsets,
// n+1), PREFIX.species (uint8 per window), PREFIX.origins.tsv (window -> source record), optional PREFIX.labels
// (int8 per nucleotide, aligned with tokens), PREFIX.json (counts, parameters, version, command line).
struct WindowOrigin {
  std::string record;  // source record name (the whole bedtools header name)
  int64_t offset = 0;  // in the record
  SequenceOrigin genomic;
};
class WindowShard {
 public:
  static WindowShard open(const std::string& prefix);
  WindowShard(WindowShard&&) noexcept;
  WindowShard& operator=(WindowShard&&) noexcept;
  ~WindowShard();
  size_t size() const;
  std::string_view window(size_t i) const;
  const int8_t* labels(size_t i) const;  // nullptr when the shard has no labels
  bool has_labels() const;
  uint8_t species_id(size_t i) const;
  const std::string& species(size_t i) const;  // species name of window i
  const std::vector<std::string>& species_names() const;
  const WindowOrigin& origin(size_t i) const;  // PREFIX.origins.tsv, parsed on first use (that call: one thread)
  const std::string& sidecar_json() const;

 private:
  WindowShard();
  struct State;
  std::unique_ptr<State> state_;
};

// Builds the shards PREFIX.train / PREFIX.valid / PREFIX.test from FASTA inputs, each tagged with a species.
// A record goes to "test" when its chromosome is in `holdout`, to "valid" when in `valid`, else to "train"; entries
// are CHROM (any species) or SPECIES:CHROM. Identical windows (case folded) are kept once, first come first kept.
struct WindowInput {
  std::string species, path;
};
// Appends the inputs listed in a TSV file: SPECIES <tab> PATH per line ('#' starts a comment line). Throws naming
// the file and line of a malformed entry.
void read_window_input_list(const std::string& path, std::vector<WindowInput>& inputs);

struct WindowJob {
  std::vector<WindowInput> inputs;
  WindowParams params;
  std::vector<std::string> holdout, valid;
  std::string output_prefix;
  std::string splice_annotation;  // non-empty: PREFIX.*.labels = splice-site labels from this GTF/GFF3/BED
  AnnotationFormat annotation_format = AnnotationFormat::automatic;
  std::string branchpoint_bed;    // non-empty: PREFIX.*.labels = branchpoint labels from this Mercer BED
  std::string command_line;       // recorded in the JSON sidecars
  // Called after every input record with the records and nucleotides read so far and the share of the input bytes
  // read (0-1; -1 when an input is stdin), for a CLI's progress; may be empty.
  std::function<void(size_t records, size_t nucleotides, double done_fraction)> progress;
};
struct WindowCounts {
  size_t windows = 0, nucleotides = 0;
};
struct WindowSummary {
  std::vector<std::string> species, splits;   // splits: train, valid, test
  std::vector<std::vector<WindowCounts>> counts;  // [species][split]
  size_t records = 0, too_many_n = 0, duplicates = 0, site_free_dropped = 0;
};
WindowSummary build_window_shards(const WindowJob& job, Diagnostics& diagnostics);

// ---- task labels ------------------------------------------------------------------------------------------------
// Splice sites, per nucleotide in the window's orientation: 0 neither, 1 acceptor (last intron base), 2 donor (first
// intron base), -100 where no annotated transcript on the window's strand covers the base.
enum : int8_t { label_ignore = -100, label_neither = 0, label_acceptor = 1, label_donor = 2, label_branchpoint = 1 };
class SpliceSiteIndex {
 public:
  void add(const TranscriptModel& transcript);
  void finish();  // sorts; call after the last add
  // labels for genomic [start, end) of chrom on `strand`, in that strand's 5'->3' order
  void label(const std::string& chrom, int64_t start, int64_t end, char strand, int8_t* out) const;
  size_t donor_count() const;
  size_t acceptor_count() const;

 private:
  struct Sites;
  std::shared_ptr<Sites> sites_;
};
SpliceSiteIndex load_splice_sites(AnnotationReader& annotation);

// Mercer branchpoint BED: chrom start end name labels(comma list, genomic order) strand.
struct BranchpointRecord {
  std::string chrom, name;
  Interval span;
  char strand = '+';
  std::vector<int8_t> labels;  // genomic order, 1 / 0 / -100
};
std::vector<BranchpointRecord> read_branchpoint_bed(const std::string& path, Diagnostics& diagnostics);
// Per nucleotide in the window's orientation: the record labels where a record covers the base on the same strand
// (reversed with the sequence on minus), -100 elsewhere; overlapping records: the largest label (1 > 0 > -100).
class BranchpointIndex {
 public:
  explicit BranchpointIndex(std::vector<BranchpointRecord> records);
  void label(const std::string& chrom, int64_t start, int64_t end, char strand, int8_t* out) const;
  const std::vector<BranchpointRecord>& records() const { return records_; }

 private:
  std::vector<BranchpointRecord> records_;  // sorted by chrom (without "chr"), start
  int64_t longest_ = 0;
};

}  // namespace splicebert::genome
