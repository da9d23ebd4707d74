#include "train/embedding_layer.hpp"

#include "kernels/layer_norm_train.hpp"

namespace splicebert::train::detail {

void embedding_forward(const ModelRefs& params, const Batch& batch, int64_t C, float eps,
                       const HiddenDropout& dropout, EmbeddingActivations& saved, float* hidden) {
  const int64_t T = batch.tokens, rows = batch.batch * T;
  const float* type0 = params.token_type.value;
#pragma omp parallel for schedule(static) if (rows * C > 65536)
  for (int64_t r = 0; r < rows; ++r) {
    const float* word = params.word.value + static_cast<int64_t>(batch.input_ids[static_cast<size_t>(r)]) * C;
    const float* position = params.position.value + (r % T) * C;
    float* out = hidden + r * C;
    for (int64_t c = 0; c < C; ++c) out[c] = word[c] + position[c] + type0[c];
  }
  saved.xhat.resize(static_cast<size_t>(rows * C));
  saved.rstd.resize(static_cast<size_t>(rows));
  kernels::layer_norm_forward_train(hidden, nullptr, params.embedding_norm.weight.value,
                                    params.embedding_norm.bias.value, eps, rows, C, hidden, saved.xhat.data(),
                                    saved.rstd.data());
  dropout.apply(hidden, rows, C);
}

void embedding_backward(const ModelRefs& params, const Batch& batch, int64_t C, const HiddenDropout& dropout,
                        const EmbeddingActivations& saved, float* d_hidden) {
  const int64_t T = batch.tokens, rows = batch.batch * T;
  dropout.apply(d_hidden, rows, C);
  kernels::layer_norm_backward(d_hidden, saved.xhat.data(), saved.rstd.data(), params.embedding_norm.weight.value,
                               rows, C, d_hidden, params.embedding_norm.weight.grad, params.embedding_norm.bias.grad);
  // Scatter-adds: serial in row order, so repeated ids accumulate in a fixed order (bit-reproducible). This is
  // O(rows·C), negligible next to the GEMMs.
  for (int64_t r = 0; r < rows; ++r) {
    const float* d = d_hidden + r * C;
    float* word = params.word.grad + static_cast<int64_t>(batch.input_ids[static_cast<size_t>(r)]) * C;
    float* position = params.position.grad + (r % T) * C;
    float* type0 = params.token_type.grad;
    for (int64_t c = 0; c < C; ++c) {
      word[c] += d[c];
      position[c] += d[c];
      type0[c] += d[c];
    }
  }
}

}  // namespace splicebert::train::detail
