// libFuzzer: parse_safetensors on arbitrary bytes. A splicebert::Error is the expected answer to bad input; any
// other exception, crash, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    splicebert::parse_safetensors(data, size, "fuzz.safetensors");
  } catch (const splicebert::Error&) {
  }
  return 0;
}
