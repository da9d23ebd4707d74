// `predict` with a splice-site model (docs/splice-sites.md, "Calling sites"): per-nucleotide acceptor and donor
// probabilities of many records (transcripts or regions, each on its strand) merged into genome tracks, one per
// channel and strand, with one value per position (the max over the records covering it), sorted; the sites at or
// above a threshold as BED6; tracks as bedGraph, bgzip + tabix, or bigWig; sites per record in MultiMolecule's
// `splice-site` JSON schema.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace splicebert::variant {

struct SiteCall {
  std::string chrom;
  int64_t position = 0;  // 0-based
  char strand = '+';
  int channel = 1;       // kAcceptor or kDonor
  float score = 0;
};

class SpliceSiteTracks {
 public:
  // One record's probabilities [L*3] in its own orientation: on '+' nucleotide i lies at start + i, on '-' at
  // start + L − 1 − i (the record is the reverse complement of [start, start + L)).
  void add(const std::string& chrom, int64_t start, char strand, const std::vector<float>& probabilities);
  // Every covered position of one channel (kAcceptor, kDonor) and strand, once, with the max over the records that
  // cover it: chromosomes in byte order of their names (as `sort -k1,1` in the C locale), positions ascending.
  void for_each_position(int channel, char strand,
                         const std::function<void(const std::string&, int64_t, float)>& visit) const;
  // Positions whose merged value is ≥ threshold, sorted by chrom, position, strand ('+' first), channel.
  std::vector<SiteCall> calls(double threshold) const;
  // The end of the last covered position per chromosome (bigWig chromosome sizes when no genome is given).
  std::map<std::string, int64_t> extents() const;
  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    int64_t start = 0;
    std::vector<float> acceptor, donor;  // genome order
  };
  std::map<std::string, std::array<std::vector<Block>, 2>> blocks_;  // chrom -> {+, −}
};

enum class TrackFormat { bedgraph, bgzip, bigwig };
struct TrackOptions {
  TrackFormat format = TrackFormat::bedgraph;
  std::vector<std::string> comments;        // '#' lines at the top of text tracks (provenance)
  bool track_line = true;                   // `track type=bedGraph name=...` (IGV); off for bedGraphToBigWig
  std::string name_prefix = "splicebert";   // track names: "<prefix> acceptor +" ...
  std::map<std::string, int64_t> chrom_sizes;  // bigWig: from the genome; else extents()
};
// The four tracks PREFIX.{acceptor,donor}.{plus,minus}.bedGraph (.bedGraph.gz + .tbi for bgzip, .bw for bigWig),
// each written under a temporary name and renamed when complete. Returns the paths written. bigWig is an error when
// the build has no libBigWig.
std::vector<std::string> write_splice_tracks(const SpliceSiteTracks& tracks, const std::string& prefix,
                                             const TrackOptions& options);
bool bigwig_supported();

// Called sites as BED6: chrom, start, end, acceptor|donor, round(1000·score), strand.
std::string called_sites_bed(const std::vector<SiteCall>& calls);

// MultiMolecule's `splice-site` output for one record: {"name", "sites": [{position, nucleotide, type, score}]},
// sites at or above `threshold` in record order; position is the genome position when `from_genome` (then
// start/strand as in SpliceSiteTracks::add), else the 0-based index in the record; nucleotide is the record's base.
nlohmann::json splice_site_record_json(const std::string& name, const std::string& sequence,
                                       const std::vector<float>& probabilities, double threshold, bool from_genome,
                                       int64_t start, char strand);

}  // namespace splicebert::variant
