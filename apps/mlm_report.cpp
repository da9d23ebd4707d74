#include "mlm_report.hpp"

#include <cmath>
#include <sstream>

namespace splicebert::cli {

std::vector<std::string> split_comma_lists(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::stringstream stream(value);
    for (std::string item; std::getline(stream, item, ',');)
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

nlohmann::ordered_json mlm_stats_json(const train::MlmStats& s) {
  nlohmann::ordered_json j;
  j["positions"] = s.labelled;
  j["accuracy"] = s.accuracy();
  j["balanced_accuracy"] = s.balanced_accuracy();
  j["loss"] = s.loss();
  const char* names[] = {"A", "C", "G", "U"};
  for (size_t b = 0; b < 4; ++b) {
    j["recall"][names[b]] = s.class_total[b] ? static_cast<double>(s.class_correct[b]) / s.class_total[b] : NAN;
    j["count"][names[b]] = s.class_total[b];
  }
  return j;
}

}  // namespace splicebert::cli
