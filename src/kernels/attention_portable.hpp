// Attention for any head size and any ISA, in plain C++ the compiler vectorises: the path for head sizes the fused
// AVX-512 kernel does not cover and for CPUs without AVX-512. Every sum runs over the real keys only, in key order,
// so a record's outputs do not depend on how much padding its batch adds or on the thread count (a BLAS call over
// the padded length picks kernels by size and changes the rounding: that made batched and single results differ).
#pragma once
#include <vector>

#include "kernels/attention.hpp"

namespace splicebert::kernels {

void attention_forward_portable(const AttentionShape& shape, const float* Q, const float* K, const float* V,
                                const uint8_t* key_mask, float* context, float* probs, std::vector<float>& scratch);

}  // namespace splicebert::kernels
