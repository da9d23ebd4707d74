// splicebert bench-variants: throughput of variant scoring and ISM (docs/variants.md, "Throughput") on a base-size
// random model (6 x 512, as SpliceBERT) unless -m names one. Three rows: SNVs each in its own window (score-vcf's
// default, 3 forwards per variant), SNVs sharing one exon-centred window (--center exon, REF and masked passes
// shared), and ISM (3 forwards per position, the REF pass shared).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "bench_common.hpp"
#include "cli.hpp"
#include "splicebert/base_checkpoint.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::cli {
namespace {

std::string random_dna(std::mt19937& rng, int64_t length) {
  std::string s;
  for (int64_t i = 0; i < length; ++i) s += "ACGT"[rng() % 4];
  return s;
}

// The median of `repeats` timed runs.
template <class F>
double seconds_of(int repeats, F&& work) {
  std::vector<double> times;
  for (int r = 0; r < std::max(1, repeats); ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int bench::run_variant_rows(bench::VariantsRequest o) {
  apply_threads(o.threads);
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  std::string temp_dir;
  if (o.model.empty()) {
    temp_dir = (std::filesystem::temp_directory_path() / ("splicebert-bench-variants-" + std::to_string(getpid())))
                   .string();
    Progress{o.quiet}.message("splicebert bench-variants: writing a base-size random model to " + temp_dir);
    write_base_checkpoint(temp_dir, BaseCheckpointSpec{});
    o.model = temp_dir;
  }
  LoadOptions load;
  load.require_lm_head = true;
  load.precision = o.precision;
  auto model = Model::load(o.model, load);
  Session session(model);
  std::mt19937 rng(2024);
  variant::ScoringOptions scoring;
  scoring.max_tokens = o.max_tokens;

  // Warm-up: one full batch (max_tokens), so that the session's buffers have their final size before timing.
  std::vector<variant::SubstitutionJob> warm;
  for (int64_t rows = 0; rows < std::max<int64_t>(1, o.max_tokens / (o.window + 2)); ++rows) {
    warm.push_back({random_dna(rng, o.window), o.window / 2, 'A', std::nullopt, true, true});
    if (warm.back().window[static_cast<size_t>(o.window / 2)] == 'A') warm.back().alt = 'C';
  }
  scoring.masked_delta_p = false;
  variant::score_substitutions(session, warm, scoring);
  scoring.masked_delta_p = true;

  auto make_jobs = [&](bool shared_window) {
    std::vector<variant::SubstitutionJob> jobs;
    const std::string shared = random_dna(rng, o.window);
    for (int64_t v = 0; v < o.variants; ++v) {
      variant::SubstitutionJob job;
      job.window = shared_window ? shared : random_dna(rng, o.window);
      job.position = shared_window ? o.window / 2 - o.variants / 2 + v : o.window / 2;
      const char ref = job.window[static_cast<size_t>(job.position)];
      job.alt = "ACGT"[(std::string("ACGT").find(ref) + 1 + rng() % 3) % 4];
      job.exon = variant::Span{o.window / 2 - 50, o.window / 2 + 50};
      jobs.push_back(std::move(job));
    }
    return jobs;
  };
  struct Row {
    std::string name, unit;
    int64_t items, forwards;
    double seconds;
  };
  std::vector<Row> rows;
  for (bool shared : {false, true}) {
    const auto jobs = make_jobs(shared);
    variant::ScoringStats stats;
    const double s = seconds_of(o.repeats, [&] {
      stats = {};
      variant::score_substitutions(session, jobs, scoring, &stats);
    });
    rows.push_back({shared ? "snv_shared_window" : "snv_own_window", "variants", o.variants,
                    static_cast<int64_t>(stats.ref_forwards + stats.masked_forwards + stats.alt_forwards), s});
  }
  variant::IsmOptions ism;
  ism.window = o.window;
  ism.max_tokens = o.max_tokens;
  const int64_t first = o.window / 2 - o.ism_positions / 2;  // the positions with full context on both sides
  ism.positions = variant::Span{first, first + o.ism_positions};
  const std::string sequence = random_dna(rng, o.window);
  variant::IsmResult result;
  const double s = seconds_of(o.repeats, [&] { result = variant::in_silico_mutagenesis(session, sequence, ism); });
  rows.push_back({"ism", "positions", o.ism_positions, result.forwards, s});

  if (!o.json)
    std::printf("%-18s %7s %6s %8s %9s %10s %12s\n", "workload", "window", "items", "forwards", "seconds",
                "items/s", "forwards/s");
  for (const Row& row : rows) {
    if (o.json) {
      std::cout << nlohmann::ordered_json{{"workload", row.name}, {"unit", row.unit}, {"window", o.window},
                                          {"items", row.items}, {"forwards", row.forwards}, {"threads", threads},
                                          {"seconds", row.seconds}, {"per_second", row.items / row.seconds},
                                          {"model_sha256", model->weights_sha256()},
                                          {"tool", std::string("splicebert ") + SPLICEBERT_VERSION}}
                       .dump()
                << std::endl;
    } else {
      std::printf("%-18s %7lld %6lld %8lld %9.2f %8.2f %s %10.1f\n", row.name.c_str(),
                  static_cast<long long>(o.window), static_cast<long long>(row.items),
                  static_cast<long long>(row.forwards), row.seconds, row.items / row.seconds,
                  row.unit == "variants" ? "v/s" : "p/s", row.forwards / row.seconds);
    }
  }
  if (!o.json) std::printf("threads %d, model %s (sha256 %s)\n", threads, model->weights_file().c_str(),
                           model->weights_sha256().substr(0, 16).c_str());
  if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
  return 0;
}

namespace {

VerbRegistrar registrar("bench-variants", "benchmark variant scoring (variants/s) and ISM (positions/s)",
                        [](CLI::App& app) {
  auto o = std::make_shared<bench::VariantsRequest>();
  app.add_option("-m,--model", o->model, "model folder (default: a built-in base-size random model)");
  add_threads_option(app, o->threads);
  add_json_option(app, o->json);
  add_quiet_option(app, o->quiet);
  add_precision_option(app, o->precision);
  add_max_tokens_option(app, o->max_tokens);
  add_window_option(app, o->window, "window length in nt (default 510)");
  app.add_option("--repeats", o->repeats, "timed runs per row (the median is reported)")->capture_default_str();
  app.add_option("--variants", o->variants, "SNVs per scoring row")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--ism-positions", o->ism_positions, "positions mutated in the ISM row")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return [o] { return bench::run_variant_rows(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
