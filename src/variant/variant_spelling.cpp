// Variant spellings as people type them (include/splicebert/variant_lookup.hpp): CHROM:POS REF>ALT, CHROM-POS-REF-ALT
// and VCF data lines, each checked field by field before use so that a bad line gets a one-line reason.
#include <algorithm>
#include <cctype>

#include "splicebert/error.hpp"
#include "splicebert/variant_lookup.hpp"

namespace splicebert::variant {
namespace {

constexpr size_t kMaxChromLength = 255;
constexpr size_t kMaxAlleleLength = 1000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_any(std::string_view s, std::string_view separators) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find_first_of(separators, start);
    if (end == std::string_view::npos) end = s.size();
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Whitespace-separated fields (tabs or runs of spaces).
std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

[[noreturn]] void bad(int64_t line, const std::string& what) { fail("line ", line, ": ", what); }

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return s.size() > 40 ? out + "..." : out;
}

std::string chrom_field(std::string_view s, int64_t line) {
  if (s.empty()) bad(line, "the chromosome is empty");
  if (s.size() > kMaxChromLength) bad(line, "the chromosome name is longer than 255 characters");
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '|')
      bad(line, "the chromosome '" + printable(s) + "' holds a character other than letters, digits, _ . |");
  return std::string(s);
}

int64_t position_field(std::string_view s, int64_t line) {
  std::string digits;
  for (char c : s)
    if (c != ',') digits += c;  // 31,022,441 as copied from a genome browser
  if (digits.empty() || digits.size() > 12 || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      }))
    bad(line, "the position '" + printable(s) + "' is not a positive whole number");
  const int64_t position = std::stoll(digits);
  if (position < 1) bad(line, "the position must be 1 or more (1-based)");
  return position - 1;
}

std::string allele_field(std::string_view s, int64_t line, const char* which) {
  if (s.empty()) bad(line, std::string(which) + " is empty");
  if (s.size() > kMaxAlleleLength) bad(line, std::string(which) + " is longer than 1000 bases");
  std::string allele;
  for (char c : s) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == 'U') u = 'T';
    if (u != 'A' && u != 'C' && u != 'G' && u != 'T' && u != 'N')
      bad(line, std::string(which) + " '" + printable(s) + "' holds a character other than A C G T N");
    allele += u;
  }
  return allele;
}

std::vector<std::string> alt_list(std::string_view s, int64_t line) {
  std::vector<std::string> alts;
  for (auto part : split_any(s, ",")) alts.push_back(allele_field(part, line, "ALT"));
  return alts;
}

SpelledVariant parse_line(std::string_view text, int64_t line) {
  SpelledVariant v;
  v.line = line;
  v.text = std::string(text);
  const auto cols = fields(text);
  // VCF: CHROM POS ID REF ALT ...
  if (cols.size() >= 5 && text.find('>') == std::string_view::npos) {
    v.site.chrom = chrom_field(cols[0], line);
    v.site.position = position_field(cols[1], line);
    v.site.ref = allele_field(cols[3], line, "REF");
    if (cols[4] != ".") v.site.alts = alt_list(cols[4], line);
    return v;
  }
  const size_t arrow = text.rfind('>');  // the allele arrow is the last '>'
  if (arrow != std::string_view::npos) {  // CHROM:POS REF>ALT or CHROM:POS:REF>ALT
    std::string_view left = trim(text.substr(0, arrow)), right = trim(text.substr(arrow + 1));
    const size_t cut = left.find_last_of(" \t:");
    if (cut == std::string_view::npos) bad(line, "expected CHROM:POS REF>ALT, got '" + printable(text) + "'");
    const std::string_view ref = left.substr(cut + 1), locus = trim(left.substr(0, cut));
    const size_t colon = locus.rfind(':');
    if (colon == std::string_view::npos) bad(line, "expected CHROM:POS before the alleles in '" + printable(text) + "'");
    v.site.chrom = chrom_field(locus.substr(0, colon), line);
    v.site.position = position_field(locus.substr(colon + 1), line);
    v.site.ref = allele_field(ref, line, "REF");
    v.site.alts = alt_list(right, line);
    return v;
  }
  const auto parts = split_any(trim(text), "-:_");
  if (parts.size() == 4 && cols.size() == 1) {  // CHROM-POS-REF-ALT
    v.site.chrom = chrom_field(parts[0], line);
    v.site.position = position_field(parts[1], line);
    v.site.ref = allele_field(parts[2], line, "REF");
    v.site.alts = alt_list(parts[3], line);
    return v;
  }
  bad(line, "'" + printable(text) + "' is not a variant (CHROM:POS REF>ALT, CHROM-POS-REF-ALT or a VCF line)");
}

}  // namespace

std::vector<SpelledVariant> parse_variant_spellings(std::string_view text, size_t max_variants) {
  std::vector<SpelledVariant> variants;
  int64_t line = 0;
  for (auto raw : split_any(text, "\n")) {
    ++line;
    const std::string_view stripped = trim(raw);
    if (stripped.empty() || stripped.front() == '#') continue;
    if (variants.size() == max_variants) fail("more than ", max_variants, " variants in one request");
    variants.push_back(parse_line(stripped, line));
  }
  if (variants.empty()) fail("no variant given");
  return variants;
}

}  // namespace splicebert::variant
