// Shared helpers for the test suite: where the fixtures and data live, manifest access, array comparison,
// and running the CLI.
#pragma once
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "splicebert/io.hpp"
#include "splicebert/tensor.hpp"

namespace splicebert::test {

std::string fixtures_dir();  // $SPLICEBERT_FIXTURES or ../shared/fixtures
std::string data_dir();      // $SPLICEBERT_DATA or ../shared/data
std::string source_dir();
std::string binary();        // the splicebert CLI under test
nlohmann::json load_manifest(const std::string& fixture);  // e.g. "tiny"
// A fresh empty directory under the system temp dir, removed by the caller's TempDir.
struct TempDir {
  TempDir();
  ~TempDir();
  std::string path;
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

struct CommandResult {
  int status = -1;  // exit status, or 128 + signal
  std::string out, err;
};
// Runs `splicebert ARGS` through /bin/sh (args are shell-quoted by the caller when needed).
CommandResult run_cli(const std::string& args, const std::string& stdin_text = "");
CommandResult run_shell(const std::string& command, const std::string& stdin_text = "");
std::string shell_quote(const std::string& text);

// max |a - b| over the elements where `keep` (if given) is true
double max_abs_diff(const float* a, const float* b, size_t n);

}  // namespace splicebert::test
