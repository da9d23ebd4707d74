// AtomicOutput: write beside the destination, rename on commit. rename(2) within one directory is atomic, so a reader
// (or a crash) sees either the old file or the complete new one, never a prefix.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

namespace {

std::string random_hex_suffix() {
  std::random_device entropy;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", entropy(), entropy());
  return text;
}

// Creates the temporary exclusively, so two writers can never share one; returns its name.
std::string create_unique_temporary(const std::string& path) {
  for (int attempt = 0;; ++attempt) {
    std::string candidate = path + ".tmp." + std::to_string(::getpid()) + "." + random_hex_suffix();
    int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      return candidate;
    }
    if (errno != EEXIST || attempt >= 100)
      fail(path, ": cannot create a temporary file beside it: ", std::strerror(errno));
  }
}

std::string errno_reason() { return errno != 0 ? std::string(": ") + std::strerror(errno) : std::string(); }

}  // namespace

AtomicOutput::AtomicOutput(std::string path, bool binary) : path_(std::move(path)) {
  if (path_.empty()) fail("output path is empty");
  if (path_ == "-") {
    to_stdout_ = true;
    return;
  }
  temp_path_ = create_unique_temporary(path_);
  std::ios::openmode mode = std::ios::out | std::ios::trunc;
  if (binary) mode |= std::ios::binary;
  errno = 0;
  file_ = std::make_unique<std::ofstream>(temp_path_, mode);
  if (!*file_) {
    std::string reason = errno_reason();
    std::remove(temp_path_.c_str());
    fail(path_, ": cannot open temporary file ", temp_path_, reason);
  }
}

AtomicOutput::~AtomicOutput() {
  if (committed_ || to_stdout_) return;
  file_->close();
  std::remove(temp_path_.c_str());
}

std::ostream& AtomicOutput::stream() {
  if (to_stdout_) return std::cout;
  return *file_;
}

void AtomicOutput::commit() {
  if (committed_) return;
  errno = 0;
  if (to_stdout_) {
    std::cout.flush();
    if (!std::cout) fail("standard output: write error", errno_reason());
    committed_ = true;
    return;
  }
  // Check the stream before the rename: a full disk shows up here, and must not replace a good file.
  file_->flush();
  if (!*file_) fail(path_, ": write error in ", temp_path_, errno_reason());
  file_->close();
  if (file_->fail()) fail(path_, ": error closing ", temp_path_, errno_reason());
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
    fail(path_, ": cannot rename ", temp_path_, " to it", errno_reason());
  committed_ = true;
}

}  // namespace splicebert
