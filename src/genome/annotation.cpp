// open_annotation(): picks the reader by --format, else by file extension, else by the first data line.
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

// GTF and GFF3 have 9 columns with integer columns 4-5; GFF3 attributes are key=value. BED has integers in 2-3.
AnnotationFormat format_from_content(LineReader& lines) {
  std::string_view line;
  std::vector<std::string_view> fields;
  AnnotationFormat found = AnnotationFormat::automatic;
  while (lines.next(line)) {
    if (line.starts_with("##gff-version 3")) found = AnnotationFormat::gff3;
    if (line.empty() || line.front() == '#' || line.starts_with("track") || line.starts_with("browser")) continue;
    split_fields(line, '\t', fields);
    if (found == AnnotationFormat::automatic && fields.size() == 9 && parse_int64(fields[3]) && parse_int64(fields[4])) {
      std::string_view attributes = fields[8];
      bool key_value = attributes.find('=') != std::string_view::npos && attributes.find('"') == std::string_view::npos;
      found = key_value ? AnnotationFormat::gff3 : AnnotationFormat::gtf;
    } else if (found == AnnotationFormat::automatic && fields.size() >= 3 && parse_int64(fields[1]) &&
               parse_int64(fields[2])) {
      found = AnnotationFormat::bed;
    }
    lines.push_back();  // the reader proper starts with this line
    break;
  }
  if (found == AnnotationFormat::automatic)
    fail(lines.path(), ": cannot tell the annotation format (not GTF, GFF3 or BED); give --format");
  return found;
}

}  // namespace

std::unique_ptr<AnnotationReader> open_annotation(const std::string& path, AnnotationFormat format,
                                                  Diagnostics& diagnostics) {
  auto lines = std::make_unique<LineReader>(path);
  if (format == AnnotationFormat::automatic) format = format_from_extension(path);
  if (format == AnnotationFormat::automatic) format = format_from_content(*lines);
  switch (format) {
    case AnnotationFormat::gtf: return make_gtf_reader(std::move(lines), diagnostics);
    case AnnotationFormat::gff3: return make_gff3_reader(std::move(lines), diagnostics);
    default: return make_bed_reader(std::move(lines), diagnostics);
  }
}

}  // namespace splicebert::genome
