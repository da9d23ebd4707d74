// Splice-site tracks and calls (include/splicebert/splice_sites.hpp; docs/splice-sites.md, "Calling sites").
#include "splicebert/splice_sites.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "splicebert/error.hpp"
#include "splicebert/splice_deltas.hpp"

namespace splicebert::variant {

void SpliceSiteTracks::add(const std::string& chrom, int64_t start, char strand,
                           const std::vector<float>& probabilities) {
  const int64_t L = static_cast<int64_t>(probabilities.size() / 3);
  if (L == 0) return;
  Block block;
  block.start = start;
  block.acceptor.resize(static_cast<size_t>(L));
  block.donor.resize(static_cast<size_t>(L));
  const bool minus = strand == '-';
  for (int64_t i = 0; i < L; ++i) {
    const int64_t at = minus ? L - 1 - i : i;  // genome order
    block.acceptor[static_cast<size_t>(at)] = probabilities[static_cast<size_t>(i * 3 + kAcceptor)];
    block.donor[static_cast<size_t>(at)] = probabilities[static_cast<size_t>(i * 3 + kDonor)];
  }
  blocks_[chrom][minus ? 1 : 0].push_back(std::move(block));
}

void SpliceSiteTracks::for_each_position(int channel, char strand,
                                         const std::function<void(const std::string&, int64_t, float)>& visit) const {
  for (const auto& [chrom, by_strand] : blocks_) {
    std::vector<const Block*> blocks;
    for (const Block& b : by_strand[strand == '-' ? 1 : 0]) blocks.push_back(&b);
    std::sort(blocks.begin(), blocks.end(), [](const Block* a, const Block* b) { return a->start < b->start; });
    // Sweep over runs of overlapping blocks: each run is merged into one dense array (max), then visited in order.
    for (size_t first = 0; first < blocks.size();) {
      const int64_t run_start = blocks[first]->start;
      int64_t run_end = run_start;
      size_t last = first;
      while (last < blocks.size() && blocks[last]->start <= run_end) {
        run_end = std::max(run_end, blocks[last]->start + static_cast<int64_t>(blocks[last]->acceptor.size()));
        ++last;
      }
      std::vector<float> merged(static_cast<size_t>(run_end - run_start), -INFINITY);
      for (size_t b = first; b < last; ++b) {
        const std::vector<float>& values = channel == kAcceptor ? blocks[b]->acceptor : blocks[b]->donor;
        float* into = merged.data() + (blocks[b]->start - run_start);
        for (size_t i = 0; i < values.size(); ++i) into[i] = std::max(into[i], values[i]);
      }
      for (size_t i = 0; i < merged.size(); ++i) visit(chrom, run_start + static_cast<int64_t>(i), merged[i]);
      first = last;
    }
  }
}

std::vector<SiteCall> SpliceSiteTracks::calls(double threshold) const {
  std::vector<SiteCall> out;
  for (int channel : {kAcceptor, kDonor})
    for (char strand : {'+', '-'})
      for_each_position(channel, strand, [&](const std::string& chrom, int64_t position, float value) {
        if (value >= threshold) out.push_back({chrom, position, strand, channel, value});
      });
  std::sort(out.begin(), out.end(), [](const SiteCall& a, const SiteCall& b) {
    return std::tie(a.chrom, a.position, a.strand, a.channel) < std::tie(b.chrom, b.position, b.strand, b.channel);
  });
  return out;
}

std::map<std::string, int64_t> SpliceSiteTracks::extents() const {
  std::map<std::string, int64_t> out;
  for (const auto& [chrom, by_strand] : blocks_)
    for (const auto& blocks : by_strand)
      for (const Block& b : blocks)
        out[chrom] = std::max(out[chrom], b.start + static_cast<int64_t>(b.acceptor.size()));
  return out;
}

std::string called_sites_bed(const std::vector<SiteCall>& calls) {
  std::string out;
  for (const SiteCall& c : calls)
    out += c.chrom + '\t' + std::to_string(c.position) + '\t' + std::to_string(c.position + 1) + '\t' +
           (c.channel == kAcceptor ? "acceptor" : "donor") + '\t' +
           std::to_string(std::lround(std::clamp(static_cast<double>(c.score), 0.0, 1.0) * 1000)) + '\t' + c.strand +
           '\n';
  return out;
}

nlohmann::json splice_site_record_json(const std::string& name, const std::string& sequence,
                                       const std::vector<float>& probabilities, double threshold, bool from_genome,
                                       int64_t start, char strand) {
  nlohmann::json sites = nlohmann::json::array();
  const int64_t L = static_cast<int64_t>(probabilities.size() / 3);
  for (int64_t i = 0; i < L; ++i)
    for (int channel : {kAcceptor, kDonor}) {
      const float score = probabilities[static_cast<size_t>(i * 3 + channel)];
      if (score < threshold) continue;
      const int64_t position = !from_genome ? i : strand == '-' ? start + L - 1 - i : start + i;
      sites.push_back({{"position", position},
                       {"nucleotide", std::string(1, i < static_cast<int64_t>(sequence.size()) ? sequence[i] : 'N')},
                       {"type", channel == kAcceptor ? "acceptor" : "donor"},
                       {"score", score}});
    }
  return {{"name", name}, {"sites", sites}};
}

}  // namespace splicebert::variant
