#include "test_util.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace splicebert::test {

namespace fs = std::filesystem;

// The CLI tests check the zero-shot scores and outputs; the CLI's default SpliceAI-style deltas from the shipped
// splice-site model would add a second model to every score-vcf / score-pairs run they make. Tests of the deltas
// name their model with --splice-model, and Conventions.ScoringVerbsAddDeltasFromTheShippedSpliceModel unsets this.
const bool kNoDefaultSpliceModel = (::setenv("SPLICEBERT_SPLICE_MODEL", "none", 0), true);

std::string fixtures_dir() {
  const char* env = std::getenv("SPLICEBERT_FIXTURES");
  return env && *env ? env : SPLICEBERT_DEFAULT_FIXTURES;
}

std::string data_dir() {
  const char* env = std::getenv("SPLICEBERT_DATA");
  return env && *env ? env : SPLICEBERT_DEFAULT_DATA;
}

std::string source_dir() { return SPLICEBERT_SOURCE_DIR; }
// $SPLICEBERT_BIN runs the tests against another build (e.g. the one before a change, to see a test fail there).
std::string binary() {
  const char* other = std::getenv("SPLICEBERT_BIN");
  return other && *other ? other : SPLICEBERT_BIN;
}

nlohmann::json load_manifest(const std::string& fixture) {
  return nlohmann::json::parse(read_file_text(fixtures_dir() + "/" + fixture + "/manifest.json"));
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() / ("splicebert-test-" + std::to_string(rd()));
    if (fs::create_directory(p)) {
      path = p.string();
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}
TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

CommandResult run_shell(const std::string& command, const std::string& stdin_text) {
  TempDir dir;
  std::string in = dir / "stdin", out = dir / "stdout", err = dir / "stderr";
  std::ofstream(in, std::ios::binary) << stdin_text;
  std::string full = "( " + command + " ) <" + in + " >" + out + " 2>" + err;
  int raw = std::system(full.c_str());
  CommandResult result;
  if (WIFEXITED(raw)) result.status = WEXITSTATUS(raw);
  else if (WIFSIGNALED(raw)) result.status = 128 + WTERMSIG(raw);
  result.out = read_file_text(out);
  result.err = read_file_text(err);
  return result;
}

CommandResult run_cli(const std::string& args, const std::string& stdin_text) {
  return run_shell(shell_quote(binary()) + " " + args, stdin_text);
}

double max_abs_diff(const float* a, const float* b, size_t n) {
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    double d = std::fabs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
    if (std::isnan(d)) return INFINITY;
    worst = std::max(worst, d);
  }
  return worst;
}

}  // namespace splicebert::test
