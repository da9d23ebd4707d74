// A main() for the fuzz targets without libFuzzer (any compiler, e.g. g++ with -fsanitize=address,undefined): the
// CI build that also serves the GoogleTest suite links every target with this file. It runs
// LLVMFuzzerTestOneInput on every corpus file given, then on a fixed number of mutations of them drawn from a
// seeded generator, so a run is bounded in count (not time) and the same on every machine. No coverage guides it:
// it replays what the libFuzzer runs (docs/fuzzing.md) found interesting and shakes it a little; a crash, a
// sanitizer report or an exception other than the target's accepted one ends the process with a failure.
//
// Usage: fuzz_NAME [-mutations=N] [-seed=S] [-max_len=N] [-dict=FILE] PATH...   (PATH: a file or a folder of them)
// Before each mutated input it writes nothing; after a failure, the input that caused it is on stderr as hex
// (with -print_input) or can be rebuilt from the seed and the mutation number printed by the crash handler below.
#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

using Bytes = std::vector<uint8_t>;

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "fuzz replay: cannot read " << path << "\n";
    std::exit(2);
  }
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One value of a libFuzzer dictionary line (name="value" or "value", with \\, \" and \xNN escapes); empty if none.
Bytes dictionary_value(const std::string& line) {
  const size_t open = line.find('"'), close = line.rfind('"');
  if (line.empty() || line[0] == '#' || open == std::string::npos || close <= open) return {};
  Bytes out;
  for (size_t i = open + 1; i < close; ++i) {
    if (line[i] == '\\' && i + 1 < close) {
      if (line[i + 1] == 'x' && i + 3 < close) {
        out.push_back(static_cast<uint8_t>(std::stoi(line.substr(i + 2, 2), nullptr, 16)));
        i += 3;
      } else {
        out.push_back(static_cast<uint8_t>(line[++i]));
      }
    } else {
      out.push_back(static_cast<uint8_t>(line[i]));
    }
  }
  return out;
}

std::vector<Bytes> read_dictionary(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "fuzz replay: cannot read dictionary " << path << "\n";
    std::exit(2);
  }
  std::vector<Bytes> out;
  for (std::string line; std::getline(in, line);)
    if (Bytes value = dictionary_value(line); !value.empty()) out.push_back(std::move(value));
  return out;
}

// One random edit of the kinds libFuzzer's mutator makes most often; the result is cut to max_len.
void mutate(Bytes& input, const std::vector<Bytes>& corpus, const std::vector<Bytes>& dictionary, size_t max_len,
            std::mt19937_64& rng) {
  auto below = [&](size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; };
  static const uint8_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, '\n', '\t', ' ', '"', ',', ':', '-', '0', '9'};
  switch (rng() % 8) {
    case 0:  // flip one bit
      if (!input.empty()) input[below(input.size())] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    case 1:  // one byte to an interesting value
      if (!input.empty()) input[below(input.size())] = kInteresting[below(sizeof(kInteresting))];
      break;
    case 2: {  // insert a few random bytes
      const size_t at = below(input.size() + 1), n = 1 + below(4);
      for (size_t i = 0; i < n; ++i) input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), uint8_t(rng()));
      break;
    }
    case 3: {  // erase a range
      if (input.empty()) break;
      const size_t at = below(input.size()), n = 1 + below(std::min<size_t>(input.size() - at, 64));
      input.erase(input.begin() + static_cast<std::ptrdiff_t>(at), input.begin() + static_cast<std::ptrdiff_t>(at + n));
      break;
    }
    case 4: {  // duplicate a range in place
      if (input.empty()) break;
      const size_t at = below(input.size()), n = 1 + below(std::min<size_t>(input.size() - at, 64));
      const Bytes chunk(input.begin() + static_cast<std::ptrdiff_t>(at), input.begin() + static_cast<std::ptrdiff_t>(at + n));
      input.insert(input.begin() + static_cast<std::ptrdiff_t>(below(input.size() + 1)), chunk.begin(), chunk.end());
      break;
    }
    case 5: {  // splice: our head, another input's tail
      const Bytes& other = corpus[below(corpus.size())];
      const size_t cut = below(input.size() + 1), from = below(other.size() + 1);
      input.resize(cut);
      input.insert(input.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
      break;
    }
    case 6: {  // a dictionary word (or a random byte run without a dictionary)
      const size_t at = below(input.size() + 1);
      if (!dictionary.empty()) {
        const Bytes& word = dictionary[below(dictionary.size())];
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), word.begin(), word.end());
      } else {
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), uint8_t(rng()));
      }
      break;
    }
    default: {  // a decimal number somewhere: sizes, offsets and coordinates are where parsers break
      static const char* const kNumbers[] = {"0", "-1", "4294967295", "4294967296", "9223372036854775807",
                                             "18446744073709551616", "2147483648", "1e308", "65535"};
      const std::string n = kNumbers[below(std::size(kNumbers))];
      input.insert(input.begin() + static_cast<std::ptrdiff_t>(below(input.size() + 1)), n.begin(), n.end());
      break;
    }
  }
  if (input.size() > max_len) input.resize(max_len);
}

uint64_t current_mutation = 0, current_seed = 0;
const char* current_file = nullptr;

void report_crash(int signal) {
  // Async-signal-safe enough for a dying process: fixed text and numbers through fprintf are the best we have.
  if (current_file)
    std::fprintf(stderr, "fuzz replay: signal %d on corpus file %s\n", signal, current_file);
  else
    std::fprintf(stderr, "fuzz replay: signal %d on mutation %llu of seed %llu\n", signal,
                 static_cast<unsigned long long>(current_mutation), static_cast<unsigned long long>(current_seed));
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mutations = 1000, seed = 1;
  size_t max_len = 8192;
  std::vector<Bytes> dictionary;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-mutations=", 0) == 0) mutations = std::stoull(arg.substr(11));
    else if (arg.rfind("-seed=", 0) == 0) seed = std::stoull(arg.substr(6));
    else if (arg.rfind("-max_len=", 0) == 0) max_len = std::stoull(arg.substr(9));
    else if (arg.rfind("-dict=", 0) == 0) dictionary = read_dictionary(arg.substr(6));
    else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "fuzz replay: unknown option " << arg << "\n";
      return 2;
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else {
      files.emplace_back(arg);
    }
  }
  std::sort(files.begin(), files.end());  // directory order differs between machines; the run must not
  for (int s : {SIGSEGV, SIGABRT, SIGFPE, SIGILL, SIGBUS}) std::signal(s, report_crash);

  std::vector<Bytes> corpus;
  for (const auto& path : files) {
    corpus.push_back(read_file(path));
    const std::string name = path.string();
    current_file = name.c_str();
    LLVMFuzzerTestOneInput(corpus.back().data(), corpus.back().size());
  }
  current_file = nullptr;
  if (corpus.empty()) corpus.emplace_back();  // mutate from nothing, as libFuzzer does with an empty folder

  std::mt19937_64 rng(seed);
  current_seed = seed;
  for (current_mutation = 0; current_mutation < mutations; ++current_mutation) {
    Bytes input = corpus[rng() % corpus.size()];
    for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0; --edits) mutate(input, corpus, dictionary, max_len, rng);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::cerr << "fuzz replay: " << files.size() << " corpus files and " << mutations << " mutations (seed " << seed
            << "), no failure\n";
  return 0;
}
