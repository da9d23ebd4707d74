// Reference FASTA (plain or bgzip) with a samtools .fai (+ .gzi for bgzip). Index files that exist are used as they
// are; missing ones are built with htslib's fai_build3 in a private temporary folder, so a read-only input folder is
// never written to. Sequence is read with bgzf_useek + bgzf_read (bulk copies) using the .fai line layout, through a
// window cache of the current contig; htslib's faidx_fetch_seq reads one character at a time, which made it the
// bottleneck of a whole-genome extraction.
#include <htslib/bgzf.h>
#include <htslib/faidx.h>

#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "line_reader.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/io.hpp"

namespace splicebert::genome {

namespace fs = std::filesystem;

namespace {

struct Contig {
  std::string name;
  int64_t length = 0, offset = 0, line_bases = 0, line_width = 0;  // the .fai columns
};

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

// 0 plain, 1 gzip (not indexable), 2 bgzip.
int compression_of(const std::string& path) {
  BGZF* file = bgzf_open(path.c_str(), "r");
  if (!file) fail(path, ": cannot open the reference FASTA");
  int kind = bgzf_compression(file);
  bgzf_close(file);
  return kind;
}

// htslib's index builder keeps the first of two records with one name and only logs a warning; a silently ignored
// chromosome would give wrong sequence, so duplicates are refused here with both line numbers.
void refuse_duplicate_names(const std::string& path) {
  LineReader lines(path);
  std::unordered_map<std::string, int64_t> first_line;
  std::string_view line;
  while (lines.next(line)) {
    if (line.empty() || line.front() != '>') continue;
    std::string_view name = line.substr(1);
    name = name.substr(0, name.find_first_of(" \t"));
    auto [it, inserted] = first_line.try_emplace(std::string(name), lines.line_number());
    if (!inserted) fail(lines.where(), ": duplicate sequence name '", name, "' (first at line ", it->second, ")");
  }
}

// The .fai is trusted no further than the FASTA: a line whose layout cannot describe a FASTA record (negative
// numbers, a line end of more than two bytes, a last base whose file offset overflows or, for a plain file, lies past
// its end) is refused here, so that no later read computes an offset from it or sizes a buffer by it.
std::vector<Contig> read_fai(const std::string& fai, int64_t plain_file_size) {
  std::vector<Contig> contigs;
  std::unordered_map<std::string, int64_t> first_line;
  LineReader lines(fai);
  std::string_view line;
  std::vector<std::string_view> fields;
  while (lines.next(line)) {
    if (line.empty()) continue;
    split_fields(line, '\t', fields);
    std::optional<int64_t> values[4];
    for (int i = 0; i < 4 && i + 1 < static_cast<int>(fields.size()); ++i) values[i] = parse_int64(fields[i + 1]);
    if (fields.size() < 5 || !values[0] || !values[1] || !values[2] || !values[3] || *values[2] > *values[3] ||
        (*values[0] > 0 && *values[2] < 1))
      fail(lines.where(), ": malformed FASTA index line");
    const Contig c{std::string(fields[0]), *values[0], *values[1], *values[2], *values[3]};
    if (c.length < 0 || c.offset < 0 || c.line_bases < 0)
      fail(lines.where(), ": negative length or offset in the FASTA index");
    if (c.length > 0) {
      if (c.line_width - c.line_bases > 2)
        fail(lines.where(), ": line width ", c.line_width, " exceeds ", c.line_bases, " bases by more than a line end");
      // File offset of the last base, offset + (n-1)/bases*width + (n-1)%bases, without overflowing.
      int64_t last = 0;
      const int64_t full_lines = (c.length - 1) / c.line_bases;
      if (__builtin_mul_overflow(full_lines, c.line_width, &last) || __builtin_add_overflow(last, c.offset, &last) ||
          __builtin_add_overflow(last, (c.length - 1) % c.line_bases, &last) || last == INT64_MAX)
        fail(lines.where(), ": sequence '", c.name, "' ends past any file size");
      if (plain_file_size >= 0 && last >= plain_file_size)
        fail(lines.where(), ": sequence '", c.name, "' ends at byte ", last + 1, " but the FASTA has ", plain_file_size,
             " bytes (a stale or foreign index?)");
    }
    auto [it, inserted] = first_line.try_emplace(c.name, lines.line_number());
    if (!inserted) fail(lines.where(), ": duplicate sequence name '", c.name, "' (first at line ", it->second, ")");
    contigs.push_back(c);
  }
  return contigs;
}

}  // namespace

struct Reference::State {
  BGZF* file = nullptr;
  std::vector<Contig> contigs;
  std::unordered_map<std::string, int> by_name;
  size_t window = 0;
  int cached_contig = -1;
  Interval cached;
  std::string data, skip;
  ~State() {
    if (file) bgzf_close(file);
  }
};

Reference::Reference(const std::string& path, size_t cache_window, int threads)
    : path_(path), state_(std::make_unique<State>()) {
  if (path == "-") fail("the reference FASTA must be a file (it is read through its index), not stdin");
  if (!exists(path)) fail(path, ": no such file");
  int kind = compression_of(path);
  if (kind == 1) fail(path, ": gzip-compressed but not bgzip; recompress it with `bgzip` (or decompress it)");
  State& s = *state_;
  s.file = bgzf_open(path.c_str(), "r");
  if (!s.file) fail(path, ": cannot open the reference FASTA");
  std::error_code size_error;
  const int64_t plain_size = kind == 0 ? static_cast<int64_t>(fs::file_size(path, size_error)) : -1;
  auto load = [&](const std::string& fai, const std::string& gzi) {
    s.contigs = read_fai(fai, size_error ? -1 : plain_size);
    if (kind == 2 && bgzf_index_load(s.file, gzi.c_str(), nullptr) != 0) fail(gzi, ": cannot load the bgzip index");
  };
  std::string fai = path + ".fai", gzi = path + ".gzi";
  if (exists(fai) && (kind != 2 || exists(gzi))) {
    load(fai, gzi);
  } else {
    refuse_duplicate_names(path);
    TemporaryFolder folder("the FASTA index");  // indexes are read into memory by load(), so the folder can go right after
    std::string temp_fai = folder.path() + "/index.fai", temp_gzi = folder.path() + "/index.gzi";
    if (fai_build3(path.c_str(), temp_fai.c_str(), kind == 2 ? temp_gzi.c_str() : nullptr) != 0)
      fail(path, ": cannot index this FASTA (is it FASTA, with equal line lengths within each record?)");
    load(temp_fai, temp_gzi);
  }
  for (size_t i = 0; i < s.contigs.size(); ++i) s.by_name.emplace(s.contigs[i].name, static_cast<int>(i));
  // Measured on the yeast benchmark (2 cores): htslib's threaded reader was slower than one thread there (handing
  // 64 KiB blocks between threads costs about what it saves), so it is only used with 4 or more threads.
  if (kind == 2 && threads >= 4) bgzf_mt(s.file, threads, 256);
  s.window = cache_window;
  // One allocation for the cache up front (the most raw bytes any window can need), not one per growing contig.
  size_t most = 0;
  for (const Contig& c : s.contigs) {
    int64_t bases = std::min<int64_t>(c.length, static_cast<int64_t>(cache_window));
    if (bases > 0) most = std::max<size_t>(most, bases + (bases / c.line_bases + 1) * (c.line_width - c.line_bases));
  }
  s.data.reserve(most);
}

Reference::~Reference() = default;

int Reference::contig_count() const { return static_cast<int>(state_->contigs.size()); }
const std::string& Reference::contig_name(int contig) const { return state_->contigs.at(contig).name; }
int64_t Reference::contig_length(int contig) const { return state_->contigs.at(contig).length; }

int Reference::find_contig(std::string_view name) const {
  auto lookup = [&](const std::string& key) {
    auto it = state_->by_name.find(key);
    return it == state_->by_name.end() ? -1 : it->second;
  };
  int found = lookup(std::string(name));
  if (found >= 0) return found;
  if (name.starts_with("chr")) return lookup(std::string(name.substr(3)));
  return lookup("chr" + std::string(name));
}

// Seeking a multi-threaded BGZF reader throws away the blocks it has decompressed ahead, so a target a little ahead
// (the next contig, in a file read in order) is reached by reading on instead.
bool Reference::move_to(int64_t offset) {
  State& s = *state_;
  constexpr int64_t read_on_limit = 1 << 20;
  int64_t here = static_cast<int64_t>(bgzf_utell(s.file));
  if (offset >= here && offset - here <= read_on_limit) {
    s.skip.resize(static_cast<size_t>(offset - here));
    return bgzf_read(s.file, s.skip.data(), s.skip.size()) == static_cast<ssize_t>(s.skip.size());
  }
  return bgzf_useek(s.file, offset, SEEK_SET) >= 0;
}

void Reference::append(int contig, int64_t start, int64_t end, std::string& out) {
  State& s = *state_;
  if (end <= start) return;
  if (contig != s.cached_contig || start < s.cached.start || end > s.cached.end) {
    const Contig& c = s.contigs.at(contig);
    int64_t load_end = std::min(c.length, std::max(end, start + static_cast<int64_t>(s.window)));
    // File offsets of the first base and one past the last one, from the fixed line layout.
    auto file_offset = [&](int64_t base) { return c.offset + base / c.line_bases * c.line_width + base % c.line_bases; };
    int64_t first = file_offset(start), last = file_offset(load_end - 1) + 1;
    s.cached_contig = -1;
    // Read the raw bytes (line ends included) into the cache, then squeeze the line ends out in place (every base
    // moves left or stays), so the cache never needs a second buffer.
    std::string& data = s.data;
    data.resize(static_cast<size_t>(last - first));
    if (!move_to(first) || bgzf_read(s.file, data.data(), data.size()) != static_cast<ssize_t>(data.size()))
      fail(path_, ": cannot read ", c.name, ":", start + 1, "-", load_end, " (truncated file or stale index?)");
    const char* from = data.data();
    char* to = data.data();
    for (int64_t base = start; base < load_end;) {
      int64_t run = std::min(c.line_bases - base % c.line_bases, load_end - base);
      if (to != from) std::memmove(to, from, static_cast<size_t>(run));
      to += run;
      base += run;
      from += run + (base % c.line_bases == 0 ? c.line_width - c.line_bases : 0);
    }
    data.resize(static_cast<size_t>(load_end - start));
    s.cached_contig = contig;
    s.cached = {start, load_end};
  }
  out.append(s.data.data() + (start - s.cached.start), static_cast<size_t>(end - start));
}

}  // namespace splicebert::genome
