// build_window_shards(): FASTA records -> windows -> N filter -> dedup -> labels -> train/valid/test shards.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_set>

#include "chrom_key.hpp"
#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"
#include "splicebert/genome.hpp"
#include "line_reader.hpp"
#include "window_shard_writer.hpp"

namespace splicebert::genome {

namespace {

const char* const split_names[] = {"train", "valid", "test"};

// 128-bit fingerprint of a window for deduplication: two independent multiply-mix lanes over 8-byte words.
// Not cryptographic; a collision needs ~2^64 windows.
struct Fingerprint {
  uint64_t a, b;
  bool operator==(const Fingerprint&) const = default;
};
struct FingerprintHash {
  size_t operator()(const Fingerprint& f) const { return static_cast<size_t>(f.a); }
};
Fingerprint fingerprint(std::string_view text) {
  uint64_t a = 0x243f6a8885a308d3ull ^ text.size(), b = 0x13198a2e03707344ull + text.size();
  size_t i = 0;
  auto mix = [&](uint64_t word) {
    a = (a ^ word) * 0x9e3779b97f4a7c15ull;
    a ^= a >> 29;
    b = (b + word) * 0xc2b2ae3d27d4eb4full;
    b ^= b >> 31;
  };
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    mix(word);
  }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < text.size(); ++k) tail |= static_cast<uint64_t>(static_cast<unsigned char>(text[i + k])) << (8 * k);
  mix(tail);
  return {a * 0xff51afd7ed558ccdull ^ (b >> 17), b * 0xc4ceb9fe1a85ec53ull ^ (a >> 23)};
}

// "CHROM" applies to every species, "SPECIES:CHROM" to one (a CHROM that holds ':' still works: the species part
// must name a species of this run).
bool listed(const std::vector<std::string>& entries, const std::vector<std::string>& species, const std::string& name,
            const std::string& chrom) {
  for (const std::string& entry : entries) {
    std::string_view target = entry;
    size_t colon = entry.find(':');
    if (colon != std::string::npos) {
      std::string prefix = entry.substr(0, colon);
      if (std::find(species.begin(), species.end(), prefix) != species.end()) {
        if (prefix != name) continue;
        target = std::string_view(entry).substr(colon + 1);
      }
    }
    if (chrom_key(target) == chrom_key(chrom)) return true;
  }
  return false;
}

nlohmann::json parameters_json(const WindowJob& job) {
  const WindowParams& p = job.params;
  return {{"min_length", p.min_length}, {"max_length", p.max_length},
          {"stride", p.stride}, {"random_offsets", p.random_offsets},
          {"seed", p.seed}, {"max_n_fraction", p.max_n_fraction}, {"dedup", p.dedup},
          {"site_free_share", p.site_free_share},
          {"holdout", job.holdout}, {"valid", job.valid}};
}

// True when a labelled window holds an acceptor or a donor.
bool holds_site(const std::vector<int8_t>& labels) {
  return std::any_of(labels.begin(), labels.end(),
                     [](int8_t v) { return v == label_acceptor || v == label_donor; });
}

// A uniform draw in [0, 1) fixed by (seed, input, record, offset): which site-free windows are kept does not depend
// on the order of the inputs or on the other windows.
double window_draw(uint64_t seed, uint64_t stream, int64_t offset) {
  uint64_t x = seed * 0x9e3779b97f4a7c15ull ^ (stream + 0x632be59bd9b4e019ull) * 0xbf58476d1ce4e5b9ull ^
               static_cast<uint64_t>(offset) * 0x94d049bb133111ebull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

}  // namespace

WindowSummary build_window_shards(const WindowJob& job, Diagnostics& diagnostics) {
  const WindowParams& params = job.params;
  if (params.min_length < 1 || params.max_length < params.min_length) fail("window lengths need 1 <= min <= max");
  if (params.stride < 0) fail("--stride must be positive");
  if (!(params.site_free_share >= 0 && params.site_free_share <= 1)) fail("--site-free-share must be in [0, 1]");
  if (params.site_free_share < 1 && job.splice_annotation.empty())
    fail("--site-free-share needs splice-site labels (--splice-labels)");
  if (!job.splice_annotation.empty() && !job.branchpoint_bed.empty())
    fail("a shard holds one kind of labels: give splice-site or branchpoint labels, not both");
  WindowSummary summary;
  for (const auto& input : job.inputs) {
    if (std::find(summary.species.begin(), summary.species.end(), input.species) == summary.species.end())
      summary.species.push_back(input.species);
  }
  if (summary.species.size() > 255) fail("at most 255 species per shard (one byte per window)");
  summary.splits.assign(std::begin(split_names), std::end(split_names));
  summary.counts.assign(summary.species.size(), std::vector<WindowCounts>(3));

  std::optional<SpliceSiteIndex> splice_sites;
  std::optional<BranchpointIndex> branchpoints;
  if (!job.splice_annotation.empty()) {
    auto annotation = open_annotation(job.splice_annotation, job.annotation_format, diagnostics);
    splice_sites = load_splice_sites(*annotation);
  }
  if (!job.branchpoint_bed.empty()) branchpoints.emplace(read_branchpoint_bed(job.branchpoint_bed, diagnostics));
  const bool with_labels = splice_sites || branchpoints;

  std::vector<std::unique_ptr<WindowShardWriter>> writers;
  for (const char* split : split_names)
    writers.push_back(std::make_unique<WindowShardWriter>(job.output_prefix + "." + split, with_labels,
                                                          std::string("splicebert ") + SPLICEBERT_VERSION + ": " + job.command_line));
  std::unordered_set<Fingerprint, FingerprintHash> seen;
  std::string tokens;
  std::vector<int8_t> labels;
  splicebert::FastaRecord record;
  size_t nucleotides_read = 0;
  // The share done is the share of the inputs' bytes read; unknown (-1) when any input is not a regular file.
  int64_t total_bytes = 0, bytes_before = 0;
  for (const auto& input : job.inputs) {
    std::error_code error;
    const bool regular = input.path != "-" && std::filesystem::is_regular_file(input.path, error);
    const auto size = regular ? std::filesystem::file_size(input.path, error) : 0;
    total_bytes = (total_bytes < 0 || !regular || error) ? -1 : total_bytes + static_cast<int64_t>(size);
  }
  for (size_t input_index = 0; input_index < job.inputs.size(); ++input_index) {
    const WindowInput& input = job.inputs[input_index];
    uint8_t species = static_cast<uint8_t>(
        std::find(summary.species.begin(), summary.species.end(), input.species) - summary.species.begin());
    splicebert::FastaReader reader(input.path);
    reader.allow_duplicate_names();
    for (uint64_t record_index = 0; reader.next(record); ++record_index) {
      ++summary.records;
      const int64_t length = static_cast<int64_t>(record.sequence.size());
      nucleotides_read += record.sequence.size();
      if (job.progress)
        job.progress(summary.records, nucleotides_read,
                     total_bytes > 0 ? std::min(1.0, static_cast<double>(bytes_before + reader.bytes_read()) /
                                                         static_cast<double>(total_bytes))
                                     : -1.0);
      SequenceOrigin origin = parse_sequence_origin(record.name, length);
      bool placed = origin.end - origin.start == length;  // unspliced: base i sits at one genomic position
      if (with_labels && !placed) {
        diagnostics.bad(input.path + ":" + std::to_string(record.line),
                        "record " + record.name + " is shorter than its header span (spliced?): labels need genomic positions");
        continue;
      }
      int split = listed(job.holdout, summary.species, input.species, origin.chrom)    ? 2
                  : listed(job.valid, summary.species, input.species, origin.chrom) ? 1
                                                                                     : 0;
      const uint64_t stream = (input_index << 40) + record_index;
      for (const WindowSpan& w : sample_windows(length, params, stream)) {
        std::string_view view(record.sequence.data() + w.offset, static_cast<size_t>(w.length));
        if (non_acgt_fraction(view) > params.max_n_fraction) {
          ++summary.too_many_n;
          continue;
        }
        tokens.assign(view);
        to_upper(tokens);
        if (params.dedup && !seen.insert(fingerprint(tokens)).second) {
          ++summary.duplicates;
          continue;
        }
        WindowOrigin where{record.name, w.offset, origin};
        if (placed) {
          // On '-' the record runs right to left along the genome.
          where.genomic.start = origin.strand == '-' ? origin.end - w.offset - w.length : origin.start + w.offset;
          where.genomic.end = where.genomic.start + w.length;
        } else {
          where.genomic.start = where.genomic.end = 0;
        }
        if (with_labels) {
          labels.resize(static_cast<size_t>(w.length));
          const SequenceOrigin& g = where.genomic;
          if (splice_sites) splice_sites->label(g.chrom, g.start, g.end, g.strand, labels.data());
          else branchpoints->label(g.chrom, g.start, g.end, g.strand, labels.data());
          if (splice_sites && params.site_free_share < 1 && !holds_site(labels) &&
              window_draw(params.seed, stream, w.offset) >= params.site_free_share) {
            ++summary.site_free_dropped;
            continue;
          }
        }
        writers[split]->add(tokens, species, with_labels ? labels.data() : nullptr, where, input.species);
        WindowCounts& counts = summary.counts[species][split];
        ++counts.windows;
        counts.nucleotides += static_cast<size_t>(w.length);
      }
    }
    bytes_before += reader.bytes_read();
  }
  for (int split = 0; split < 3; ++split) {
    nlohmann::json per_species = nlohmann::json::object();
    for (size_t s = 0; s < summary.species.size(); ++s)
      per_species[summary.species[s]] = {{"windows", summary.counts[s][split].windows},
                                         {"nucleotides", summary.counts[s][split].nucleotides}};
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& input : job.inputs) inputs.push_back({{"species", input.species}, {"path", input.path}});
    nlohmann::json sidecar = {
        {"format", "splicebert-window-shard"}, {"format_version", 1}, {"split", split_names[split]},
        {"windows", writers[split]->size()}, {"nucleotides", writers[split]->nucleotides()},
        {"species", summary.species}, {"per_species", per_species},
        {"tokens", "one byte per nucleotide: the input letter upper-cased (A C G T/U N, other IUPAC letters kept)"},
        {"labels", splice_sites ? "splice-sites" : branchpoints ? "branchpoint" : "none"},
        {"parameters", parameters_json(job)}, {"inputs", inputs},
        {"tool", std::string("splicebert ") + SPLICEBERT_VERSION}, {"command_line", job.command_line}};
    if (splice_sites) {
      sidecar["label_encoding"] = {{"0", "neither"}, {"1", "acceptor (last intron base)"},
                                   {"2", "donor (first intron base)"}, {"-100", "outside annotated transcripts"}};
      sidecar["label_source"] = job.splice_annotation;
    } else if (branchpoints) {
      sidecar["label_encoding"] = {{"1", "branchpoint"}, {"0", "not a branchpoint"}, {"-100", "ignore / no record"}};
      sidecar["label_source"] = job.branchpoint_bed;
    }
    writers[split]->finish(sidecar);
  }
  return summary;
}

void read_window_input_list(const std::string& path, std::vector<WindowInput>& inputs) {
  LineReader lines(path);
  std::string_view line;
  std::vector<std::string_view> fields;
  while (lines.next(line)) {
    if (line.empty() || line.front() == '#') continue;
    split_fields(line, '\t', fields);
    if (fields.size() != 2 || fields[0].empty() || fields[1].empty()) fail(lines.where(), ": expected SPECIES<TAB>PATH");
    inputs.push_back({std::string(fields[0]), std::string(fields[1])});
  }
}

}  // namespace splicebert::genome
