// The -r / -R record filter of score-vcf. Regions are few, records many: each record's contig name is resolved once
// per call through the reference's name table (exact, then with/without "chr"), and the list is scanned linearly.
#include <fstream>
#include <sstream>

#include "splicebert/error.hpp"
#include "splicebert/variant_sites.hpp"

namespace splicebert::variant {

namespace {

int64_t parse_coordinate(const std::string& text, const std::string& where) {
  try {
    size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  fail(where, ": '", text, "' is not a position");
}

}  // namespace

RegionFilter::RegionFilter(const std::vector<std::string>& regions, const std::string& regions_file,
                           const genome::Reference& reference)
    : reference_(reference) {
  for (const std::string& text : regions) regions_.push_back(genome::parse_region(text, &reference));
  if (regions_file.empty()) return;
  std::ifstream in(regions_file);
  if (!in) fail(regions_file, ": cannot open");
  const bool bed = regions_file.ends_with(".bed");
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#' || line.starts_with("track") || line.starts_with("browser")) continue;
    std::istringstream fields(line);
    std::string chrom, first, second;
    fields >> chrom >> first >> second;
    const std::string where = regions_file + ":" + std::to_string(number);
    if (first.empty()) fail(where, ": expected CHROM and a position or range");
    genome::Region region;
    region.chrom = chrom;
    const int64_t a = parse_coordinate(first, where);
    const int64_t b = second.empty() ? a : parse_coordinate(second, where);
    if (bed) region.start = a, region.end = b;
    else region.start = a - 1, region.end = b;
    if (region.start < 0 || region.end <= region.start) fail(where, ": empty or negative range");
    regions_.push_back(region);
  }
  if (regions_.empty()) fail(regions_file, ": no regions");
}

std::string RegionFilter::key(const std::string& chrom) const {
  const int contig = reference_.find_contig(chrom);
  return contig >= 0 ? reference_.contig_name(contig) : chrom;
}

bool RegionFilter::keep(const std::string& chrom, int64_t position) const {
  if (regions_.empty()) return true;
  const std::string name = key(chrom);
  for (const genome::Region& region : regions_)
    if (position >= region.start && position < region.end && key(region.chrom) == name) return true;
  return false;
}

}  // namespace splicebert::variant
