// GEMM wrappers for the encoder's linear layers: y[M, N] = x[M, K] · W[N, K]ᵀ + b, with optional fused epilogues.
// Backends: OpenBLAS (cblas_sgemm, OpenMP build) and oneDNN (matmul with weights packed once at load); the choice
// and its measurement are in docs/performance.md. Each fast path sits beside its scalar reference.
#pragma once
#include <cstdint>
#include <memory>

#include "splicebert/model.hpp"

namespace splicebert::kernels {

enum class GemmBackend { OpenBLAS, OneDNN };
GemmBackend default_gemm_backend();  // $SPLICEBERT_GEMM=openblas|onednn, else the measured best

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
