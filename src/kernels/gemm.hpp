// GEMM wrappers for the encoder's linear layers: y[M, N] = x[M, K] · W[N, K]ᵀ + b, with optional fused epilogues.
// Backends: oneDNN (matmul with weights packed once at load) on the AVX-512 path, our own AVX2 + FMA kernel on the
// AVX2 path (gemm_avx2.hpp: rows independent of the batch bit for bit), OpenBLAS (cblas_sgemm) on request; the
// choice and its measurement are in docs/performance.md and docs/kernels.md. Each fast path sits beside its scalar
// reference.
#pragma once
#include <cstdint>
#include <memory>

#include "splicebert/linear.hpp"
#include "splicebert/precision.hpp"
#include "splicebert/tensor.hpp"

namespace splicebert::kernels {

enum class GemmBackend { OpenBLAS, OneDNN, Avx2Fma };
// $SPLICEBERT_GEMM=openblas|onednn|avx2, else oneDNN on the AVX-512 path and Avx2Fma on the AVX2 path (active_isa).
GemmBackend default_gemm_backend();

struct PackedLinear {
  virtual ~PackedLinear() = default;
};
// Packs W for the backend; returns nullptr when the backend reads the plain [N, K] layout directly.
std::shared_ptr<const PackedLinear> pack_linear(const Tensor& weight, GemmBackend backend, Precision precision);

enum class Epilogue { Bias, BiasGelu };

// y = epilogue(x·Wᵀ + b). x [M, K], y [M, N], rows contiguous.
void linear_forward(const float* x, int64_t M, const Linear& linear, float* y, Epilogue epilogue = Epilogue::Bias);
void linear_forward_reference(const float* x, int64_t M, const Linear& linear, float* y,
                              Epilogue epilogue = Epilogue::Bias);

}  // namespace splicebert::kernels
