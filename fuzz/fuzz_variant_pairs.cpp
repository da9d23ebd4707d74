// libFuzzer: the variant-pair TSV reader, then for each pair the scoring checks and the job it becomes (the
// record-to-job code score-pairs runs), on arbitrary text.
#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.hpp"
#include "splicebert/error.hpp"
#include "splicebert/variant.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splicebert::variant;
  try {
    for (const SequencePair& pair : read_sequence_pairs(fuzz_input_file(data, size, ".tsv"))) {
      if (!pair_problem(pair).empty()) continue;
      for (Center center : {Center::Variant, Center::Exon})
        for (int64_t window : {16, 510}) static_cast<void>(pair_job(pair, center, window));
    }
  } catch (const splicebert::Error&) {
  }
  return 0;
}
