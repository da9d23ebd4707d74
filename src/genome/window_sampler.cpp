// Window placement. Every random draw comes from a small counter-based generator seeded by (seed, stream), so the
// windows of a record do not depend on the order or number of records processed before it, nor on the C++ library.
#include "splicebert/genome.hpp"

namespace splicebert::genome {

namespace {

uint64_t mix64(uint64_t x) {  // the splitmix64 finalizer: a bijection that spreads every input bit
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class Draws {
 public:
  Draws(uint64_t seed, uint64_t stream) : state_(mix64(seed) ^ mix64(stream + 0x632be59bd9b4e019ull)) {}
  // Uniform in [low, high]; the modulo bias is below 2^-40 for any window length used here.
  int64_t uniform(int64_t low, int64_t high) {
    state_ += 0x9e3779b97f4a7c15ull;
    return low + static_cast<int64_t>(mix64(state_) % static_cast<uint64_t>(high - low + 1));
  }

 private:
  uint64_t state_;
};

}  // namespace

std::vector<WindowSpan> sample_windows(int64_t record_length, const WindowParams& params, uint64_t stream_id) {
  std::vector<WindowSpan> windows;
  Draws draws(params.seed, stream_id);
  int64_t phase_range = params.stride > 0 ? params.stride : params.max_length;
  int64_t position = params.random_offsets ? draws.uniform(0, phase_range - 1) : 0;
  while (position < record_length) {
    int64_t length = params.min_length == params.max_length ? params.max_length
                                                             : draws.uniform(params.min_length, params.max_length);
    // stride 0 tiles: the next window starts where this one (before clipping) ends.
    int64_t step = params.stride > 0 ? params.stride : length;
    length = std::min(length, record_length - position);  // a tail window is kept when still >= min_length
    if (length >= params.min_length) windows.push_back({position, length});
    position += step;
  }
  return windows;
}

double non_acgt_fraction(std::string_view window) {
  if (window.empty()) return 0;
  size_t other = 0;
  for (char c : window) {
    switch (c | 0x20) {  // lower-case view of letters
      case 'a': case 'c': case 'g': case 't': case 'u': break;
      default: ++other;
    }
  }
  return static_cast<double>(other) / static_cast<double>(window.size());
}

}  // namespace splicebert::genome
