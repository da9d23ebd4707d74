// Training checkpoints: a folder that every inference command loads as a model (model.safetensors in MM layout,
// config.json, vocab.txt and tokenizer files) plus optimizer.safetensors (AdamW moments) and trainer_state.json
// (stage, step, data position, generator state, schedule). Written under a temporary name and renamed, so a folder
// under a final name is always complete.
#pragma once
#include <array>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "splicebert/model.hpp"
#include "splicebert/train.hpp"
#include "train/sample_stream.hpp"

namespace splicebert::train::detail {

struct TrainerState {
  int stage = 0;                 // index into the config's stages
  int64_t stage_step = 0;        // optimiser steps done in that stage
  int64_t global_step = 0;       // over all stages
  int64_t tokens_seen = 0;       // real (unpadded) tokens trained on, all ranks
  SampleStream::Position data;
  std::array<uint64_t, 4> rng{};
  int64_t optimizer_steps = 0;
  ReduceLROnPlateau::State scheduler;
  uint64_t seed = 0;
  int world_size = 1, threads = 1;
  int64_t accumulation = 1;
  nlohmann::json config;

  nlohmann::json to_json() const;
  static TrainerState from_json(const nlohmann::json& json, const std::string& source);
};

// `before_commit` runs after every file is written and before the rename (tests kill the process there).
void write_checkpoint(const std::string& dir, const ParameterStore& store, const Tokenizer& tokenizer,
                      const AdamW& optimizer, const TrainerState& state,
                      const std::function<void()>& before_commit = {});

struct LoadedCheckpoint {
  std::string dir;
  std::shared_ptr<const Model> model;
  TensorMap optimizer;  // exp_avg.* / exp_avg_sq.*
  TrainerState state;
};
LoadedCheckpoint read_checkpoint(const std::string& dir);

// A checkpoint folder as given, or the newest complete OUTPUT/checkpoints/step-* of a run's output folder; empty
// when `path` is a run folder (it has train_log.jsonl) killed before its first checkpoint.
std::string resolve_checkpoint(const std::string& path);
std::string checkpoint_dir(const std::string& output_dir, int64_t global_step);  // OUTPUT/checkpoints/step-NNNNNNNN
// Removes all but the newest `keep` step-* folders, and stale temporary folders.
void prune_checkpoints(const std::string& output_dir, int64_t keep);

}  // namespace splicebert::train::detail
