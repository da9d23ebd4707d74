#include "train/encoder_layer.hpp"

#include <cstring>

#include "kernels/gelu.hpp"
#include "kernels/layer_norm_train.hpp"
#include "kernels/linear_train.hpp"

namespace splicebert::train::detail {

namespace {

void grow(std::vector<float>& buffer, int64_t n) {
  if (buffer.size() < static_cast<size_t>(n)) buffer.resize(static_cast<size_t>(n));
}

void forward_linear(const LinearRef& linear, const float* x, int64_t rows, float* y) {
  kernels::linear_forward_plain(x, rows, linear.weight.value, linear.bias.value, linear.out, linear.in, y);
}

void backward_linear(const LinearRef& linear, const float* x, const float* dy, int64_t rows, float* dx,
                     bool accumulate_dx) {
  kernels::linear_backward(x, dy, rows, linear.weight.value, linear.out, linear.in, linear.weight.grad,
                           linear.bias.grad, dx, accumulate_dx);
}

}  // namespace

void encoder_layer_forward(const LayerRefs& p, const LayerContext& ctx, LayerActivations& a, LayerScratch& s,
                           float* hidden) {
  const kernels::AttentionShape& shape = ctx.shape;
  const int64_t C = shape.C(), rows = shape.B * shape.T, FF = ctx.FF, stats = shape.B * shape.NH * shape.T;
  for (auto* b : {&a.input, &a.q, &a.k, &a.v, &a.context, &a.xhat1, &a.h1, &a.xhat2, &s.sublayer}) grow(*b, rows * C);
  for (auto* b : {&a.rstd1, &a.rstd2}) grow(*b, rows);
  for (auto* b : {&a.row_max, &a.row_inv_sum}) grow(*b, stats);
  grow(a.u, rows * FF);
  grow(s.ffn, rows * FF);

  std::memcpy(a.input.data(), hidden, sizeof(float) * static_cast<size_t>(rows * C));
  forward_linear(p.query, hidden, rows, a.q.data());
  forward_linear(p.key, hidden, rows, a.k.data());
  forward_linear(p.value, hidden, rows, a.v.data());
  kernels::attention_forward_train(shape, a.q.data(), a.k.data(), a.v.data(), ctx.key_mask, ctx.attention_dropout,
                                   a.context.data(), a.row_max.data(), a.row_inv_sum.data(), s.attention);
  // h1 = LN1(x + dropout(Wo·context))
  forward_linear(p.attention_output, a.context.data(), rows, s.sublayer.data());
  ctx.attention_output_dropout.apply(s.sublayer.data(), rows, C);
  kernels::layer_norm_forward_train(s.sublayer.data(), a.input.data(), p.attention_norm.weight.value,
                                    p.attention_norm.bias.value, ctx.eps, rows, C, a.h1.data(), a.xhat1.data(),
                                    a.rstd1.data());
  // out = LN2(h1 + dropout(W2·gelu(W1·h1)))
  forward_linear(p.intermediate, a.h1.data(), rows, a.u.data());
  kernels::gelu_forward(a.u.data(), s.ffn.data(), rows * FF);
  forward_linear(p.output, s.ffn.data(), rows, s.sublayer.data());
  ctx.ffn_output_dropout.apply(s.sublayer.data(), rows, C);
  kernels::layer_norm_forward_train(s.sublayer.data(), a.h1.data(), p.output_norm.weight.value,
                                    p.output_norm.bias.value, ctx.eps, rows, C, hidden, a.xhat2.data(),
                                    a.rstd2.data());
}

void encoder_layer_backward(const LayerRefs& p, const LayerContext& ctx, const LayerActivations& a, LayerScratch& s,
                            float* d_hidden) {
  const kernels::AttentionShape& shape = ctx.shape;
  const int64_t C = shape.C(), rows = shape.B * shape.T, FF = ctx.FF;
  for (auto* b : {&s.d_h1, &s.d_tmp, &s.d_context, &s.dq, &s.dk, &s.dv}) grow(*b, rows * C);
  grow(s.ffn, rows * FF);
  grow(s.d_ffn, rows * FF);
  const size_t bytes = sizeof(float) * static_cast<size_t>(rows * C);

  // LN2: d(h1 + ffn_out) -> d_h1 (residual path) and the FFN output gradient (through its dropout).
  kernels::layer_norm_backward(d_hidden, a.xhat2.data(), a.rstd2.data(), p.output_norm.weight.value, rows, C,
                               s.d_h1.data(), p.output_norm.weight.grad, p.output_norm.bias.grad);
  std::memcpy(s.d_tmp.data(), s.d_h1.data(), bytes);
  ctx.ffn_output_dropout.apply(s.d_tmp.data(), rows, C);
  // W2 and GELU: the activation is recomputed from u rather than stored.
  kernels::gelu_forward(a.u.data(), s.ffn.data(), rows * FF);
  backward_linear(p.output, s.ffn.data(), s.d_tmp.data(), rows, s.d_ffn.data(), false);
  kernels::gelu_backward(a.u.data(), s.d_ffn.data(), s.d_ffn.data(), rows * FF);
  backward_linear(p.intermediate, a.h1.data(), s.d_ffn.data(), rows, s.d_h1.data(), /*accumulate_dx=*/true);

  // LN1: d(x + attention_out) -> d_hidden (residual path) and the attention output gradient.
  kernels::layer_norm_backward(s.d_h1.data(), a.xhat1.data(), a.rstd1.data(), p.attention_norm.weight.value, rows,
                               C, d_hidden, p.attention_norm.weight.grad, p.attention_norm.bias.grad);
  std::memcpy(s.d_tmp.data(), d_hidden, bytes);
  ctx.attention_output_dropout.apply(s.d_tmp.data(), rows, C);
  backward_linear(p.attention_output, a.context.data(), s.d_tmp.data(), rows, s.d_context.data(), false);
  kernels::attention_backward(shape, a.q.data(), a.k.data(), a.v.data(), ctx.key_mask, ctx.attention_dropout,
                              a.row_max.data(), a.row_inv_sum.data(), s.d_context.data(), s.dq.data(), s.dk.data(),
                              s.dv.data(), s.attention);
  backward_linear(p.query, a.input.data(), s.dq.data(), rows, d_hidden, true);
  backward_linear(p.key, a.input.data(), s.dk.data(), rows, d_hidden, true);
  backward_linear(p.value, a.input.data(), s.dv.data(), rows, d_hidden, true);
}

}  // namespace splicebert::train::detail
