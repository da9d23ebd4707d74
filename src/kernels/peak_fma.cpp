#include "kernels/peak_fma.hpp"

#include <immintrin.h>
#include <omp.h>

// GCC 12 warns inside its own AVX-512 reduce/mask intrinsics (a known false positive on their __Y temporaries).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#include <chrono>

#include "kernels/cpu_isa.hpp"

namespace splicebert::kernels {

namespace {

// 12 independent chains hide the FMA latency (4 cycles) on two FMA ports. Returns a value so nothing is elided.
__attribute__((target("avx512f"))) float fma_chains(long iterations) {
  __m512 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_ps(1.0f + 0.001f * i);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 sum = acc[0];
  for (int i = 1; i < 12; ++i) sum = _mm512_add_ps(sum, acc[i]);
  return _mm512_reduce_add_ps(sum);
}

// The same on 8-lane AVX2 FMA, for CPUs (or a forced path) without AVX-512; flops per chain step are half.
float fma_chains_avx2(long iterations) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(1.0f + 0.001f * i);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 sum = acc[0];
  for (int i = 1; i < 12; ++i) sum = _mm256_add_ps(sum, acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  return lanes[0];
}

}  // namespace

double measure_fp32_fma_peak_gflops(int threads, double seconds) {
  const long iterations = 2'000'000;  // 2e6 × 12 chains × 16 lanes × 2 flops = 0.77 GFLOP per call (AVX-512)
  const bool avx512 = active_isa() == Isa::Avx512;
  const double lanes = avx512 ? 16 : 8;
  double best = 0;
  volatile float sink = 0;
  auto run_once = [&] {
    auto start = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
    {
      float r = avx512 ? fma_chains(iterations) : fma_chains_avx2(iterations);
#pragma omp atomic
      sink += r;
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return 2.0 * lanes * 12 * static_cast<double>(iterations) * threads / elapsed / 1e9;
  };
  run_once();  // warm-up: lets the core reach its AVX-512 clock
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  do best = std::max(best, run_once());
  while (std::chrono::steady_clock::now() < deadline);
  return best;
}

}  // namespace splicebert::kernels
