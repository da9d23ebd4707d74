// Inference for the task heads: the loaded Model's head weights fed to the shared head math (head_math.hpp)
// without gradients.
#include "splicebert/heads.hpp"

#include <algorithm>
#include <cstring>

#include "model/head_math.hpp"
#include "splicebert/error.hpp"
#include "splicebert/pipelines.hpp"

namespace splicebert {

ForwardOptions head_forward_options(const ModelConfig& config) {
  ForwardOptions options;
  options.pooler = config.head.kind == HeadKind::Sequence;
  return options;
}

Tensor head_logits(const Model& model, const Batch& batch, const ForwardOutput& output) {
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  if (c.head.kind == HeadKind::None || !w.task_head)
    fail(model.source(), ": architecture '", c.architecture, "' has no sequence, token or contact head");
  const int64_t B = batch.batch, T = batch.tokens, C = c.hidden_size;
  if (output.last_hidden_state.numel() != B * T * C)
    fail(model.source(), ": the forward output does not match the batch [", B, ", ", T, "]");

  detail::HeadParams params;
  params.kind = c.head.kind;
  params.transform = c.head.transform;
  params.C = C;
  params.n = c.head.num_labels;
  params.eps = static_cast<float>(c.head.layer_norm_eps);
  const TaskHeadWeights& head = *w.task_head;
  if (head.transform_dense) {
    params.transform_weight.value = head.transform_dense->weight.ptr();
    params.transform_bias.value = head.transform_dense->bias.ptr();
  }
  if (head.transform_norm) {
    params.norm_weight.value = head.transform_norm->weight.ptr();
    params.norm_bias.value = head.transform_norm->bias.ptr();
  }
  params.decoder_weight.value = head.decoder.weight.ptr();
  params.decoder_bias.value = c.head.bias ? head.decoder.bias.ptr() : nullptr;

  detail::HeadActivations saved;
  Tensor logits;
  if (c.head.kind == HeadKind::Sequence) {
    // The Session already applied the pooler (ForwardOptions.pooler): start the head from its output.
    if (output.pooler_output.numel() != B * C)
      fail(model.source(), ": the sequence head needs the pooler output (ForwardOptions.pooler)");
    detail::head_forward_pooled(params, output.pooler_output.ptr(), B, saved, logits);
  } else {
    detail::head_forward(params, output.last_hidden_state.ptr(), B, T, batch.attention_mask.data(), saved, logits);
  }
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
  const int64_t T = windows.front().length + 2;
  const size_t per_batch = static_cast<size_t>(std::max<int64_t>(1, max_tokens / T));
  for (size_t begin = 0; begin < windows.size(); begin += per_batch) {
    const size_t end = std::min(windows.size(), begin + per_batch);
    std::vector<std::vector<int32_t>> ids;
    for (size_t w = begin; w < end; ++w) {
      ids.push_back({tokenizer.cls_id()});
      ids.back().insert(ids.back().end(), nucleotide_ids.begin() + windows[w].start,
                        nucleotide_ids.begin() + windows[w].start + windows[w].length);
      ids.back().push_back(tokenizer.eos_id());
    }
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

}  // namespace splicebert
