// Bad-input policy shared by every genome verb: fatal by default, counted warnings with --skip-bad.
#include <algorithm>
#include <cstdio>

#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::genome {

namespace {
// A file with thousands of bad lines should not flood the terminal; the total is always reported.
constexpr size_t max_printed_warnings = 20;
}  // namespace

void Diagnostics::print(const std::string& line) {
  if (quiet_) return;
  if (printed_ < max_printed_warnings) std::fprintf(stderr, "warning: %s\n", line.c_str());
  else if (printed_ == max_printed_warnings) std::fprintf(stderr, "warning: (further warnings not shown)\n");
  ++printed_;
}

void Diagnostics::bad(const std::string& where, const std::string& what) {
  if (!skip_bad_) fail(where, ": ", what);
  ++bad_;
  print(where + ": " + what + " (skipped)");
}

void Diagnostics::warn(const std::string& where, const std::string& what) {
  ++warnings_;
  print(where + ": " + what);
}

// Warnings about the data survive -q as one counted line: -q silences progress, not what is wrong with the input.
void Diagnostics::summary(const std::string& verb) const {
  if (bad_ > 0) std::fprintf(stderr, "%s: %zu bad record%s skipped (--skip-bad)\n", verb.c_str(), bad_, bad_ == 1 ? "" : "s");
  const size_t shown = quiet_ ? 0 : std::min(printed_, max_printed_warnings);
  if (warnings_ > 0 && shown < warnings_ + bad_)
    std::fprintf(stderr, "%s: warning: %zu warning%s about the input (%zu shown%s)\n", verb.c_str(), warnings_,
                 warnings_ == 1 ? "" : "s", shown, quiet_ ? "; -q hides the details" : "");
}

}  // namespace splicebert::genome
