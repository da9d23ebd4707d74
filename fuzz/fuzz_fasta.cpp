// libFuzzer: the FASTA reader over arbitrary text held in memory (the same line logic as files; zlib is exercised
// by the tests). splicebert::Error is the expected answer to bad input; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto reader = splicebert::FastaReader::from_string(std::string(reinterpret_cast<const char*>(data), size),
                                                       "fuzz.fa");
    splicebert::FastaRecord record;
    while (reader.next(record)) {
    }
  } catch (const splicebert::Error&) {
  }
  return 0;
}
