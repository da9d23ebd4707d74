// LineReader over htslib BGZF, which transparently reads plain text, gzip and bgzip.
#include "line_reader.hpp"

#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/kstring.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "splicebert/error.hpp"

namespace splicebert::genome {

struct LineReader::Kstring {
  kstring_t text = KS_INITIALIZE;
};

LineReader::LineReader(std::string path) : path_(std::move(path)), buffer_(new Kstring) {
  errno = 0;
  file_ = bgzf_open(path_.c_str(), "r");
  if (!file_) {
    delete buffer_;
    fail(path_, ": cannot open", errno ? std::string(": ") + std::strerror(errno) : std::string());
  }
  struct stat info {};
  if (path_ != "-" && ::stat(path_.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0)
    file_size_ = info.st_size;
}

double LineReader::fraction_read() const {
  if (file_size_ <= 0) return -1;
  // htell: the bytes htslib has taken from the file (read ahead by a buffer, which is close enough for an ETA).
  const off_t taken = htell(file_->fp);
  return taken < 0 ? -1 : std::min(1.0, static_cast<double>(taken) / static_cast<double>(file_size_));
}

LineReader::~LineReader() {
  if (file_) bgzf_close(file_);
  ks_free(&buffer_->text);
  delete buffer_;
}

bool LineReader::next(std::string_view& line) {
  if (pushed_back_) {
    pushed_back_ = false;
    ++line_number_;
    line = std::string_view(buffer_->text.s ? buffer_->text.s : "", buffer_->text.l);
    return true;
  }
  int status = bgzf_getline(file_, '\n', &buffer_->text);
  if (status == -1) return false;
  if (status < -1) fail(path_, ":", line_number_ + 1, ": read error (truncated or corrupt compressed file?)");
  ++line_number_;
  size_t length = buffer_->text.l;
  if (length > 0 && buffer_->text.s[length - 1] == '\r') buffer_->text.s[--length] = '\0', buffer_->text.l = length;
  line = std::string_view(buffer_->text.s, length);
  return true;
}

void LineReader::push_back() {
  pushed_back_ = true;
  --line_number_;
}

void split_fields(std::string_view line, char separator, std::vector<std::string_view>& fields) {
  fields.clear();
  size_t begin = 0;
  while (true) {
    size_t end = line.find(separator, begin);
    if (end == std::string_view::npos) {
      fields.push_back(line.substr(begin));
      return;
    }
    fields.push_back(line.substr(begin, end - begin));
    begin = end + 1;
  }
}

std::optional<int64_t> parse_int64(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace splicebert::genome
