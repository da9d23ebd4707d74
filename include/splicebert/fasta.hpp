// FASTA input for the model: records of a name, an optional description and a sequence kept exactly as written
// (no case change, no validation of the letters: the tokenizer decides what a character means).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace splicebert {

struct FastaRecord {
  std::string name;         // header text up to the first space or tab
  std::string description;  // the rest of the header line, leading blanks removed
  std::string sequence;     // the sequence lines joined, line breaks (LF, CRLF) removed
  int64_t line = 0;         // 1-based line number of the '>' header
};

// Reads records one at a time. Errors name the source and line: empty input, text before the first header, an
// empty record name, a name used twice. Blank lines are skipped; a record with an empty sequence is returned.
class FastaReader {
 public:
  // "-" reads standard input. Files are read through zlib, so gzip-compressed (.gz) and plain text both work.
  explicit FastaReader(const std::string& path);
  // Reads `text` from memory; `source` names it in error messages (tests, fuzzing).
  static FastaReader from_string(std::string text, std::string source);
  ~FastaReader();
  FastaReader(FastaReader&&) noexcept;
  FastaReader& operator=(FastaReader&&) noexcept;

  // Corpora cut by bedtools may repeat a name (two annotation lines, one name): allowed here, refused by default.
  void allow_duplicate_names() { allow_duplicate_names_ = true; }

  // Fills `record` with the next record; false after the last one.
  bool next(FastaRecord& record);
  const std::string& source() const { return source_; }
  // Bytes of the file consumed so far (compressed bytes for gzip): with the file's size, a progress fraction.
  int64_t bytes_read() const;

 private:
  class LineSource;
  FastaReader(std::unique_ptr<LineSource> lines, std::string source);
  bool find_first_header();

  std::unique_ptr<LineSource> lines_;
  std::string source_;
  std::string header_;        // the '>' line of the record next() returns next
  int64_t header_line_ = 0;   // 0 when no header is waiting
  bool started_ = false;
  bool allow_duplicate_names_ = false;
  std::unordered_map<std::string, int64_t> first_line_of_name_;
};

std::vector<FastaRecord> read_fasta(const std::string& path);

}  // namespace splicebert
