// Helpers shared by the genome_*_test.cpp files: data paths, byte comparison with a readable first difference,
// and running `splicebert extract` / shell tools. /work/shared/data is read-only for every test.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "test_util.hpp"

namespace splicebert::test {

inline std::string data_path(const std::string& relative) { return data_dir() + "/" + relative; }
inline std::string quoted_data(const std::string& relative) { return shell_quote(data_path(relative)); }

// The whole text of a gzip (or plain) file, decompressed by the system gzip.
inline std::string gunzip_text(const std::string& path) {
  CommandResult result = run_shell("gzip -dc " + shell_quote(path));
  EXPECT_EQ(result.status, 0) << result.err;
  return result.out;
}

// Equal bytes, or a message with the sizes and the first differing line (never the whole multi-megabyte text).
inline ::testing::AssertionResult same_text(const std::string& actual, const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  size_t line = 1, start = 0, i = 0;
  for (; i < actual.size() && i < expected.size() && actual[i] == expected[i]; ++i) {
    if (actual[i] == '\n') ++line, start = i + 1;
  }
  auto line_at = [&](const std::string& text) {
    size_t end = text.find('\n', start);
    return text.substr(start, std::min<size_t>(200, (end == std::string::npos ? text.size() : end) - start));
  };
  return ::testing::AssertionFailure() << "sizes " << actual.size() << " vs expected " << expected.size()
                                       << "; first difference at line " << line << ":\n  got:      "
                                       << (start <= actual.size() ? line_at(actual) : "") << "\n  expected: "
                                       << (start <= expected.size() ? line_at(expected) : "");
}

// `splicebert extract -q ARGS`; a non-zero exit fails the calling test with stderr shown.
inline std::string extract_output(const std::string& args) {
  CommandResult result = run_cli("extract -q " + args);
  EXPECT_EQ(result.status, 0) << "extract " << args << "\n" << result.err;
  return result.out;
}

inline bool have_tool(const std::string& name) { return run_shell("command -v " + name).status == 0; }

}  // namespace splicebert::test
