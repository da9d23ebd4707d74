// Transcript grouping shared by the GTF and GFF3 readers.
#include "transcript_assembler.hpp"

#include <algorithm>

namespace splicebert::genome {

TranscriptAssembler::Builder& TranscriptAssembler::builder(std::string_view key, int64_t line) {
  auto [it, inserted] = index_.try_emplace(std::string(key), builders_.size());
  if (inserted) {
    builders_.emplace_back();
    builders_.back().key = key;
    builders_.back().first_line = line;
  }
  return builders_[it->second];
}

void TranscriptAssembler::add(std::string_view key, Part part, std::string_view chrom, char strand, Interval interval,
                              int64_t line) {
  bool fresh = index_.find(std::string(key)) == index_.end();
  Builder& b = builder(key, line);
  if (b.bad) return;
  if (fresh) {
    b.chrom = chrom;
    b.strand = strand;
  } else if (b.chrom != chrom || b.strand != strand) {
    std::string first = std::to_string(b.first_line);
    std::string what = b.chrom != chrom
        ? "on two chromosomes (" + b.chrom + " from line " + first + ", " + std::string(chrom) + " here)"
        : "on two strands (" + std::string(1, b.strand) + " from line " + first + ", " + std::string(1, strand) + " here)";
    diagnostics_.bad(path_ + ":" + std::to_string(line), "transcript " + std::string(key) + " has parts " + what);
    b.bad = true;
    return;
  }
  switch (part) {
    case Part::exon:
      if (b.exons.empty() || interval.end > b.exon_max_end) b.exon_max_end = interval.end, b.exon_end_line = line;
      b.exons.push_back(interval);
      b.cds.clear();  // exons win; CDS lines are only kept for transcripts that have none
      break;
    case Part::cds:
      if (!b.exons.empty()) break;
      if (b.cds.empty() || interval.end > b.cds_max_end) b.cds_max_end = interval.end, b.cds_end_line = line;
      b.cds.push_back(interval);
      break;
    case Part::transcript:
      b.transcript_line_span = interval;
      b.transcript_line = line;
      break;
  }
}

void TranscriptAssembler::set_name(std::string_view key, std::string_view name) {
  auto it = index_.find(std::string(key));
  if (it != index_.end()) builders_[it->second].name = name;
}

void TranscriptAssembler::set_gene(std::string_view key, std::string_view gene) {
  auto it = index_.find(std::string(key));
  if (it != index_.end()) builders_[it->second].gene = gene;
}

void TranscriptAssembler::set_gene_name(std::string_view key, std::string_view gene_name) {
  auto it = index_.find(std::string(key));
  if (it != index_.end() && builders_[it->second].gene_name.empty()) builders_[it->second].gene_name = gene_name;
}

const std::string* TranscriptAssembler::gene_of(std::string_view key) const {
  auto it = index_.find(std::string(key));
  return it == index_.end() ? nullptr : &builders_[it->second].gene;
}

std::vector<std::string> TranscriptAssembler::keys() const {
  std::vector<std::string> all;
  for (const auto& b : builders_) all.push_back(b.key);
  return all;
}

TranscriptModel TranscriptAssembler::build(Builder& b) const {
  TranscriptModel t;
  t.chrom = std::move(b.chrom);
  t.name = b.name.empty() ? b.key : b.name;
  t.gene = b.gene.empty() ? t.name : b.gene;
  t.gene_name = std::move(b.gene_name);
  t.strand = b.strand;
  t.line = b.first_line;
  auto by_start = [](const Interval& x, const Interval& y) { return x.start < y.start || (x.start == y.start && x.end < y.end); };
  auto hull = [](const std::vector<Interval>& parts) {
    Interval h = parts.front();
    for (const auto& p : parts) h = {std::min(h.start, p.start), std::max(h.end, p.end)};
    return h;
  };
  if (!b.exons.empty()) {
    t.exons = std::move(b.exons);
    t.span = hull(t.exons);
    t.end_line = b.exon_end_line;
  } else if (!b.cds.empty()) {
    t.exons = std::move(b.cds);
    t.span = b.transcript_line > 0 ? b.transcript_line_span : hull(t.exons);
    t.end_line = b.transcript_line > 0 ? b.transcript_line : b.cds_end_line;
  } else {
    t.span = b.transcript_line_span;
    t.exons = {t.span};
    t.end_line = b.transcript_line;
  }
  std::sort(t.exons.begin(), t.exons.end(), by_start);
  return t;
}

std::vector<TranscriptModel> TranscriptAssembler::finish() {
  std::vector<TranscriptModel> transcripts;
  transcripts.reserve(builders_.size());
  for (auto& b : builders_) {
    if (b.bad) continue;
    // A key seen only as a parent (e.g. a GFF3 gene) has no part at all: nothing to build.
    if (b.exons.empty() && b.cds.empty() && b.transcript_line == 0) continue;
    transcripts.push_back(build(b));
  }
  builders_.clear();
  index_.clear();
  return transcripts;
}

}  // namespace splicebert::genome
