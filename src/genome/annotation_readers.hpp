// The concrete annotation readers behind open_annotation(); each lives in its own file.
#pragma once
#include <memory>

#include <vector>

#include "line_reader.hpp"
#include "splicebert/genome.hpp"
#include "transcript_assembler.hpp"

namespace splicebert::genome {

// GTF and GFF3: a transcript's lines may be anywhere in the file, so the whole file is read (coordinates only) on the
// first next() and the assembled transcripts are handed out one at a time. Subclasses parse lines in load().
class GroupedAnnotationReader : public AnnotationReader {
 public:
  GroupedAnnotationReader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics)
      : lines_(std::move(lines)), diagnostics_(diagnostics), assembler_(lines_->path(), diagnostics) {}

  bool next(TranscriptModel& transcript) override {
    if (!loaded_) {
      loaded_ = true;
      load();
    }
    if (position_ >= transcripts_.size()) return false;
    transcript = std::move(transcripts_[position_++]);
    return true;
  }
  const std::string& path() const override { return lines_->path(); }
  // The file is read whole on the first next(); after that, the share of transcripts handed out.
  double fraction_read() const override {
    return transcripts_.empty() ? (loaded_ ? 1.0 : 0.0)
                                : static_cast<double>(position_) / static_cast<double>(transcripts_.size());
  }

 protected:
  virtual void load() = 0;  // reads every line and fills transcripts_

  std::unique_ptr<LineReader> lines_;
  Diagnostics& diagnostics_;
  TranscriptAssembler assembler_;
  std::vector<TranscriptModel> transcripts_;

 private:
  size_t position_ = 0;
  bool loaded_ = false;
};

std::unique_ptr<AnnotationReader> make_bed_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics);
std::unique_ptr<AnnotationReader> make_gtf_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics);
std::unique_ptr<AnnotationReader> make_gff3_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics);

}  // namespace splicebert::genome
