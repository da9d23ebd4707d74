// Row-major SGEMM for the training passes, on oneDNN's dnnl_sgemm: its AVX-512 kernels run the training shapes
// (weight gradients Aᵀ·B, input gradients A·B, per-head attention blocks) 1.5-5x faster than the OpenBLAS build
// here (measured in docs/training.md, "Speed"). Deterministic for a given thread count, as bit-identical resume
// needs. The scalar references are the *_reference functions of the callers (linear_train, attention_backward).
#pragma once
#include <cstdint>

namespace splicebert::kernels {

// Mixed precision for training (config "precision": "bf16"): while enabled, every train_gemm rounds op(A) and op(B)
// to bfloat16 (nearest, ties to even) and multiplies them with float32 accumulation and a float32 result; parameters,
// gradients, optimiser state, softmax, LayerNorm and the loss stay float32. Process-wide (one run per process).
void set_train_gemm_bf16(bool enabled);
bool train_gemm_bf16();

// C[M, N] = op(A)·op(B) (+ C when accumulate); op(X) = X or Xᵀ. Leading dimensions as stored (row-major).
void train_gemm(bool transpose_a, bool transpose_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                const float* B, int64_t ldb, float* C, int64_t ldc, bool accumulate = false);

// The three shapes the layers use.
inline void train_gemm_nt(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t M,
                          int64_t N, int64_t K, bool accumulate = false) {  // C = A[M,K]·B[N,K]ᵀ
  train_gemm(false, true, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}
inline void train_gemm_nn(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t M,
                          int64_t N, int64_t K, bool accumulate = false) {  // C = A[M,K]·B[K,N]
  train_gemm(false, false, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}
inline void train_gemm_tn(const float* A, int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, int64_t M,
                          int64_t N, int64_t K, bool accumulate = false) {  // C = A[K,M]ᵀ·B[K,N]
  train_gemm(true, false, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

}  // namespace splicebert::kernels
