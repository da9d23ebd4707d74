// TrainingSession: one forward/backward over the whole model, layer by layer (embedding_layer, encoder_layer, then
// mlm_head_layer or the task head of model/head_math), with the activations the backward needs kept per layer.
#include <cmath>
#include <cstring>

#include "splicebert/error.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/train.hpp"
#include "kernels/dropout.hpp"
#include "kernels/gemm_train.hpp"
#include "train/embedding_layer.hpp"
#include "train/encoder_layer.hpp"
#include "train/mlm_head_layer.hpp"

namespace splicebert::train {

using namespace detail;

struct TrainingSession::State {
  ParameterStore* store;
  std::vector<int> class_of_label;  // token id -> 0..3 for A, C, G, U; −1 otherwise
  EmbeddingActivations embedding;
  std::vector<LayerActivations> layers;
  LayerScratch scratch;
  HeadBuffers head;
  splicebert::detail::HeadActivations task_head;
  std::vector<LayerContext> contexts;        // of the last encode(), read by backpropagate()
  HiddenDropout embedding_dropout;
  std::vector<float> hidden, d_hidden;  // [B·T, C]
};

TrainingSession::TrainingSession(ParameterStore& store, const Tokenizer& tokenizer) : state_(new State) {
  state_->store = &store;
  if (tokenizer.size() != store.config().vocab_size)
    fail("training: the vocabulary has ", tokenizer.size(), " tokens, the model ", store.config().vocab_size);
  state_->class_of_label.assign(static_cast<size_t>(tokenizer.size()), -1);
  const auto& bases = tokenizer.nucleotide_ids();
  for (size_t k = 0; k < bases.size() && k < 4; ++k) state_->class_of_label[static_cast<size_t>(bases[k])] = static_cast<int>(k);
  state_->layers.resize(static_cast<size_t>(store.config().num_hidden_layers));
}

TrainingSession::~TrainingSession() = default;
TrainingSession::TrainingSession(TrainingSession&&) noexcept = default;

namespace {

void check_batch(const Batch& batch, const std::vector<uint64_t>& sequence_keys, const ModelConfig& c,
                 bool dropout) {
  if (batch.batch <= 0 || batch.tokens <= 0) fail("training: empty batch");
  const size_t n = static_cast<size_t>(batch.batch * batch.tokens);
  if (batch.input_ids.size() != n || batch.attention_mask.size() != n)
    fail("training: batch arrays do not match its shape [", batch.batch, ", ", batch.tokens, "]");
  if (batch.tokens > c.max_position_embeddings)
    fail("training: ", batch.tokens, " tokens exceed the model's ", c.max_position_embeddings, " positions");
  for (int32_t id : batch.input_ids)
    if (id < 0 || id >= c.vocab_size) fail("training: token id ", id, " is outside the vocabulary of ", c.vocab_size);
  if (dropout && sequence_keys.size() != static_cast<size_t>(batch.batch))
    fail("training: dropout needs one sequence key per batch row");
}

}  // namespace

void TrainingSession::encode(const Batch& batch, const std::vector<uint64_t>& sequence_keys,
                             const DropoutSettings& dropout) {
  State& s = *state_;
  const ModelConfig& c = s.store->config();
  check_batch(batch, sequence_keys, c, dropout.hidden > 0 || dropout.attention > 0);
  const int64_t B = batch.batch, T = batch.tokens, C = c.hidden_size, rows = B * T;
  const float eps = static_cast<float>(c.layer_norm_eps);
  const ModelRefs params = resolve_parameters(*s.store);
  s.hidden.resize(static_cast<size_t>(rows * C));
  s.d_hidden.resize(static_cast<size_t>(rows * C));

  auto hidden_dropout = [&](uint64_t key) { return HiddenDropout{dropout.hidden, key, &sequence_keys, T}; };
  s.embedding_dropout = hidden_dropout(embedding_site_key(dropout.step_key));
  s.contexts.clear();
  for (int l = 0; l < c.num_hidden_layers; ++l) {
    LayerContext ctx;
    ctx.shape = {B, T, c.num_attention_heads, c.head_dim()};
    ctx.FF = c.intermediate_size;
    ctx.eps = eps;
    ctx.key_mask = batch.attention_mask.data();
    ctx.attention_dropout = {dropout.attention, site_key(dropout.step_key, l, Site::AttentionProbs),
                             sequence_keys.data()};
    ctx.attention_output_dropout = hidden_dropout(site_key(dropout.step_key, l, Site::AttentionOutput));
    ctx.ffn_output_dropout = hidden_dropout(site_key(dropout.step_key, l, Site::FfnOutput));
    s.contexts.push_back(ctx);
  }
  embedding_forward(params, batch, C, eps, s.embedding_dropout, s.embedding, s.hidden.data());
  for (size_t l = 0; l < s.contexts.size(); ++l)
    encoder_layer_forward(params.layers[l], s.contexts[l], s.layers[l], s.scratch, s.hidden.data());
}

void TrainingSession::backpropagate(const Batch& batch) {
  State& s = *state_;
  const ModelRefs params = resolve_parameters(*s.store);
  for (size_t l = s.contexts.size(); l-- > 0;)
    encoder_layer_backward(params.layers[l], s.contexts[l], s.layers[l], s.scratch, s.d_hidden.data());
  embedding_backward(params, batch, s.store->config().hidden_size, s.embedding_dropout, s.embedding,
                     s.d_hidden.data());
}

// MLM: encode, the MLM head's statistics, and the backward when `backward` is set.
MlmStats TrainingSession::run(const MlmBatch& mlm, const DropoutSettings& dropout, double gradient_scale,
                              bool backward) {
  State& s = *state_;
  const ModelConfig& c = s.store->config();
  const ModelRefs params = resolve_parameters(*s.store);
  if (!params.has_lm_head) fail("training: MLM steps need the lm_head tensors, which this store has not");
  const size_t n = static_cast<size_t>(mlm.batch.batch * mlm.batch.tokens);
  if (mlm.labels.size() != n)
    fail("training: ", mlm.labels.size(), " MLM labels for a batch of ", n, " tokens");
  encode(mlm.batch, mlm.sequence_keys, dropout);
  const int64_t rows = mlm.batch.batch * mlm.batch.tokens;
  MlmStats stats = mlm_head_forward(params, s.hidden.data(), rows, c.hidden_size, c.vocab_size,
                                    static_cast<float>(c.layer_norm_eps), mlm.labels, s.class_of_label,
                                    gradient_scale, s.head, backward ? s.d_hidden.data() : nullptr);
  if (backward) backpropagate(mlm.batch);
  return stats;
}

// Task head: encode, the head's logits and loss, and the backward when `backward` is set.
HeadStep TrainingSession::run_head(const HeadBatch& batch, const DropoutSettings& dropout, double gradient_scale,
                                   bool backward) {
  State& s = *state_;
  const ModelConfig& c = s.store->config();
  splicebert::detail::HeadParams head = resolve_task_head(*s.store);
  head.dropout = dropout.head;
  head.dropout_key = kernels::dropout_key(dropout.step_key, 0x4EAD);
  if (c.head.problem_type.empty()) fail("training: the head config has no problem_type");
  encode(batch.batch, batch.sequence_keys, dropout);
  HeadStep step;
  splicebert::detail::head_forward(head, s.hidden.data(), batch.batch.batch, batch.batch.tokens,
                                   batch.batch.attention_mask.data(), s.task_head, step.logits);
  Tensor d_logits;
  const HeadLoss loss =
      head_loss(c.head.problem_type, step.logits, batch.labels, backward ? &d_logits : nullptr, c.head.class_weights);
  step.loss = loss.loss;
  step.kept = loss.kept;
  if (!backward || loss.kept == 0) return step;
  for (float& g : d_logits.data) g = static_cast<float>(g * gradient_scale);
  splicebert::detail::head_backward(head, s.task_head, d_logits, s.d_hidden.data());
  backpropagate(batch.batch);
  return step;
}

HeadStep TrainingSession::head_forward_backward(const HeadBatch& batch, const DropoutSettings& dropout,
                                                double gradient_scale) {
  return run_head(batch, dropout, gradient_scale, true);
}

HeadStep TrainingSession::head_evaluate(const HeadBatch& batch) { return run_head(batch, DropoutSettings{}, 0.0, false); }

MlmStats TrainingSession::forward_backward(const MlmBatch& batch, const DropoutSettings& dropout,
                                           double gradient_scale) {
  return run(batch, dropout, gradient_scale, true);
}

MlmStats TrainingSession::evaluate(const MlmBatch& batch) { return run(batch, DropoutSettings{}, 0.0, false); }

void set_training_precision(Precision precision) { kernels::set_train_gemm_bf16(precision == Precision::BF16); }

}  // namespace splicebert::train
