// splicebert bench: throughput on SPEC §10's workloads, at each thread count, against the measured fp32 FMA peak.
// Each row runs in a child process (this binary re-executed with --row) so that its peak resident memory is its own.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "cli.hpp"
#include "kernels/peak_fma.hpp"
#include "splicebert/base_checkpoint.hpp"
#include "splicebert/error.hpp"

namespace splicebert::cli {
namespace {

struct Workload {
  std::string name;
  int64_t batch, tokens;  // tokens per sequence, <cls>/<eos> included
};
const std::vector<Workload> kWorkloads = {{"a", 1, 1026}, {"b", 8, 512}, {"c", 64, 128}, {"d", 1, 66}};

struct BenchOptions {
  std::string model, workloads = "a,b,c,d", threads = "1,2", precision = "f32", row;
  int repeats = 5;
  bool json = false, quiet = false;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');)
    if (!item.empty()) parts.push_back(item);
  return parts;
}

// Encoder FLOPs per forward (peers/RESULTS.md): 2 × matmul parameters × tokens + layers × 4 × T² × C per sequence.
double forward_flops(const ModelConfig& c, const Workload& w) {
  const double C = c.hidden_size, FF = c.intermediate_size, layers = c.num_hidden_layers;
  const double matmul_params = layers * (4 * C * C + 2 * C * FF);
  return 2 * matmul_params * w.batch * w.tokens + layers * 4.0 * w.tokens * w.tokens * C * w.batch;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// One row, in this process: load, warm up, time `repeats` forwards (more for short calls), print one JSON line.
int run_row(const BenchOptions& o) {
  auto parts = split(o.row);  // workload,threads,precision
  if (parts.size() != 3) fail("--row expects WORKLOAD,THREADS,PRECISION");
  auto it = std::find_if(kWorkloads.begin(), kWorkloads.end(), [&](const Workload& w) { return w.name == parts[0]; });
  if (it == kWorkloads.end()) fail("unknown workload '", parts[0], "'");
  const Workload w = *it;
  const int threads = std::stoi(parts[1]);
  apply_threads(threads);
  const Precision precision = parts[2] == "bf16" ? Precision::BF16 : Precision::F32;
  auto model = Model::load(o.model, {.precision = precision});
  const Tokenizer& tok = model->tokenizer();
  std::mt19937 rng(1234);
  std::vector<std::vector<int32_t>> sequences;
  for (int64_t b = 0; b < w.batch; ++b) {
    std::vector<int32_t> ids{tok.cls_id()};
    for (int64_t t = 0; t < w.tokens - 2; ++t) ids.push_back(tok.nucleotide_ids()[rng() % 4]);
    ids.push_back(tok.eos_id());
    sequences.push_back(std::move(ids));
  }
  Batch batch = make_batch(sequences, tok.pad_id());
  Session session(model);
  auto time_once = [&] {
    auto start = std::chrono::steady_clock::now();
    session.forward(batch);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double first = time_once();
  time_once();
  const int repeats = std::max(o.repeats, static_cast<int>(std::min(30.0, 1.0 / std::max(first, 1e-6))));
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) times.push_back(time_once());
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const double tokens = static_cast<double>(w.batch * w.tokens);
  nlohmann::ordered_json row{{"workload", w.name},
                             {"batch", w.batch},
                             {"tokens", w.tokens},
                             {"threads", threads},
                             {"precision", parts[2]},
                             {"repeats", repeats},
                             {"seconds_median", median},
                             {"tokens_per_s", tokens / median},
                             {"gflops", forward_flops(model->config(), w) / median / 1e9},
                             {"peak_rss_mb", peak_rss_mb()}};
  std::cout << row.dump() << std::endl;
  return 0;
}

VerbRegistrar registrar("bench", "benchmark inference throughput (SPEC §10 workloads)", [](CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  app.add_option("-m,--model", o->model, "model folder (default: a built-in base-size random model)");
  app.add_option("--workloads", o->workloads, "comma list of a,b,c,d")->capture_default_str();
  app.add_option("--threads", o->threads, "comma list of thread counts")->capture_default_str();
  app.add_option("--precision", o->precision, "comma list of f32,bf16")->capture_default_str();
  app.add_option("--repeats", o->repeats, "timed runs per row after warm-up (median reported)")->capture_default_str();
  app.add_option("--row", o->row, "internal: run one row in this process")->group("");
  add_json_option(app, o->json);
  add_quiet_option(app, o->quiet);
  return [o] {
    if (!o->row.empty()) return run_row(*o);
    Progress progress{o->quiet};
    std::string temp_dir;
    if (o->model.empty()) {
      temp_dir = (std::filesystem::temp_directory_path() / ("splicebert-bench-" + std::to_string(getpid()))).string();
      progress.message("splicebert bench: writing a base-size random model (6 x 512, 1026 positions) to " + temp_dir);
      write_base_checkpoint(temp_dir, BaseCheckpointSpec{});
      o->model = temp_dir;
    }
    std::map<int, double> peaks;
    for (const auto& t : split(o->threads)) {
      int threads = std::stoi(t);
      peaks[threads] = kernels::measure_fp32_fma_peak_gflops(threads);
    }
    if (!o->json)
      std::printf("%-8s %5s %6s %7s %5s %12s %9s %7s %9s\n", "workload", "batch", "tokens", "threads", "prec",
                  "tokens/s", "GFLOP/s", "%peak", "RSS MB");
    int status = 0;
    for (const auto& precision : split(o->precision))
      for (const auto& workload : split(o->workloads))
        for (const auto& [threads, peak] : peaks) {
          std::string command = "'" + std::filesystem::read_symlink("/proc/self/exe").string() + "' bench -q --row " + workload + "," + std::to_string(threads) + "," +
                                precision + " --repeats " + std::to_string(o->repeats) + " -m '" + o->model + "'";
          FILE* pipe = popen(command.c_str(), "r");
          std::string output;
          char buffer[4096];
          while (pipe && fgets(buffer, sizeof buffer, pipe)) output += buffer;
          if (!pipe || pclose(pipe) != 0) {
            std::cerr << "splicebert bench: row " << workload << "," << threads << "," << precision << " failed\n";
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
                        static_cast<long long>(row["tokens"].get<int64_t>()), threads, precision.c_str(),
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
