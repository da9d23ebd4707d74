// The encoder forward pass (post-LN BERT, docs/model.md "Network"). Shapes: B batch, T tokens, C hidden,
// NH heads, HD head size, FF intermediate, V vocabulary.
#include <algorithm>
#include <numeric>
#include <cmath>
#include <cstring>

#include "kernels/layer_norm.hpp"
#include "kernels/attention.hpp"
#include "kernels/gemm.hpp"
#include "splicebert/error.hpp"
#include "splicebert/model.hpp"

namespace splicebert {

using kernels::Epilogue;

// Per-session buffers, grown to the largest batch seen and reused; never shared between threads.
struct Session::Buffers {
  ForwardOutput output;
  std::vector<float> hidden, q, k, v, context, sublayer, intermediate;  // [B·T, C] except intermediate [B·T, FF]
  std::vector<float> attention_scratch;
  void reserve(int64_t rows, int64_t C, int64_t FF) {
    auto grow = [](std::vector<float>& b, int64_t n) {
      if (b.size() < static_cast<size_t>(n)) b.resize(static_cast<size_t>(n));
    };
    for (auto* b : {&hidden, &q, &k, &v, &context, &sublayer}) grow(*b, rows * C);
    grow(intermediate, rows * FF);
  }
};

Session::Session(std::shared_ptr<const Model> model) : model_(std::move(model)), buffers_(new Buffers) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;

int64_t Batch::real_tokens(int64_t row) const {
  int64_t n = 0;
  for (int64_t t = 0; t < tokens; ++t) n += attention_mask[row * tokens + t] ? 1 : 0;
  return n;
}

Batch make_batch(const std::vector<std::vector<int32_t>>& sequences, int pad_id) {
  Batch batch;
  batch.batch = static_cast<int64_t>(sequences.size());
  for (const auto& s : sequences) batch.tokens = std::max<int64_t>(batch.tokens, static_cast<int64_t>(s.size()));
  batch.input_ids.assign(static_cast<size_t>(batch.batch * batch.tokens), pad_id);
  batch.attention_mask.assign(batch.input_ids.size(), 0);
  for (int64_t b = 0; b < batch.batch; ++b) {
    const auto& s = sequences[static_cast<size_t>(b)];
    std::copy(s.begin(), s.end(), batch.input_ids.begin() + b * batch.tokens);
    std::fill_n(batch.attention_mask.begin() + b * batch.tokens, s.size(), uint8_t{1});
  }
  return batch;
}

BatchPlan plan_token_batches(const std::vector<int64_t>& tokens_per_record, int64_t max_tokens) {
  BatchPlan plan;
  plan.order.resize(tokens_per_record.size());
  std::iota(plan.order.begin(), plan.order.end(), size_t{0});
  std::stable_sort(plan.order.begin(), plan.order.end(),
                   [&](size_t a, size_t b) { return tokens_per_record[a] > tokens_per_record[b]; });
  for (size_t begin = 0; begin < plan.order.size();) {
    const int64_t T = tokens_per_record[plan.order[begin]];
    size_t end = begin + 1;
    while (end < plan.order.size() && static_cast<int64_t>(end - begin + 1) * T <= max_tokens) ++end;
    plan.groups.emplace_back(begin, end);
    begin = end;
  }
  return plan;
}

namespace {

void check_batch(const Batch& batch, const ModelConfig& c) {
  if (batch.batch <= 0 || batch.tokens <= 0) fail("empty batch");
  if (batch.tokens > c.max_position_embeddings)
    fail("sequence of ", batch.tokens, " tokens exceeds the model's ", c.max_position_embeddings,
         " positions (", c.max_position_embeddings - 2, " nucleotides); split it into windows");
  if (batch.input_ids.size() != static_cast<size_t>(batch.batch * batch.tokens) ||
      batch.attention_mask.size() != batch.input_ids.size())
    fail("batch arrays do not match its shape [", batch.batch, ", ", batch.tokens, "]");
  for (int32_t id : batch.input_ids)
    if (id < 0 || id >= c.vocab_size) fail("token id ", id, " is outside the vocabulary of ", c.vocab_size);
}

// hidden[b, t] = LN(word[id] + position[t] + token_type[0])
void embed(const ModelWeights& w, const ModelConfig& c, const Batch& batch, float* hidden) {
  const int64_t C = c.hidden_size, T = batch.tokens;
  const float* type0 = w.token_type_embeddings.ptr();
#pragma omp parallel for schedule(static)
  for (int64_t row = 0; row < batch.batch * T; ++row) {
    const float* word = w.word_embeddings.ptr() + static_cast<int64_t>(batch.input_ids[row]) * C;
    const float* position = w.position_embeddings.ptr() + (row % T) * C;
    float* out = hidden + row * C;
    for (int64_t i = 0; i < C; ++i) out[i] = word[i] + position[i] + type0[i];
  }
  kernels::layer_norm_rows(hidden, nullptr, w.embedding_norm.weight.ptr(), w.embedding_norm.bias.ptr(),
                           static_cast<float>(c.layer_norm_eps), batch.batch * T, C, hidden);
}

// Gives `t` the shape, reallocating only when it needs more room than it has.
float* ensure_shape(Tensor& t, const Shape& shape) {
  const size_t n = static_cast<size_t>(shape_numel(shape));
  if (t.data.size() != n) t.data.resize(n);
  t.shape = shape;
  return t.ptr();
}

void copy_rows(const float* data, const Shape& shape, Tensor& into) {
  std::memcpy(ensure_shape(into, shape), data, sizeof(float) * static_cast<size_t>(shape_numel(shape)));
}

}  // namespace

const ForwardOutput& Session::forward(const Batch& batch, const ForwardOptions& options) {
  const Model& model = *model_;
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  check_batch(batch, c);
  if (options.mlm_logits && !w.lm_head) fail(model.source(), ": this checkpoint has no MLM head (lm_head.*)");
  if (options.pooler && !w.pooler) fail(model.source(), ": this checkpoint has no pooler (model.pooler.dense.*)");

  const int64_t B = batch.batch, T = batch.tokens, C = c.hidden_size, FF = c.intermediate_size, rows = B * T;
  const float eps = static_cast<float>(c.layer_norm_eps);
  Buffers& buf = *buffers_;
  buf.reserve(rows, C, FF);
  float* hidden = buf.hidden.data();
  ForwardOutput& out = buf.output;
  const size_t kept_attentions =
      !options.attentions ? 0 : options.attention_layers.empty() ? w.layers.size() : options.attention_layers.size();
  out.hidden_states.resize(options.hidden_states ? w.layers.size() + 1 : 0);
  out.attentions.resize(kept_attentions);
  size_t next_attention = 0;

  embed(w, c, batch, hidden);
  if (options.hidden_states) copy_rows(hidden, {B, T, C}, out.hidden_states[0]);

  const kernels::AttentionShape shape{B, T, c.num_attention_heads, c.head_dim()};
  for (size_t layer_index = 0; layer_index < w.layers.size(); ++layer_index) {
    const EncoderLayerWeights& layer = w.layers[layer_index];
    const bool keep_attention =
        options.attentions && (options.attention_layers.empty() ||
                               std::find(options.attention_layers.begin(), options.attention_layers.end(),
                                         static_cast<int>(layer_index)) != options.attention_layers.end());
    kernels::linear_forward(hidden, rows, layer.query, buf.q.data());
    kernels::linear_forward(hidden, rows, layer.key, buf.k.data());
    kernels::linear_forward(hidden, rows, layer.value, buf.v.data());
    float* probs = nullptr;
    if (keep_attention) probs = ensure_shape(out.attentions[next_attention++], {B, c.num_attention_heads, T, T});
    kernels::attention_forward(shape, buf.q.data(), buf.k.data(), buf.v.data(), batch.attention_mask.data(),
                               buf.context.data(), probs, buf.attention_scratch);
    // x = LN(x + Wo·attention)
    kernels::linear_forward(buf.context.data(), rows, layer.attention_output, buf.sublayer.data());
    kernels::layer_norm_rows(buf.sublayer.data(), hidden, layer.attention_norm.weight.ptr(),
                             layer.attention_norm.bias.ptr(), eps, rows, C, hidden);
    // x = LN(x + W2·gelu(W1·x))
    kernels::linear_forward(hidden, rows, layer.intermediate, buf.intermediate.data(), Epilogue::BiasGelu);
    kernels::linear_forward(buf.intermediate.data(), rows, layer.output, buf.sublayer.data());
    kernels::layer_norm_rows(buf.sublayer.data(), hidden, layer.output_norm.weight.ptr(), layer.output_norm.bias.ptr(),
                             eps, rows, C, hidden);
    if (options.hidden_states) copy_rows(hidden, {B, T, C}, out.hidden_states[layer_index + 1]);
  }
  copy_rows(hidden, {B, T, C}, out.last_hidden_state);

  if (options.pooler) {  // tanh(W_p · h[:, 0] + b_p)
    float* first = buf.context.data();  // free after the last layer
    for (int64_t b = 0; b < B; ++b) std::memcpy(first + b * C, hidden + b * T * C, sizeof(float) * C);
    kernels::linear_forward(first, B, *w.pooler, ensure_shape(out.pooler_output, {B, C}));
    for (float& x : out.pooler_output.data) x = std::tanh(x);
  }
  if (options.mlm_logits) {  // logits = LN(gelu(dense(h))) · Eᵀ + bias
    const LmHeadWeights& head = *w.lm_head;
    float* transformed = buf.sublayer.data();
    kernels::linear_forward(hidden, rows, head.dense, transformed, Epilogue::BiasGelu);
    kernels::layer_norm_rows(transformed, nullptr, head.norm.weight.ptr(), head.norm.bias.ptr(), eps, rows, C,
                             transformed);
    kernels::linear_forward(transformed, rows, head.decoder, ensure_shape(out.mlm_logits, {B, T, c.vocab_size}));
  }
  if (!options.mlm_logits) out.mlm_logits = Tensor();
  if (!options.pooler) out.pooler_output = Tensor();
  return out;
}

}  // namespace splicebert
