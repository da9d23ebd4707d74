// Training engine (docs/training.md): the trainable parameter store, one MLM or task-head forward/backward step, the
// optimiser, the learning-rate schedule, MLM masking and the seeded generator whose state checkpoints carry. The
// pre-training loop that strings these together is in pretrain.hpp, the fine-tuning loop in finetune.hpp; design
// notes and the config references are in docs/training.md and docs/finetuning.md.
//
// Dimension names: B batch, T tokens (with <cls>/<eos>), C hidden, NH heads, HD head size, FF intermediate, V vocab.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "splicebert/config.hpp"
#include "splicebert/model.hpp"
#include "splicebert/tensor.hpp"
#include "splicebert/tokenizer.hpp"

namespace splicebert::train {

// ---- random numbers ---------------------------------------------------------------------------------------------
// xoshiro256** seeded through SplitMix64. The whole state is four words, saved in checkpoints.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  uint64_t next();
  double uniform();                 // [0, 1), 53 bits
  uint64_t below(uint64_t n);       // uniform in [0, n), unbiased; n > 0
  double normal();                  // standard normal (Box-Muller, no cached second value)
  std::array<uint64_t, 4> state() const { return s_; }
  void set_state(const std::array<uint64_t, 4>& state) { s_ = state; }

 private:
  std::array<uint64_t, 4> s_;
};
// A stream of its own for a purpose identified by words (e.g. (seed, "validation", i)): SplitMix64 mixing.
uint64_t derive_seed(uint64_t a, uint64_t b, uint64_t c = 0);

// ---- parameters -------------------------------------------------------------------------------------------------
// Names and shapes of every trainable tensor of the MLM model (backbone + lm_head; the decoder is tied to the word
// embeddings and has no tensor of its own), in MultiMolecule naming.
std::vector<std::pair<std::string, Shape>> mlm_parameter_shapes(const ModelConfig& config);
// The task-head model of config.head (docs/model.md, "Task heads"): the backbone, the pooler for the sequence head, and
// <head>.transform.* (transform linear / nonlinear) and <head>.decoder.* ([n, C], bias when head.bias).
std::vector<std::pair<std::string, Shape>> task_parameter_shapes(const ModelConfig& config);
// task_parameter_shapes when config.head names a head, mlm_parameter_shapes otherwise.
std::vector<std::pair<std::string, Shape>> trainable_parameter_shapes(const ModelConfig& config);
// The MultiMolecule tensor prefix of config.head.kind: "sequence_head", "token_head" or "contact_head".
std::string task_head_prefix(const ModelConfig& config);

// Parameters and their gradients by MultiMolecule name: the tensors of trainable_parameter_shapes(config), so an
// MLM config keeps backbone + lm_head (pooler and task heads left out) and a task-head config keeps backbone +
// pooler (sequence) + head (lm_head left out). Every name and shape is checked against the config.
class ParameterStore {
 public:
  ParameterStore(ModelConfig config, TensorMap parameters, const std::string& source);
  static ParameterStore from_model(const Model& model);
  // BERT initialisation: matrices and embeddings normal(0, initializer_range) (the <pad> row of the word table 0),
  // biases 0, LayerNorm weights 1 and biases 0.
  static ParameterStore random_init(const ModelConfig& config, uint64_t seed);
  // For fine-tuning: `config` names the head; tensors missing from `tensors` (a pre-trained checkpoint has no
  // pooler or head) are initialised as random_init does (matrices normal(0, initializer_range), biases 0, LayerNorm
  // 1 / 0) and their names appended to `initialised`.
  static ParameterStore with_task_head(const ModelConfig& config, TensorMap tensors, const std::string& source,
                                       uint64_t seed, std::vector<std::string>* initialised);

  const ModelConfig& config() const { return config_; }
  const TensorMap& parameters() const { return parameters_; }
  TensorMap& parameters() { return parameters_; }
  const TensorMap& gradients() const { return gradients_; }
  TensorMap& gradients() { return gradients_; }
  Tensor& parameter(const std::string& name);
  Tensor& gradient(const std::string& name);
  void zero_gradients();
  int64_t parameter_count() const;

  // MM-layout safetensors (metadata {"format": "pt"}) that Model::load reads back. Atomic.
  void save_safetensors(const std::string& path) const;
  // model.safetensors + config.json + vocab.txt / tokenizer_config.json / special_tokens_map.json into `dir`.
  void save_model_folder(const std::string& dir, const Tokenizer& tokenizer) const;
  // Grows the position table to `rows` (stage 2): existing rows kept, new rows normal(0, std) from `rng`.
  void grow_positions(int64_t rows, Rng& rng, double std_dev);
  // Overwrites position rows [first_row, end) with sin/cos(pos / 10000^(2i/C)) · std_dev·√2 (RMS std_dev, like the
  // normal initialisation it replaces).
  void set_sinusoidal_positions(int64_t first_row, double std_dev);
  // Starts layer-0 head h attending at relative offset offsets[h] (position i looks at i + offset), so that the
  // model sees its neighbours from the first step instead of having to discover position pairs one by one (small
  // models otherwise sit on the unigram plateau for thousands of steps). Needs sinusoidal positions. The first
  // head_dim hidden columns (the sinusoid's highest frequencies, 16 pairs for head_dim 32) become position-only
  // (word and token-type columns zeroed); head h's query/key rows read only those columns: key = the pairs as they
  // are, query = each pair rotated by offset·ω, so q_i·k_j ∝ Σ_m cos((i + offset − j)·ω_m), largest at j = i + offset.
  // Scaled so that the logit of the target offset exceeds its neighbours' by about `logit_gap`.
  void init_local_attention(const std::vector<int>& offsets, double logit_gap = 4.0);

 private:
  ModelConfig config_;
  TensorMap parameters_, gradients_;
};

// ---- one MLM step -----------------------------------------------------------------------------------------------
struct MlmBatch {
  Batch batch;                          // masked input ids + attention mask, [B, T]
  std::vector<int32_t> labels;          // [B, T]: the original id where a token was selected, −100 elsewhere
  std::vector<uint64_t> sequence_keys;  // [B]: identifies each row's sample; keys its dropout masks
};

struct DropoutSettings {
  float hidden = 0.0f, attention = 0.0f;  // probabilities; 0 = off (evaluation, fixture test)
  uint64_t step_key = 0;                  // fresh for every optimiser step
  float head = 0.0f;                      // task heads: on the head input (head.dropout); 0 = off
};

// Sums over labelled positions; merge() adds another micro-batch's or rank's.
struct MlmStats {
  double loss_sum = 0;            // Σ cross-entropy (natural log)
  int64_t labelled = 0, correct = 0;
  std::array<int64_t, 4> class_total{}, class_correct{};  // by true label A, C, G, U
  void merge(const MlmStats& other);
  double loss() const;               // mean cross-entropy
  double accuracy() const;           // argmax over the vocabulary == label
  double balanced_accuracy() const;  // mean recall over the nucleotides that occur as labels
};

// ---- one task-head step -----------------------------------------------------------------------------------------
struct HeadBatch {
  Batch batch;                          // input ids + attention mask, [B, T]
  Tensor labels;                        // float: [B] / [B, n], [B, L] / [B, L, n], [B, L, L] / [B, L, L, n]
  std::vector<uint64_t> sequence_keys;  // [B]: keys each row's dropout masks (needed only with dropout)
};
struct HeadStep {
  Tensor logits;       // [B, n], [B, L, n] or [B, L, L, n]
  double loss = 0;     // mean over the kept labels (NaN when none)
  int64_t kept = 0;    // labels that counted
};

// Mixed precision for this process's training GEMMs (config "precision": "bf16"): operands rounded to bfloat16,
// float32 accumulation and result; parameters, gradients, optimiser state, softmax, LayerNorm and the loss stay
// float32. Process-wide, one training run per process; inference (Session, task heads) never reads it.
void set_training_precision(Precision precision);

// Owns the activations and scratch of one training process; parameters and gradients live in the store.
class TrainingSession {
 public:
  TrainingSession(ParameterStore& store, const Tokenizer& tokenizer);
  ~TrainingSession();
  TrainingSession(TrainingSession&&) noexcept;
  // Forward and backward: gradients += ∂(gradient_scale · Σ cross-entropy)/∂θ (gradient_scale = 1 / labelled
  // tokens gives the mean loss). Returns the statistics of this batch.
  MlmStats forward_backward(const MlmBatch& batch, const DropoutSettings& dropout, double gradient_scale);
  // Forward only, no dropout.
  MlmStats evaluate(const MlmBatch& batch);

  // Task head (the store's config.head): logits and the mean loss of config.head.problem_type over the batch
  // (heads.hpp: head_loss); with `backward`, gradients += ∂(gradient_scale · mean loss)/∂θ.
  HeadStep head_forward_backward(const HeadBatch& batch, const DropoutSettings& dropout, double gradient_scale);
  HeadStep head_evaluate(const HeadBatch& batch);

 private:
  struct State;
  MlmStats run(const MlmBatch& batch, const DropoutSettings& dropout, double gradient_scale, bool backward);
  HeadStep run_head(const HeadBatch& batch, const DropoutSettings& dropout, double gradient_scale, bool backward);
  // Embeddings and encoder into the state's hidden buffer [B·T, C], and back from its d_hidden.
  void encode(const Batch& batch, const std::vector<uint64_t>& sequence_keys, const DropoutSettings& dropout);
  void backpropagate(const Batch& batch);
  std::unique_ptr<State> state_;
};

// ---- optimiser and schedule -------------------------------------------------------------------------------------
struct AdamWOptions {
  double lr = 1e-4, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.01;
};

// torch.optim.AdamW, one group, decoupled decay on every parameter:
// p ← p·(1 − lr·wd); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1ᵗ) · m/(√v/√(1 − β2ᵗ) + eps).
// Moments are float32 (as torch keeps them for float32 parameters); each update is computed in double.
class AdamW {
 public:
  explicit AdamW(AdamWOptions options) : options_(options) {}
  void step(ParameterStore& store, double lr);
  int64_t steps() const { return steps_; }
  const AdamWOptions& options() const { return options_; }
  // exp_avg.<name> and exp_avg_sq.<name>; restoring checks names and shapes against the store.
  TensorMap state_tensors() const;
  void restore(int64_t steps, const TensorMap& tensors, const ParameterStore& store, const std::string& source);

 private:
  AdamWOptions options_;
  int64_t steps_ = 0;
  TensorMap exp_avg_, exp_avg_sq_;
};

// Global gradient norm over every gradient; when above max_norm the gradients are scaled by max_norm/(norm + 1e-6)
// (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
double clip_gradient_norm(ParameterStore& store, double max_norm);
double gradient_norm(const ParameterStore& store);

// torch.optim.lr_scheduler.ReduceLROnPlateau, mode min, relative threshold.
struct PlateauOptions {
  double factor = 0.1, threshold = 1e-4, min_lr = 0.0;
  int patience = 3, cooldown = 0;
};
class ReduceLROnPlateau {
 public:
  ReduceLROnPlateau(PlateauOptions options, double lr) : options_(options), lr_(lr) {}
  // Feeds one validation loss; returns true when the learning rate was reduced.
  bool step(double metric);
  double lr() const { return lr_; }
  const PlateauOptions& options() const { return options_; }
  struct State {
    double lr = 0, best = 0;
    bool has_best = false;
    int bad_epochs = 0, cooldown_counter = 0;
    int64_t epochs = 0;
  };
  State state() const;
  void restore(const State& state);

 private:
  PlateauOptions options_;
  double lr_, best_ = 0;
  bool has_best_ = false;
  int bad_epochs_ = 0, cooldown_counter_ = 0;
  int64_t epochs_ = 0;
};

// ---- MLM masking (docs/training.md) ---------------------------------------------------------------------------------------
struct MaskingOptions {
  double probability = 0.15;   // per non-special token (N and other IUPAC letters included)
  double mask_fraction = 0.8;  // of the selected: become <mask>
  double random_fraction = 0.1;  // become a random nucleotide (A/C/G/U) different from the original; rest unchanged
};
// Masks `ids` (with <cls>/<eos>) in place and writes labels (original id at selected positions, −100 elsewhere).
// Returns the number of selected positions.
int64_t mask_tokens(std::vector<int32_t>& ids, std::vector<int32_t>& labels, const Tokenizer& tokenizer,
                    const MaskingOptions& options, Rng& rng);

}  // namespace splicebert::train
