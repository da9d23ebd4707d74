// Per-nucleotide splice-site labels from annotated introns. On '+' the donor (first intron base) is the gap's first
// genomic base and the acceptor (last intron base) its last; on '-' they swap, since the transcript reads right to
// left. Bases inside no transcript of the window's strand are -100 (unknown, not "no site").
#include <algorithm>
#include <map>

#include "chrom_key.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::genome {

struct SpliceSiteIndex::Sites {
  struct Site {
    int64_t position;
    int8_t type;
    bool operator<(const Site& other) const {
      return position < other.position || (position == other.position && type < other.type);
    }
    bool operator==(const Site& other) const { return position == other.position && type == other.type; }
  };
  struct Strand {
    std::vector<Site> sites;
    std::vector<Interval> covered;  // transcript spans, merged by finish()
  };
  std::map<std::pair<std::string, char>, Strand> by_chrom_strand;
  size_t donors = 0, acceptors = 0;
};

void SpliceSiteIndex::add(const TranscriptModel& t) {
  if (!sites_) sites_ = std::make_shared<Sites>();
  char strand = t.strand == '-' ? '-' : '+';
  Sites::Strand& s = sites_->by_chrom_strand[{chrom_key(t.chrom), strand}];
  s.covered.push_back(t.span);
  for (size_t i = 0; i + 1 < t.exons.size(); ++i) {
    Interval gap{t.exons[i].end, t.exons[i + 1].start};
    if (gap.end <= gap.start) continue;
    bool plus = strand == '+';
    s.sites.push_back({plus ? gap.start : gap.end - 1, label_donor});
    s.sites.push_back({plus ? gap.end - 1 : gap.start, label_acceptor});
  }
}

void SpliceSiteIndex::finish() {
  if (!sites_) sites_ = std::make_shared<Sites>();
  sites_->donors = sites_->acceptors = 0;
  for (auto& [key, s] : sites_->by_chrom_strand) {
    std::sort(s.sites.begin(), s.sites.end());
    s.sites.erase(std::unique(s.sites.begin(), s.sites.end()), s.sites.end());
    for (const auto& site : s.sites) (site.type == label_donor ? sites_->donors : sites_->acceptors)++;
    std::sort(s.covered.begin(), s.covered.end(), [](auto& a, auto& b) { return a.start < b.start; });
    std::vector<Interval> merged;
    for (const auto& span : s.covered) {
      if (!merged.empty() && span.start <= merged.back().end) merged.back().end = std::max(merged.back().end, span.end);
      else merged.push_back(span);
    }
    s.covered = std::move(merged);
  }
}

size_t SpliceSiteIndex::donor_count() const { return sites_ ? sites_->donors : 0; }
size_t SpliceSiteIndex::acceptor_count() const { return sites_ ? sites_->acceptors : 0; }

void SpliceSiteIndex::label(const std::string& chrom, int64_t start, int64_t end, char strand, int8_t* out) const {
  const int64_t n = end - start;
  std::fill(out, out + n, static_cast<int8_t>(label_ignore));
  strand = strand == '-' ? '-' : '+';
  if (!sites_) return;
  auto found = sites_->by_chrom_strand.find({chrom_key(chrom), strand});
  if (found != sites_->by_chrom_strand.end()) {
    const Sites::Strand& s = found->second;
    auto first = std::upper_bound(s.covered.begin(), s.covered.end(), start,
                                  [](int64_t value, const Interval& span) { return value < span.end; });
    for (auto it = first; it != s.covered.end() && it->start < end; ++it)
      std::fill(out + (std::max(it->start, start) - start), out + (std::min(it->end, end) - start), label_neither);
    // Sites sorted by (position, type): where one base is both (a 1-nt intron), the donor is written last and wins.
    auto site = std::lower_bound(s.sites.begin(), s.sites.end(), Sites::Site{start, INT8_MIN});
    for (; site != s.sites.end() && site->position < end; ++site) out[site->position - start] = site->type;
  }
  if (strand == '-') std::reverse(out, out + n);
}

SpliceSiteIndex load_splice_sites(AnnotationReader& annotation) {
  SpliceSiteIndex index;
  TranscriptModel t;
  while (annotation.next(t)) index.add(t);
  index.finish();
  return index;
}

}  // namespace splicebert::genome
