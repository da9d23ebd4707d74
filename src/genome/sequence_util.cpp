// Reverse complement and case folding. The complement table is the one bedtools 2.30 applies with -s (checked
// against it on every IUPAC letter, both cases), so minus-strand output stays byte-identical to bedtools.
#include <array>

#include "splicebert/genome.hpp"

namespace splicebert::genome {

namespace {

constexpr std::array<char, 256> make_complement_table() {
  std::array<char, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = static_cast<char>(c);
  const char pairs[][2] = {{'A', 'T'}, {'C', 'G'}, {'R', 'Y'}, {'K', 'M'}, {'B', 'V'}, {'D', 'H'}};
  for (const auto& pair : pairs) {
    for (int lower = 0; lower < 2; ++lower) {
      char a = static_cast<char>(pair[0] + lower * 32), b = static_cast<char>(pair[1] + lower * 32);
      table[static_cast<unsigned char>(a)] = b;
      table[static_cast<unsigned char>(b)] = a;
    }
  }
  table['U'] = 'A';  // RNA input: complement of U is A (as bedtools does); A still maps to T
  table['u'] = 'a';
  return table;
}

constexpr std::array<char, 256> complement_table = make_complement_table();

}  // namespace

// One pass from both ends (reverse and complement together): this runs over every minus-strand base of an extraction.
void reverse_complement(char* begin, char* end) {
  auto complement = [](char c) { return complement_table[static_cast<unsigned char>(c)]; };
  char* low = begin;
  char* high = end;
  while (high - low > 1) {
    --high;
    char swapped = complement(*low);
    *low++ = complement(*high);
    *high = swapped;
  }
  if (high - low == 1) *low = complement(*low);
}

void reverse_complement(std::string& sequence) { reverse_complement(sequence.data(), sequence.data() + sequence.size()); }

void to_upper(char* begin, char* end) {
  for (char* p = begin; p != end; ++p) {
    if (*p >= 'a' && *p <= 'z') *p = static_cast<char>(*p - 32);
  }
}

void to_upper(std::string& sequence) { to_upper(sequence.data(), sequence.data() + sequence.size()); }

}  // namespace splicebert::genome
