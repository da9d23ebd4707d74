// libFuzzer: parse_npy on arbitrary bytes, then both conversions of whatever parsed. splicebert::Error is the
// expected answer to bad input (to_int64 refuses float arrays); anything else is a bug.
#include <cstddef>
#include <cstdint>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  splicebert::NpyArray array;
  try {
    array = splicebert::parse_npy(data, size, "fuzz.npy");
  } catch (const splicebert::Error&) {
    return 0;
  }
  try {
    array.to_float();
  } catch (const splicebert::Error&) {
  }
  try {
    array.to_int64();
  } catch (const splicebert::Error&) {
  }
  return 0;
}
