// A read-only POSIX file for the whole-file readers: errors name the path and strerror(errno), and the descriptor is
// closed on every path out, including exceptions.
#pragma once
#include <cstddef>
#include <string>

namespace splicebert {

class InputFile {
 public:
  explicit InputFile(std::string path);  // refuses directories
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Bytes read into `buffer` (at most `capacity`); 0 only at end of file.
  size_t read_some(void* buffer, size_t capacity);
  // The size a regular file reports; 0 for pipes and other streams (a hint, not a promise).
  size_t size_hint() const { return size_hint_; }

 private:
  std::string path_;
  int fd_ = -1;
  size_t size_hint_ = 0;
};

}  // namespace splicebert
