// libFuzzer: genome::Reference on a FASTA and, when given, its .fai (an existing index is used as it is, so a crafted
// one must not make the reader allocate or read past the file), then region strings (samtools style, parse_region
// with the reference) and the sequence they name. Input layout: FASTA bytes, NUL, .fai bytes, NUL, region lines; with
// no NUL the whole input is the FASTA and the index is built (the duplicate-name scan and htslib's fai_build3).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"

namespace {

void write_file(const std::string& path, std::string_view bytes) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) std::abort();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) std::abort();
  std::fclose(file);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splicebert::genome;
  static const std::string fasta = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/splicebert-fuzz-" + std::to_string(::getpid()) + ".fa";
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t first_nul = input.find('\0');
  const size_t second_nul = first_nul == std::string_view::npos ? first_nul : input.find('\0', first_nul + 1);
  write_file(fasta, input.substr(0, first_nul));
  std::remove((fasta + ".fai").c_str());
  if (first_nul != std::string_view::npos)
    write_file(fasta + ".fai", input.substr(first_nul + 1, second_nul == std::string_view::npos ? second_nul
                                                                                            : second_nul - first_nul - 1));
  const std::string_view regions = second_nul == std::string_view::npos ? std::string_view() : input.substr(second_nul + 1);
  try {
    Reference reference(fasta, /*cache_window=*/256);
    std::string sequence;
    for (int contig = 0; contig < std::min(reference.contig_count(), 8); ++contig) {
      if (reference.find_contig(reference.contig_name(contig)) < 0) __builtin_trap();  // its own name finds a contig
      const int64_t length = reference.contig_length(contig);
      sequence.clear();
      reference.append(contig, 0, std::min<int64_t>(length, 300), sequence);
      if (static_cast<int64_t>(sequence.size()) != std::min<int64_t>(length, 300)) __builtin_trap();
      if (length > 2) reference.append(contig, length - 2, length, sequence);
    }
    size_t begin = 0;
    for (int lines = 0; begin < regions.size() && lines < 16; ++lines) {
      const size_t end = std::min(regions.find('\n', begin), regions.size());
      try {
        const Region region = parse_region(std::string(regions.substr(begin, end - begin)), &reference);
        if (region.start < 0 || region.end < region.start) __builtin_trap();
        const int contig = reference.find_contig(region.chrom);
        if (contig >= 0) {
          const int64_t stop = std::min({region.end, reference.contig_length(contig), region.start + 1000});
          sequence.clear();
          if (region.start < stop) reference.append(contig, region.start, stop, sequence);
        }
      } catch (const splicebert::Error&) {
      }
      begin = end + 1;
    }
  } catch (const splicebert::Error&) {
  }
  return 0;
}
