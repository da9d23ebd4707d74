// splicebert bench-train: training-step throughput (SPEC §10: MLM steps on 8×512 and 2×1026) at each thread count.
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

#include "cli.hpp"
#include "kernels/peak_fma.hpp"
#include "splicebert/base_checkpoint.hpp"
#include "splicebert/error.hpp"
#include "splicebert/train.hpp"

namespace splicebert::cli {
namespace {

struct TrainWorkload {
  std::string name;
  int64_t batch, tokens;  // tokens per sequence, <cls>/<eos> included
};
const std::vector<TrainWorkload> kTrainWorkloads = {{"b", 8, 512}, {"a2", 2, 1026}};

struct BenchTrainOptions {
  std::string model, workloads = "b,a2", threads = "1,2", row;
  int repeats = 5;
  bool json = false, quiet = false;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');)
    if (!item.empty()) parts.push_back(item);
  return parts;
}

// A training step costs about three forwards (the backward computes two products per forward product); the MLM head
// on the 15 % masked rows is negligible.
double step_flops(const ModelConfig& c, const TrainWorkload& w) {
  const double C = c.hidden_size, FF = c.intermediate_size, layers = c.num_hidden_layers;
  const double matmul_params = layers * (4 * C * C + 2 * C * FF);
  const double forward = 2 * matmul_params * w.batch * w.tokens + layers * 4.0 * w.tokens * w.tokens * C * w.batch;
  return 3 * forward;
}

double peak_rss_megabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

int run_train_row(const BenchTrainOptions& o) {
  const auto parts = split_list(o.row);  // workload,threads
  if (parts.size() != 2) fail("--row expects WORKLOAD,THREADS");
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
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const double tokens = static_cast<double>(w.batch * w.tokens);
  nlohmann::ordered_json row{{"workload", w.name},
                             {"batch", w.batch},
                             {"tokens", w.tokens},
                             {"threads", threads},
                             {"precision", "f32"},
                             {"repeats", static_cast<int>(times.size())},
                             {"seconds_median", median},
                             {"tokens_per_s", tokens / median},
                             {"gflops", step_flops(model->config(), w) / median / 1e9},
                             {"peak_rss_mb", peak_rss_megabytes()}};
  std::cout << row.dump() << std::endl;
  return 0;
}

VerbRegistrar registrar("bench-train", "benchmark training-step throughput (MLM step on 8x512 and 2x1026)",
                        [](CLI::App& app) {
  auto o = std::make_shared<BenchTrainOptions>();
  app.add_option("-m,--model", o->model, "model folder with an MLM head (default: a built-in base-size random model)");
  app.add_option("--workloads", o->workloads, "comma list of b (8x512), a2 (2x1026)")->capture_default_str();
  app.add_option("--threads", o->threads, "comma list of thread counts")->capture_default_str();
  app.add_option("--repeats", o->repeats, "timed steps per row after warm-up (median reported)")->capture_default_str();
  app.add_option("--row", o->row, "internal: run one row in this process")->group("");
  add_json_option(app, o->json);
  add_quiet_option(app, o->quiet);
  return [o] {
    if (!o->row.empty()) return run_train_row(*o);
    Progress progress{o->quiet};
    std::string temp_dir;
    if (o->model.empty()) {
      temp_dir = (std::filesystem::temp_directory_path() / ("splicebert-bench-train-" + std::to_string(getpid()))).string();
      progress.message("splicebert bench-train: writing a base-size random model (6 x 512, 1026 positions) to " +
                       temp_dir);
      write_base_checkpoint(temp_dir, BaseCheckpointSpec{});
      o->model = temp_dir;
    }
    std::map<int, double> peaks;
    for (const auto& t : split_list(o->threads)) peaks[std::stoi(t)] = kernels::measure_fp32_fma_peak_gflops(std::stoi(t));
    if (!o->json)
      std::printf("%-8s %5s %6s %7s %5s %12s %9s %7s %9s\n", "workload", "batch", "tokens", "threads", "prec",
                  "tokens/s", "GFLOP/s", "%peak", "RSS MB");
    int status = 0;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    for (const auto& workload : split_list(o->workloads))
      for (const auto& [threads, peak] : peaks) {
        const std::string command = "'" + self + "' bench-train -q --row " + workload + "," + std::to_string(threads) +
                                    " --repeats " + std::to_string(o->repeats) + " -m '" + o->model + "'";
        FILE* pipe = popen(command.c_str(), "r");
        std::string output;
        char buffer[4096];
        while (pipe && fgets(buffer, sizeof buffer, pipe)) output += buffer;
        if (!pipe || pclose(pipe) != 0) {
          std::cerr << "splicebert bench-train: row " << workload << "," << threads << " failed\n";
          status = 1;
          continue;
        }
        auto row = nlohmann::ordered_json::parse(output);
        row["peak_fraction"] = row["gflops"].get<double>() / peak;
        row["fma_peak_gflops"] = peak;
        if (o->json) {
          std::cout << row.dump() << std::endl;
        } else {
          std::printf("%-8s %5lld %6lld %7d %5s %12.0f %9.1f %6.1f%% %9.0f\n", workload.c_str(),
                      static_cast<long long>(row["batch"].get<int64_t>()),
                      static_cast<long long>(row["tokens"].get<int64_t>()), threads, "f32",
                      row["tokens_per_s"].get<double>(), row["gflops"].get<double>(),
                      100 * row["peak_fraction"].get<double>(), row["peak_rss_mb"].get<double>());
          std::fflush(stdout);
        }
      }
    if (!o->json)
      for (const auto& [threads, peak] : peaks)
        std::printf("measured fp32 FMA peak, %d thread(s): %.0f GFLOP/s\n", threads, peak);
    if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
    return status;
  };
});

}  // namespace
}  // namespace splicebert::cli
