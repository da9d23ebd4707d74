// AtomicOutput: a std::ostream over OutputFile (output_file.cpp decides between standard output, writing in place
// and temporary + rename). Write errors throw an Error with the operating system's reason as soon as a buffer is
// written, so a full disk stops the run instead of being found at the end.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <streambuf>
#include <vector>

#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert {

class AtomicOutput::Buffer : public std::streambuf {
 public:
  explicit Buffer(OutputFile& file) : file_(file), bytes_(1 << 20) { setp(bytes_.data(), bytes_.data() + bytes_.size()); }

  void drain() {
    const auto pending = static_cast<size_t>(pptr() - pbase());
    setp(bytes_.data(), bytes_.data() + bytes_.size());
    if (pending) file_.write(bytes_.data(), pending);
  }

 protected:
  int_type overflow(int_type c) override {
    drain();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* data, std::streamsize size) override {
    if (size >= static_cast<std::streamsize>(bytes_.size())) {  // large writes bypass the buffer
      drain();
      file_.write(data, static_cast<size_t>(size));
      return size;
    }
    return std::streambuf::xsputn(data, size);
  }
  int sync() override {
    drain();
    return 0;
  }

 private:
  OutputFile& file_;
  std::vector<char> bytes_;
};

AtomicOutput::AtomicOutput(std::string path, bool /*binary: POSIX makes no difference*/) : path_(std::move(path)) {
  if (resolve_output_target(path_).kind == OutputKind::StandardOutput) return;  // std::cout, shared with the verb
  file_ = std::make_unique<OutputFile>(path_);
  buffer_ = std::make_unique<Buffer>(*file_);
  stream_ = std::make_unique<std::ostream>(buffer_.get());
  // A write error (thrown by OutputFile::write inside the buffer) leaves the stream as the Error itself.
  stream_->exceptions(std::ios::badbit);
}

AtomicOutput::~AtomicOutput() = default;  // an uncommitted OutputFile removes its temporary

std::ostream& AtomicOutput::stream() { return stream_ ? *stream_ : std::cout; }

void AtomicOutput::commit() {
  if (committed_) return;
  if (!file_) {
    finish_standard_output();
  } else {
    buffer_->drain();
    file_->commit();
  }
  committed_ = true;
}

void finish_standard_output() {
  errno = 0;
  std::cout.flush();
  const bool lost = std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout;
  if (lost) fail("standard output: cannot write: ", std::strerror(errno != 0 ? errno : EIO));
}

}  // namespace splicebert
