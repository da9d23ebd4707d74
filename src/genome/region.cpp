// -r/--region strings, samtools style: CHROM, CHROM:BEG-END, CHROM:BEG- / CHROM:BEG, 1-based inclusive, commas in
// numbers allowed; {NAME}:BEG-END for names that hold ':' (htslib's brace syntax). A whole string that names a
// contig of the reference is that contig, so "22:20000001-21000000" (a record name) works too.
#include <algorithm>

#include "line_reader.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::genome {

namespace {

std::optional<int64_t> parse_position(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ','), text.end());
  return parse_int64(text);
}

}  // namespace

Region parse_region(const std::string& text, const Reference* reference) {
  if (text.empty()) fail("empty region");
  Region region;
  std::string range;
  if (text.front() == '{') {
    size_t close = text.find('}');
    if (close == std::string::npos) fail("region '", text, "': missing '}'");
    region.chrom = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') fail("region '", text, "': expected ':' after '}'");
      range = text.substr(close + 2);
    }
  } else if (size_t colon = text.rfind(':');
             colon == std::string::npos || (reference && reference->find_contig(text) >= 0)) {
    region.chrom = text;
  } else {
    region.chrom = text.substr(0, colon);
    range = text.substr(colon + 1);
  }
  if (region.chrom.empty()) fail("region '", text, "': empty sequence name");
  if (range.empty()) return region;
  size_t dash = range.find('-');
  auto begin = parse_position(range.substr(0, dash));
  if (!begin || *begin < 1) fail("region '", text, "': start must be a positive integer");
  region.start = *begin - 1;
  if (dash != std::string::npos && dash + 1 < range.size()) {
    auto end = parse_position(range.substr(dash + 1));
    if (!end || *end < *begin) fail("region '", text, "': end must be an integer >= start");
    region.end = *end;
  } else if (dash == std::string::npos) {
    region.end = INT64_MAX;  // CHROM:BEG = from BEG to the end, as samtools reads it
  }
  return region;
}

}  // namespace splicebert::genome
