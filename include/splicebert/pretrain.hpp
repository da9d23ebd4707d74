// MLM pre-training (docs/training.md): the JSON run configuration and the loop that runs its stages with checkpoints,
// validation, logging and (when launched under MPI) data parallelism. Every key is documented in docs/training.md.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "splicebert/train.hpp"

namespace splicebert::train {

// Where samples come from: window shards written by `splicebert windows` (a PREFIX with PREFIX.index beside it) or
// FASTA files (windows cut here, see WindowingOptions). Several sources are concatenated.
struct DataSources {
  std::vector<std::string> train, validation;
};

// How FASTA records are cut into samples (shards are used as written).
struct WindowingOptions {
  int64_t min_length = 510, max_length = 510;  // nucleotides; equal = fixed length, else uniform in [min, max]
  int64_t stride = 0;                          // 0 = tile (each window starts where the previous ended)
  bool random_offsets = false;
  double max_n_fraction = 0.1;                 // windows with more non-ACGTU letters are dropped
};

struct StageConfig {
  std::string name;
  int64_t steps = 0;                 // optimiser steps in this stage
  int max_position_embeddings = 0;   // grow the position table to this (0 = keep)
  WindowingOptions windows;
  DataSources data;                  // empty lists = the run's
  int64_t batch_tokens = 0;          // 0 = the run's
  int64_t max_batch_size = -1;       // -1 = the run's
  double lr = 0;                     // 0 = the run's optimizer.lr
  int64_t warmup_steps = -1;         // -1 = the run's scheduler.warmup_steps
};

struct ModelShape {  // for a random initialisation
  std::string vocab = "26";  // "26" | "28" | path of a vocab.txt
  int hidden_size = 512, num_hidden_layers = 6, num_attention_heads = 16, intermediate_size = 2048;
  int max_position_embeddings = 0;  // 0 = the first stage's (or 512)
  double layer_norm_eps = 1e-12, initializer_range = 0.02;
  // "normal" (BERT's normal(0, initializer_range)) or "sinusoidal" (Vaswani et al.'s table scaled to the same RMS:
  // relative offsets become linear maps of the position rows, which gets small models off the unigram plateau).
  std::string position_init = "normal";
  // Layer-0 heads that start out attending at these relative offsets (one offset per head, in head order; needs
  // position_init "sinusoidal"): see ParameterStore::init_local_attention. Empty = none.
  std::vector<int> local_attention_offsets;
};

struct PretrainConfig {
  std::string source;        // the config file (error messages, provenance)
  nlohmann::json raw;        // as read, recorded in logs and checkpoints
  std::string output_dir;
  uint64_t seed = 0;
  int threads = 0;
  std::string precision = "f32";  // "bf16": mixed precision (every training GEMM in bfloat16, float32 accumulation)
  std::string init_from;     // checkpoint folder; empty = random init from `model`
  ModelShape model;
  float hidden_dropout = 0.1f, attention_dropout = 0.1f;
  DataSources data;
  MaskingOptions masking;
  AdamWOptions optimizer;
  PlateauOptions scheduler;
  int64_t warmup_steps = 0;
  double clip_grad_norm = 0;  // 0 = off
  int64_t batch_tokens = 8192, max_batch_size = 0, accumulation = 1;
  int64_t validation_every = 1000, validation_max_samples = 0;
  int64_t checkpoint_every = 1000, keep_checkpoints = 2;
  std::vector<StageConfig> stages;

  static PretrainConfig from_file(const std::string& path);
  static PretrainConfig from_json(const nlohmann::json& json, const std::string& source);
};

struct PretrainOptions {
  std::string resume;      // checkpoint folder, or a run's output folder (its latest checkpoint)
  int threads = 1;         // the thread count in effect (recorded: bit-identical resumes need the same)
  bool quiet = false;
  std::string command_line;  // recorded in the log header
  // Called with every step record the log gets (loss, accuracy, lr, tokens/s, ...).
  std::function<void(const nlohmann::json&)> on_record;
  // Polled before every optimiser step (single-process runs); true stops the run with splicebert::Stopped. The
  // last checkpoint (written atomically) stays intact, so `resume` continues from it.
  std::function<bool()> should_stop;
};

// Runs every stage (or what is left of them after a resume). Returns the final checkpoint folder.
std::string run_pretraining(const PretrainConfig& config, const PretrainOptions& options);

// The config a run recorded: `resume` is a checkpoint folder (its trainer_state.json) or a run's output folder (its
// newest checkpoint, or before the first one the header of its train_log.jsonl). Throws if none is recorded.
PretrainConfig recorded_config(const std::string& resume);

// This process's place in a data-parallel run (mpirun / srun; a single process is rank 0 of 1).
struct ProcessGroup {
  int rank = 0, size = 1;
  bool distributed() const { return size > 1; }
};
ProcessGroup process_group();
// Ends every rank after an error on one: a collective would otherwise wait forever.
[[noreturn]] void abort_all_ranks(int status);

}  // namespace splicebert::train
