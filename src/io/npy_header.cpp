#include "io/npy_header.hpp"

#include <map>

#include "splicebert/error.hpp"

namespace splicebert {

namespace {

// A cursor over the dict literal; each method consumes one construct or fails naming the source.
class DictCursor {
 public:
  DictCursor(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r'))
      ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  bool take(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c, const char* what) {
    if (!take(c)) wrong(std::string("expected '") + c + "' " + what);
  }
  std::string quoted_string() {
    skip_spaces();
    if (at_end() || (text_[pos_] != '\'' && text_[pos_] != '"')) wrong("expected a quoted string");
    const char quote = text_[pos_++];
    const size_t close = text_.find(quote, pos_);
    if (close == std::string_view::npos) wrong("unterminated string");
    std::string value(text_.substr(pos_, close - pos_));
    pos_ = close + 1;
    return value;
  }
  bool python_bool() {
    skip_spaces();
    for (auto [word, value] : {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}})
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    wrong("expected True or False");
  }
  int64_t non_negative_integer() {
    skip_spaces();
    if (at_end() || text_[pos_] < '0' || text_[pos_] > '9') wrong("expected a non-negative integer in the shape");
    int64_t value = 0;
    while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, text_[pos_] - '0', &value))
        wrong("shape extent is too large");
      ++pos_;
    }
    return value;
  }
  // "()", "(5,)", "(5, 1026)" and, leniently, "(5, 1026,)".
  Shape tuple_of_integers() {
    expect('(', "to open the shape tuple");
    Shape shape;
    while (!take(')')) {
      shape.push_back(non_negative_integer());
      if (take(')')) break;
      expect(',', "between shape extents");
    }
    return shape;
  }
  [[noreturn]] void wrong(const std::string& what) const {
    // Quote a bounded prefix: a corrupt header can be megabytes of garbage.
    constexpr size_t kQuoted = 160;
    fail(source_, ": malformed npy header (", what, " at offset ", pos_, "): ", text_.substr(0, kQuoted),
         text_.size() > kQuoted ? "..." : "");
  }

 private:
  std::string_view text_;
  const std::string& source_;
  size_t pos_ = 0;
};

std::string python_tuple(const Shape& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) text += ",";  // Python's one-element tuple
  return text + ")";
}

}  // namespace

NpyHeader parse_npy_header_dict(std::string_view text, const std::string& source) {
  DictCursor cursor(text, source);
  NpyHeader header;
  std::map<std::string, bool> seen;
  cursor.expect('{', "at the start of the header");
  while (!cursor.take('}')) {
    const std::string key = cursor.quoted_string();
    cursor.expect(':', "after a key");
    if (seen[key]) cursor.wrong("duplicate key '" + key + "'");
    seen[key] = true;
    if (key == "descr") {
      cursor.skip_spaces();
      if (cursor.take('[')) fail(source, ": structured npy dtypes (a descr list) are not supported");
      header.descr = cursor.quoted_string();
    } else if (key == "fortran_order") {
      header.fortran_order = cursor.python_bool();
    } else if (key == "shape") {
      header.shape = cursor.tuple_of_integers();
    } else {
      cursor.wrong("unexpected key '" + key + "'");
    }
    if (cursor.take('}')) break;
    cursor.expect(',', "between entries");
  }
  cursor.skip_spaces();
  if (!cursor.at_end()) cursor.wrong("text after the closing '}'");
  for (const char* key : {"descr", "fortran_order", "shape"})
    if (!seen[key]) fail(source, ": npy header has no '", key, "' entry");
  return header;
}

std::string format_npy_header_dict(const std::string& descr, const Shape& shape) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + python_tuple(shape) + ", }";
  // numpy leaves room for the first extent to grow to 21 digits, so appending rows can rewrite the header in place.
  constexpr size_t kGrowthAxisMaxDigits = 21;
  if (!shape.empty()) dict.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');
  // Version 1.0: 6 magic + 2 version + 2 length bytes. numpy pads with 1..64 spaces (never 0) before the '\n'.
  constexpr size_t kPrefix = 10, kAlign = 64;
  const size_t padding = kAlign - (kPrefix + dict.size() + 1) % kAlign;
  dict.append(padding, ' ');
  return dict + "\n";
}

size_t npy_item_size(const std::string& descr) {
  static const std::map<std::string, size_t> sizes = {
      {"<f8", 8}, {"<f4", 4}, {"<f2", 2}, {"<i8", 8}, {"<i4", 4}, {"<i2", 2}, {"|i1", 1},
      {"<u8", 8}, {"<u4", 4}, {"<u2", 2}, {"|u1", 1}, {"|b1", 1}};
  auto found = sizes.find(descr);
  if (found != sizes.end()) return found->second;
  // Fixed-width UTF-32 strings, '<U12': 4 bytes per character (embed's `names`); at most a 64 KiB name.
  if (descr.size() > 2 && descr.size() <= 7 && descr.starts_with("<U") &&
      descr.find_first_not_of("0123456789", 2) == std::string::npos) {
    const size_t characters = std::stoul(descr.substr(2));
    if (characters >= 1 && characters <= 65536) return 4 * characters;
  }
  return 0;
}

}  // namespace splicebert
