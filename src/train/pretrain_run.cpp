// The pre-training loop (docs/training.md): stages, optimiser steps over micro-batches and ranks, validation with the plateau
// schedule, checkpoints and resume. One PretrainRun per process; rank 0 writes every file.
#include <omp.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "kernels/gemm_train.hpp"
#include "splicebert/convert.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/stop.hpp"
#include "splicebert/pretrain.hpp"
#include "train/communicator.hpp"
#include "train/corpus.hpp"
#include "train/mlm_batch_builder.hpp"
#include "train/sample_stream.hpp"
#include "train/trainer_checkpoint.hpp"
#include "train/training_log.hpp"

namespace splicebert::train {

using namespace detail;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kValidationTag = 0x7A11DA7E;

// Test hook: SIGKILL ourselves after global step N (env SPLICEBERT_DEBUG_KILL_AT_STEP) or while writing the
// checkpoint of step N, after its files and before its rename (SPLICEBERT_DEBUG_KILL_IN_CHECKPOINT).
void maybe_kill(const char* variable, int64_t step) {
  const char* value = std::getenv(variable);
  if (value && *value && std::strtoll(value, nullptr, 10) == step) std::raise(SIGKILL);
}

json stats_json(const MlmStats& stats) {
  return {{"loss", stats.loss()},
          {"accuracy", stats.accuracy()},
          {"balanced_accuracy", stats.balanced_accuracy()},
          {"labelled", stats.labelled}};
}

// Sums statistics over ranks.
void sum_stats(Communicator& comm, MlmStats& stats) {
  double loss = stats.loss_sum;
  comm.sum(&loss, 1);
  std::vector<int64_t> counts = {stats.labelled, stats.correct};
  counts.insert(counts.end(), stats.class_total.begin(), stats.class_total.end());
  counts.insert(counts.end(), stats.class_correct.begin(), stats.class_correct.end());
  comm.sum(counts.data(), counts.size());
  stats.loss_sum = loss;
  stats.labelled = counts[0];
  stats.correct = counts[1];
  for (size_t k = 0; k < 4; ++k) {
    stats.class_total[k] = counts[2 + k];
    stats.class_correct[k] = counts[6 + k];
  }
}

// Sums the gradients over ranks in one flat buffer.
void sum_gradients(Communicator& comm, ParameterStore& store, std::vector<float>& flat) {
  if (!comm.distributed()) return;
  size_t total = 0;
  for (const auto& [name, g] : store.gradients()) total += g.data.size();
  flat.resize(total);
  size_t offset = 0;
  for (const auto& [name, g] : store.gradients()) {
    std::copy(g.data.begin(), g.data.end(), flat.begin() + static_cast<int64_t>(offset));
    offset += g.data.size();
  }
  comm.sum(flat.data(), flat.size());
  offset = 0;
  for (auto& [name, g] : store.gradients()) {
    std::copy_n(flat.begin() + static_cast<int64_t>(offset), g.data.size(), g.data.begin());
    offset += g.data.size();
  }
}

class PretrainRun {
 public:
  PretrainRun(const PretrainConfig& config, const PretrainOptions& options)
      : config_(config), options_(options), comm_(Communicator::world()) {
    kernels::set_train_gemm_bf16(config_.precision == "bf16");
  }

  std::string run() {
    try {
      start();
      for (; state_.stage < static_cast<int>(config_.stages.size()); ++state_.stage) run_stage();
    } catch (...) {
      remove_empty_run();
      throw;
    }
    const std::string final_dir = (fs::path(config_.output_dir) / "final").string();
    if (leader()) write_checkpoint(final_dir, *store_, *tokenizer_, *optimizer_, state_with_rng());
    comm_.barrier();
    message("splicebert pretrain: done; final model in " + final_dir);
    return final_dir;
  }

 private:
  bool leader() const { return comm_.rank() == 0; }
  void message(const std::string& text) const {
    if (leader() && !options_.quiet) std::cerr << text << std::endl;
  }

  // ---- setup ------------------------------------------------------------------------------------------------
  // Every data path of every stage exists, before anything is written.
  void check_data_paths() const {
    auto check = [&](const std::vector<std::string>& paths) {
      std::error_code ec;
      for (const std::string& path : paths)
        if (!fs::exists(path + ".index", ec) && !fs::is_regular_file(path, ec))
          fail(path, ": no such FASTA file or window shard (PREFIX.index)");
    };
    check(config_.data.train);
    check(config_.data.validation);
    for (const StageConfig& stage : config_.stages) {
      if (stage.data.train.empty() && config_.data.train.empty())
        fail(config_.source, ": ", stage.name, " has no training data (data.train)");
      check(stage.data.train);
      check(stage.data.validation);
    }
  }

  // A fresh run that failed before its first step leaves nothing behind.
  void remove_empty_run() {
    if (!leader() || !created_output_ || state_.global_step > 0) return;
    std::error_code ec;
    const fs::path out(config_.output_dir);
    fs::remove(out / "train_log.jsonl", ec);
    fs::remove(out / "checkpoints", ec);  // only if empty
    fs::remove(out, ec);                  // only if empty
  }

  void start() {
    check_data_paths();
    int64_t resume_step = -1;
    const std::string checkpoint = options_.resume.empty() ? "" : resolve_checkpoint(options_.resume);
    if (!checkpoint.empty()) {
      resume_step = resume(checkpoint);
    } else if (!options_.resume.empty()) {
      message("splicebert pretrain: " + options_.resume + " has no checkpoint yet; starting from the beginning");
      fresh_model();
    } else {
      refuse_existing_run();
      fresh_model();
    }
    if (leader()) {
      std::error_code ec;
      created_output_ = options_.resume.empty() && !fs::exists(config_.output_dir, ec);
      fs::create_directories(fs::path(config_.output_dir) / "checkpoints", ec);
      if (ec) fail(config_.output_dir, ": cannot create the output folder: ", ec.message());
    }
    comm_.barrier();
    session_.emplace(*store_, *tokenizer_);
    const StageConfig& first = config_.stages[static_cast<size_t>(std::min<int>(state_.stage,
                                                                                 config_.stages.size() - 1))];
    const int64_t tokens = first.batch_tokens > 0 ? first.batch_tokens : config_.batch_tokens;
    json header = {{"type", "header"},
                   {"tool", "splicebert"},
                   {"version", SPLICEBERT_VERSION},
                   {"command_line", options_.command_line},
                   {"config_file", config_.source},
                   {"config", config_.raw},
                   {"world_size", comm_.size()},
                   {"threads", options_.threads},
                   {"parameters", store_->parameter_count()}};
    if (leader()) log_ = TrainingLog((fs::path(config_.output_dir) / "train_log.jsonl").string(), header, resume_step);
    message("splicebert pretrain: " + std::to_string(store_->parameter_count()) + " parameters, " +
            std::to_string(comm_.size()) + " rank(s) x " + std::to_string(options_.threads) + " thread(s), " +
            (config_.precision == "bf16" ? "bf16 mixed precision" : "float32"));
    message("splicebert pretrain: global batch = " + std::to_string(tokens) + " tokens per micro-batch x " +
            std::to_string(comm_.size()) + " rank(s) x " + std::to_string(config_.accumulation) +
            " accumulation = " + std::to_string(tokens * comm_.size() * config_.accumulation) + " padded tokens");
    started_ = std::chrono::steady_clock::now();
    steps_at_start_ = state_.global_step;
  }

  void refuse_existing_run() const {
    std::error_code ec;
    const fs::path out(config_.output_dir);
    bool has_checkpoint = fs::exists(out / "final", ec);
    for (const auto& entry : fs::directory_iterator(out / "checkpoints", ec))
      if (entry.path().filename().string().starts_with("step-")) has_checkpoint = true;
    if (has_checkpoint)
      fail(config_.output_dir, ": already holds a training run; continue it with --resume ", config_.output_dir,
           " or choose another output_dir");
  }

  void fresh_model() {
    state_.seed = config_.seed;
    state_.world_size = comm_.size();
    state_.threads = options_.threads;
    state_.accumulation = config_.accumulation;
    state_.config = config_.raw;
    rng_ = Rng(config_.seed);
    if (!config_.init_from.empty()) {
      auto model = Model::load(config_.init_from, LoadOptions{.require_lm_head = true, .precision = Precision::F32, .pooler_file = {}});
      tokenizer_.emplace(model->tokenizer());
      store_.emplace(ParameterStore::from_model(*model));
      message("splicebert pretrain: starting from " + config_.init_from);
    } else {
      std::vector<std::string> tokens = target_vocabulary(config_.model.vocab);
      tokenizer_.emplace(Tokenizer::from_tokens(tokens, config_.model.vocab));
      store_.emplace(ParameterStore::random_init(random_init_config(static_cast<int>(tokens.size())),
                                                 derive_seed(config_.seed, 0x1417)));
      if (config_.model.position_init == "sinusoidal")
        store_->set_sinusoidal_positions(0, store_->config().initializer_range);
      store_->init_local_attention(config_.model.local_attention_offsets);
    }
    optimizer_.emplace(config_.optimizer);
  }

  ModelConfig random_init_config(int vocab_size) const {
    const ModelShape& m = config_.model;
    ModelConfig c;
    c.architecture = "SpliceBertForPreTraining";
    c.vocab_size = vocab_size;
    c.hidden_size = m.hidden_size;
    c.num_hidden_layers = m.num_hidden_layers;
    c.num_attention_heads = m.num_attention_heads;
    c.intermediate_size = m.intermediate_size;
    c.max_position_embeddings = m.max_position_embeddings > 0 ? m.max_position_embeddings
                                : config_.stages.front().max_position_embeddings > 0
                                    ? config_.stages.front().max_position_embeddings
                                    : 512;
    c.layer_norm_eps = m.layer_norm_eps;
    c.initializer_range = m.initializer_range;
    c.hidden_dropout = config_.hidden_dropout;
    c.attention_dropout = config_.attention_dropout;
    return c;
  }

  int64_t resume(const std::string& dir) {
    LoadedCheckpoint loaded = read_checkpoint(dir);
    state_ = loaded.state;
    if (state_.seed != config_.seed)
      fail(dir, ": was trained with another seed than ", config_.source, " gives; resume with the run's config");
    if (state_.world_size != comm_.size() || state_.threads != options_.threads || state_.accumulation != config_.accumulation)
      message("splicebert pretrain: warning: the checkpoint was written with " + std::to_string(state_.world_size) +
              " rank(s) x " + std::to_string(state_.threads) + " thread(s), accumulation " +
              std::to_string(state_.accumulation) + "; the result will not be bit-identical to an uninterrupted run");
    state_.world_size = comm_.size();
    state_.threads = options_.threads;
    state_.accumulation = config_.accumulation;
    tokenizer_.emplace(loaded.model->tokenizer());
    store_.emplace(ParameterStore::from_model(*loaded.model));
    optimizer_.emplace(config_.optimizer);
    optimizer_->restore(state_.optimizer_steps, loaded.optimizer, *store_, dir + "/optimizer.safetensors");
    rng_.set_state(state_.rng);
    resumed_scheduler_ = state_.scheduler;
    message("splicebert pretrain: resuming from " + dir + " at step " + std::to_string(state_.global_step));
    if (state_.stage < 0 || state_.stage > static_cast<int>(config_.stages.size()))
      fail(dir, ": stage ", state_.stage, " does not exist in ", config_.source);
    // A checkpoint taken at the end of a stage resumes at the start of the next one.
    if (state_.stage < static_cast<int>(config_.stages.size()) &&
        state_.stage_step >= config_.stages[static_cast<size_t>(state_.stage)].steps) {
      ++state_.stage;
      state_.stage_step = 0;
      state_.data = {};
      resumed_scheduler_.reset();
    }
    return state_.global_step;
  }

  // ---- stages -----------------------------------------------------------------------------------------------
  void run_stage() {
    const StageConfig& stage = config_.stages[static_cast<size_t>(state_.stage)];
    const double lr = stage.lr > 0 ? stage.lr : config_.optimizer.lr;
    if (state_.stage_step == 0 && !resumed_scheduler_) begin_stage(stage);
    scheduler_.emplace(config_.scheduler, lr);
    if (resumed_scheduler_) scheduler_->restore(*resumed_scheduler_);
    resumed_scheduler_.reset();

    const int64_t positions = store_->config().max_position_embeddings;
    const DataSources& data = stage.data.train.empty() ? config_.data : stage.data;
    corpus_.emplace(Corpus::open(data.train, stage.windows, positions - 2, config_.seed));
    validation_.reset();
    const auto& validation_paths = stage.data.validation.empty() ? config_.data.validation : stage.data.validation;
    if (!validation_paths.empty())
      validation_.emplace(Corpus::open(validation_paths, stage.windows, positions - 2, config_.seed));
    stream_.emplace(corpus_->size(), config_.seed, static_cast<uint64_t>(state_.stage));
    stream_->seek(state_.data);
    packing_ = {stage.batch_tokens > 0 ? stage.batch_tokens : config_.batch_tokens,
                stage.max_batch_size >= 0 ? stage.max_batch_size : config_.max_batch_size};
    message("splicebert pretrain: " + stage.name + ": " + std::to_string(stage.steps) + " steps, training on " +
            corpus_->description() +
            (validation_ ? ", validating on " + validation_->description() : ", no validation data"));

    bool validated_last = false;
    while (state_.stage_step < stage.steps) {
      if (options_.should_stop && options_.should_stop())
        throw Stopped("pretrain: stopped before step " + std::to_string(state_.global_step + 1) +
                      "; the last checkpoint in " + config_.output_dir + " is intact (resume to continue)");
      train_step(stage);
      validated_last = false;
      if (validation_ && config_.validation_every > 0 && state_.stage_step % config_.validation_every == 0) {
        validate(stage);
        validated_last = true;
      }
      const bool stage_end = state_.stage_step == stage.steps;
      if (stage_end || (config_.checkpoint_every > 0 && state_.stage_step % config_.checkpoint_every == 0)) {
        if (stage_end && validation_ && !validated_last) validate(stage);
        checkpoint();
      }
      maybe_kill("SPLICEBERT_DEBUG_KILL_AT_STEP", state_.global_step);
    }
    // The next stage starts at the beginning of its data.
    state_.stage_step = 0;
    state_.data = {};
  }

  // Stage start: grow the position table if the stage asks for more positions (rows kept, new rows
  // normal(0, initializer_range), or the sinusoid's rows under model.position_init = "sinusoidal"); every stage
  // starts with fresh optimiser moments and schedule.
  void begin_stage(const StageConfig& stage) {
    if (stage.max_position_embeddings > store_->config().max_position_embeddings) {
      const int64_t before = store_->config().max_position_embeddings;
      store_->grow_positions(stage.max_position_embeddings, rng_, store_->config().initializer_range);
      if (config_.init_from.empty() && config_.model.position_init == "sinusoidal")
        store_->set_sinusoidal_positions(before, store_->config().initializer_range);
      message("splicebert pretrain: " + stage.name + ": position embeddings grown from " + std::to_string(before) +
              " to " + std::to_string(stage.max_position_embeddings) + " rows");
    }
    optimizer_.emplace(config_.optimizer);
  }

  // ---- one optimiser step -----------------------------------------------------------------------------------
  void train_step(const StageConfig& stage) {
    const auto step_started = std::chrono::steady_clock::now();
    const uint64_t step_key = rng_.next();
    const int64_t slots = comm_.size() * config_.accumulation;
    const auto plan = plan_step(*stream_, *corpus_, slots, packing_);
    state_.data = stream_->position();

    std::vector<MlmBatch> batches;
    BatchCounts local;
    for (int64_t slot = comm_.rank(); slot < slots; slot += comm_.size())
      batches.push_back(build_mlm_batch(*corpus_, plan[static_cast<size_t>(slot)], *tokenizer_, config_.masking,
                                        step_key, local));
    int64_t counts[3] = {local.labelled, local.real, local.unknown};  // over every rank
    comm_.sum(counts, 3);
    const double scale = counts[0] > 0 ? 1.0 / static_cast<double>(counts[0]) : 0.0;
    if (counts[2] > 0 && !warned_unknown_)
      message("splicebert pretrain: warning: step " + std::to_string(state_.global_step + 1) + ": " +
              std::to_string(counts[2]) + " character(s) not in the vocabulary became " +
              tokenizer_->token(tokenizer_->unk_id()) + " (counted per step in the log as unknown_tokens)");
    warned_unknown_ = warned_unknown_ || counts[2] > 0;

    store_->zero_gradients();
    MlmStats stats;
    const DropoutSettings dropout{config_.hidden_dropout, config_.attention_dropout, step_key};
    for (const MlmBatch& batch : batches) stats.merge(session_->forward_backward(batch, dropout, scale));
    sum_gradients(comm_, *store_, flat_);
    sum_stats(comm_, stats);
    const double grad_norm = clip_gradient_norm(*store_, config_.clip_grad_norm);
    const int64_t warmup = stage.warmup_steps >= 0 ? stage.warmup_steps : config_.warmup_steps;
    const double warm = warmup > 0 ? std::min(1.0, static_cast<double>(state_.stage_step + 1) / warmup) : 1.0;
    const double lr = scheduler_->lr() * warm;
    optimizer_->step(*store_, lr);
    ++state_.stage_step;
    ++state_.global_step;
    state_.tokens_seen += counts[1];
    report_step(stage, stats, lr, grad_norm, counts[1], counts[2], step_started);
  }

  void report_step(const StageConfig& stage, const MlmStats& stats, double lr, double grad_norm, int64_t tokens,
                   int64_t unknown, std::chrono::steady_clock::time_point step_started) {
    if (!leader()) return;
    const auto now = std::chrono::steady_clock::now();
    const double step_seconds = std::chrono::duration<double>(now - step_started).count();
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    json record = {{"type", "step"},       {"stage", stage.name},  {"step", state_.global_step},
                   {"stage_step", state_.stage_step}, {"lr", lr},  {"grad_norm", grad_norm},
                   {"tokens", tokens},     {"tokens_per_s", tokens / std::max(step_seconds, 1e-9)},
                   {"elapsed_s", elapsed}};
    record.update(stats_json(stats));
    if (unknown > 0) record["unknown_tokens"] = unknown;
    log_.write(record);
    if (options_.on_record) options_.on_record(record);
    interval_tokens_ += tokens;
    const bool print = state_.stage_step == 1 || state_.stage_step == stage.steps ||
                       now - last_progress_ >= std::chrono::seconds(2);
    if (options_.quiet || !print) return;
    const double interval = std::chrono::duration<double>(now - last_progress_).count();
    const double rate = last_progress_.time_since_epoch().count() ? interval_tokens_ / std::max(interval, 1e-9)
                                                                  : tokens / std::max(step_seconds, 1e-9);
    int64_t remaining = stage.steps - state_.stage_step;
    for (size_t s = static_cast<size_t>(state_.stage) + 1; s < config_.stages.size(); ++s)
      remaining += config_.stages[s].steps;
    const double per_step = elapsed / std::max<int64_t>(1, state_.global_step - steps_at_start_);
    char line[256];
    std::snprintf(line, sizeof line, "%s step %lld/%lld loss %.4f acc %.3f lr %.2e %.0f tok/s ETA %s",
                  stage.name.c_str(), static_cast<long long>(state_.stage_step), static_cast<long long>(stage.steps),
                  stats.loss(), stats.accuracy(), lr, rate, format_duration(per_step * remaining).c_str());
    std::cerr << line << std::endl;
    last_progress_ = now;
    interval_tokens_ = 0;
  }

  // ---- validation -------------------------------------------------------------------------------------------
  void validate(const StageConfig& stage) {
    size_t count = validation_->size();
    if (config_.validation_max_samples > 0) count = std::min<size_t>(count, config_.validation_max_samples);
    std::vector<SampleRef> mine;
    for (size_t i = static_cast<size_t>(comm_.rank()); i < count; i += static_cast<size_t>(comm_.size()))
      mine.push_back({i, derive_seed(kValidationTag, static_cast<uint64_t>(state_.stage), i)});
    MlmStats stats;
    BatchCounts counts;
    const uint64_t mask_key = derive_seed(config_.seed, kValidationTag);  // the same masks at every validation
    for (const auto& samples : pack_in_order(mine, *validation_, packing_))
      stats.merge(session_->evaluate(build_mlm_batch(*validation_, samples, *tokenizer_, config_.masking, mask_key,
                                                     counts)));
    sum_stats(comm_, stats);
    const double lr_before = scheduler_->lr();
    if (std::isfinite(stats.loss())) scheduler_->step(stats.loss());
    if (!leader()) return;
    json record = {{"type", "validation"}, {"stage", stage.name}, {"step", state_.global_step},
                   {"stage_step", state_.stage_step}, {"lr", scheduler_->lr()}};
    record.update(stats_json(stats));
    log_.write(record);
    char line[256];
    std::snprintf(line, sizeof line, "%s step %lld validation loss %.4f acc %.3f balanced acc %.3f%s",
                  stage.name.c_str(), static_cast<long long>(state_.stage_step), stats.loss(), stats.accuracy(),
                  stats.balanced_accuracy(), scheduler_->lr() < lr_before ? " (learning rate reduced)" : "");
    message(line);
  }

  // ---- checkpoints ------------------------------------------------------------------------------------------
  TrainerState state_with_rng() {
    TrainerState s = state_;
    s.rng = rng_.state();
    s.optimizer_steps = optimizer_->steps();
    s.scheduler = scheduler_ ? scheduler_->state() : ReduceLROnPlateau::State{};
    return s;
  }

  void checkpoint() {
    if (leader()) {
      const std::string dir = checkpoint_dir(config_.output_dir, state_.global_step);
      const int64_t step = state_.global_step;
      write_checkpoint(dir, *store_, *tokenizer_, *optimizer_, state_with_rng(),
                       [step] { maybe_kill("SPLICEBERT_DEBUG_KILL_IN_CHECKPOINT", step); });
      prune_checkpoints(config_.output_dir, config_.keep_checkpoints);
    }
    comm_.barrier();
  }

  const PretrainConfig& config_;
  const PretrainOptions& options_;
  Communicator& comm_;
  TrainerState state_;
  Rng rng_;
  std::optional<Tokenizer> tokenizer_;
  std::optional<ParameterStore> store_;
  std::optional<AdamW> optimizer_;
  std::optional<ReduceLROnPlateau> scheduler_;
  std::optional<ReduceLROnPlateau::State> resumed_scheduler_;
  std::optional<TrainingSession> session_;
  std::optional<Corpus> corpus_, validation_;
  std::optional<SampleStream> stream_;
  PackingOptions packing_;
  TrainingLog log_;
  std::vector<float> flat_;
  std::chrono::steady_clock::time_point started_, last_progress_{};
  int64_t steps_at_start_ = 0, interval_tokens_ = 0;
  bool created_output_ = false, warned_unknown_ = false;
};

}  // namespace

PretrainConfig recorded_config(const std::string& resume) {
  const std::string dir = detail::resolve_checkpoint(resume);
  const std::string path = dir.empty() ? resume + "/train_log.jsonl" : dir + "/trainer_state.json";
  const std::string text = read_file_text(path);
  const auto record = nlohmann::json::parse(dir.empty() ? text.substr(0, text.find('\n')) : text, nullptr, false);
  if (record.is_discarded() || !record.contains("config")) fail(path, ": holds no run config; give --config");
  return PretrainConfig::from_json(record["config"], path + " (config)");
}

ProcessGroup process_group() {
  const auto& comm = detail::Communicator::world();
  return {comm.rank(), comm.size()};
}

void abort_all_ranks(int status) { detail::Communicator::world().abort(status); }

std::string run_pretraining(const PretrainConfig& config, const PretrainOptions& options) {
  return PretrainRun(config, options).run();
}

}  // namespace splicebert::train
