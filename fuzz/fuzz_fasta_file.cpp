// libFuzzer: FastaReader on a file, the path the CLI takes: zlib's gzread (gzip and plain text alike) under the
// line logic, so truncated and corrupt gzip streams are fuzzed too. splicebert::Error is the expected answer.
#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.hpp"
#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    splicebert::FastaReader reader(fuzz_input_file(data, size, ".fa"));
    splicebert::FastaRecord record;
    while (reader.next(record)) {
    }
  } catch (const splicebert::Error&) {
  }
  return 0;
}
