// The sequence-pair TSV of `score-pairs` (docs/variants.md): a header row naming the columns, then one REF/ALT pair per
// line. Read through zlib, so a gzip-compressed file works too. Every error names the file and line.
#include <zlib.h>

#include <charconv>
#include <map>

#include "splicebert/error.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::variant {

namespace {

class GzLines {
 public:
  explicit GzLines(const std::string& path) : path_(path == "-" ? "stdin" : path) {
    file_ = path == "-" ? gzdopen(0, "rb") : gzopen(path.c_str(), "rb");
    if (!file_) fail(path_, ": cannot open");
  }
  ~GzLines() { gzclose(file_); }
  bool next(std::string& line) {
    line.clear();
    char buffer[65536];
    while (gzgets(file_, buffer, sizeof buffer)) {
      line += buffer;
      if (!line.empty() && line.back() == '\n') break;
    }
    if (line.empty()) {
      int code = 0;
      const char* message = gzerror(file_, &code);
      if (code < 0) fail(path_, ": read error: ", message);
      return false;
    }
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    ++number_;
    return true;
  }
  std::string where() const { return path_ + ":" + std::to_string(number_); }
  int64_t number() const { return number_; }

 private:
  std::string path_;
  gzFile file_ = nullptr;
  int64_t number_ = 0;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t begin = 0;
  for (;;) {
    const size_t tab = line.find('\t', begin);
    fields.push_back(line.substr(begin, tab == std::string::npos ? std::string::npos : tab - begin));
    if (tab == std::string::npos) return fields;
    begin = tab + 1;
  }
}

int64_t parse_index(const std::string& text, const char* column, const std::string& where) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0)
    fail(where, ": column ", column, ": '", text, "' is not a non-negative integer");
  return value;
}

}  // namespace

std::vector<SequencePair> read_sequence_pairs(const std::string& path) {
  GzLines lines(path);
  std::string line;
  std::map<std::string, size_t> column;
  while (lines.next(line)) {  // the header: the first line that is neither blank nor a ## comment
    if (line.empty() || line.starts_with("##")) continue;
    if (line.front() == '#') line.erase(0, 1);
    const auto names = split_tabs(line);
    for (size_t c = 0; c < names.size(); ++c) column.emplace(names[c], c);
    break;
  }
  if (column.empty()) fail(lines.where(), ": no header row (expected the columns id, ref, alt, pos)");
  for (const char* required : {"id", "ref", "alt", "pos"})
    if (!column.count(required)) fail(lines.where(), ": the header has no column '", required, "'");
  const bool has_exon = column.count("exon_start") && column.count("exon_end");
  if (!has_exon && (column.count("exon_start") || column.count("exon_end")))
    fail(lines.where(), ": exon_start and exon_end come together");

  std::vector<SequencePair> pairs;
  while (lines.next(line)) {
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split_tabs(line);
    auto field = [&](const char* name) -> const std::string& {
      const size_t c = column.at(name);
      if (c >= fields.size()) fail(lines.where(), ": ", fields.size(), " columns, the header has ", column.size());
      return fields[c];
    };
    SequencePair pair;
    pair.line = lines.number();
    pair.id = field("id");
    pair.ref = field("ref");
    pair.alt = field("alt");
    pair.position = parse_index(field("pos"), "pos", lines.where());
    if (pair.id.empty()) fail(lines.where(), ": empty id");
    if (pair.position >= static_cast<int64_t>(pair.ref.size()))
      fail(lines.where(), ": pos ", pair.position, " is outside ref (", pair.ref.size(), " nt)");
    if (has_exon && field("exon_start") != "." && !field("exon_start").empty()) {
      const int64_t start = parse_index(field("exon_start"), "exon_start", lines.where());
      const int64_t end = parse_index(field("exon_end"), "exon_end", lines.where());
      if (end <= start || end > static_cast<int64_t>(pair.ref.size()))
        fail(lines.where(), ": exon [", start, ", ", end, ") is empty or outside ref (", pair.ref.size(), " nt)");
      pair.exon = Span{start, end};
    }
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

}  // namespace splicebert::variant
