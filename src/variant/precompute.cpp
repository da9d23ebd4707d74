// precompute: every SNV of some regions scored through the same VcfScorer as score-vcf, written as a bgzip VCF
// table with a tabix index. Positions go to the scorer in chunks, so the three SNVs of a position (and positions
// whose windows coincide, as with exon-centred windows) share their REF and masked forwards.
#include <htslib/tbx.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "genome/text_output.hpp"
#include "splicebert/error.hpp"
#include "splicebert/score_table.hpp"

namespace splicebert::variant {

std::vector<genome::Region> read_precompute_regions(const std::string& bed_path, const genome::Reference& reference) {
  std::ifstream in(bed_path);
  if (!in) fail(bed_path, ": cannot open");
  std::vector<std::pair<int, genome::Region>> regions;  // (contig index, region)
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#' || line.starts_with("track") || line.starts_with("browser")) continue;
    char chrom[256];
    long long start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%255s %lld %lld", chrom, &start, &end) != 3 || start < 0 || end <= start)
      fail(bed_path, ":", number, ": expected CHROM START END with 0 <= START < END");
    const int contig = reference.find_contig(chrom);
    if (contig < 0) fail(bed_path, ":", number, ": contig '", chrom, "' is not in ", reference.path());
    const int64_t length = reference.contig_length(contig);
    if (start >= length) fail(bed_path, ":", number, ": starts past the end of ", chrom, " (", length, " nt)");
    regions.push_back({contig, {reference.contig_name(contig), start, std::min<int64_t>(end, length)}});
  }
  std::sort(regions.begin(), regions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.start) < std::tie(b.first, b.second.start);
  });
  std::vector<genome::Region> merged;
  int last_contig = -1;
  for (const auto& [contig, region] : regions) {
    if (contig == last_contig && region.start <= merged.back().end) merged.back().end = std::max(merged.back().end, region.end);
    else merged.push_back(region);
    last_contig = contig;
  }
  return merged;
}

namespace {
std::string join(const std::vector<std::string>& parts) {
  std::string text;
  for (size_t k = 0; k < parts.size(); ++k) text += (k ? "," : "") + (parts[k].empty() ? "." : parts[k]);
  return text;
}

void append_row(const vcf::Record& record, const vcf::Annotation& a, std::string& out) {
  out += record.chrom + '\t' + std::to_string(record.position + 1) + "\t.\t" + record.ref + '\t' + record.alts[0] +
         "\t.\t.\t";
  std::string info;
  if (!a.entries.empty()) info += "SpliceBERT=" + join(a.entries);
  if (!a.context_kl.empty()) {
    char number[40] = ".";  // as a float, the precision score-vcf writes
    if (!std::isnan(a.context_kl[0])) std::snprintf(number, sizeof number, "%.9g", static_cast<double>(static_cast<float>(a.context_kl[0])));
    info += std::string(info.empty() ? "" : ";") + "SB_KL=" + number;
  }
  if (!a.reasons.empty()) info += std::string(info.empty() ? "" : ";") + "SB_REASON=" + join(a.reasons);
  out += (info.empty() ? "." : info) + '\n';
}
}  // namespace

PrecomputeStats precompute_table(VcfScorer& scorer, genome::Reference& reference,
                                 const std::vector<genome::Region>& regions, const std::string& output,
                                 const std::vector<std::string>& header_lines, size_t chunk,
                                 const std::function<void(size_t)>& progress, const Shard& shard) {
  if (!output.ends_with(".gz")) fail(output, ": a score table is a bgzip VCF: name it TABLE.vcf.gz");
  PrecomputeStats stats;
  const std::string index_path = output + ".tbi", index_temporary = output + ".tbi.partial";
  std::filesystem::remove(index_path);  // an index of an earlier table must not pair with a new one
  {
    genome::TextOutput table(output, 1);
    std::string& out = table.buffer();
    out += "##fileformat=VCFv4.2\n";
    for (const genome::Region& region : regions) {  // contigs of the table, in order, each once
      const std::string line = "##contig=<ID=" + region.chrom +
                               ",length=" + std::to_string(reference.contig_length(reference.find_contig(region.chrom))) + ">\n";
      if (out.find(line) == std::string::npos) out += line;
    }
    for (const std::string& line : vcf::info_header_lines()) out += line + '\n';
    for (const std::string& line : header_lines) out += line + '\n';
    out += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
    std::vector<vcf::Record> records;
    auto flush = [&] {
      const auto annotations = scorer.score(records);
      for (size_t r = 0; r < records.size(); ++r) append_row(records[r], annotations[r], out);
      table.written();
      records.clear();
      progress(stats.positions);
    };
    int64_t total = 0, index = 0;  // positions of all regions; this shard's block of them
    for (const genome::Region& region : regions) total += region.end - region.start;
    const int64_t first = shard.begin(total), end = shard.end(total);
    std::string bases;
    for (const genome::Region& region : regions) {
      const int64_t size = region.end - region.start;
      if (index + size <= first || index >= end) {  // no position of this shard
        index += size;
        continue;
      }
      const int contig = reference.find_contig(region.chrom);
      const int64_t begin_at = region.start + std::max<int64_t>(first - index, 0);
      const int64_t end_at = region.start + std::min<int64_t>(end - index, size);
      index += size;
      bases.clear();
      reference.append(contig, begin_at, end_at, bases);
      for (int64_t p = begin_at; p < end_at; ++p) {
        const char ref = static_cast<char>(std::toupper(static_cast<unsigned char>(bases[p - begin_at])));
        if (ref != 'A' && ref != 'C' && ref != 'G' && ref != 'T') {
          ++stats.skipped_positions;
          continue;
        }
        for (char alt : {'A', 'C', 'G', 'T'})
          if (alt != ref)
            records.push_back({region.chrom, p, std::string(1, ref), {std::string(1, alt)},
                               static_cast<int64_t>(stats.variants++) + 1});
        ++stats.positions;
        if (records.size() >= 3 * chunk) flush();
      }
    }
    if (!records.empty()) flush();
    table.commit();
  }
  // The index is built beside the finished table and renamed last: a table without its index is never mistaken
  // for a complete run (lookup needs both), and a failed indexing removes the table too.
  if (tbx_index_build2(output.c_str(), index_temporary.c_str(), 0, &tbx_conf_vcf) != 0) {
    std::filesystem::remove(index_temporary);
    std::filesystem::remove(output);
    fail(output, ": cannot build the tabix index");
  }
  std::filesystem::rename(index_temporary, index_path);
  return stats;
}

}  // namespace splicebert::variant
