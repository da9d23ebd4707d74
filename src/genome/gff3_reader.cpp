// GFF3: exon / CDS lines attach to their Parent(s) (comma-separated); a feature that is a parent of exons, or whose
// type names a transcript (…transcript, …RNA), is a transcript. Transcripts are named by their transcript_id
// attribute when present (Ensembl), else their ID; genes by the parent's gene_id, else the parent's ID.
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "annotation_readers.hpp"
#include "gff_columns.hpp"
#include "transcript_assembler.hpp"

namespace splicebert::genome {

namespace {

// "%3B" -> ';' (GFF3 escapes reserved characters in values).
std::string percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      decoded += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

std::string_view gff3_attribute(std::string_view attributes, std::string_view key) {
  size_t position = 0;
  while (position <= attributes.size()) {
    size_t end = attributes.find(';', position);
    if (end == std::string_view::npos) end = attributes.size();
    std::string_view pair = trim(attributes.substr(position, end - position));
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == key) return pair.substr(equals + 1);
    position = end + 1;
  }
  return {};
}

bool is_transcript_type(std::string_view type) {
  return type.find("transcript") != std::string_view::npos || (type.size() >= 3 && type.ends_with("RNA"));
}

class Gff3Reader final : public GroupedAnnotationReader {
 public:
  using GroupedAnnotationReader::GroupedAnnotationReader;
  AnnotationFormat format() const override { return AnnotationFormat::gff3; }

 private:
  struct ParentInfo {
    std::string parent, transcript_id, gene_id;
  };

  void load() override {
    std::string_view line;
    GffColumns columns;
    std::vector<std::string_view> parents;
    while (lines_->next(line)) {
      if (line.starts_with("##FASTA")) break;  // embedded sequence: not annotation
      if (is_gff_comment(line)) continue;
      std::string problem = parse_gff_columns(line, fields_, columns);
      if (!problem.empty()) {
        diagnostics_.bad(lines_->where(), "malformed GFF3 line: " + problem);
        continue;
      }
      bool exon = columns.type == "exon", cds = columns.type == "CDS";
      int64_t number = lines_->line_number();
      if (exon || cds) {
        std::string_view parent_list = gff3_attribute(columns.attributes, "Parent");
        if (parent_list.empty()) {
          diagnostics_.bad(lines_->where(), "malformed GFF3 line: " + std::string(columns.type) + " without Parent");
          continue;
        }
        split_fields(parent_list, ',', parents);
        auto part = exon ? TranscriptAssembler::Part::exon : TranscriptAssembler::Part::cds;
        for (auto parent : parents) assembler_.add(percent_decode(parent), part, columns.chrom, columns.strand, columns.interval, number);
        continue;
      }
      std::string_view id = gff3_attribute(columns.attributes, "ID");
      if (id.empty()) continue;
      std::string key = percent_decode(id);
      ParentInfo& info = info_[key];
      info.parent = percent_decode(gff3_attribute(columns.attributes, "Parent"));
      info.transcript_id = percent_decode(gff3_attribute(columns.attributes, "transcript_id"));
      info.gene_id = percent_decode(gff3_attribute(columns.attributes, "gene_id"));
      if (is_transcript_type(columns.type))
        assembler_.add(key, TranscriptAssembler::Part::transcript, columns.chrom, columns.strand, columns.interval, number);
    }
    name_transcripts();
    transcripts_ = assembler_.finish();
    info_.clear();
  }

  void name_transcripts() {
    for (const std::string& key : assembler_.keys()) {
      auto it = info_.find(key);
      if (it == info_.end()) continue;  // parent never defined: named by the ID the exons give
      const ParentInfo& info = it->second;
      std::string name = info.transcript_id.empty() ? key : info.transcript_id;
      assembler_.set_name(key, name);
      std::string gene = info.gene_id;
      if (gene.empty() && !info.parent.empty()) {
        std::string first_parent = info.parent.substr(0, info.parent.find(','));
        auto parent = info_.find(first_parent);
        gene = parent != info_.end() && !parent->second.gene_id.empty() ? parent->second.gene_id : first_parent;
      }
      assembler_.set_gene(key, gene.empty() ? name : gene);
    }
  }

  std::unordered_map<std::string, ParentInfo> info_;
  std::vector<std::string_view> fields_;
};

}  // namespace

std::unique_ptr<AnnotationReader> make_gff3_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics) {
  return std::make_unique<Gff3Reader>(std::move(lines), diagnostics);
}

}  // namespace splicebert::genome
