// The machine's fp32 FMA peak, measured the way peers/RESULTS.md measured it: independent AVX-512 FMA chains per
// thread, so that "% of peak" in the benchmark compares against this machine, not a datasheet.
#pragma once

namespace splicebert::kernels {

// GFLOP/s reached by `threads` threads each running 12 independent 16-lane FMA chains for about `seconds`.
double measure_fp32_fma_peak_gflops(int threads, double seconds = 0.3);

}  // namespace splicebert::kernels
