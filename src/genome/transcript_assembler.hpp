// Groups GTF / GFF3 lines into transcripts: exon lines define the structure; CDS lines stand in where a transcript
// has no exon lines, and a transcript line where it has neither. A transcript whose lines disagree on chromosome or
// strand is bad input (reported at the first line that disagrees).
#pragma once
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "splicebert/genome.hpp"

namespace splicebert::genome {

class TranscriptAssembler {
 public:
  enum class Part { exon, cds, transcript };
  TranscriptAssembler(std::string path, Diagnostics& diagnostics) : path_(std::move(path)), diagnostics_(diagnostics) {}

  // `key` identifies the transcript (GTF transcript_id, GFF3 parent ID); coordinates 0-based half-open.
  void add(std::string_view key, Part part, std::string_view chrom, char strand, Interval interval, int64_t line);
  void set_name(std::string_view key, std::string_view name);  // default: the key
  void set_gene(std::string_view key, std::string_view gene);  // default: the name
  void set_gene_name(std::string_view key, std::string_view gene_name);  // the symbol (GTF gene_name); default none
  const std::string* gene_of(std::string_view key) const;
  std::vector<std::string> keys() const;  // first-appearance order

  // The transcripts in the order of their first line; bad ones (with --skip-bad) left out.
  std::vector<TranscriptModel> finish();

 private:
  struct Builder {
    std::string key, name, gene, gene_name, chrom;
    char strand = '+';
    std::vector<Interval> exons, cds;
    Interval transcript_line_span{-1, -1};
    int64_t first_line = 0, exon_end_line = 0, cds_end_line = 0, transcript_line = 0;
    int64_t exon_max_end = 0, cds_max_end = 0;  // which line sets the span end, for past-the-end errors
    bool bad = false;
  };
  Builder& builder(std::string_view key, int64_t line);
  TranscriptModel build(Builder& b) const;

  std::string path_;
  Diagnostics& diagnostics_;
  std::vector<Builder> builders_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace splicebert::genome
