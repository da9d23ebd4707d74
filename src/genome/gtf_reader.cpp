// GTF (GTF2.2 / Ensembl / UCSC / GENCODE): exon, CDS and transcript lines grouped by transcript_id; attribute values
// quoted or not. Transcripts are named by transcript_id, genes by gene_id.
#include <string>
#include <vector>

#include "annotation_readers.hpp"
#include "gff_columns.hpp"
#include "transcript_assembler.hpp"

namespace splicebert::genome {

namespace {

// Finds `key value;` in a GTF attribute column; the value may be "quoted" (then it may hold ';' and spaces).
bool find_gtf_attribute(std::string_view attributes, std::string_view key, std::string_view& value) {
  size_t position = 0;
  while (position < attributes.size()) {
    while (position < attributes.size() && (attributes[position] == ' ' || attributes[position] == ';')) ++position;
    size_t key_end = attributes.find(' ', position);
    if (key_end == std::string_view::npos) return false;
    std::string_view name = attributes.substr(position, key_end - position);
    position = key_end;
    while (position < attributes.size() && attributes[position] == ' ') ++position;
    size_t value_begin = position, value_end;
    if (position < attributes.size() && attributes[position] == '"') {
      value_begin = position + 1;
      value_end = attributes.find('"', value_begin);
      if (value_end == std::string_view::npos) return false;
      position = value_end + 1;
    } else {
      value_end = attributes.find(';', position);
      if (value_end == std::string_view::npos) value_end = attributes.size();
      while (value_end > value_begin && attributes[value_end - 1] == ' ') --value_end;
      position = value_end;
    }
    if (name == key) {
      value = attributes.substr(value_begin, value_end - value_begin);
      return true;
    }
    size_t semicolon = attributes.find(';', position);
    position = semicolon == std::string_view::npos ? attributes.size() : semicolon + 1;
  }
  return false;
}

class GtfReader final : public GroupedAnnotationReader {
 public:
  using GroupedAnnotationReader::GroupedAnnotationReader;
  AnnotationFormat format() const override { return AnnotationFormat::gtf; }

 private:
  void load() override {
    std::string_view line, transcript_id, gene_id, gene_name;
    GffColumns columns;
    while (lines_->next(line)) {
      if (is_gff_comment(line)) continue;
      std::string problem = parse_gff_columns(line, fields_, columns);
      if (!problem.empty()) {
        diagnostics_.bad(lines_->where(), "malformed GTF line: " + problem);
        continue;
      }
      TranscriptAssembler::Part part;
      if (columns.type == "exon") part = TranscriptAssembler::Part::exon;
      else if (columns.type == "CDS") part = TranscriptAssembler::Part::cds;
      else if (columns.type == "transcript") part = TranscriptAssembler::Part::transcript;
      else continue;  // gene, UTR, start_codon, ...: the transcript's exons already say everything needed
      const bool has_id = find_gtf_attribute(columns.attributes, "transcript_id", transcript_id) && !transcript_id.empty();
      // AUGUSTUS writes a transcript line's id alone in the attribute column ("g1.t1"): that is its transcript_id.
      if (!has_id && part == TranscriptAssembler::Part::transcript && !columns.attributes.empty() &&
          columns.attributes.find_first_of(" \t;=\"") == std::string_view::npos && columns.attributes != ".") {
        assembler_.add(columns.attributes, part, columns.chrom, columns.strand, columns.interval, lines_->line_number());
        continue;
      }
      if (!has_id) {
        diagnostics_.bad(lines_->where(), "malformed GTF line: " + std::string(columns.type) + " without transcript_id");
        continue;
      }
      assembler_.add(transcript_id, part, columns.chrom, columns.strand, columns.interval, lines_->line_number());
      if (find_gtf_attribute(columns.attributes, "gene_id", gene_id) && !gene_id.empty()) {
        const std::string* known = assembler_.gene_of(transcript_id);
        if (known && known->empty()) assembler_.set_gene(transcript_id, gene_id);
      }
      if (find_gtf_attribute(columns.attributes, "gene_name", gene_name) && !gene_name.empty())
        assembler_.set_gene_name(transcript_id, gene_name);
    }
    transcripts_ = assembler_.finish();
  }

  std::vector<std::string_view> fields_;
};

}  // namespace

std::unique_ptr<AnnotationReader> make_gtf_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics) {
  return std::make_unique<GtfReader>(std::move(lines), diagnostics);
}

}  // namespace splicebert::genome
