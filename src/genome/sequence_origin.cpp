// Where a FASTA record sits in the genome, read back from the bedtools header that `extract` writes:
// NAME::CHROM:START-END(STRAND). Parsed from the right, because CHROM may itself hold ':' and '-'
// (e.g. the hisat2 record "22:20000001-21000000").
#include "line_reader.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::genome {

SequenceOrigin parse_sequence_origin(const std::string& record_name, int64_t length) {
  SequenceOrigin whole_record{record_name, record_name, 0, length, '+', false};
  std::string_view text = record_name;
  if (text.size() < 6 || text.back() != ')') return whole_record;
  size_t open = text.rfind('(');
  if (open == std::string_view::npos) return whole_record;
  std::string_view strand = text.substr(open + 1, text.size() - open - 2);
  if (strand.size() > 1 || (strand.size() == 1 && strand != "+" && strand != "-" && strand != ".")) return whole_record;
  std::string_view location = text.substr(0, open);
  size_t colon = location.rfind(':');
  if (colon == std::string_view::npos) return whole_record;
  std::string_view range = location.substr(colon + 1);
  size_t dash = range.find('-');
  if (dash == std::string_view::npos) return whole_record;
  auto start = parse_int64(range.substr(0, dash)), end = parse_int64(range.substr(dash + 1));
  if (!start || !end || *start < 0 || *end < *start) return whole_record;
  std::string_view prefix = location.substr(0, colon);  // NAME::CHROM, or CHROM without -name
  size_t separator = prefix.find("::");
  SequenceOrigin origin;
  origin.name = separator == std::string_view::npos ? std::string() : std::string(prefix.substr(0, separator));
  origin.chrom = separator == std::string_view::npos ? std::string(prefix) : std::string(prefix.substr(separator + 2));
  if (origin.chrom.empty()) return whole_record;
  origin.start = *start;
  origin.end = *end;
  origin.strand = strand.empty() ? '+' : (strand[0] == '.' ? '+' : strand[0]);
  origin.from_header = true;
  return origin;
}

}  // namespace splicebert::genome
