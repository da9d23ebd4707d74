// Line-by-line text input for annotation and FASTA files: plain, gzip or bgzip (htslib's BGZF reads all three),
// or "-" for stdin. Counts lines for error messages and lets a format sniffer push one line back.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct BGZF;

namespace splicebert::genome {

class LineReader {
 public:
  explicit LineReader(std::string path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its '\n' (and without a trailing '\r'); false at end of input. The view stays valid until
  // the next call.
  bool next(std::string_view& line);
  void push_back();  // the line just returned is returned again by the next call
  int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }
  std::string where() const { return path_ + ":" + std::to_string(line_number_); }
  // How far through the file reading is, in [0, 1] (compressed bytes for gzip / bgzip); -1 for stdin or a pipe.
  double fraction_read() const;

 private:
  std::string path_;
  BGZF* file_ = nullptr;
  struct Kstring;
  Kstring* buffer_ = nullptr;
  int64_t line_number_ = 0;
  int64_t file_size_ = -1;  // -1: not a regular file
  bool pushed_back_ = false;
};

// ---- small parsing helpers ----------------------------------------------------------------------------------------
// Splits on `separator` into `fields` (views into `line`).
void split_fields(std::string_view line, char separator, std::vector<std::string_view>& fields);
std::optional<int64_t> parse_int64(std::string_view text);
std::string_view trim(std::string_view text);

}  // namespace splicebert::genome
