// Whole-file reads (errors from InputFile name the path and the operating system's reason) and private temporary folders.
#include <stdlib.h>

#include <filesystem>

#include "io/input_file.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  InputFile file(path);
  std::vector<uint8_t> bytes;
  bytes.reserve(file.size_hint());
  // The reported size is only a hint (pipes and /proc files say 0), so read until end of file either way.
  uint8_t chunk[1 << 16];
  while (size_t got = file.read_some(chunk, sizeof chunk)) bytes.insert(bytes.end(), chunk, chunk + got);
  return bytes;
}

std::string read_file_text(const std::string& path) {
  std::vector<uint8_t> bytes = read_file_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

TemporaryFolder::TemporaryFolder(const std::string& purpose) {
  std::string pattern = (std::filesystem::temp_directory_path() / "splicebert-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) fail("cannot create a temporary folder for ", purpose);
  path_ = pattern;
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace splicebert
