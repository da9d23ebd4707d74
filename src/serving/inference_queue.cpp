// The dynamic batcher (include/splicebert/inference_queue.hpp): one worker thread with its own Session takes the
// oldest waiting job, adds every later waiting job with the same merge key while the token budget allows, runs the
// group through one call of the library pipeline and hands each job its own slice of the results.
#include "splicebert/inference_queue.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <sstream>
#include <thread>
#include <typeinfo>

#include <omp.h>

namespace splicebert {

struct InferenceQueue::Job {
  virtual ~Job() = default;
  std::string key;  // jobs with the same non-empty key may share a batch; "" = always alone
  int64_t tokens = 0;
  JobControl control;
  // Runs `group` (jobs of this job's type and key, this one first) as one batch and fulfils every promise.
  virtual void run(Session& session, const std::vector<Job*>& group) = 0;
  virtual void fail(std::exception_ptr error) = 0;
};

namespace {

template <class Result>
struct TypedJob : InferenceQueue::Job {
  std::promise<Result> promise;
  void fail(std::exception_ptr error) override { promise.set_exception(error); }
};

// Concatenates the inputs of a group, runs `batched` once, and gives each job its slice of the outputs.
template <class JobType, class Input, class Batched>
void run_merged(const std::vector<InferenceQueue::Job*>& group, std::vector<Input> JobType::*inputs,
                Batched batched) {
  std::vector<Input> all;
  for (auto* job : group) {
    const auto& mine = static_cast<JobType*>(job)->*inputs;
    all.insert(all.end(), mine.begin(), mine.end());
  }
  auto results = batched(all);
  size_t next = 0;
  for (auto* job : group) {
    auto& typed = *static_cast<JobType*>(job);
    const size_t n = (typed.*inputs).size();
    decltype(results) mine(std::make_move_iterator(results.begin() + static_cast<std::ptrdiff_t>(next)),
                           std::make_move_iterator(results.begin() + static_cast<std::ptrdiff_t>(next + n)));
    next += n;
    typed.promise.set_value(std::move(mine));
  }
}

struct EmbedJob : TypedJob<std::vector<Embedding>> {
  std::vector<std::vector<int32_t>> records;
  EmbedOptions options;
  void run(Session& session, const std::vector<Job*>& group) override {
    run_merged(group, &EmbedJob::records, [&](const auto& all) { return splicebert::embed(session, all, options); });
  }
};

struct ScoreJob : TypedJob<std::vector<variant::SubstitutionScores>> {
  std::vector<variant::SubstitutionJob> jobs;
  variant::ScoringOptions options;
  void run(Session& session, const std::vector<Job*>& group) override {
    run_merged(group, &ScoreJob::jobs,
               [&](const auto& all) { return variant::score_substitutions(session, all, options); });
  }
};

struct LogitsJob : TypedJob<std::vector<std::vector<float>>> {
  std::vector<std::vector<int32_t>> sequences;
  int64_t max_tokens = 16384;
  void run(Session& session, const std::vector<Job*>& group) override {
    const int64_t V = session.model().config().vocab_size;
    run_merged(group, &LogitsJob::sequences, [&](const auto& all) {
      std::vector<std::vector<float>> out(all.size());
      variant::for_each_logits(session, all, max_tokens, [&](size_t i, const float* rows) {
        out[i].assign(rows, rows + static_cast<int64_t>(all[i].size()) * V);
      });
      return out;
    });
  }
};

struct AloneJob : TypedJob<void> {
  std::function<void(Session&)> work;
  void run(Session& session, const std::vector<Job*>&) override {
    work(session);
    promise.set_value();
  }
};

int64_t token_count(const std::vector<std::vector<int32_t>>& records, int64_t special) {
  int64_t total = 0;
  for (const auto& r : records) total += static_cast<int64_t>(r.size()) + special;
  return total;
}

}  // namespace

struct InferenceQueue::State {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<Job>> waiting;
  bool stopping = false;
  QueueStats stats;
  std::thread worker;
};

InferenceQueue::InferenceQueue(std::shared_ptr<const Model> model, QueueOptions options)
    : model_(std::move(model)), options_(options), state_(std::make_unique<State>()) {
  if (options_.max_batch_tokens < 1) fail("the batch token budget must be at least 1");
  state_->stats.jobs_per_batch.assign(64, 0);
  state_->worker = std::thread([this] { work(); });
}

InferenceQueue::~InferenceQueue() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->worker.join();
}

void InferenceQueue::submit(std::shared_ptr<Job> job) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopping) throw JobCancelled("the queue is shutting down");
    if (state_->waiting.size() >= options_.max_queue)
      throw QueueFull("the queue is full (" + std::to_string(options_.max_queue) + " jobs waiting)");
    state_->waiting.push_back(std::move(job));
  }
  state_->wake.notify_one();
}

std::future<std::vector<Embedding>> InferenceQueue::embed(std::vector<std::vector<int32_t>> records,
                                                          EmbedOptions options, JobControl control) {
  auto job = std::make_shared<EmbedJob>();
  std::ostringstream key;
  key << "embed " << options.all_layers << static_cast<int>(options.pooling) << options.attentions << options.logits
      << options.keep_special << ' ' << options.window << ' ' << options.stride << ' ' << options.max_tokens;
  job->key = key.str();
  job->tokens = token_count(records, 2);
  job->records = std::move(records);
  job->options = options;
  job->control = std::move(control);
  auto future = job->promise.get_future();
  submit(job);
  return future;
}

std::future<std::vector<variant::SubstitutionScores>> InferenceQueue::score(std::vector<variant::SubstitutionJob> jobs,
                                                                            variant::ScoringOptions options,
                                                                            JobControl control) {
  auto job = std::make_shared<ScoreJob>();
  std::ostringstream key;
  key << "score " << options.context_radius << ' ' << options.max_kl_radius << ' ' << options.max_tokens << ' '
      << options.masked_delta_p;
  job->key = key.str();
  for (const auto& j : jobs)  // REF, masked REF and ALT windows
    job->tokens += (static_cast<int64_t>(j.window.size()) + 2) * (options.masked_delta_p ? 3 : 2);
  job->jobs = std::move(jobs);
  job->options = options;
  job->control = std::move(control);
  auto future = job->promise.get_future();
  submit(job);
  return future;
}

std::future<std::vector<std::vector<float>>> InferenceQueue::logits(std::vector<std::vector<int32_t>> sequences,
                                                                    JobControl control) {
  auto job = std::make_shared<LogitsJob>();
  job->key = "logits";
  job->tokens = token_count(sequences, 0);
  job->sequences = std::move(sequences);
  job->max_tokens = options_.max_batch_tokens;
  job->control = std::move(control);
  auto future = job->promise.get_future();
  submit(job);
  return future;
}

std::future<void> InferenceQueue::run_alone(std::function<void(Session&)> work, int64_t tokens, JobControl control) {
  auto job = std::make_shared<AloneJob>();
  job->tokens = tokens;
  job->work = std::move(work);
  job->control = std::move(control);
  auto future = job->promise.get_future();
  submit(job);
  return future;
}

QueueStats InferenceQueue::stats() const {
  std::lock_guard lock(state_->mutex);
  QueueStats s = state_->stats;
  s.depth = state_->waiting.size();
  return s;
}

void InferenceQueue::work() {
  if (options_.threads > 0) omp_set_num_threads(options_.threads);
  Session session(model_);
  for (;;) {
    std::vector<std::shared_ptr<Job>> group, dropped;
    bool stopping = false;
    {
      std::unique_lock lock(state_->mutex);
      state_->wake.wait(lock, [&] { return state_->stopping || !state_->waiting.empty(); });
      stopping = state_->stopping;
      const auto now = std::chrono::steady_clock::now();
      // Drop jobs nobody waits for any more, then take the oldest live one and the compatible jobs after it.
      for (auto it = state_->waiting.begin(); it != state_->waiting.end();) {
        const JobControl& c = (*it)->control;
        if (stopping || now > c.deadline || (c.cancelled && c.cancelled())) {
          dropped.push_back(std::move(*it));
          it = state_->waiting.erase(it);
        } else {
          ++it;
        }
      }
      if (!state_->waiting.empty()) {
        group.push_back(std::move(state_->waiting.front()));
        state_->waiting.pop_front();
        int64_t tokens = group[0]->tokens;
        if (options_.dynamic_batching && !group[0]->key.empty()) {
          for (auto it = state_->waiting.begin(); it != state_->waiting.end();) {
            if ((*it)->key == group[0]->key && tokens + (*it)->tokens <= options_.max_batch_tokens &&
                typeid(**it) == typeid(*group[0])) {
              tokens += (*it)->tokens;
              group.push_back(std::move(*it));
              it = state_->waiting.erase(it);
            } else {
              ++it;
            }
          }
        }
      }
      state_->stats.dropped += dropped.size();
      state_->stats.jobs += dropped.size();
    }
    for (auto& job : dropped) {
      if (stopping) job->fail(std::make_exception_ptr(JobCancelled("the queue is shutting down")));
      else if (std::chrono::steady_clock::now() > job->control.deadline)
        job->fail(std::make_exception_ptr(DeadlineExceeded("the deadline passed while the request waited")));
      else job->fail(std::make_exception_ptr(JobCancelled("the caller cancelled the request")));
    }
    if (group.empty()) {
      if (stopping) return;
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    std::vector<Job*> raw;
    for (auto& job : group) raw.push_back(job.get());
    try {
      group[0]->run(session, raw);
    } catch (...) {
      // One bad job must not fail its batch mates: run each alone so only the faulty one reports the error.
      if (group.size() == 1) {
        group[0]->fail(std::current_exception());
      } else {
        for (auto* job : raw) {
          try {
            job->run(session, {job});
          } catch (...) {
            job->fail(std::current_exception());
          }
        }
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::lock_guard lock(state_->mutex);
    QueueStats& s = state_->stats;
    ++s.batches;
    s.jobs += group.size();
    for (auto& job : group) s.tokens += static_cast<uint64_t>(job->tokens);
    s.busy_seconds += seconds;
    ++s.jobs_per_batch[std::min(group.size(), s.jobs_per_batch.size()) - 1];
  }
}

}  // namespace splicebert
