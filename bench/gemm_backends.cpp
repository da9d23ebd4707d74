// OpenBLAS vs oneDNN vs our AVX2 + FMA kernel on the encoder's linear-layer shapes (docs/performance.md records the result and the choice).
//   build/bench/bench_gemm_backends --benchmark_min_time=0.5   (OMP_NUM_THREADS=1 or 2)
#include <benchmark/benchmark.h>

#include <random>

#include "kernels/gemm.hpp"

namespace splicebert {
namespace {

// y[M, N] = x[M, K]·Wᵀ + b for the shapes of one encoder layer: QKV/output (512→512), FFN up (512→2048),
// FFN down (2048→512), at the token counts of the workloads of docs/performance.md (66, 1026, 4096 = 8×512, 8192 = 64×128).
void linear(benchmark::State& state, kernels::GemmBackend backend) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0, 0.02f);
  Linear layer;
  layer.weight = Tensor({N, K});
  layer.bias = Tensor({N});
  for (float& v : layer.weight.data) v = normal(rng);
  layer.packed = kernels::pack_linear(layer.weight, backend, Precision::F32);
  std::vector<float> x(static_cast<size_t>(M * K)), y(static_cast<size_t>(M * N));
  for (float& v : x) v = normal(rng);
  for (auto _ : state) {
    kernels::linear_forward(x.data(), M, layer, y.data());
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * M * N * K * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

void shapes(benchmark::internal::Benchmark* b) {
  for (int64_t M : {66, 1026, 4096, 8192})
    for (auto [N, K] : {std::pair<int64_t, int64_t>{512, 512}, {2048, 512}, {512, 2048}}) b->Args({M, N, K});
  b->Unit(benchmark::kMicrosecond)->UseRealTime();
}

BENCHMARK_CAPTURE(linear, openblas, kernels::GemmBackend::OpenBLAS)->Apply(shapes);
BENCHMARK_CAPTURE(linear, onednn, kernels::GemmBackend::OneDNN)->Apply(shapes);
BENCHMARK_CAPTURE(linear, avx2, kernels::GemmBackend::Avx2Fma)->Apply(shapes);

}  // namespace
}  // namespace splicebert

BENCHMARK_MAIN();
