// Text forms of pooled vectors for `embed -o -` / .tsv / .jsonl: one line per record, written as records finish.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "splicebert/pipelines.hpp"

namespace splicebert {

std::string pooled_vector_line(const std::string& name, const Tensor& pooled, bool json) {
  if (json) {
    nlohmann::json line = {{"name", name}, {"pooled", pooled.data}};
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::string line;
  for (char c : name) line += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;  // keep the columns intact
  char number[32];
  for (float v : pooled.data) {
    std::snprintf(number, sizeof number, "\t%.9g", static_cast<double>(v));
    line += number;
  }
  return line + "\n";
}

}  // namespace splicebert
