// TrainingSession: one MLM forward/backward over the whole model, layer by layer (embedding_layer, encoder_layer,
// mlm_head_layer), with the activations the backward needs kept per layer.
#include <cmath>
#include <cstring>

#include "splicebert/error.hpp"
#include "splicebert/train.hpp"
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

void check_batch(const MlmBatch& mlm, const ModelConfig& c, bool dropout) {
  const Batch& batch = mlm.batch;
  if (batch.batch <= 0 || batch.tokens <= 0) fail("training: empty batch");
  const size_t n = static_cast<size_t>(batch.batch * batch.tokens);
  if (batch.input_ids.size() != n || batch.attention_mask.size() != n || mlm.labels.size() != n)
    fail("training: batch arrays do not match its shape [", batch.batch, ", ", batch.tokens, "]");
  if (batch.tokens > c.max_position_embeddings)
    fail("training: ", batch.tokens, " tokens exceed the model's ", c.max_position_embeddings, " positions");
  for (int32_t id : batch.input_ids)
    if (id < 0 || id >= c.vocab_size) fail("training: token id ", id, " is outside the vocabulary of ", c.vocab_size);
  if (dropout && mlm.sequence_keys.size() != static_cast<size_t>(batch.batch))
    fail("training: dropout needs one sequence key per batch row");
}

}  // namespace

// Forward through embeddings and encoder; returns the statistics from the head, and runs the backward when
// `backward` is set.
MlmStats TrainingSession::run(const MlmBatch& mlm, const DropoutSettings& dropout, double gradient_scale,
                              bool backward) {
  State& s = *state_;
  ParameterStore& store = *s.store;
  const ModelConfig& c = store.config();
  const bool any_dropout = dropout.hidden > 0 || dropout.attention > 0;
  check_batch(mlm, c, any_dropout);
  const Batch& batch = mlm.batch;
  const int64_t B = batch.batch, T = batch.tokens, C = c.hidden_size, rows = B * T;
  const float eps = static_cast<float>(c.layer_norm_eps);
  const ModelRefs params = resolve_parameters(store);
  s.hidden.resize(static_cast<size_t>(rows * C));
  s.d_hidden.resize(static_cast<size_t>(rows * C));

  auto hidden_dropout = [&](uint64_t key) {
    return HiddenDropout{dropout.hidden, key, &mlm.sequence_keys, T};
  };
  const HiddenDropout embedding_dropout = hidden_dropout(embedding_site_key(dropout.step_key));
  std::vector<LayerContext> contexts;
  for (int l = 0; l < c.num_hidden_layers; ++l) {
    LayerContext ctx;
    ctx.shape = {B, T, c.num_attention_heads, c.head_dim()};
    ctx.FF = c.intermediate_size;
    ctx.eps = eps;
    ctx.key_mask = batch.attention_mask.data();
    ctx.attention_dropout = {dropout.attention, site_key(dropout.step_key, l, Site::AttentionProbs),
                             mlm.sequence_keys.data()};
    ctx.attention_output_dropout = hidden_dropout(site_key(dropout.step_key, l, Site::AttentionOutput));
    ctx.ffn_output_dropout = hidden_dropout(site_key(dropout.step_key, l, Site::FfnOutput));
    contexts.push_back(ctx);
  }

  embedding_forward(params, batch, C, eps, embedding_dropout, s.embedding, s.hidden.data());
  for (size_t l = 0; l < contexts.size(); ++l)
    encoder_layer_forward(params.layers[l], contexts[l], s.layers[l], s.scratch, s.hidden.data());
  MlmStats stats = mlm_head_forward(params, s.hidden.data(), rows, C, c.vocab_size, eps, mlm.labels, s.class_of_label,
                                    gradient_scale, s.head, backward ? s.d_hidden.data() : nullptr);
  if (!backward) return stats;
  for (size_t l = contexts.size(); l-- > 0;)
    encoder_layer_backward(params.layers[l], contexts[l], s.layers[l], s.scratch, s.d_hidden.data());
  embedding_backward(params, batch, C, embedding_dropout, s.embedding, s.d_hidden.data());
  return stats;
}

MlmStats TrainingSession::forward_backward(const MlmBatch& batch, const DropoutSettings& dropout,
                                           double gradient_scale) {
  return run(batch, dropout, gradient_scale, true);
}

MlmStats TrainingSession::evaluate(const MlmBatch& batch) { return run(batch, DropoutSettings{}, 0.0, false); }

}  // namespace splicebert::train
