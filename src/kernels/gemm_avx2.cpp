// The AVX2 path's linear-layer GEMM (why and what it guarantees: gemm_avx2.hpp). Register blocking 6 rows × 16
// columns: per k, two loads of the packed panel, six broadcasts of x and twelve FMAs into twelve accumulators.
#include "kernels/gemm_avx2.hpp"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/gelu.hpp"

namespace splicebert::kernels {

namespace {

constexpr int64_t kTileRows = 6;          // register block: 6 × 2 accumulators + 2 panel vectors + 1 broadcast
constexpr int64_t kMaxRowsPerTask = 48;   // a task's rows × one pass (48 KiB of x) stay in L2 across all panels
constexpr int64_t kDepthBlock = 256;      // k per pass: a 16 KiB slice of a panel stays in L1 across a task's rows
constexpr int64_t kParallelWork = 1 << 18;  // multiply-adds below which a thread team costs more than it saves

// acc[r][·] continue (or start from 0) the chains of `Rows` rows × 16 columns over kc values of k; c holds them.
template <int Rows>
void tile(const float* a, int64_t lda, const float* panel, int64_t kc, float* c, int64_t ldc, bool continue_chain) {
  __m256 acc[Rows][2];
#pragma GCC unroll 6
  for (int r = 0; r < Rows; ++r) {
    acc[r][0] = continue_chain ? _mm256_loadu_ps(c + r * ldc) : _mm256_setzero_ps();
    acc[r][1] = continue_chain ? _mm256_loadu_ps(c + r * ldc + 8) : _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < kc; ++k) {
    const __m256 w0 = _mm256_loadu_ps(panel + k * kAvx2PanelWidth);
    const __m256 w1 = _mm256_loadu_ps(panel + k * kAvx2PanelWidth + 8);
#pragma GCC unroll 6
    for (int r = 0; r < Rows; ++r) {
      const __m256 xk = _mm256_broadcast_ss(a + r * lda + k);
      acc[r][0] = _mm256_fmadd_ps(xk, w0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(xk, w1, acc[r][1]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < Rows; ++r) {
    _mm256_storeu_ps(c + r * ldc, acc[r][0]);
    _mm256_storeu_ps(c + r * ldc + 8, acc[r][1]);
  }
}

void tile_rows(int64_t rows, const float* a, int64_t lda, const float* panel, int64_t kc, float* c, int64_t ldc,
               bool continue_chain) {
  switch (rows) {
    case 1: return tile<1>(a, lda, panel, kc, c, ldc, continue_chain);
    case 2: return tile<2>(a, lda, panel, kc, c, ldc, continue_chain);
    case 3: return tile<3>(a, lda, panel, kc, c, ldc, continue_chain);
    case 4: return tile<4>(a, lda, panel, kc, c, ldc, continue_chain);
    case 5: return tile<5>(a, lda, panel, kc, c, ldc, continue_chain);
    default: return tile<6>(a, lda, panel, kc, c, ldc, continue_chain);
  }
}

// + bias, then GELU, on `rows` rows × `width` columns. Per column the same code runs whatever the row count.
void apply_epilogue(float* y, int64_t ldy, int64_t rows, int64_t width, const float* bias, Epilogue epilogue) {
  for (int64_t r = 0; r < rows; ++r) {
    float* row = y + r * ldy;
    if (bias) {
#pragma omp simd
      for (int64_t j = 0; j < width; ++j) row[j] += bias[j];
    }
    if (epilogue == Epilogue::BiasGelu) gelu_forward_serial(row, row, width);
  }
}

// One task: rows [m_begin, m_end) against panel p over k in [k0, k0 + kc).
void run_task(const float* a, int64_t m_begin, int64_t m_end, int64_t p, int64_t k0, int64_t kc,
              const Avx2PackedLinear& packed, const float* bias, float* y, Epilogue epilogue) {
  const int64_t N = packed.N, K = packed.K;
  const int64_t n0 = p * kAvx2PanelWidth, width = std::min(kAvx2PanelWidth, N - n0);
  const float* panel = packed.panels.data() + (p * K + k0) * kAvx2PanelWidth;
  const bool continue_chain = k0 > 0, last_pass = k0 + kc == K;
  for (int64_t m0 = m_begin; m0 < m_end; m0 += kTileRows) {
    const int64_t rows = std::min(kTileRows, m_end - m0);
    const float* a_tile = a + m0 * K + k0;
    float* y_tile = y + m0 * N + n0;
    if (width == kAvx2PanelWidth) {
      tile_rows(rows, a_tile, K, panel, kc, y_tile, N, continue_chain);
    } else {  // the last, partial panel: through a full-width buffer (its extra columns are the panel's zeros)
      float buffer[kTileRows * kAvx2PanelWidth] = {};
      if (continue_chain)
        for (int64_t r = 0; r < rows; ++r) std::memcpy(buffer + r * kAvx2PanelWidth, y_tile + r * N, width * 4);
      tile_rows(rows, a_tile, K, panel, kc, buffer, kAvx2PanelWidth, continue_chain);
      for (int64_t r = 0; r < rows; ++r) std::memcpy(y_tile + r * N, buffer + r * kAvx2PanelWidth, width * 4);
    }
    if (last_pass) apply_epilogue(y_tile, N, rows, width, bias ? bias + n0 : nullptr, epilogue);
  }
}

}  // namespace

float round_to_bf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7f800000u) == 0x7f800000u) {  // infinity or NaN: truncate, keeping a NaN a NaN
    if (bits & 0x007fffffu) bits |= 0x00400000u;
  } else {
    bits += 0x7fffu + ((bits >> 16) & 1u);  // to nearest, ties to even (may round up to infinity, as it should)
  }
  bits &= 0xffff0000u;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::shared_ptr<const Avx2PackedLinear> avx2_pack_linear(const Tensor& weight, Precision precision) {
  auto packed = std::make_shared<Avx2PackedLinear>();
  const int64_t N = weight.dim(0), K = weight.dim(1);
  const int64_t panels = (N + kAvx2PanelWidth - 1) / kAvx2PanelWidth;
  packed->N = N;
  packed->K = K;
  packed->round_inputs_to_bf16 = precision == Precision::BF16;
  packed->panels.assign(static_cast<size_t>(panels * K * kAvx2PanelWidth), 0.0f);
  for (int64_t n = 0; n < N; ++n) {
    const int64_t p = n / kAvx2PanelWidth, j = n % kAvx2PanelWidth;
    for (int64_t k = 0; k < K; ++k) {
      const float w = weight.data[static_cast<size_t>(n * K + k)];
      packed->panels[static_cast<size_t>((p * K + k) * kAvx2PanelWidth + j)] =
          packed->round_inputs_to_bf16 ? round_to_bf16(w) : w;
    }
  }
  return packed;
}

void avx2_linear_forward(const float* x, int64_t M, const Avx2PackedLinear& packed, const float* bias, float* y,
                         Epilogue epilogue) {
  const int64_t N = packed.N, K = packed.K;
  if (M <= 0 || N <= 0) return;
  const float* a = x;
  if (packed.round_inputs_to_bf16) {  // per-thread buffer grown to the largest call: no allocation per call
    thread_local std::vector<float> rounded;
    if (rounded.size() < static_cast<size_t>(M * K)) rounded.resize(static_cast<size_t>(M * K));
    float* buffer = rounded.data();  // this thread's buffer: inside the parallel loop `rounded` would be each thread's
#pragma omp parallel for schedule(static) if (M * K > kParallelWork)
    for (int64_t i = 0; i < M * K; ++i) buffer[i] = round_to_bf16(x[i]);
    a = buffer;
  }
  if (K == 0) {  // no products: y = bias
    for (int64_t m = 0; m < M; ++m) std::fill(y + m * N, y + (m + 1) * N, 0.0f);
    apply_epilogue(y, N, M, N, bias, epilogue);
    return;
  }
  const int64_t panels = (N + kAvx2PanelWidth - 1) / kAvx2PanelWidth;
  const bool parallel = M * N * K > kParallelWork;
  // Row blocks of at most 48 rows, small enough that every thread gets rows when M is small. The block size only
  // decides which tiles a row shares, never the arithmetic of an element.
  const int64_t threads = parallel ? omp_get_max_threads() : 1;
  const int64_t rows_per_thread = (M + threads - 1) / threads;
  const int64_t rows_per_task =
      std::clamp((rows_per_thread + kTileRows - 1) / kTileRows * kTileRows, kTileRows, kMaxRowsPerTask);
  const int64_t tasks = (M + rows_per_task - 1) / rows_per_task;
  // Threads split row blocks × panels (row block outer: its x stays in cache across the panels); which thread
  // computes an element changes nothing in how it is computed.
#pragma omp parallel if (parallel)
  for (int64_t k0 = 0; k0 < K; k0 += kDepthBlock) {
    const int64_t kc = std::min(kDepthBlock, K - k0);
#pragma omp for collapse(2) schedule(static)
    for (int64_t t = 0; t < tasks; ++t)
      for (int64_t p = 0; p < panels; ++p)
        run_task(a, t * rows_per_task, std::min(M, (t + 1) * rows_per_task), p, k0, kc, packed, bias, y, epilogue);
  }
}

void avx2_linear_forward_reference(const float* x, int64_t M, const Avx2PackedLinear& packed, const float* bias,
                                   float* y, Epilogue epilogue) {
  const int64_t N = packed.N, K = packed.K;
  for (int64_t m = 0; m < M; ++m) {
    for (int64_t n = 0; n < N; ++n) {
      const int64_t p = n / kAvx2PanelWidth, j = n % kAvx2PanelWidth;
      float acc = 0.0f;
      for (int64_t k = 0; k < K; ++k) {
        const float xk = packed.round_inputs_to_bf16 ? round_to_bf16(x[m * K + k]) : x[m * K + k];
        acc = std::fma(xk, packed.panels[static_cast<size_t>((p * K + k) * kAvx2PanelWidth + j)], acc);
      }
      y[m * N + n] = bias ? acc + bias[n] : acc;
    }
    if (epilogue == Epilogue::BiasGelu) gelu_forward_reference(y + m * N, y + m * N, N);
  }
}

}  // namespace splicebert::kernels
