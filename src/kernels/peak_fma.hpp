// The machine's fp32 FMA peak, measured as the peer harness measures it (docs/performance.md): independent FMA chains per thread on
// the widest vectors the active path uses (AVX-512, or AVX2), so that "% of peak" compares against this machine.
#pragma once

namespace splicebert::kernels {

// GFLOP/s reached by `threads` threads each running 12 independent 16-lane FMA chains for about `seconds`.
double measure_fp32_fma_peak_gflops(int threads, double seconds = 0.3);

}  // namespace splicebert::kernels
