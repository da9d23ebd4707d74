#include "train/mlm_head_layer.hpp"

#include <cmath>
#include <cstring>

#include "kernels/column_sum.hpp"
#include "kernels/gelu.hpp"
#include "kernels/layer_norm_train.hpp"
#include "kernels/linear_train.hpp"
#include "splicebert/error.hpp"

namespace splicebert::train::detail {

namespace {

void grow(std::vector<float>& buffer, int64_t n) {
  if (buffer.size() < static_cast<size_t>(n)) buffer.resize(static_cast<size_t>(n));
}

// Cross-entropy of one logits row (log-sum-exp in double), its argmax, and — when `d_row` is given — the gradient
// (softmax − one-hot)·scale.
double row_cross_entropy(const float* logits, int64_t V, int32_t label, double scale, int64_t& argmax,
                         float* d_row) {
  double max_value = logits[0];
  argmax = 0;
  for (int64_t j = 1; j < V; ++j)
    if (logits[j] > max_value) {
      max_value = logits[j];
      argmax = j;
    }
  double sum = 0;
  for (int64_t j = 0; j < V; ++j) sum += std::exp(static_cast<double>(logits[j]) - max_value);
  const double log_sum = std::log(sum) + max_value;
  if (d_row) {
    for (int64_t j = 0; j < V; ++j) {
      const double p = std::exp(static_cast<double>(logits[j]) - log_sum);
      d_row[j] = static_cast<float>((p - (j == label ? 1.0 : 0.0)) * scale);
    }
  }
  return log_sum - logits[label];
}

}  // namespace

MlmStats mlm_head_forward(const ModelRefs& params, const float* hidden, int64_t rows, int64_t C, int64_t V,
                          float eps, const std::vector<int32_t>& labels, const std::vector<int>& class_of_label,
                          double gradient_scale, HeadBuffers& b, float* d_hidden) {
  b.rows.clear();
  b.labels.clear();
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t label = labels[static_cast<size_t>(r)];
    if (label == -100) continue;
    if (label < 0 || label >= V) fail("MLM labels: ", label, " at position ", r, " is neither −100 nor a token id < ", V);
    b.rows.push_back(r);
    b.labels.push_back(label);
  }
  const int64_t M = static_cast<int64_t>(b.rows.size());
  MlmStats stats;
  if (d_hidden) std::memset(d_hidden, 0, sizeof(float) * static_cast<size_t>(rows * C));
  if (M == 0) return stats;
  for (auto* buffer : {&b.x, &b.u, &b.xhat, &b.t, &b.d_x, &b.d_t}) grow(*buffer, M * C);
  grow(b.rstd, M);
  grow(b.logits, M * V);
  for (int64_t m = 0; m < M; ++m) std::memcpy(&b.x[m * C], hidden + b.rows[m] * C, sizeof(float) * C);

  // t = LN(gelu(dense(x))); logits = t·Eᵀ + bias
  kernels::linear_forward_plain(b.x.data(), M, params.head_dense.weight.value, params.head_dense.bias.value, C, C,
                                b.u.data());
  kernels::gelu_forward(b.u.data(), b.t.data(), M * C);
  kernels::layer_norm_forward_train(b.t.data(), nullptr, params.head_norm.weight.value, params.head_norm.bias.value,
                                    eps, M, C, b.t.data(), b.xhat.data(), b.rstd.data());
  kernels::linear_forward_plain(b.t.data(), M, params.word.value, params.head_bias.value, V, C, b.logits.data());

  std::vector<float> d_logits(d_hidden ? static_cast<size_t>(M * V) : 0);
  for (int64_t m = 0; m < M; ++m) {
    int64_t argmax = 0;
    const int32_t label = b.labels[m];
    stats.loss_sum += row_cross_entropy(&b.logits[m * V], V, label, gradient_scale, argmax,
                                        d_hidden ? &d_logits[m * V] : nullptr);
    ++stats.labelled;
    const bool hit = argmax == label;
    stats.correct += hit;
    const int cls = label < static_cast<int32_t>(class_of_label.size()) ? class_of_label[label] : -1;
    if (cls >= 0) {
      ++stats.class_total[cls];
      stats.class_correct[cls] += hit;
    }
  }
  if (!d_hidden) return stats;

  // Decoder (tied): d bias, dE += d_logitsᵀ·t, d_t = d_logits·E.
  kernels::linear_backward(b.t.data(), d_logits.data(), M, params.word.value, V, C, params.word.grad,
                           params.head_bias.grad, b.d_t.data());
  kernels::layer_norm_backward(b.d_t.data(), b.xhat.data(), b.rstd.data(), params.head_norm.weight.value, M, C,
                               b.d_t.data(), params.head_norm.weight.grad, params.head_norm.bias.grad);
  kernels::gelu_backward(b.u.data(), b.d_t.data(), b.d_t.data(), M * C);
  kernels::linear_backward(b.x.data(), b.d_t.data(), M, params.head_dense.weight.value, C, C,
                           params.head_dense.weight.grad, params.head_dense.bias.grad, b.d_x.data());
  for (int64_t m = 0; m < M; ++m) std::memcpy(d_hidden + b.rows[m] * C, &b.d_x[m * C], sizeof(float) * C);
  return stats;
}

}  // namespace splicebert::train::detail
