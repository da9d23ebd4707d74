// VCF/BCF in and out for `score-vcf` (docs/variants.md), through htslib: records are read in chunks, kept
// in memory with all their fields, and written back in input order with the SpliceBERT INFO fields added. The output
// goes to a temporary name and is renamed on commit(), so a run that stops on a broken file leaves nothing behind.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace splicebert::vcf {

// What scoring needs from one record.
struct Record {
  std::string chrom;
  int64_t position = 0;  // 0-based POS
  std::string ref;
  std::vector<std::string> alts;  // empty for ALT "."
  int64_t number = 0;             // 1-based record number in the input
  std::string label() const;      // "record 12 (chr16:1234 A>G)" for messages
};

// The INFO values written for one record; empty vectors leave the field out.
struct Annotation {
  std::vector<std::string> entries;  // INFO/SpliceBERT: ALLELE|gene|...|masked_dP, one per ALT x transcript
  std::vector<double> context_kl;    // INFO/SB_KL: one per ALT, NaN = missing
  std::vector<std::string> reasons;  // INFO/SB_REASON: one per ALT ("" = scored, written as ".")
  // INFO/SpliceBERT_DS (splice_deltas.hpp), one per ALT x gene; nullopt when the run computes no deltas (the field
  // is then left as the input had it).
  std::optional<std::vector<std::string>> splice_deltas;
};

// The subfields of INFO/SpliceBERT, in order, as the header's "Format: " lists them for bcftools +split-vep.
extern const char* const kEntryFormat;
// The ##INFO lines for SpliceBERT, SB_KL and SB_REASON.
std::vector<std::string> info_header_lines();

struct AnnotatorOptions {
  std::string input = "-";   // VCF, bgzip VCF or BCF (htslib detects which); "-" = stdin
  std::string output = "-";  // "-" = stdout
  char output_type = 'v';    // v VCF, z bgzip VCF, b BCF, u uncompressed BCF
  int threads = 1;           // htslib (de)compression threads
  std::vector<std::string> header_lines;  // extra ##key=value provenance lines
  // Region filter: records for which keep(chrom, 0-based pos) is false are neither scored nor written.
  std::function<bool(const std::string&, int64_t)> keep;
  // --shard: only input records [first_record, end_record) (0-based, counted before the region filter) are read.
  int64_t first_record = 0, end_record = INT64_MAX;
};

class Annotator {
 public:
  // Opens the input and reads its header (a header htslib cannot parse is an error naming the file); the output is
  // opened under a temporary name. The header is written with the first chunk, so that contigs and tags which the
  // first records introduce without a header line are declared in it.
  explicit Annotator(AnnotatorOptions options);
  ~Annotator();  // an uncommitted output is removed
  Annotator(const Annotator&) = delete;
  Annotator& operator=(const Annotator&) = delete;

  // Reads up to `count` records that pass the region filter; empty at the end of the input. A malformed line is an
  // error naming the record number and the last good record.
  const std::vector<Record>& read(size_t count);
  // Writes the records of the last read(), in order, with these annotations (one per record).
  void write(const std::vector<Annotation>& annotations);
  // Closes the output and moves it to its final name.
  void commit();
  int64_t records_read() const { return records_read_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::vector<Record> records_;
  int64_t records_read_ = 0;
};

}  // namespace splicebert::vcf
