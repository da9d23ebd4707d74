#include "gff_columns.hpp"

namespace splicebert::genome {

std::string parse_gff_columns(std::string_view line, std::vector<std::string_view>& fields, GffColumns& columns) {
  split_fields(line, '\t', fields);
  if (fields.size() != 9) return "expected 9 tab-separated columns, found " + std::to_string(fields.size());
  auto start = parse_int64(fields[3]), end = parse_int64(fields[4]);
  if (!start || !end) return "start and end (columns 4 and 5) must be integers";
  if (*start < 1 || *end < *start) return "start must be >= 1 and end >= start (1-based, inclusive)";
  if (fields[0].empty()) return "empty sequence name";
  if (fields[6].size() != 1 || std::string_view("+-.?").find(fields[6][0]) == std::string_view::npos)
    return "strand (column 7) must be +, -, . or ?";
  columns.chrom = fields[0];
  columns.type = fields[2];
  columns.interval = {*start - 1, *end};
  columns.strand = fields[6][0] == '?' ? '.' : fields[6][0];
  columns.attributes = fields[8];
  return "";
}

}  // namespace splicebert::genome
