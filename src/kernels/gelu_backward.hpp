// Backward of the exact (erf) GELU, gelu(u) = u·Φ(u): d/du = Φ(u) + u·φ(u).
#pragma once
#include <cstdint>

namespace splicebert::kernels {

// du[i] = dy[i] · (Φ(u[i]) + u[i]·φ(u[i])) over n values (du may alias dy).
void gelu_backward(const float* u, const float* dy, float* du, int64_t n);
void gelu_backward_reference(const float* u, const float* dy, float* du, int64_t n);

// out = gelu(u) without touching u (the backward recomputes the activation instead of storing it).
void gelu_copy(const float* u, float* out, int64_t n);

}  // namespace splicebert::kernels
