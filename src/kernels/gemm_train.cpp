#include "kernels/gemm_train.hpp"

#include <dnnl.h>

#include "splicebert/error.hpp"

namespace splicebert::kernels {

void train_gemm(bool transpose_a, bool transpose_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                const float* B, int64_t ldb, float* C, int64_t ldc, bool accumulate) {
  if (M == 0 || N == 0) return;
  const dnnl_status_t status = dnnl_sgemm(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', M, N, K, 1.0f, A, lda, B,
                                          ldb, accumulate ? 1.0f : 0.0f, C, ldc);
  if (status != dnnl_success) fail("dnnl_sgemm failed (status ", static_cast<int>(status), ")");
}

}  // namespace splicebert::kernels
