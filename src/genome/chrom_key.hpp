// Chromosome names compared with or without a leading "chr" (annotation "chr1" meets FASTA "1" and back).
#pragma once
#include <string>
#include <string_view>

namespace splicebert::genome {

inline std::string chrom_key(std::string_view name) {
  return std::string(name.starts_with("chr") ? name.substr(3) : name);
}

}  // namespace splicebert::genome
