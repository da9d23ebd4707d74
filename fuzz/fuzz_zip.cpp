// libFuzzer: zip archives (stored and deflate members, ZIP64) and the .npy members inside them, through parse_npz.
// Fuzzing builds skip the CRC-32 check (zip.cpp), so mutated members reach the npy parser.
#include <cstddef>
#include <cstdint>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    for (auto& [key, array] : splicebert::parse_npz(data, size, "fuzz.npz")) {
      if (array.descr.starts_with("<U")) continue;  // strings: bytes only
      static_cast<void>(array.to_float());
    }
  } catch (const splicebert::Error&) {
  }
  return 0;
}
