// WindowShard: the token shard read back by mmap (read-only, shared pages), validated before any window is served.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "line_reader.hpp"
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/io.hpp"

namespace splicebert::genome {

namespace {

class MappedFile {
 public:
  MappedFile() = default;
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, ": cannot open: ", std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
      ::close(fd);
      fail(path, ": cannot stat");
    }
    size_ = static_cast<size_t>(info.st_size);
    if (size_ > 0) {  // mmap refuses length 0; an empty shard simply has no bytes
      void* address = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
      if (address == MAP_FAILED) {
        ::close(fd);
        fail(path, ": mmap failed: ", std::strerror(errno));
      }
      data_ = static_cast<const char*>(address);
    }
    ::close(fd);  // the mapping stays valid without the descriptor
  }
  MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }
  MappedFile& operator=(MappedFile&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

uint64_t read_u64_le(const char* p) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(p[i]);
  return value;
}

}  // namespace

struct WindowShard::State {
  std::string prefix, json_text;
  MappedFile tokens, index, species, labels;
  bool has_labels = false;
  size_t count = 0;
  std::vector<std::string> species_names;
  std::vector<WindowOrigin> origins;  // loaded on first origin() call
};

WindowShard::WindowShard() : state_(std::make_unique<State>()) {}
WindowShard::WindowShard(WindowShard&&) noexcept = default;
WindowShard& WindowShard::operator=(WindowShard&&) noexcept = default;
WindowShard::~WindowShard() = default;

WindowShard WindowShard::open(const std::string& prefix) {
  WindowShard shard;
  State& s = *shard.state_;
  s.prefix = prefix;
  s.json_text = read_file_text(prefix + ".json");
  nlohmann::json sidecar;
  try {
    sidecar = nlohmann::json::parse(s.json_text);
    s.species_names = sidecar.at("species").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    fail(prefix, ".json: not a window shard sidecar: ", e.what());
  }
  s.tokens = MappedFile(prefix + ".tokens");
  s.index = MappedFile(prefix + ".index");
  s.species = MappedFile(prefix + ".species");
  if (s.index.size() < 8 || s.index.size() % 8 != 0) fail(prefix, ".index: size is not a multiple of 8 (at least 8)");
  s.count = s.index.size() / 8 - 1;
  uint64_t previous = 0;
  for (size_t i = 0; i <= s.count; ++i) {
    uint64_t offset = read_u64_le(s.index.data() + 8 * i);
    if ((i == 0 && offset != 0) || offset < previous) fail(prefix, ".index: offsets must start at 0 and not decrease");
    previous = offset;
  }
  if (previous != s.tokens.size()) fail(prefix, ".index: last offset ", previous, " != size of .tokens ", s.tokens.size());
  if (s.species.size() != s.count) fail(prefix, ".species: ", s.species.size(), " entries for ", s.count, " windows");
  for (size_t i = 0; i < s.count; ++i) {
    if (static_cast<unsigned char>(s.species.data()[i]) >= s.species_names.size())
      fail(prefix, ".species: window ", i, " has species id ", int(static_cast<unsigned char>(s.species.data()[i])),
           " but the sidecar lists ", s.species_names.size());
  }
  std::error_code ec;
  if (std::filesystem::exists(prefix + ".labels", ec)) {
    s.labels = MappedFile(prefix + ".labels");
    if (s.labels.size() != s.tokens.size()) fail(prefix, ".labels: size differs from .tokens");
    s.has_labels = true;
  }
  return shard;
}

size_t WindowShard::size() const { return state_->count; }

std::string_view WindowShard::window(size_t i) const {
  if (i >= state_->count) fail(state_->prefix, ": window ", i, " out of range (", state_->count, " windows)");
  uint64_t begin = read_u64_le(state_->index.data() + 8 * i), end = read_u64_le(state_->index.data() + 8 * (i + 1));
  return std::string_view(state_->tokens.data() + begin, end - begin);
}

const int8_t* WindowShard::labels(size_t i) const {
  if (!state_->has_labels) return nullptr;
  std::string_view w = window(i);
  return reinterpret_cast<const int8_t*>(state_->labels.data() + (w.data() - state_->tokens.data()));
}

bool WindowShard::has_labels() const { return state_->has_labels; }
uint8_t WindowShard::species_id(size_t i) const {
  window(i);  // range check
  return static_cast<uint8_t>(state_->species.data()[i]);
}
const std::string& WindowShard::species(size_t i) const { return state_->species_names[species_id(i)]; }
const std::vector<std::string>& WindowShard::species_names() const { return state_->species_names; }
const std::string& WindowShard::sidecar_json() const { return state_->json_text; }

const WindowOrigin& WindowShard::origin(size_t i) const {
  State& s = *state_;
  if (s.origins.empty() && s.count > 0) {
    LineReader lines(s.prefix + ".origins.tsv");
    std::string_view line;
    std::vector<std::string_view> f;
    while (lines.next(line)) {
      if (line.empty() || line.front() == '#') continue;
      split_fields(line, '\t', f);
      if (f.size() != 9) fail(lines.where(), ": expected 9 columns");
      WindowOrigin o;
      o.record = f[2];
      o.offset = parse_int64(f[3]).value_or(0);
      o.genomic.chrom = f[5];
      o.genomic.start = parse_int64(f[6]).value_or(0);
      o.genomic.end = parse_int64(f[7]).value_or(0);
      o.genomic.strand = f[8].empty() ? '+' : f[8][0];
      o.genomic.from_header = f[8] != ".";
      s.origins.push_back(std::move(o));
    }
    if (s.origins.size() != s.count) fail(s.prefix, ".origins.tsv: ", s.origins.size(), " rows for ", s.count, " windows");
  }
  window(i);
  return s.origins[i];
}

}  // namespace splicebert::genome
