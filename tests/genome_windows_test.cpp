// `splicebert windows` and the WindowShard reader: round trip of the yeast genome plus the human hg38 region (every
// window read back equals its source), chromosome splits, determinism for a seed, N filter and deduplication.
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "genome_test_helpers.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::test {
namespace {

using genome::WindowShard;

// name -> upper-cased sequence, parsed here independently of the library's FASTA reader
std::map<std::string, std::string> read_fasta_upper(const std::string& text) {
  std::map<std::string, std::string> records;
  std::string* current = nullptr;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    if (line.empty()) continue;
    if (line[0] == '>') current = &records[line.substr(1, line.find_first_of(" \t") - 1)];
    else
      for (char c : line) current->push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return records;
}

CommandResult windows(const std::string& args) { return run_cli("windows " + args); }

TEST(GenomeWindows, YeastGenomeAndHumanRegionRoundTrip) {
  TempDir dir;
  std::string prefix = dir / "shard";
  CommandResult result = windows("-i yeast=" + quoted_data("genome/sacCer2/sacCer2.fa.gz") + " -i human=" +
                                 quoted_data("genome/hg38-chr16-region/hg38.fa") +
                                 " --min-length 1 --max-length 1024 --max-n 1 --no-dedup"
                                 " --holdout chrXVI,human:chr16 --valid yeast:chrXV -o " + shell_quote(prefix));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.err.find("yeast"), std::string::npos) << "summary per species and split on stderr";
  std::map<std::string, std::string> source = read_fasta_upper(gunzip_text(data_path("genome/sacCer2/sacCer2.fa.gz")));
  for (auto& [name, seq] : read_fasta_upper(read_file_text(data_path("genome/hg38-chr16-region/hg38.fa"))))
    source["human:" + name] = seq;
  std::map<std::string, int64_t> covered;  // key -> bases read back, windows tile each record in order
  size_t total = 0;
  for (const char* split : {"train", "valid", "test"}) {
    WindowShard shard = WindowShard::open(prefix + "." + split);
    EXPECT_EQ(shard.species_names(), (std::vector<std::string>{"yeast", "human"}));
    auto sidecar = nlohmann::json::parse(shard.sidecar_json());
    EXPECT_EQ(sidecar["windows"], shard.size());
    EXPECT_EQ(sidecar["tool"], std::string("splicebert ") + SPLICEBERT_VERSION);
    EXPECT_NE(sidecar["command_line"].get<std::string>().find("windows"), std::string::npos);
    for (size_t i = 0; i < shard.size(); ++i) {
      const genome::WindowOrigin& origin = shard.origin(i);
      std::string key = (shard.species(i) == "human" ? "human:" : "") + origin.record;
      ASSERT_TRUE(source.count(key)) << key;
      ASSERT_EQ(origin.offset, covered[key]) << key << " window " << i;
      std::string_view window = shard.window(i);
      ASSERT_EQ(window, std::string_view(source[key]).substr(origin.offset, window.size())) << key << " @" << origin.offset;
      covered[key] += static_cast<int64_t>(window.size());
      total += window.size();
      std::string expected_split = origin.genomic.chrom == "chrXVI" || origin.genomic.chrom == "chr16" ? "test"
                                   : origin.genomic.chrom == "chrXV"                                   ? "valid"
                                                                                                       : "train";
      ASSERT_EQ(expected_split, split) << origin.genomic.chrom;
    }
  }
  for (const auto& [key, seq] : source) EXPECT_EQ(covered[key], static_cast<int64_t>(seq.size())) << key;
  EXPECT_EQ(total, 12162995u + 210155u);
}

TEST(GenomeWindows, DeterministicForASeedAndLengthsInRange) {
  TempDir dir;
  std::string input = " -i human=" + quoted_data("genome/hg38-chr16-region/golden/refseq.hg38.premrna.fa");
  auto make = [&](const std::string& name, int seed) {
    CommandResult r = windows("-q --random-offsets --min-length 100 --max-length 300 --seed " + std::to_string(seed) +
                              input + " -o " + shell_quote(dir / name));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "") << "-q: nothing on stderr";
    return read_file_text(dir / (name + ".train.tokens")) + read_file_text(dir / (name + ".train.index"));
  };
  std::string a = make("a", 7), b = make("b", 7), c = make("c", 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  WindowShard shard = WindowShard::open(dir / "a.train");
  ASSERT_GT(shard.size(), 100u);
  for (size_t i = 0; i < shard.size(); ++i) {
    EXPECT_GE(shard.window(i).size(), 100u);
    EXPECT_LE(shard.window(i).size(), 300u);
  }
}

TEST(GenomeWindows, StrideNFilterAndDeduplication) {
  TempDir dir;
  std::string random_sequence;
  uint32_t state = 12345;
  for (int i = 0; i < 1000; ++i) state = state * 1103515245u + 12345u, random_sequence += "ACGT"[(state >> 16) & 3];
  std::string lower = random_sequence.substr(50, 200);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::ofstream(dir / "in.fa") << ">one\n" << random_sequence << "\n>copy\n" << random_sequence << "\n>gappy\n"
                               << std::string(500, 'N') << lower << "\n";
  CommandResult r = windows("--length 100 -i x=" + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "s"));
  ASSERT_EQ(r.status, 0) << r.err;
  // one: 10 windows; copy: 10 duplicates; gappy (700 nt): 5 all-N windows dropped, 2 kept.
  EXPECT_NE(r.err.find("dropped 5 over --max-n, 10 duplicates"), std::string::npos) << r.err;
  WindowShard shard = WindowShard::open(dir / "s.train");
  ASSERT_EQ(shard.size(), 12u);
  EXPECT_EQ(shard.window(11), random_sequence.substr(150, 100)) << "case folded to upper case";
  r = windows("--length 100 --stride 50 --no-dedup -i x=" + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "t"));
  ASSERT_EQ(r.status, 0) << r.err;
  WindowShard strided = WindowShard::open(dir / "t.train");
  EXPECT_EQ(strided.size(), 19u + 19u + 3u);  // starts 0..900 per 1000 nt; gappy: 500, 550, 600 (450 is half N)
  EXPECT_EQ(strided.origin(1).offset, 50);
}

TEST(GenomeWindows, ShardReaderRefusesACorruptIndex) {
  TempDir dir;
  std::ofstream(dir / "in.fa") << ">r\nACGTACGTAC\n";
  ASSERT_EQ(windows("-q --length 5 -i x=" + shell_quote(dir / "in.fa") + " -o " + shell_quote(dir / "s")).status, 0);
  EXPECT_EQ(WindowShard::open(dir / "s.train").size(), 2u);
  std::ofstream(dir / "s.train.index", std::ios::app) << "1234567";  // not a multiple of 8 any more
  EXPECT_THROW(WindowShard::open(dir / "s.train"), std::exception);
}

}  // namespace
}  // namespace splicebert::test
