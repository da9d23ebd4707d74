// A linear layer y = x·Wᵀ + b as the GEMM kernels consume it: a kernel-level type that the model's weights are built
// from (the kernels know nothing of the model). `packed` is the GEMM backend's copy of W in the layout its inner loop
// reads, made once at load (src/kernels/gemm.hpp); null when the backend reads W as it is.
#pragma once
#include <cstdint>
#include <memory>

#include "splicebert/tensor.hpp"

namespace splicebert {

namespace kernels {
struct PackedLinear;  // a GEMM backend's prepacked copy of a weight (src/kernels/gemm.hpp)
}

struct Linear {  // y = x·Wᵀ + b, W [out, in]
  Tensor weight, bias;
  std::shared_ptr<const kernels::PackedLinear> packed;
  int64_t out_features() const { return weight.dim(0); }
  int64_t in_features() const { return weight.dim(1); }
};

}  // namespace splicebert
