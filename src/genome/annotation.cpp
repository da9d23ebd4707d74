// open_annotation(): picks the reader by --format, else by the first data line (the file name only breaks a tie).
#include <algorithm>
#include <cctype>

#include "annotation_readers.hpp"
#include "splicebert/error.hpp"

namespace splicebert::genome {

AnnotationFormat parse_annotation_format(const std::string& name) {
  if (name == "auto") return AnnotationFormat::automatic;
  if (name == "gtf") return AnnotationFormat::gtf;
  if (name == "gff3" || name == "gff") return AnnotationFormat::gff3;
  if (name == "bed" || name == "bed6" || name == "bed12") return AnnotationFormat::bed;
  fail("unknown annotation format '", name, "' (auto, gtf, gff3, bed)");
}

const char* annotation_format_name(AnnotationFormat format) {
  switch (format) {
    case AnnotationFormat::gtf: return "gtf";
    case AnnotationFormat::gff3: return "gff3";
    case AnnotationFormat::bed: return "bed";
    default: return "auto";
  }
}

namespace {

AnnotationFormat format_from_extension(std::string path) {
  std::transform(path.begin(), path.end(), path.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* suffix : {".gz", ".bgz"}) {
    if (path.ends_with(suffix)) path.resize(path.size() - std::string(suffix).size());
  }
  if (path.ends_with(".gtf")) return AnnotationFormat::gtf;
  if (path.ends_with(".gff3") || path.ends_with(".gff")) return AnnotationFormat::gff3;
  size_t dot = path.rfind('.');
  if (dot != std::string::npos && path.compare(dot, 4, ".bed") == 0) return AnnotationFormat::bed;  // .bed .bed6 .bed12
  return AnnotationFormat::automatic;
}

// The attribute column's style decides between GTF and GFF3, whatever the file is called: AUGUSTUS and others write
// GTF-style attributes (key "value";) into .gff files. key=value without quotes is GFF3.
AnnotationFormat attribute_style(std::string_view attributes) {
  if (attributes.find('"') != std::string_view::npos) return AnnotationFormat::gtf;
  const size_t equals = attributes.find('='), space = attributes.find(' ');
  if (equals != std::string_view::npos && (space == std::string_view::npos || equals < space))
    return AnnotationFormat::gff3;
  if (space != std::string_view::npos) return AnnotationFormat::gtf;  // key value; without quotes
  return AnnotationFormat::automatic;                                 // "." or a bare word: undecided
}

// By content: GTF and GFF3 have 9 columns with integer columns 4-5, BED integers in columns 2-3. Lines whose
// attributes say nothing (AUGUSTUS's gene lines hold a bare "g1") are passed over, up to `max_lines` data lines. The
// file name (`by_name`) only breaks a tie. Reads `lines` ahead: the caller starts the reader proper on a fresh one,
// except for standard input, which can be read once (max_lines 1: the line is pushed back).
AnnotationFormat format_from_content(LineReader& lines, AnnotationFormat by_name, int max_lines) {
  std::string_view line;
  std::vector<std::string_view> fields;
  AnnotationFormat found = AnnotationFormat::automatic;
  bool gff3_header = false, data = false;
  int data_lines = 0;
  while (lines.next(line)) {
    if (line.starts_with("##gff-version 3")) gff3_header = true;
    if (line.empty() || line.front() == '#' || line.starts_with("track") || line.starts_with("browser")) continue;
    data = true;
    split_fields(line, '\t', fields);
    if (fields.size() == 9 && parse_int64(fields[3]) && parse_int64(fields[4])) {
      found = attribute_style(fields[8]);
      if (found == AnnotationFormat::automatic && ++data_lines < max_lines) continue;
      if (found == AnnotationFormat::automatic)
        found = gff3_header || by_name == AnnotationFormat::gff3 ? AnnotationFormat::gff3 : AnnotationFormat::gtf;
    } else if (fields.size() >= 3 && parse_int64(fields[1]) && parse_int64(fields[2])) {
      found = AnnotationFormat::bed;
    }
    lines.push_back();  // the reader proper starts with this line
    break;
  }
  if (found == AnnotationFormat::automatic && !data) found = by_name;  // nothing to read either way
  if (found == AnnotationFormat::automatic)
    fail(lines.path(), ": cannot tell the annotation format from its first data line (not GTF, GFF3 or BED); give "
                       "--format");
  return found;
}

}  // namespace

std::unique_ptr<AnnotationReader> open_annotation(const std::string& path, AnnotationFormat format,
                                                  Diagnostics& diagnostics) {
  auto lines = std::make_unique<LineReader>(path);
  if (format == AnnotationFormat::automatic) {
    const AnnotationFormat by_name = format_from_extension(path);
    if (path == "-") {
      format = format_from_content(*lines, by_name, 1);
    } else {
      LineReader ahead(path);
      format = format_from_content(ahead, by_name, 1000);
    }
  }
  switch (format) {
    case AnnotationFormat::gtf: return make_gtf_reader(std::move(lines), diagnostics);
    case AnnotationFormat::gff3: return make_gff3_reader(std::move(lines), diagnostics);
    default: return make_bed_reader(std::move(lines), diagnostics);
  }
}

}  // namespace splicebert::genome
