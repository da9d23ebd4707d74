// Inference for the task heads: the loaded Model's head weights fed to the shared head math (head_math.hpp)
// without gradients.
#include "splicebert/heads.hpp"

#include "model/head_math.hpp"
#include "splicebert/error.hpp"

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

}  // namespace splicebert
