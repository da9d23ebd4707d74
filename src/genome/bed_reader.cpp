// BED3..BED12, streamed record by record as bedtools reads it. BED12 blocks become exons; other BEDs are one exon.
#include <string>
#include <vector>

#include "annotation_readers.hpp"

namespace splicebert::genome {

namespace {

bool is_header_line(std::string_view line) {
  return line.empty() || line.front() == '#' || line.starts_with("track") || line.starts_with("browser");
}

// "12,34," -> {12, 34}; trailing comma allowed (UCSC writes one).
bool parse_int_list(std::string_view text, std::vector<int64_t>& values) {
  values.clear();
  if (!text.empty() && text.back() == ',') text.remove_suffix(1);
  std::vector<std::string_view> parts;
  split_fields(text, ',', parts);
  for (auto part : parts) {
    auto value = parse_int64(trim(part));
    if (!value) return false;
    values.push_back(*value);
  }
  return true;
}

class BedReader final : public AnnotationReader {
 public:
  BedReader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics)
      : lines_(std::move(lines)), diagnostics_(diagnostics) {}

  bool next(TranscriptModel& transcript) override {
    std::string_view line;
    while (lines_->next(line)) {
      if (is_header_line(line)) continue;
      std::string problem = parse(line, transcript);
      if (problem.empty()) {
        if (transcript.span.end > transcript.span.start) return true;
        diagnostics_.warn(lines_->where(), "record has length 0, skipped (as bedtools does)");
        continue;
      }
      diagnostics_.bad(lines_->where(), "malformed BED line: " + problem);
    }
    return false;
  }
  AnnotationFormat format() const override { return AnnotationFormat::bed; }
  const std::string& path() const override { return lines_->path(); }
  double fraction_read() const override { return lines_->fraction_read(); }

 private:
  // Fills `t` from one line; returns what is wrong, or "" when the line is good.
  std::string parse(std::string_view line, TranscriptModel& t) {
    split_fields(line, '\t', fields_);
    if (fields_.size() < 3) return "fewer than 3 tab-separated columns";
    auto start = parse_int64(fields_[1]), end = parse_int64(fields_[2]);
    if (!start || !end) return "start and end must be integers";
    if (*start < 0 || *end < *start) return "start must be >= 0 and end >= start";
    t.chrom.assign(fields_[0]);
    if (t.chrom.empty()) return "empty chromosome name";
    t.name.assign(fields_.size() > 3 ? fields_[3] : std::string_view());
    t.gene = t.name;
    t.span = {*start, *end};
    t.line = t.end_line = lines_->line_number();
    t.strand = 0;
    if (fields_.size() > 5) {
      if (fields_[5] != "+" && fields_[5] != "-" && fields_[5] != ".") return "strand must be +, - or .";
      t.strand = fields_[5][0];
    }
    t.exons.clear();
    if (fields_.size() < 12) {
      t.exons.push_back(t.span);
      return "";
    }
    return parse_blocks(t);
  }

  std::string parse_blocks(TranscriptModel& t) {
    auto count = parse_int64(fields_[9]);
    if (!count || *count < 1) return "blockCount must be a positive integer";
    if (!parse_int_list(fields_[10], sizes_) || !parse_int_list(fields_[11], starts_))
      return "blockSizes and blockStarts must be comma-separated integers";
    if (static_cast<int64_t>(sizes_.size()) != *count || static_cast<int64_t>(starts_.size()) != *count)
      return "blockSizes / blockStarts do not have blockCount entries";
    int64_t length = t.span.end - t.span.start, previous_end = 0;
    for (int64_t i = 0; i < *count; ++i) {
      // Checked before the sum: start + size past INT64_MAX used to wrap and pass, giving a wrong exon.
      const int64_t block_start = starts_[i], size = sizes_[i];
      const std::string block = "block " + std::to_string(i + 1) + " (start " + std::to_string(block_start) +
                                ", size " + std::to_string(size) + ")";
      if (block_start < 0 || size < 0) return block + " has a negative start or size";
      if (block_start < previous_end) return block + " starts before the end of the previous block";
      if (block_start > length || size > length - block_start)
        return block + " ends past the record's length " + std::to_string(length);
      const int64_t block_end = block_start + size;
      t.exons.push_back({t.span.start + block_start, t.span.start + block_end});
      previous_end = block_end;
    }
    return "";
  }

  std::unique_ptr<LineReader> lines_;
  Diagnostics& diagnostics_;
  std::vector<std::string_view> fields_;
  std::vector<int64_t> sizes_, starts_;
};

}  // namespace

std::unique_ptr<AnnotationReader> make_bed_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics) {
  return std::make_unique<BedReader>(std::move(lines), diagnostics);
}

}  // namespace splicebert::genome
