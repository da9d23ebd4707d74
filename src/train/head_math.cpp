#include "train/head_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/dropout.hpp"
#include "kernels/gelu.hpp"
#include "kernels/gemm_train.hpp"
#include "kernels/layer_norm_train.hpp"
#include "kernels/linear_train.hpp"
#include "splicebert/error.hpp"

namespace splicebert::detail {

namespace {

void size_to(std::vector<float>& buffer, int64_t n) {
  if (buffer.size() < static_cast<size_t>(n)) buffer.resize(static_cast<size_t>(n));
}

// Sequence head input: p = tanh(h[:, 0]·W_pᵀ + b_p), the pooler on <cls> only.
void gather_pooled(const HeadParams& p, const float* hidden, HeadActivations& s) {
  const int64_t C = p.C;
  if (!p.pooler_weight.value) fail("sequence head: the model has no pooler (model.pooler.dense.*)");
  for (int64_t b = 0; b < s.B; ++b) std::memcpy(&s.pooler_input[b * C], hidden + b * s.T * C, sizeof(float) * C);
  kernels::linear_forward_plain(s.pooler_input.data(), s.B, p.pooler_weight.value, p.pooler_bias.value, C, C,
                                s.pooled.data());
  for (int64_t i = 0; i < s.B * C; ++i) s.pooled[i] = std::tanh(s.pooled[i]);
  std::copy_n(s.pooled.data(), s.B * C, s.x.data());
}

// Head dropout on [R, C] rows (the head input in the forward, its gradient in the backward: the same mask).
void head_dropout(const HeadParams& p, int64_t rows, float* x) {
  if (p.dropout <= 0) return;
  for (int64_t r = 0; r < rows; ++r)
    kernels::dropout_row(x + r * p.C, p.C, kernels::dropout_row_seed(kernels::dropout_key(p.dropout_key, r)),
                         p.dropout);
}

// Token / contact head input: x[b, i] = h[b, i + 1] for i < n_b, else 0 (drops <cls>, zeroes <eos> and padding).
void gather_nucleotides(int64_t C, const float* hidden, HeadActivations& s) {
  std::fill(s.x.begin(), s.x.begin() + s.rows * C, 0.0f);
  for (int64_t b = 0; b < s.B; ++b)
    for (int64_t i = 0; i < s.nucleotides[b]; ++i)
      std::memcpy(&s.x[(b * s.L + i) * C], hidden + (b * s.T + i + 1) * C, sizeof(float) * C);
}

// t = x (none), LN(dense(x)) (linear) or LN(gelu(dense(x))) (nonlinear).
void transform_forward(const HeadParams& p, HeadActivations& s) {
  const int64_t R = s.rows, C = p.C;
  if (p.transform == "none") {
    std::copy_n(s.x.data(), R * C, s.t.data());
    return;
  }
  kernels::linear_forward_plain(s.x.data(), R, p.transform_weight.value, p.transform_bias.value, C, C, s.u.data());
  if (p.transform == "nonlinear") kernels::gelu_forward(s.u.data(), s.t.data(), R * C);
  else std::copy_n(s.u.data(), R * C, s.t.data());
  kernels::layer_norm_forward_train(s.t.data(), nullptr, p.norm_weight.value, p.norm_bias.value, p.eps, R, C,
                                    s.t.data(), s.xhat.data(), s.rstd.data());
}

// d_t [R, C] in, d_x [R, C] out.
void transform_backward(const HeadParams& p, HeadActivations& s) {
  const int64_t R = s.rows, C = p.C;
  if (p.transform == "none") {
    std::copy_n(s.d_t.data(), R * C, s.d_x.data());
    return;
  }
  kernels::layer_norm_backward(s.d_t.data(), s.xhat.data(), s.rstd.data(), p.norm_weight.value, R, C, s.d_t.data(),
                               p.norm_weight.grad, p.norm_bias.grad);
  if (p.transform == "nonlinear") kernels::gelu_backward(s.u.data(), s.d_t.data(), s.d_t.data(), R * C);
  kernels::linear_backward(s.x.data(), s.d_t.data(), R, p.transform_weight.value, C, C, p.transform_weight.grad,
                           p.transform_bias.grad, s.d_x.data());
}

// logits[b, i, j, k] = (z_ij + z_ji)/2 + b_k with z = (t ⊙ w_k)·tᵀ per row b: no [L, L, C] pair tensor.
void contact_forward(const HeadParams& p, HeadActivations& s, float* logits) {
  const int64_t L = s.L, C = p.C, n = p.n;
  size_to(s.scratch, L * C + L * L);
  float* weighted = s.scratch.data();  // [L, C]
  float* z = weighted + L * C;         // [L, L]
  for (int64_t b = 0; b < s.B; ++b) {
    const float* t = &s.t[b * L * C];
    for (int64_t k = 0; k < n; ++k) {
      const float* w = p.decoder_weight.value + k * C;
      for (int64_t i = 0; i < L; ++i)
        for (int64_t c = 0; c < C; ++c) weighted[i * C + c] = t[i * C + c] * w[c];
      kernels::train_gemm_nt(weighted, C, t, C, z, L, L, L, C);
      const float bias = p.decoder_bias.value ? p.decoder_bias.value[k] : 0.0f;
      for (int64_t i = 0; i < L; ++i)
        for (int64_t j = 0; j < L; ++j)
          logits[((b * L + i) * L + j) * n + k] = (z[i * L + j] + z[j * L + i]) * 0.5f + bias;
    }
  }
}

// With S = (G + Gᵀ)/2 for G = ∂/∂logits[b, :, :, k] and M = S·t: ∂t += 2·w_k ⊙ M, ∂w_k += Σ_i t_i ⊙ M_i,
// ∂b_k += Σ G.
void contact_backward(const HeadParams& p, HeadActivations& s, const float* d_logits) {
  const int64_t L = s.L, C = p.C, n = p.n;
  size_to(s.scratch, L * L + L * C);
  float* sym = s.scratch.data();   // [L, L]
  float* m = sym + L * L;          // [L, C]
  std::fill(s.d_t.begin(), s.d_t.begin() + s.rows * C, 0.0f);
  for (int64_t b = 0; b < s.B; ++b) {
    const float* t = &s.t[b * L * C];
    float* d_t = &s.d_t[b * L * C];
    for (int64_t k = 0; k < n; ++k) {
      double bias_grad = 0;
      for (int64_t i = 0; i < L; ++i)
        for (int64_t j = 0; j < L; ++j) {
          const float g_ij = d_logits[((b * L + i) * L + j) * n + k];
          sym[i * L + j] = 0.5f * (g_ij + d_logits[((b * L + j) * L + i) * n + k]);
          bias_grad += g_ij;
        }
      if (p.decoder_bias.grad) p.decoder_bias.grad[k] += static_cast<float>(bias_grad);
      kernels::train_gemm_nn(sym, L, t, C, m, C, L, C, L);
      const float* w = p.decoder_weight.value + k * C;
      float* dw = p.decoder_weight.grad + k * C;
      for (int64_t i = 0; i < L; ++i)
        for (int64_t c = 0; c < C; ++c) {
          dw[c] += t[i * C + c] * m[i * C + c];
          d_t[i * C + c] += 2.0f * w[c] * m[i * C + c];
        }
    }
  }
}

}  // namespace

namespace {

void prepare(const HeadParams& p, int64_t B, int64_t T, HeadActivations& s) {
  if (p.kind == HeadKind::None) fail("task head: the model config names no task head (architectures)");
  if (T < 2) fail("task head: a batch needs at least <cls> and <eos> (", T, " tokens)");
  s.B = B;
  s.T = T;
  s.L = T - 2;
  s.rows = p.kind == HeadKind::Sequence ? B : B * s.L;
  for (auto* buffer : {&s.x, &s.u, &s.xhat, &s.t, &s.d_t, &s.d_x}) size_to(*buffer, s.rows * p.C);
  size_to(s.rstd, s.rows);
  size_to(s.pooler_input, B * p.C);
  size_to(s.pooled, B * p.C);
}

// From s.x: transform, then the decoder (linear, or the pairwise form for contacts).
void transform_and_decode(const HeadParams& p, HeadActivations& s, Tensor& logits) {
  head_dropout(p, s.rows, s.x.data());
  transform_forward(p, s);
  if (p.kind == HeadKind::Contact) {
    logits = Tensor({s.B, s.L, s.L, p.n});
    contact_forward(p, s, logits.ptr());
    return;
  }
  logits = p.kind == HeadKind::Sequence ? Tensor({s.B, p.n}) : Tensor({s.B, s.L, p.n});
  kernels::linear_forward_plain(s.t.data(), s.rows, p.decoder_weight.value, p.decoder_bias.value, p.n, p.C,
                                logits.ptr());
}

}  // namespace

void head_forward(const HeadParams& p, const float* hidden, int64_t B, int64_t T, const uint8_t* mask,
                  HeadActivations& s, Tensor& logits) {
  prepare(p, B, T, s);
  s.nucleotides.assign(static_cast<size_t>(B), 0);
  for (int64_t b = 0; b < B; ++b) {
    int64_t real = 0;
    for (int64_t j = 0; j < T; ++j) real += mask[b * T + j] != 0;
    s.nucleotides[b] = std::max<int64_t>(real - 2, 0);
  }
  if (p.kind == HeadKind::Sequence) gather_pooled(p, hidden, s);
  else gather_nucleotides(p.C, hidden, s);
  transform_and_decode(p, s, logits);
}

void head_forward_pooled(const HeadParams& p, const float* pooled, int64_t B, HeadActivations& s, Tensor& logits) {
  if (p.kind != HeadKind::Sequence) fail("task head: only the sequence head reads the pooler output");
  prepare(p, B, 2, s);
  std::copy_n(pooled, B * p.C, s.x.data());
  transform_and_decode(p, s, logits);
}

void head_backward(const HeadParams& p, HeadActivations& s, const Tensor& d_logits, float* d_hidden) {
  const int64_t C = p.C, n = p.n, R = s.rows;
  if (d_logits.numel() != (p.kind == HeadKind::Contact ? s.B * s.L * s.L * n : R * n))
    fail("task head backward: gradient of ", d_logits.numel(), " values does not match the logits");
  if (p.kind == HeadKind::Contact) contact_backward(p, s, d_logits.ptr());
  else
    kernels::linear_backward(s.t.data(), d_logits.ptr(), R, p.decoder_weight.value, n, C, p.decoder_weight.grad,
                             p.decoder_bias.grad, s.d_t.data());
  transform_backward(p, s);
  head_dropout(p, R, s.d_x.data());

  std::memset(d_hidden, 0, sizeof(float) * static_cast<size_t>(s.B * s.T * C));
  if (p.kind == HeadKind::Sequence) {
    for (int64_t i = 0; i < R * C; ++i) s.d_x[i] *= 1.0f - s.pooled[i] * s.pooled[i];  // tanh' = 1 − p²
    size_to(s.scratch, R * C);
    kernels::linear_backward(s.pooler_input.data(), s.d_x.data(), R, p.pooler_weight.value, C, C,
                             p.pooler_weight.grad, p.pooler_bias.grad, s.scratch.data());
    for (int64_t b = 0; b < s.B; ++b) std::memcpy(d_hidden + b * s.T * C, &s.scratch[b * C], sizeof(float) * C);
    return;
  }
  for (int64_t b = 0; b < s.B; ++b)
    for (int64_t i = 0; i < s.nucleotides[b]; ++i)
      std::memcpy(d_hidden + (b * s.T + i + 1) * C, &s.d_x[(b * s.L + i) * C], sizeof(float) * C);
}

}  // namespace splicebert::detail
