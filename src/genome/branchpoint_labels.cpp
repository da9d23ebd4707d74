// Branchpoint labels from the Mercer et al. BED that SpliceBERT fine-tunes on: chrom, start, end, name, one label
// per base in GENOMIC order (1 branchpoint, 0 not, -100 low confidence), strand. A window on '-' reads the genome
// right to left, so its labels are the genomic ones reversed, exactly as the sequence is reverse-complemented.
#include <algorithm>

#include "chrom_key.hpp"
#include "line_reader.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::genome {

std::vector<BranchpointRecord> read_branchpoint_bed(const std::string& path, Diagnostics& diagnostics) {
  std::vector<BranchpointRecord> records;
  LineReader lines(path);
  std::string_view line;
  std::vector<std::string_view> fields, values;
  while (lines.next(line)) {
    if (line.empty() || line.front() == '#' || line.starts_with("track")) continue;
    split_fields(line, '\t', fields);
    auto bad = [&](const std::string& what) { diagnostics.bad(lines.where(), "malformed branchpoint BED line: " + what); };
    if (fields.size() < 6) { bad("expected 6 columns (chrom start end name labels strand)"); continue; }
    auto start = parse_int64(fields[1]), end = parse_int64(fields[2]);
    if (!start || !end || *start < 0 || *end <= *start) { bad("start and end must be integers, 0 <= start < end"); continue; }
    if (fields[5] != "+" && fields[5] != "-") { bad("strand must be + or -"); continue; }
    BranchpointRecord record{std::string(fields[0]), std::string(fields[3]), {*start, *end}, fields[5][0], {}};
    split_fields(fields[4], ',', values);
    bool good = true;
    for (auto value : values) {
      auto label = parse_int64(trim(value));
      good = good && label && (*label == 1 || *label == 0 || *label == label_ignore);
      if (good) record.labels.push_back(static_cast<int8_t>(*label));
    }
    if (!good) { bad("labels must be a comma-separated list of 1, 0 and -100"); continue; }
    if (static_cast<int64_t>(record.labels.size()) != *end - *start) {
      bad(std::to_string(record.labels.size()) + " labels for " + std::to_string(*end - *start) + " bases");
      continue;
    }
    records.push_back(std::move(record));
  }
  return records;
}

namespace {
bool genomic_order(const BranchpointRecord& a, const BranchpointRecord& b) {
  std::string ka = chrom_key(a.chrom), kb = chrom_key(b.chrom);
  return ka != kb ? ka < kb : a.span.start < b.span.start;
}
}  // namespace

BranchpointIndex::BranchpointIndex(std::vector<BranchpointRecord> records) : records_(std::move(records)) {
  std::sort(records_.begin(), records_.end(), genomic_order);
  for (const auto& r : records_) longest_ = std::max(longest_, r.span.end - r.span.start);
}

void BranchpointIndex::label(const std::string& chrom, int64_t start, int64_t end, char strand, int8_t* out) const {
  const int64_t n = end - start;
  std::fill(out, out + n, static_cast<int8_t>(label_ignore));
  strand = strand == '-' ? '-' : '+';
  // Records are short (27 nt): every one that can overlap starts at or after start - longest.
  BranchpointRecord probe{chrom, "", {start - longest_, start - longest_}, '+', {}};
  std::string key = chrom_key(chrom);
  for (auto it = std::lower_bound(records_.begin(), records_.end(), probe, genomic_order);
       it != records_.end() && chrom_key(it->chrom) == key && it->span.start < end; ++it) {
    if (it->strand != strand || it->span.end <= start) continue;
    // Mercer records of different transcripts overlap; where they disagree the strongest label wins
    // (1 over 0 over -100), so a base called a branchpoint by any record stays one.
    for (int64_t g = std::max(start, it->span.start); g < std::min(end, it->span.end); ++g)
      out[g - start] = std::max(out[g - start], it->labels[g - it->span.start]);
  }
  if (strand == '-') std::reverse(out, out + n);
}

}  // namespace splicebert::genome
