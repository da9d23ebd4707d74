// The run's records: OUTPUT/train_log.jsonl (a header line with version, command line and config, then one line
// per step and per validation), and the progress line on stderr. Only rank 0 writes.
#pragma once
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace splicebert::train::detail {

class TrainingLog {
 public:
  TrainingLog() = default;
  // Fresh run: writes `header`. Resumed run (resume_step >= 0): keeps the header and every record up to that step
  // (records the killed process wrote after its last checkpoint are dropped), then appends a resume record.
  TrainingLog(const std::string& path, const nlohmann::json& header, int64_t resume_step);
  ~TrainingLog();
  TrainingLog(const TrainingLog&) = delete;
  TrainingLog& operator=(const TrainingLog&) = delete;
  TrainingLog(TrainingLog&& other) noexcept;
  TrainingLog& operator=(TrainingLog&& other) noexcept;
  void write(const nlohmann::json& record);  // one line, flushed

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
};

// "stage1 step 120/1000 loss 2.3456 acc 0.412 lr 1.00e-04 12345 tok/s ETA 0:10:23" on stderr, unless quiet.
std::string format_duration(double seconds);

}  // namespace splicebert::train::detail
