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
#include <cstdlib>
#include <random>
#include <sstream>

#include "bench_common.hpp"
#include "cli.hpp"
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
  bool json = false, quiet = false, variants = false, train = false;
};

// One row, in this process: load, warm up, time `repeats` forwards (more for short calls), print one JSON line.
int run_row(const BenchOptions& o) {
  auto parts = bench::split_list(o.row);  // workload,threads,precision
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
  std::cout << bench::make_row(w.name, w.batch, w.tokens, threads, parts[2], times,
                               bench::forward_flops(model->config(), w.batch, w.tokens))
                   .dump()
            << std::endl;
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
  app.add_flag("--variants", o->variants,
               "also variant scoring (variants/s) and ISM (positions/s) rows, as `bench-variants` prints them");
  app.add_flag("--train", o->train,
               "also training-step rows (b = 8x512, a2 = 2x1026; forward + backward + AdamW), as `bench-train` prints "
               "them, at the same threads and precisions");
  add_json_option(app, o->json);
  add_quiet_option(app, o->quiet);
  return [o] {
    if (!o->row.empty()) return run_row(*o);
    std::vector<bench::RowSpec> rows;
    for (const auto& precision : bench::split_list(o->precision))
      for (const auto& workload : bench::split_list(o->workloads))
        for (const auto& threads : bench::split_list(o->threads)) rows.push_back({workload, precision, std::stoi(threads)});
    int status = bench::run_rows({"bench", o->model, o->repeats, o->json, o->quiet}, rows);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    if (o->train) {  // the training rows live in their own verb, run once with the same options
      std::string command = "'" + self + "' bench-train --threads " + o->threads + " --precision " + o->precision +
                            " --repeats " + std::to_string(o->repeats) + (o->json ? " --json" : "") +
                            (o->quiet ? " -q" : "") + (o->model.empty() ? "" : " -m '" + o->model + "'");
      std::fflush(stdout);
      if (std::system(command.c_str()) != 0) status = 1;
    }
    if (o->variants) {
      // The variant rows live in their own verb; run it once per thread count with the same model and output style.
      for (const auto& threads : bench::split_list(o->threads)) {
        std::string command = "'" + self + "' bench-variants -t " + threads + (o->json ? " --json" : "") +
                              (o->quiet ? " -q" : "") + (o->model.empty() ? "" : " -m '" + o->model + "'");
        std::fflush(stdout);
        if (std::system(command.c_str()) != 0) status = 1;
      }
    }
    return status;
  };
});

}  // namespace
}  // namespace splicebert::cli
