// Inference for the task heads on the inference kernels; fine-tuning runs the same math with gradients on the
// training kernels (train/head_math.cpp), and the tests hold the two together.
#include "splicebert/heads.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/gemm.hpp"
#include "kernels/layer_norm.hpp"
#include "splicebert/error.hpp"
#include "splicebert/pipelines.hpp"

namespace splicebert {

ForwardOptions head_forward_options(const ModelConfig& config) {
  ForwardOptions options;
  options.pooler = config.head.kind == HeadKind::Sequence;
  return options;
}

namespace {

// Token / contact head input: x[b, i] = h[b, i + 1] for the n_b nucleotides of row b, else 0 (drops <cls>, zeroes
// <eos> and padding). hidden [B, T, C] -> x [B, L, C], L = T - 2.
std::vector<float> gather_nucleotides(const Batch& batch, const float* hidden, int64_t C) {
  const int64_t B = batch.batch, T = batch.tokens, L = T - 2;
  std::vector<float> x(static_cast<size_t>(B * L * C), 0.0f);
  for (int64_t b = 0; b < B; ++b) {
    const int64_t real = batch.real_tokens(b);
    for (int64_t i = 0; i + 2 < real; ++i)
      std::memcpy(&x[static_cast<size_t>((b * L + i) * C)], hidden + (b * T + i + 1) * C, sizeof(float) * C);
  }
  return x;
}

// logits[b, i, j, k] = (z_ij + z_ji) / 2 + bias_k with z = (t ⊙ w_k)·tᵀ: each entry one dot product over C in
// order, so a record's contacts do not depend on its batch. t [B, L, C] -> logits [B, L, L, n].
void contact_logits(const float* t, int64_t B, int64_t L, int64_t C, const Linear& decoder, Tensor& logits) {
  const int64_t n = decoder.out_features();
  logits = Tensor({B, L, L, n});
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < L; ++i) {
      const float* ti = t + (b * L + i) * C;
      for (int64_t j = i; j < L; ++j) {
        const float* tj = t + (b * L + j) * C;
        for (int64_t k = 0; k < n; ++k) {
          const float* w = decoder.weight.ptr() + k * C;
          float z_ij = 0, z_ji = 0;
          for (int64_t c = 0; c < C; ++c) {
            z_ij += ti[c] * w[c] * tj[c];
            z_ji += tj[c] * w[c] * ti[c];
          }
          const float value = (z_ij + z_ji) * 0.5f + decoder.bias.ptr()[k];
          logits.ptr()[((b * L + i) * L + j) * n + k] = value;
          logits.ptr()[((b * L + j) * L + i) * n + k] = value;
        }
      }
    }
}

}  // namespace

// The head on the inference kernels (the encoder's packed GEMMs, LayerNorm and GELU): transform t = x (none),
// LN(dense(x)) (linear) or LN(gelu(dense(x))) (nonlinear), then the decoder (docs/model.md, "Task heads").
Tensor head_logits(const Model& model, const Batch& batch, const ForwardOutput& output) {
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  if (c.head.kind == HeadKind::None || !w.task_head)
    fail(model.source(), ": architecture '", c.architecture, "' has no sequence, token or contact head");
  const int64_t B = batch.batch, T = batch.tokens, C = c.hidden_size, L = T - 2;
  if (output.last_hidden_state.numel() != B * T * C)
    fail(model.source(), ": the forward output does not match the batch [", B, ", ", T, "]");
  if (c.head.kind != HeadKind::Sequence && T < 2)
    fail(model.source(), ": a batch needs at least <cls> and <eos> (", T, " tokens)");
  const TaskHeadWeights& head = *w.task_head;

  // x [R, C]: the pooled <cls> rows (sequence head; the Session applied the pooler) or the nucleotide rows.
  std::vector<float> x;
  int64_t rows = 0;
  if (c.head.kind == HeadKind::Sequence) {
    if (output.pooler_output.numel() != B * C)
      fail(model.source(), ": the sequence head needs the pooler output (ForwardOptions.pooler)");
    x.assign(output.pooler_output.ptr(), output.pooler_output.ptr() + B * C);
    rows = B;
  } else {
    x = gather_nucleotides(batch, output.last_hidden_state.ptr(), C);
    rows = B * L;
  }
  if (head.transform_dense) {
    std::vector<float> u(x.size());
    kernels::linear_forward(x.data(), rows, *head.transform_dense, u.data(),
                            c.head.transform == "nonlinear" ? kernels::Epilogue::BiasGelu : kernels::Epilogue::Bias);
    kernels::layer_norm_rows(u.data(), nullptr, head.transform_norm->weight.ptr(), head.transform_norm->bias.ptr(),
                             static_cast<float>(c.head.layer_norm_eps), rows, C, x.data());
  }
  Tensor logits;
  if (c.head.kind == HeadKind::Contact) {
    contact_logits(x.data(), B, L, C, head.decoder, logits);
    return logits;
  }
  logits = c.head.kind == HeadKind::Sequence ? Tensor({B, c.head.num_labels}) : Tensor({B, L, c.head.num_labels});
  kernels::linear_forward(x.data(), rows, head.decoder, logits.ptr());
  return logits;
}

Tensor windowed_token_logits(Session& session, const std::vector<int32_t>& nucleotide_ids, int64_t window,
                             int64_t stride, int64_t max_tokens) {
  const Model& model = session.model();
  const ModelConfig& c = model.config();
  if (c.head.kind != HeadKind::Token) fail(model.source(), ": windowed logits need a token head");
  const int64_t max_nt = c.max_position_embeddings - 2, L = static_cast<int64_t>(nucleotide_ids.size());
  const int64_t n = c.head.num_labels;
  if (window <= 0) window = max_nt;
  if (window > max_nt) fail("--window ", window, " exceeds the model's ", max_nt, " nucleotides");
  const std::vector<Window> windows = plan_windows(L, window, stride > 0 ? stride : default_stride(window));
  const std::vector<uint32_t> owner = window_owners(windows, L);
  const Tokenizer& tokenizer = model.tokenizer();
  Tensor logits({L, n});
  // Every window but a short record's only one is `window` long: batches need no padding.
  const BatchPlan plan = plan_token_batches(std::vector<int64_t>(windows.size(), windows.front().length + 2), max_tokens);
  for (const auto& [begin, end] : plan.groups) {  // equal lengths: plan.order is the identity
    std::vector<std::vector<int32_t>> ids;
    for (size_t w = begin; w < end; ++w)
      ids.push_back(tokenizer.with_special_tokens(std::span<const int32_t>(
          nucleotide_ids.data() + windows[w].start, static_cast<size_t>(windows[w].length))));
    const Batch batch = make_batch(ids, tokenizer.pad_id());
    const Tensor window_logits = head_logits(model, batch, session.forward(batch, head_forward_options(c)));
    const int64_t Lw = window_logits.dim(1);  // [B, Lw, n]
    for (size_t w = begin; w < end; ++w)
      for (int64_t i = windows[w].start; i < windows[w].start + windows[w].length; ++i)
        if (owner[static_cast<size_t>(i)] == w)
          std::memcpy(logits.ptr() + i * n,
                      window_logits.ptr() + (static_cast<int64_t>(w - begin) * Lw + i - windows[w].start) * n,
                      sizeof(float) * static_cast<size_t>(n));
  }
  return logits;
}

double head_row_score(const float* row, int n, int score_class, const std::string& problem_type) {
  if (problem_type == "regression") return row[0];
  if (n == 1) return 1.0 / (1.0 + std::exp(-row[0]));
  if (n == 2) return 1.0 / (1.0 + std::exp(-row[score_class]));
  double max_value = row[0], sum = 0;
  for (int k = 1; k < n; ++k) max_value = std::max<double>(max_value, row[k]);
  for (int k = 0; k < n; ++k) sum += std::exp(row[k] - max_value);
  return std::exp(row[score_class] - max_value) / sum;
}

int resolve_score_class(const HeadConfig& head, int score_class) {
  if (score_class < 0) score_class = head.num_labels >= 2 ? 1 : 0;
  if (score_class >= std::max(1, head.num_labels))
    fail("--class ", score_class, " is outside the head's ", head.num_labels, " labels");
  return score_class;
}

}  // namespace splicebert
