// The four splice-site track files of `predict` (splice_sites.hpp): bedGraph text, bgzip + tabix (htslib), bigWig
// (libBigWig, when the build found it). Each file is written under PATH.partial and renamed when complete, so a
// failed run leaves no track behind.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include <htslib/bgzf.h>
#include <htslib/tbx.h>

#ifdef SPLICEBERT_HAVE_BIGWIG
#include <bigWig.h>
#endif

#include "splicebert/error.hpp"
#include "splicebert/splice_deltas.hpp"
#include "splicebert/splice_sites.hpp"

namespace splicebert::variant {
namespace {

// Removes the partial files of a failed write (the .partial name and its index) unless released.
struct PartialFiles {
  std::vector<std::string> paths;
  bool released = false;
  ~PartialFiles() {
    if (released) return;
    std::error_code ec;
    for (const std::string& p : paths) std::filesystem::remove(p, ec);
  }
};

std::string format_value(float value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", static_cast<double>(value));
  return buffer;
}

// One bedGraph track streamed to `emit` (whole chromosomes of one value per position do not fit in memory as
// text); returns the number of lines before the first data line (tabix skips them).
int write_bedgraph(const SpliceSiteTracks& tracks, int channel, char strand, const TrackOptions& options,
                   const std::string& name, const std::function<void(const std::string&)>& emit) {
  int header_lines = 0;
  for (const std::string& comment : options.comments) {
    emit("# " + comment + "\n");
    ++header_lines;
  }
  if (options.track_line) {
    emit("track type=bedGraph name=\"" + name + "\" description=\"" + name + " probability\"\n");
    ++header_lines;
  }
  std::string line;
  tracks.for_each_position(channel, strand, [&](const std::string& chrom, int64_t position, float value) {
    line = chrom + '\t' + std::to_string(position) + '\t' + std::to_string(position + 1) + '\t' + format_value(value) +
           '\n';
    emit(line);
  });
  return header_lines;
}

void write_plain(const std::string& path, const SpliceSiteTracks& tracks, int channel, char strand,
                 const TrackOptions& options, const std::string& name) {
  std::ofstream out(path, std::ios::binary);
  if (!out) fail(path, ": cannot open for writing");
  write_bedgraph(tracks, channel, strand, options, name, [&](const std::string& text) { out << text; });
  out.close();
  if (!out) fail(path, ": cannot write");
}

void write_bgzip_indexed(const std::string& path, const SpliceSiteTracks& tracks, int channel, char strand,
                         const TrackOptions& options, const std::string& name) {
  BGZF* out = bgzf_open(path.c_str(), "w");
  if (!out) fail(path, ": cannot open for writing");
  bool written = true;
  const int header_lines = write_bedgraph(tracks, channel, strand, options, name, [&](const std::string& text) {
    written = written && bgzf_write(out, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  });
  if (bgzf_close(out) != 0 || !written) fail(path, ": cannot write");
  tbx_conf_t conf = tbx_conf_bed;
  conf.line_skip = header_lines;  // the track line is not '#'-prefixed
  if (tbx_index_build(path.c_str(), 0, &conf) != 0) fail(path, ": cannot build the tabix index");
}

#ifdef SPLICEBERT_HAVE_BIGWIG
void write_bigwig(const std::string& path, const SpliceSiteTracks& tracks, int channel, char strand,
                  const std::map<std::string, int64_t>& sizes) {
  if (bwInit(1 << 17) != 0) fail(path, ": cannot initialise libBigWig");
  bigWigFile_t* file = bwOpen(path.c_str(), nullptr, "w");
  if (!file) fail(path, ": cannot open for writing");
  std::unique_ptr<bigWigFile_t, void (*)(bigWigFile_t*)> guard(file, bwClose);
  std::vector<const char*> names;
  std::vector<uint32_t> lengths;
  for (const auto& [chrom, length] : sizes) {
    names.push_back(chrom.c_str());
    lengths.push_back(static_cast<uint32_t>(length));
  }
  if (bwCreateHdr(file, 10) != 0) fail(path, ": cannot create the bigWig header");
  file->cl = bwCreateChromList(names.data(), lengths.data(), static_cast<int64_t>(names.size()));
  if (!file->cl || bwWriteHdr(file) != 0) fail(path, ": cannot write the bigWig header");
  // Runs of consecutive positions go in as one fixed-step block each.
  std::string run_chrom;
  int64_t run_start = -1;
  std::vector<float> run;
  auto flush = [&] {
    if (run.empty()) return;
    if (sizes.find(run_chrom) == sizes.end()) fail(path, ": ", run_chrom, " is not in the genome's contigs");
    if (bwAddIntervalSpanSteps(file, run_chrom.c_str(), static_cast<uint32_t>(run_start), 1, 1, run.data(),
                               static_cast<uint32_t>(run.size())) != 0)
      fail(path, ": cannot add values on ", run_chrom);
    run.clear();
  };
  tracks.for_each_position(channel, strand, [&](const std::string& chrom, int64_t position, float value) {
    if (chrom != run_chrom || position != run_start + static_cast<int64_t>(run.size())) {
      flush();
      run_chrom = chrom;
      run_start = position;
    }
    run.push_back(value);
  });
  flush();
  guard.reset();
  bwCleanup();
}
#endif

}  // namespace

bool bigwig_supported() {
#ifdef SPLICEBERT_HAVE_BIGWIG
  return true;
#else
  return false;
#endif
}

std::vector<std::string> write_splice_tracks(const SpliceSiteTracks& tracks, const std::string& prefix,
                                             const TrackOptions& options) {
  if (options.format == TrackFormat::bigwig && !bigwig_supported())
    fail("--bigwig: this build has no libBigWig (install libbigwig-dev and rebuild)");
  const char* extension = options.format == TrackFormat::bgzip    ? ".bedGraph.gz"
                          : options.format == TrackFormat::bigwig ? ".bw"
                                                                  : ".bedGraph";
  std::vector<std::pair<std::string, std::string>> renames;  // partial -> final
  PartialFiles partial;
  for (int channel : {kAcceptor, kDonor})
    for (char strand : {'+', '-'}) {
      const std::string channel_name = channel == kAcceptor ? "acceptor" : "donor";
      const std::string path = prefix + "." + channel_name + (strand == '+' ? ".plus" : ".minus") + extension;
      const std::string temporary = path + ".partial";
      const std::string name = options.name_prefix + " " + channel_name + " " + strand;
      partial.paths.push_back(temporary);
      renames.push_back({temporary, path});
      if (options.format == TrackFormat::bigwig) {
#ifdef SPLICEBERT_HAVE_BIGWIG
        write_bigwig(temporary, tracks, channel, strand,
                     options.chrom_sizes.empty() ? tracks.extents() : options.chrom_sizes);
#endif
        continue;
      }
      if (options.format == TrackFormat::bedgraph) {
        write_plain(temporary, tracks, channel, strand, options, name);
        continue;
      }
      partial.paths.push_back(temporary + ".tbi");
      renames.push_back({temporary + ".tbi", path + ".tbi"});
      write_bgzip_indexed(temporary, tracks, channel, strand, options, name);
    }
  std::vector<std::string> written;
  for (const auto& [from, to] : renames) {
    std::error_code ec;
    std::filesystem::rename(from, to, ec);
    if (ec) fail(to, ": cannot rename into place: ", ec.message());
    written.push_back(to);
  }
  partial.released = true;
  return written;
}

}  // namespace splicebert::variant
