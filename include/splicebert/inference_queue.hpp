// One queue in front of one model for callers on many threads (the HTTP server, the Python package): jobs wait in
// arrival order and a single worker packs waiting jobs of the same kind and options into one call of the library's
// batched pipelines (embed(), score_substitutions(), logits), up to a token budget. A job's result never depends on
// what else was in its batch: those pipelines return per-record results that do not depend on grouping, and a job
// is only ever merged with jobs whose options are identical (docs/serve.md).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "splicebert/error.hpp"
#include "splicebert/model.hpp"
#include "splicebert/pipelines.hpp"
#include "splicebert/variant.hpp"

namespace splicebert {

struct QueueOptions {
  int64_t max_batch_tokens = 16384;  // token budget of one merged batch (a single larger job still runs, alone)
  size_t max_queue = 256;            // jobs waiting; a submit beyond this throws QueueFull
  bool dynamic_batching = true;      // false: every job runs alone (the baseline of the benchmark)
  int threads = 0;                   // OpenMP threads of the worker (0 = the process default); OpenMP's thread
                                     // count is per calling thread, so the caller's own setting does not carry over
};

// Thrown by submit functions when max_queue jobs are waiting (HTTP 429).
class QueueFull : public Error {
 public:
  using Error::Error;
};
// Set on a job's future when its deadline passed before it ran (HTTP 504).
class DeadlineExceeded : public Error {
 public:
  using Error::Error;
};
// Set on a job's future when its caller said it no longer wants it (a client that disconnected).
class JobCancelled : public Error {
 public:
  using Error::Error;
};

struct JobControl {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::function<bool()> cancelled;  // polled before the job runs; true = drop it
};

struct QueueStats {
  size_t depth = 0;           // jobs waiting now
  uint64_t batches = 0;       // worker runs (one merged batch each)
  uint64_t jobs = 0;          // jobs completed (any outcome)
  uint64_t tokens = 0;        // tokens of completed jobs
  uint64_t dropped = 0;       // jobs dropped for a passed deadline or cancellation
  double busy_seconds = 0;    // time the worker spent running batches
  std::vector<uint64_t> jobs_per_batch;  // histogram: [i] = batches that held i+1 jobs (last bucket: that many or more)
};

class InferenceQueue {
 public:
  InferenceQueue(std::shared_ptr<const Model> model, QueueOptions options);
  ~InferenceQueue();  // waiting jobs fail with JobCancelled; the running batch finishes first
  InferenceQueue(const InferenceQueue&) = delete;
  InferenceQueue& operator=(const InferenceQueue&) = delete;

  // embed() of `records` (token ids without <cls>/<eos>), one Embedding per record in order.
  std::future<std::vector<Embedding>> embed(std::vector<std::vector<int32_t>> records, EmbedOptions options,
                                            JobControl control = {});
  // score_substitutions() of `jobs`, one result per job in order.
  std::future<std::vector<variant::SubstitutionScores>> score(std::vector<variant::SubstitutionJob> jobs,
                                                              variant::ScoringOptions options,
                                                              JobControl control = {});
  // MLM logits of each sequence (token ids WITH <cls>/<eos>): [T * V] floats per sequence, row 0 = <cls>.
  std::future<std::vector<std::vector<float>>> logits(std::vector<std::vector<int32_t>> sequences,
                                                      JobControl control = {});
  // Work that is not merged with anything (fill-mask, heads, ISM): runs alone on the worker's session, in turn.
  // `tokens` is what it counts for in the statistics.
  std::future<void> run_alone(std::function<void(Session&)> work, int64_t tokens, JobControl control = {});

  QueueStats stats() const;
  const QueueOptions& options() const { return options_; }
  const Model& model() const { return *model_; }

  struct Job;  // implementation detail (src/model/inference_queue.cpp)

 private:
  void submit(std::shared_ptr<Job> job);
  void work();
  struct State;
  std::shared_ptr<const Model> model_;
  QueueOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace splicebert
