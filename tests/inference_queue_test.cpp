// InferenceQueue (include/splicebert/inference_queue.hpp): jobs submitted together from many threads get the same
// bits as each job run alone through the library's pipelines, the token budget bounds a merged batch, a full queue
// throws, and a job past its deadline or cancelled is dropped with the right error.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "splicebert/inference_queue.hpp"
#include "splicebert/pipelines.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

std::shared_ptr<const Model> tiny_model(test::TempDir& dir) {
  const auto made = test::run_cli("init -o " + test::shell_quote(dir / "m") +
                                  " --layers 2 --hidden 32 --heads 2 --intermediate 64 --max-positions 258");
  EXPECT_EQ(made.status, 0) << made.err;
  return Model::load(dir / "m", {.require_lm_head = true});
}

std::vector<std::vector<int32_t>> random_records(const Model& model, std::mt19937& rng, size_t count) {
  std::vector<std::vector<int32_t>> records;
  for (size_t i = 0; i < count; ++i) {
    std::string s;
    for (size_t n = 3 + rng() % 200; n > 0; --n) s += "ACGU"[rng() % 4];
    records.push_back(model.tokenizer().encode(s, false).ids);
  }
  return records;
}

TEST(InferenceQueue, ConcurrentEmbedJobsEqualEachJobAlone) {
  test::TempDir dir;
  auto model = tiny_model(dir);
  std::mt19937 rng(3);
  std::vector<std::vector<std::vector<int32_t>>> jobs;
  for (int j = 0; j < 24; ++j) jobs.push_back(random_records(*model, rng, 1 + rng() % 3));
  EmbedOptions options;
  options.pooling = Pooling::Mean;
  Session alone(model);
  std::vector<std::vector<Embedding>> expected;
  for (const auto& job : jobs) expected.push_back(embed(alone, job, options));

  InferenceQueue queue(model, {.max_batch_tokens = 2000});
  // Hold the worker until every client has submitted, so that the jobs are certainly merged into batches.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto blocker = queue.run_alone([released](Session&) { released.wait(); }, 1);
  std::vector<std::future<std::vector<Embedding>>> futures(jobs.size());
  std::vector<std::thread> clients;
  for (size_t j = 0; j < jobs.size(); ++j)
    clients.emplace_back([&, j] { futures[j] = queue.embed(jobs[j], options); });
  for (auto& t : clients) t.join();
  release.set_value();
  for (size_t j = 0; j < jobs.size(); ++j) {
    const auto got = futures[j].get();
    ASSERT_EQ(got.size(), expected[j].size());
    for (size_t r = 0; r < got.size(); ++r) {
      EXPECT_EQ(got[r].last_hidden_state.data, expected[j][r].last_hidden_state.data) << "job " << j;
      EXPECT_EQ(got[r].pooled.data, expected[j][r].pooled.data) << "job " << j;
    }
  }
  // The worker counts a batch just after handing out its results: wait for it (bounded).
  QueueStats stats = queue.stats();
  for (int i = 0; i < 500 && stats.jobs < jobs.size() + 1; ++i, stats = queue.stats())
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(stats.jobs, jobs.size() + 1);
  EXPECT_LT(stats.batches, jobs.size() / 2);  // merged: about 300 tokens a job, 2,000 a batch
  for (size_t n = 2; n <= stats.jobs_per_batch.size(); ++n)
    if (stats.jobs_per_batch[n - 1]) return;
  ADD_FAILURE() << "no batch held more than one job";
}

TEST(InferenceQueue, LogitsJobsEqualOneForwardEach) {
  test::TempDir dir;
  auto model = tiny_model(dir);
  std::mt19937 rng(5);
  auto records = random_records(*model, rng, 6);
  for (auto& r : records) {
    r.insert(r.begin(), model->tokenizer().cls_id());
    r.push_back(model->tokenizer().eos_id());
  }
  InferenceQueue queue(model, {});
  std::vector<std::future<std::vector<std::vector<float>>>> futures;
  for (const auto& r : records) futures.push_back(queue.logits({r}));
  Session session(model);
  for (size_t i = 0; i < records.size(); ++i) {
    const auto got = futures[i].get();
    const auto& out = session.forward(make_batch({records[i]}, model->tokenizer().pad_id()), {.mlm_logits = true});
    ASSERT_EQ(got[0].size(), out.mlm_logits.data.size());
    EXPECT_EQ(got[0], out.mlm_logits.data) << "sequence " << i;
  }
}

TEST(InferenceQueue, FullQueueThrowsAndDeadlinesAndCancellationDropJobs) {
  test::TempDir dir;
  auto model = tiny_model(dir);
  InferenceQueue queue(model, {.max_queue = 2});
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto blocker = queue.run_alone([released](Session&) { released.wait(); }, 1);  // holds the worker
  while (queue.stats().depth != 0) std::this_thread::yield();                  // the worker has taken it
  JobControl expired;
  expired.deadline = std::chrono::steady_clock::now();
  auto late = queue.run_alone([](Session&) {}, 1, expired);
  JobControl cancelled;
  cancelled.cancelled = [] { return true; };
  auto gone = queue.run_alone([](Session&) {}, 1, cancelled);
  EXPECT_THROW(queue.run_alone([](Session&) {}, 1), QueueFull);
  release.set_value();
  blocker.get();
  EXPECT_THROW(late.get(), DeadlineExceeded);
  EXPECT_THROW(gone.get(), JobCancelled);
  EXPECT_EQ(queue.stats().dropped, 2u);
}

TEST(InferenceQueue, ABadJobFailsAloneNotItsBatchMates) {
  test::TempDir dir;
  auto model = tiny_model(dir);
  InferenceQueue queue(model, {});
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto blocker = queue.run_alone([released](Session&) { released.wait(); }, 1);
  while (queue.stats().depth != 0) std::this_thread::yield();
  EmbedOptions options;
  options.pooling = Pooling::Mean;
  auto good = queue.embed({model->tokenizer().encode("ACGUACGU", false).ids}, options);
  auto bad = queue.embed({{model->tokenizer().cls_id(), 9999}}, options);  // an id outside the vocabulary
  release.set_value();
  blocker.get();
  EXPECT_EQ(good.get().size(), 1u);
  EXPECT_ANY_THROW(bad.get());
}

}  // namespace
}  // namespace splicebert
