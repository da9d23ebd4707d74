// Buffered text output for genome verbs: stdout ("-"), a plain file, or bgzip when the name ends in .gz / .bgz
// (blocks compressed in parallel with -t). Written through AtomicOutput, so an error leaves no file behind.
#pragma once
#include <string>

#include "splicebert/io.hpp"

namespace splicebert::genome {

class TextOutput {
 public:
  TextOutput(const std::string& path, int threads);
  // Append to buffer(), then call written(); the buffer is flushed in large pieces.
  std::string& buffer() { return buffer_; }
  void written() {
    if (buffer_.size() >= (bgzip_ ? bgzip_flush_size : plain_flush_size)) flush(false);
  }
  void commit();  // flushes, adds the bgzip end-of-file block, renames into place

 private:
  // Plain text is written in 1 MiB pieces; bgzip collects 64 blocks so that -t threads can compress them together.
  static constexpr size_t plain_flush_size = 1u << 20, bgzip_flush_size = 4u << 20;
  void flush(bool final);
  AtomicOutput output_;
  std::string buffer_;
  bool bgzip_ = false;
  int threads_ = 1;
};

bool is_bgzip_output_path(const std::string& path);

}  // namespace splicebert::genome
