// One parser per enum-like string; errors list the accepted spellings.
#include "splicebert/enums.hpp"

#include <algorithm>
#include <cctype>

#include "splicebert/error.hpp"

namespace splicebert {

namespace {
std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
}  // namespace

Precision parse_precision(std::string_view text, std::string_view where) {
  const std::string value = lower(text);
  if (value == "f32" || value == "fp32" || value == "float32") return Precision::F32;
  if (value == "bf16" || value == "bfloat16") return Precision::BF16;
  fail(where, where.empty() ? "" : ": ", "unknown precision '", text, "' (expected f32, fp32, float32, bf16 or bfloat16)");
}

const char* precision_name(Precision precision) { return precision == Precision::BF16 ? "bf16" : "f32"; }

}  // namespace splicebert
