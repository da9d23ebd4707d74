// The SpliceBERT encoder. `Model` holds the configuration, the tokenizer and the weights: loaded once, read-only,
// shared by any number of threads. `Session` holds one caller's buffers (sized on first use, reused), so several
// sessions may run the same Model concurrently.
//
// Dimension names used throughout: B batch, T tokens (with <cls>/<eos>), C hidden, NH heads, HD head size,
// FF intermediate size, V vocabulary, L = T - 2 nucleotides.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "splicebert/config.hpp"
#include "splicebert/linear.hpp"     // Linear: kernel-level
#include "splicebert/precision.hpp"  // Precision: kernel-level
#include "splicebert/tensor.hpp"
#include "splicebert/tokenizer.hpp"

namespace splicebert {

struct LayerNormWeights {
  Tensor weight, bias;  // [C]
};

struct EncoderLayerWeights {
  Linear query, key, value, attention_output;  // [C, C]
  LayerNormWeights attention_norm;
  Linear intermediate;  // [FF, C]
  Linear output;        // [C, FF]
  LayerNormWeights output_norm;
};

struct LmHeadWeights {
  Linear dense;  // [C, C]
  LayerNormWeights norm;
  Tensor bias;   // [V]; the decoder weight is the word-embedding table (tied)
  Linear decoder;  // logits = h·Eᵀ + bias: a packed copy of the tied table, so the GEMM backend can prepack it
};

struct TaskHeadWeights {  // sequence_head / token_head / contact_head
  std::optional<Linear> transform_dense;
  std::optional<LayerNormWeights> transform_norm;
  Linear decoder;  // [n, C]
};

struct ModelWeights {
  Tensor word_embeddings;      // [V, C]
  Tensor position_embeddings;  // [max_positions, C]
  Tensor token_type_embeddings;  // [type_vocab, C]
  LayerNormWeights embedding_norm;
  std::vector<EncoderLayerWeights> layers;
  std::optional<Linear> pooler;     // [C, C]; MLM checkpoints have none
  std::optional<LmHeadWeights> lm_head;
  std::optional<TaskHeadWeights> task_head;
};

struct LoadOptions {
  bool require_lm_head = false;  // fill-mask needs it; embed does not
  Precision precision = Precision::F32;
  std::string pooler_file;       // extra safetensors with model.pooler.dense.* (optional)
};

class Model {
 public:
  // A checkpoint folder in either layout (auto-detected), safetensors or pytorch_model.bin.
  static std::shared_ptr<const Model> load(const std::string& dir, const LoadOptions& options = {});
  // From tensors already in memory (MultiMolecule or original names).
  static std::shared_ptr<const Model> from_tensors(ModelConfig config, Tokenizer tokenizer, TensorMap tensors,
                                                   const std::string& source, const LoadOptions& options = {});

  const ModelConfig& config() const { return config_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const ModelWeights& weights() const { return weights_; }
  const std::string& source() const { return source_; }
  const std::string& weights_file() const { return weights_file_; }
  const std::string& weights_sha256() const;  // computed on first request
  Precision precision() const { return precision_; }
  int64_t parameter_count() const;
  // Every tensor under its MultiMolecule name (the tied decoder left out), for saving and conversion.
  TensorMap named_tensors() const;

 private:
  ModelConfig config_;
  std::optional<Tokenizer> tokenizer_;  // always set once loaded
  ModelWeights weights_;
  std::string source_, weights_file_;
  mutable std::string weights_sha256_;
  mutable std::once_flag weights_sha256_once_;  // sessions on several threads may ask at once
  Precision precision_ = Precision::F32;
  friend class ModelLoader;
};

// A right- or arbitrarily padded batch of token ids.
struct Batch {
  int64_t batch = 0, tokens = 0;       // B, T
  std::vector<int32_t> input_ids;      // [B, T]
  std::vector<uint8_t> attention_mask; // [B, T], 1 = real token
  int64_t real_tokens(int64_t row) const;
};
// Pads encoded sequences (each with <cls>/<eos>) to the longest one.
Batch make_batch(const std::vector<std::vector<int32_t>>& sequences, int pad_id);

// The one token-budget batcher every pipeline uses. `order` lists the records longest first (stable: equal lengths
// keep input order); `groups` are consecutive ranges [begin, end) of `order` whose padded size, rows × the first
// (longest) row's tokens, stays within `max_tokens` (a longer single record still gets a group of its own). Equal
// lengths then share batches without padding; results stay identical whatever the grouping (docs/architecture.md,
// "CPU paths and one answer"), so callers return them in input order.
struct BatchPlan {
  std::vector<size_t> order;
  std::vector<std::pair<size_t, size_t>> groups;
};
BatchPlan plan_token_batches(const std::vector<int64_t>& tokens_per_record, int64_t max_tokens);

struct ForwardOptions {
  bool hidden_states = false;  // all layers, [0] = embedding output
  bool attentions = false;     // [B, NH, T, T] per layer
  std::vector<int> attention_layers;  // with `attentions`: only these layers (empty = every layer)
  bool mlm_logits = false;     // needs the lm_head
  bool pooler = false;         // needs pooler weights
};

struct ForwardOutput {
  Tensor last_hidden_state;            // [B, T, C]
  std::vector<Tensor> hidden_states;   // layers + 1 of [B, T, C]
  std::vector<Tensor> attentions;      // layers of [B, NH, T, T]
  Tensor mlm_logits;                   // [B, T, V]
  Tensor pooler_output;                // [B, C]
};

class Session {
 public:
  explicit Session(std::shared_ptr<const Model> model);
  ~Session();
  Session(Session&&) noexcept;
  // The outputs live in the session and are overwritten by the next call; buffers are reused (no allocation once
  // the session has seen its largest batch).
  const ForwardOutput& forward(const Batch& batch, const ForwardOptions& options = {});
  const Model& model() const { return *model_; }

 private:
  std::shared_ptr<const Model> model_;
  struct Buffers;
  std::unique_ptr<Buffers> buffers_;
};

}  // namespace splicebert
