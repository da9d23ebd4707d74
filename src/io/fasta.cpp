// FASTA reading. Every source goes through zlib's gzread, which passes plain text through unchanged, so one code
// path serves .fa, .fa.gz and stdin; an in-memory source skips zlib for tests and fuzzing.
#include "splicebert/fasta.hpp"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "splicebert/error.hpp"

namespace splicebert {

class FastaReader::LineSource {
 public:
  LineSource(gzFile file, std::string source) : file_(file), source_(std::move(source)) {}
  explicit LineSource(std::string text) : buffer_(std::move(text)), at_eof_(true) {}
  ~LineSource() {
    if (file_) gzclose(file_);
  }
  LineSource(const LineSource&) = delete;
  LineSource& operator=(const LineSource&) = delete;

  // The next line without its "\n" or "\r\n"; false at end of input. A last line without a newline still counts.
  // The search resumes where the previous refill's search stopped, so one long line costs linear time (searching
  // from the line's start after every 64 KiB chunk made a 200 MB line quadratic).
  bool next_line(std::string& line) {
    size_t newline, scanned = pos_;
    while ((newline = buffer_.find('\n', scanned)) == std::string::npos && !at_eof_) {
      scanned = buffer_.size() - pos_;  // relative to the line start, which refill moves to 0
      refill();
    }
    if (newline == std::string::npos) {
      if (pos_ >= buffer_.size()) return false;
      newline = buffer_.size();
    }
    line.assign(buffer_, pos_, newline - pos_);
    pos_ = std::min(newline + 1, buffer_.size());
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++line_number_;
    return true;
  }
  int64_t line_number() const { return line_number_; }
  // gzoffset counts the file's bytes zlib has taken in, so it works for plain (transparent) and gzip input alike.
  int64_t bytes_read() const { return file_ ? static_cast<int64_t>(gzoffset(file_)) : static_cast<int64_t>(pos_); }

 private:
  void refill() {
    buffer_.erase(0, pos_);
    pos_ = 0;
    constexpr unsigned kChunk = 1 << 16;
    const size_t old_size = buffer_.size();
    if (buffer_.capacity() < old_size + kChunk) buffer_.reserve(std::max(2 * buffer_.capacity(), old_size + kChunk));
    buffer_.resize(old_size + kChunk);
    const int got = gzread(file_, buffer_.data() + old_size, kChunk);
    if (got < 0) {
      int code = 0;
      const char* message = gzerror(file_, &code);
      fail(source_, ": read error: ", code == Z_ERRNO ? std::strerror(errno) : message);
    }
    buffer_.resize(old_size + static_cast<size_t>(got));
    if (got == 0) {
      // gzread reports a truncated gzip stream only through gzerror, after returning what it could.
      int code = Z_OK;
      const char* message = gzerror(file_, &code);
      if (code != Z_OK) fail(source_, ": read error: ", message);
      at_eof_ = true;
    }
  }

  gzFile file_ = nullptr;
  std::string source_;
  std::string buffer_;
  size_t pos_ = 0;
  bool at_eof_ = false;
  int64_t line_number_ = 0;
};

namespace {

gzFile open_gz(const std::string& path) {
  errno = 0;
  gzFile file = nullptr;
  if (path == "-") {
    // gzclose closes its descriptor; give it a duplicate so stdin stays open for the rest of the program.
    const int fd = ::dup(STDIN_FILENO);
    if (fd >= 0) file = gzdopen(fd, "rb");
    if (!file && fd >= 0) ::close(fd);
  } else {
    file = gzopen(path.c_str(), "rb");
  }
  if (!file) fail(path == "-" ? "<stdin>" : path, ": cannot open: ", errno ? std::strerror(errno) : "out of memory");
  gzbuffer(file, 1 << 17);
  return file;
}

bool is_header_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

FastaReader::FastaReader(const std::string& path)
    : FastaReader(std::make_unique<LineSource>(open_gz(path), path == "-" ? "<stdin>" : path),
                  path == "-" ? "<stdin>" : path) {}

FastaReader::FastaReader(std::unique_ptr<LineSource> lines, std::string source)
    : lines_(std::move(lines)), source_(std::move(source)) {}

FastaReader FastaReader::from_string(std::string text, std::string source) {
  return FastaReader(std::make_unique<LineSource>(std::move(text)), std::move(source));
}

FastaReader::~FastaReader() = default;
int64_t FastaReader::bytes_read() const { return lines_->bytes_read(); }
FastaReader::FastaReader(FastaReader&&) noexcept = default;
FastaReader& FastaReader::operator=(FastaReader&&) noexcept = default;

// Skips blank lines up to the first '>' line; anything else before it means the input is not FASTA.
bool FastaReader::find_first_header() {
  std::string line;
  while (lines_->next_line(line)) {
    // Editors on Windows may start the file with a UTF-8 byte order mark; it is not part of the text.
    if (lines_->line_number() == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (line.empty()) continue;
    if (line[0] != '>') fail(source_, ":", lines_->line_number(), ": expected a '>' header line");
    header_ = std::move(line);
    header_line_ = lines_->line_number();
    return true;
  }
  return false;
}

bool FastaReader::next(FastaRecord& record) {
  if (!started_) {
    started_ = true;
    if (!find_first_header()) fail(source_, ": no FASTA records (empty input)");
  }
  if (header_line_ == 0) return false;

  const size_t name_end = std::find_if(header_.begin() + 1, header_.end(), is_header_blank) - header_.begin();
  size_t description_start = name_end;
  while (description_start < header_.size() && is_header_blank(header_[description_start])) ++description_start;
  record.name.assign(header_, 1, name_end - 1);
  record.description.assign(header_, description_start);
  record.line = header_line_;
  if (record.name.empty())
    fail(source_, ":", header_line_, ": empty record name (the header must start with '>' followed by a name)");
  const auto [first, inserted] = first_line_of_name_.try_emplace(record.name, header_line_);
  if (!inserted && !allow_duplicate_names_)
    fail(source_, ":", header_line_, ": duplicate record name '", record.name, "' (first at line ", first->second, ")");

  record.sequence.clear();
  header_line_ = 0;
  std::string line;
  while (lines_->next_line(line)) {
    if (!line.empty() && line[0] == '>') {
      header_ = std::move(line);
      header_line_ = lines_->line_number();
      break;
    }
    record.sequence += line;
  }
  return true;
}

std::vector<FastaRecord> read_fasta(const std::string& path) {
  FastaReader reader(path);
  std::vector<FastaRecord> records;
  FastaRecord record;
  while (reader.next(record)) records.push_back(std::move(record));
  return records;
}

}  // namespace splicebert
