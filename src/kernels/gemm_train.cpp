#include "kernels/gemm_train.hpp"

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>
#include <dnnl.h>
#include <dnnl.hpp>

#include "splicebert/error.hpp"

namespace splicebert::kernels {

namespace {

std::atomic<bool> bf16_enabled{false};

// bf16 path: op(A) [M, K] and op(B) [K, N] rounded to bfloat16 (nearest, ties to even) into contiguous per-thread
// buffers, then a oneDNN matmul with float32 accumulation and output; `accumulate` is a sum post-op.
using dnnl::memory;

dnnl::engine& bf16_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

uint16_t to_bf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7F800000u) == 0x7F800000u) return static_cast<uint16_t>((bits >> 16) | ((bits & 0xFFFF) ? 0x40 : 0));
  return static_cast<uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

// out[r, c] = op(X)[r, c] for r < rows, c < cols, op(X) = X (row-major, leading dimension ld) or Xᵀ.
void round_operand(bool transpose, int64_t rows, int64_t cols, const float* X, int64_t ld, std::vector<uint16_t>& out) {
  out.resize(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[static_cast<size_t>(r * cols + c)] = to_bf16(transpose ? X[c * ld + r] : X[r * ld + c]);
}

const dnnl::matmul& bf16_matmul(int64_t M, int64_t N, int64_t K, int64_t ldc, bool accumulate) {
  static std::mutex mutex;
  static std::map<std::tuple<int64_t, int64_t, int64_t, int64_t, bool>, dnnl::matmul> cache;
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_tuple(M, N, K, ldc, accumulate);
  auto it = cache.find(key);
  if (it == cache.end()) {
    memory::desc a({M, K}, memory::data_type::bf16, memory::format_tag::ab);
    memory::desc b({K, N}, memory::data_type::bf16, memory::format_tag::ab);
    memory::desc c({M, N}, memory::data_type::f32, memory::dims{ldc, 1});
    dnnl::primitive_attr attr;
    if (accumulate) {
      dnnl::post_ops ops;
      ops.append_sum(1.0f);
      attr.set_post_ops(ops);
    }
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), attr, bf16_engine());
    it = cache.emplace(key, dnnl::matmul(pd)).first;
  }
  return it->second;
}

void train_gemm_bf16(bool transpose_a, bool transpose_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                     const float* B, int64_t ldb, float* C, int64_t ldc, bool accumulate) {
  thread_local std::vector<uint16_t> a16, b16;
  round_operand(transpose_a, M, K, A, lda, a16);
  round_operand(transpose_b, K, N, B, ldb, b16);
  const dnnl::matmul& matmul = bf16_matmul(M, N, K, ldc, accumulate);
  memory a({{M, K}, memory::data_type::bf16, memory::format_tag::ab}, bf16_engine(), a16.data());
  memory b({{K, N}, memory::data_type::bf16, memory::format_tag::ab}, bf16_engine(), b16.data());
  memory c({{M, N}, memory::data_type::f32, memory::dims{ldc, 1}}, bf16_engine(), C);
  thread_local dnnl::stream stream(bf16_engine());
  matmul.execute(stream, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
  stream.wait();
}

}  // namespace

void set_train_gemm_bf16(bool enabled) { bf16_enabled.store(enabled); }
bool train_gemm_bf16() { return bf16_enabled.load(); }

void train_gemm(bool transpose_a, bool transpose_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                const float* B, int64_t ldb, float* C, int64_t ldc, bool accumulate) {
  if (M == 0 || N == 0) return;
  if (bf16_enabled.load(std::memory_order_relaxed) && K > 0) {
    train_gemm_bf16(transpose_a, transpose_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
    return;
  }
  const dnnl_status_t status = dnnl_sgemm(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', M, N, K, 1.0f, A, lda, B,
                                          ldb, accumulate ? 1.0f : 0.0f, C, ldc);
  if (status != dnnl_success) fail("dnnl_sgemm failed (status ", static_cast<int>(status), ")");
}

}  // namespace splicebert::kernels
