// splicebert bench-train: training-step throughput (docs/performance.md: MLM steps on 8×512 and 2×1026) at each thread count.
// A step is forward + backward + AdamW on a masked batch, dropout on, as in pre-training. Rows have the keys of
// `bench --json`; each runs in a child process (this binary re-executed with --row) so its peak RSS is its own.
#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench_common.hpp"
#include "cli.hpp"
#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"
#include "splicebert/train.hpp"

namespace splicebert::cli {
namespace {

struct TrainWorkload {
  std::string name;
  int64_t batch, tokens;  // tokens per sequence, <cls>/<eos> included
};
const std::vector<TrainWorkload> kTrainWorkloads = {{"b", 8, 512}, {"a2", 2, 1026}};

struct BenchTrainOptions : bench::TrainRequest {
  std::string row;
  int threads = -1;  // -t N: one thread count instead of --threads-list
};

// A training step costs about three forwards (the backward computes two products per forward product); the MLM head
// on the 15 % masked rows is negligible.
double step_flops(const ModelConfig& c, const TrainWorkload& w) { return 3 * bench::forward_flops(c, w.batch, w.tokens); }

int run_train_row(const BenchTrainOptions& o) {
  const auto parts = bench::split_list(o.row);  // workload,threads,precision
  if (parts.size() != 3) fail("--row expects WORKLOAD,THREADS,PRECISION");
  train::set_training_precision(parse_precision(parts[2], "--row"));
  auto it = std::find_if(kTrainWorkloads.begin(), kTrainWorkloads.end(),
                         [&](const TrainWorkload& w) { return w.name == parts[0]; });
  if (it == kTrainWorkloads.end()) fail("unknown training workload '", parts[0], "' (b or a2)");
  const TrainWorkload w = *it;
  const int threads = std::stoi(parts[1]);
  apply_threads(threads);
  auto model = Model::load(o.model, LoadOptions{.require_lm_head = true, .precision = Precision::F32, .pooler_file = {}});
  if (w.tokens > model->config().max_position_embeddings)
    fail(o.model, ": workload ", w.name, " needs ", w.tokens, " positions, the model has ",
         model->config().max_position_embeddings);
  train::ParameterStore store = train::ParameterStore::from_model(*model);
  const Tokenizer& tok = model->tokenizer();
  train::Rng rng(1234);
  train::MlmBatch mlm;
  std::vector<std::vector<int32_t>> rows, labels(static_cast<size_t>(w.batch));
  int64_t labelled = 0;
  for (int64_t b = 0; b < w.batch; ++b) {
    std::string text;
    for (int64_t t = 0; t < w.tokens - 2; ++t) text += "ACGU"[rng.below(4)];
    std::vector<int32_t> ids = tok.encode(text).ids;
    labelled += train::mask_tokens(ids, labels[static_cast<size_t>(b)], tok, {}, rng);
    rows.push_back(std::move(ids));
    mlm.sequence_keys.push_back(static_cast<uint64_t>(b));
  }
  mlm.batch = make_batch(rows, tok.pad_id());
  for (const auto& l : labels) mlm.labels.insert(mlm.labels.end(), l.begin(), l.end());

  train::TrainingSession session(store, tok);
  train::AdamW optimizer(train::AdamWOptions{});
  uint64_t step = 0;
  auto time_step = [&] {
    const auto start = std::chrono::steady_clock::now();
    store.zero_gradients();
    session.forward_backward(mlm, {0.1f, 0.1f, ++step}, 1.0 / static_cast<double>(std::max<int64_t>(labelled, 1)));
    optimizer.step(store, 1e-4);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  time_step();  // warm-up: buffers grow, pages fault in
  std::vector<double> times;
  for (int r = 0; r < std::max(1, o.repeats); ++r) times.push_back(time_step());
  std::cout << bench::make_row(w.name, w.batch, w.tokens, threads, parts[2], times, step_flops(model->config(), w)).dump()
            << std::endl;
  return 0;
}

}  // namespace

int bench::run_train_rows(const bench::TrainRequest& o) {
  std::vector<bench::RowSpec> rows;
  for (const auto& workload : bench::split_list(o.workloads))
    for (const auto& precision : bench::precision_list(o.precisions, "--precision"))
      for (int threads : bench::thread_list(o.threads_list, -1)) rows.push_back({workload, precision, threads});
  return bench::run_rows({"bench-train", o.model, o.repeats, o.json, o.quiet}, rows);
}

namespace {

VerbRegistrar registrar("bench-train", "benchmark training-step throughput (MLM step on 8x512 and 2x1026)",
                        [](CLI::App& app) {
  auto o = std::make_shared<BenchTrainOptions>();
  app.add_option("-m,--model", o->model, "model folder with an MLM head (default: a built-in base-size random model)");
  app.add_option("--workloads", o->workloads, "comma list of b (8x512), a2 (2x1026)")->capture_default_str();
  app.add_option("--threads-list", o->threads_list, "comma list of thread counts")->capture_default_str();
  app.add_option("-t,--threads", o->threads, "one thread count instead of --threads-list (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--repeats", o->repeats, "timed steps per row after warm-up (median reported)")->capture_default_str();
  app.add_option("--precision", o->precisions, "comma list of f32, bf16 (mixed precision: bfloat16 GEMMs)")
      ->capture_default_str();
  app.add_option("--row", o->row, "internal: run one row in this process")->group("");
  add_json_option(app, o->json);
  add_quiet_option(app, o->quiet);
  return [o] {
    if (!o->row.empty()) return run_train_row(*o);
    if (o->threads >= 0) o->threads_list = std::to_string(bench::thread_list("", o->threads).front());
    return bench::run_train_rows(*o);
  };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
