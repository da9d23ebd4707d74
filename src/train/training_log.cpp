#include "train/training_log.hpp"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert::train::detail {

using nlohmann::json;

TrainingLog::TrainingLog(const std::string& path, const json& header, int64_t resume_step) : path_(path) {
  std::error_code ec;
  if (resume_step >= 0 && std::filesystem::exists(path, ec)) {
    std::istringstream lines(read_file_text(path));
    std::string kept;
    for (std::string line; std::getline(lines, line);) {
      const json record = json::parse(line, nullptr, false);
      if (record.is_discarded()) continue;  // a line cut short by the kill
      if (record.contains("step") && record["step"].is_number_integer() && record["step"].get<int64_t>() > resume_step)
        continue;
      kept += line + "\n";
    }
    AtomicOutput rewritten(path, false);
    rewritten.stream() << kept;
    rewritten.commit();
    file_ = std::fopen(path.c_str(), "a");
  } else {
    file_ = std::fopen(path.c_str(), "w");
    if (file_) write(header);
  }
  if (!file_) fail(path, ": cannot open the training log for writing");
  if (resume_step >= 0) {
    json record = header;
    record["type"] = "resume";
    record["step"] = resume_step;
    write(record);
  }
}

TrainingLog::~TrainingLog() {
  if (file_) std::fclose(file_);
}

TrainingLog::TrainingLog(TrainingLog&& other) noexcept { *this = std::move(other); }

TrainingLog& TrainingLog::operator=(TrainingLog&& other) noexcept {
  std::swap(file_, other.file_);
  std::swap(path_, other.path_);
  return *this;
}

void TrainingLog::write(const json& record) {
  if (!file_) return;
  const std::string line = record.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    fail(path_, ": write failed");
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return text;
}

}  // namespace splicebert::train::detail
