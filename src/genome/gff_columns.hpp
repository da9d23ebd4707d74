// The nine tab-separated columns GTF and GFF3 share, checked once for both readers.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "line_reader.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::genome {

struct GffColumns {
  std::string_view chrom, type, attributes;
  Interval interval;  // converted to 0-based half-open
  char strand = '.';
};
// Returns what is wrong with the line ("" when good). 1-based inclusive start <= end, strand + - . (or ?, read as .).
std::string parse_gff_columns(std::string_view line, std::vector<std::string_view>& fields, GffColumns& columns);
inline bool is_gff_comment(std::string_view line) { return line.empty() || line.front() == '#'; }

}  // namespace splicebert::genome
