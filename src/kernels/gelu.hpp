// Exact (erf) GELU for training, gelu(u) = u·Φ(u), and its backward d/du = Φ(u) + u·φ(u). Φ is evaluated through
// erfc with the Chebyshev-fitted form of Numerical Recipes (relative error below 1.2e-7 over the whole line, also in
// the far negative tail where 0.5·(1 + erf) cancels) and fast_exp, so both loops vectorise; the scalar references
// use libm's erf in double.
#pragma once
#include <cstdint>

namespace splicebert::kernels {

// out[i] = gelu(u[i]) (out may alias u). The backward recomputes this instead of storing it.
void gelu_forward(const float* u, float* out, int64_t n);
void gelu_forward_reference(const float* u, float* out, int64_t n);
// The same loop without OpenMP, for epilogues that already run inside a parallel region (a GEMM tile's columns).
void gelu_forward_serial(const float* u, float* out, int64_t n);

// du[i] = dy[i] · (Φ(u[i]) + u[i]·φ(u[i])) over n values (du may alias dy).
void gelu_backward(const float* u, const float* dy, float* du, int64_t n);
void gelu_backward_reference(const float* u, const float* dy, float* du, int64_t n);

}  // namespace splicebert::kernels
