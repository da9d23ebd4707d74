// 16-bit float formats widened to float32. Both widenings are exact (every half and bfloat16 value is a float32
// value), so there is no rounding to get wrong: only the special cases (subnormals, infinities, NaN payloads).
#pragma once
#include <cstdint>

namespace splicebert {

float half_bits_to_float(uint16_t bits);      // IEEE 754 binary16 (safetensors F16, numpy <f2)
float bfloat16_bits_to_float(uint16_t bits);  // bfloat16: the top half of a float32 (safetensors BF16)

}  // namespace splicebert
