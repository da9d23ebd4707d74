// libFuzzer: genome::WindowShard::open on a crafted shard, then every window, its labels, species and origin read
// back (what pretraining does with a shard it is given). Input layout: the shard's files in the order .json,
// .tokens, .index, .species, .origins.tsv, .labels, separated by the line "%%%\n"; a file past the last separator is
// absent (so a shard without labels, or without an index, is reachable). The index is binary (uint64 LE offsets).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string prefix = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/splicebert-fuzz-" + std::to_string(::getpid()) + ".shard";
  }();
  static const char* const kSuffixes[] = {".json", ".tokens", ".index", ".species", ".origins.tsv", ".labels"};
  constexpr std::string_view kSeparator = "%%%\n";
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const char* suffix : kSuffixes) {
    const std::string path = prefix + suffix;
    std::remove(path.c_str());
    if (input.data() == nullptr) continue;  // past the last part: the file is absent
    const size_t cut = input.find(kSeparator);
    const std::string_view part = input.substr(0, cut);
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) std::abort();
    if (!part.empty() && std::fwrite(part.data(), 1, part.size(), file) != part.size()) std::abort();
    std::fclose(file);
    input = cut == std::string_view::npos ? std::string_view() : input.substr(cut + kSeparator.size());
  }
  try {
    const splicebert::genome::WindowShard shard = splicebert::genome::WindowShard::open(prefix);
    uint64_t checksum = 0;
    for (size_t i = 0; i < shard.size() && i < 4096; ++i) {
      const std::string_view window = shard.window(i);
      for (char c : window) checksum += static_cast<unsigned char>(c);  // touches every byte (ASan checks the range)
      if (const int8_t* labels = shard.labels(i))
        for (size_t k = 0; k < window.size(); ++k) checksum += static_cast<uint8_t>(labels[k]);
      checksum += shard.species(i).size();
      const splicebert::genome::WindowOrigin& origin = shard.origin(i);
      checksum += origin.record.size();
    }
    static_cast<void>(shard.sidecar_json());
    if (checksum == 1) std::fprintf(stderr, " ");  // keeps the reads from being optimized away
  } catch (const splicebert::Error&) {
  }
  return 0;
}
