// libFuzzer: torch zip checkpoints (zip container + restricted unpickler) on arbitrary bytes.
// splicebert::Error is the expected answer to bad input; anything else is a bug.
#include <cstddef>
#include <cstdint>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    splicebert::parse_torch_checkpoint(data, size, "fuzz.bin");
  } catch (const splicebert::Error&) {
  }
  return 0;
}
