#include "bench_common.hpp"
#include "splicebert/build_info.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "splicebert/base_checkpoint.hpp"
#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"

namespace splicebert::cli::bench {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');)
    if (!item.empty()) parts.push_back(item);
  return parts;
}

std::vector<std::string> precision_list(const std::string& text, const std::string& option) {
  std::vector<std::string> names;
  for (const std::string& item : split_list(text)) names.push_back(precision_name(parse_precision(item, option)));
  if (names.empty()) fail(option, ": no precision given");
  return names;
}

std::vector<int> thread_list(const std::string& text, int single) {
  if (single >= 0) return {single > 0 ? single : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)))};
  std::vector<int> counts;
  for (const std::string& item : split_list(text)) {
    size_t used = 0;
    int count = 0;
    try {
      count = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || count < 1) fail("--threads-list: '", item, "' is not a thread count of 1 or more");
    counts.push_back(count);
  }
  if (counts.empty()) fail("--threads-list: no thread count given");
  return counts;
}

double forward_flops(const ModelConfig& c, int64_t batch, int64_t tokens) {
  const double C = c.hidden_size, FF = c.intermediate_size, layers = c.num_hidden_layers;
  const double matmul_params = layers * (4 * C * C + 2 * C * FF);
  return 2 * matmul_params * batch * tokens + layers * 4.0 * static_cast<double>(tokens) * tokens * C * batch;
}

double peak_rss_megabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

nlohmann::ordered_json make_row(const std::string& workload, int64_t batch, int64_t tokens, int threads,
                                const std::string& precision, const std::vector<double>& seconds, double flops) {
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  return {{"workload", workload},
          {"batch", batch},
          {"tokens", tokens},
          {"threads", threads},
          {"precision", precision},
          {"repeats", static_cast<int>(sorted.size())},
          {"seconds_median", median},
          {"tokens_per_s", static_cast<double>(batch * tokens) / median},
          {"gflops", flops / median / 1e9},
          {"peak_rss_mb", peak_rss_megabytes()}};
}

int run_rows(const ParentOptions& o, const std::vector<RowSpec>& rows) {
  Progress progress{o.quiet};
  std::string model = o.model, temp_dir;
  if (model.empty()) {
    temp_dir = (std::filesystem::temp_directory_path() / ("splicebert-" + o.verb + "-" + std::to_string(getpid())))
                   .string();
    progress.message("splicebert " + o.verb + ": writing a base-size random model (6 x 512, 1026 positions) to " +
                     temp_dir);
    write_base_checkpoint(temp_dir, BaseCheckpointSpec{});
    model = temp_dir;
  }
  std::map<int, double> peaks;
  for (const RowSpec& row : rows)
    if (!peaks.count(row.threads)) peaks[row.threads] = measure_fp32_fma_peak_gflops(row.threads);
  if (!o.json)
    std::printf("%-8s %5s %6s %7s %5s %12s %9s %7s %9s\n", "workload", "batch", "tokens", "threads", "prec",
                "tokens/s", "GFLOP/s", "%peak", "RSS MB");
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  int status = 0;
  for (const RowSpec& spec : rows) {
    const std::string id = spec.workload + "," + std::to_string(spec.threads) + "," + spec.precision;
    const std::string command = "'" + self + "' " + o.verb + " -q --row " + id + " --repeats " +
                                std::to_string(o.repeats) + " -m '" + model + "'";
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[4096];
    while (pipe && fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (!pipe || pclose(pipe) != 0) {
      std::cerr << "splicebert " << o.verb << ": row " << id << " failed\n";
      status = 1;
      continue;
    }
    auto row = nlohmann::ordered_json::parse(output);
    const double peak = peaks.at(spec.threads);
    row["peak_fraction"] = row["gflops"].get<double>() / peak;
    row["fma_peak_gflops"] = peak;
    if (o.json) {
      std::cout << row.dump() << std::endl;
      continue;
    }
    std::printf("%-8s %5lld %6lld %7d %5s %12.0f %9.1f %6.1f%% %9.0f\n", spec.workload.c_str(),
                static_cast<long long>(row["batch"].get<int64_t>()), static_cast<long long>(row["tokens"].get<int64_t>()),
                spec.threads, spec.precision.c_str(), row["tokens_per_s"].get<double>(), row["gflops"].get<double>(),
                100 * row["peak_fraction"].get<double>(), row["peak_rss_mb"].get<double>());
    std::fflush(stdout);
  }
  if (!o.json)
    for (const auto& [threads, peak] : peaks)
      std::printf("measured fp32 FMA peak, %d thread(s): %.0f GFLOP/s\n", threads, peak);
  if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
  return status;
}

}  // namespace splicebert::cli::bench
