#include "io/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "splicebert/error.hpp"

namespace splicebert {

InputFile::InputFile(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail(path_, ": cannot open: ", std::strerror(errno));
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    int saved = errno;
    ::close(fd_);
    fail(path_, ": cannot stat: ", std::strerror(saved));
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd_);
    fail(path_, ": is a directory, expected a file");
  }
  if (S_ISREG(info.st_mode) && info.st_size > 0) size_hint_ = static_cast<size_t>(info.st_size);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

size_t InputFile::read_some(void* buffer, size_t capacity) {
  for (;;) {
    ssize_t got = ::read(fd_, buffer, capacity);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) fail(path_, ": read error: ", std::strerror(errno));
  }
}

}  // namespace splicebert
