// For readers that take a path (htslib, the annotation readers): the fuzz input written to one private temporary
// file per process, rewritten for every input. Slower than memory, but it exercises the very code the CLI runs.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

inline const std::string& fuzz_input_file(const uint8_t* data, size_t size, const char* suffix) {
  static std::string path;
  if (path.empty()) {
    const char* dir = std::getenv("TMPDIR");
    path = std::string(dir && *dir ? dir : "/tmp") + "/splicebert-fuzz-" + std::to_string(::getpid()) + suffix;
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) std::abort();
  if (size && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  return path;
}
