// FASTA reader: records, line endings, gzip and stdin input, and the errors for inputs that are not FASTA.
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>

#include "expect_error.hpp"
#include "splicebert/fasta.hpp"
#include "test_util.hpp"

namespace splicebert {
namespace {

using test::expect_error;

std::vector<FastaRecord> parse(const std::string& text, const std::string& source = "in.fa") {
  FastaReader reader = FastaReader::from_string(text, source);
  std::vector<FastaRecord> records;
  FastaRecord record;
  while (reader.next(record)) records.push_back(record);
  return records;
}

TEST(Fasta, ReadsNamesDescriptionsAndMultiLineSequences) {
  const auto records = parse(">seq1 first one\tx\nACGU\nacgt\n\n>seq2\n>seq3  \t spaced\r\nNN<mask>n\r\nA c");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].name, "seq1");
  EXPECT_EQ(records[0].description, "first one\tx");
  EXPECT_EQ(records[0].sequence, "ACGUacgt");  // case kept exactly
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].name, "seq2");
  EXPECT_EQ(records[1].sequence, "");  // an empty record is the caller's business
  EXPECT_EQ(records[1].line, 5);
  EXPECT_EQ(records[2].name, "seq3");
  EXPECT_EQ(records[2].description, "spaced");
  EXPECT_EQ(records[2].sequence, "NN<mask>nA c");  // CRLF dropped, inner space kept, no final newline needed
  EXPECT_EQ(records[2].line, 6);
}

TEST(Fasta, NextKeepsReturningFalseAfterTheEnd) {
  FastaReader reader = FastaReader::from_string(">a\nAC\n", "in.fa");
  FastaRecord record;
  EXPECT_TRUE(reader.next(record));
  EXPECT_FALSE(reader.next(record));
  EXPECT_FALSE(reader.next(record));
}

TEST(Fasta, ReadsPlainAndGzipFiles) {
  test::TempDir dir;
  const std::string text = ">r1 d\nACG\nU\n>r2\nGG\n";
  std::ofstream(dir / "plain.fa", std::ios::binary) << text;
  gzFile gz = gzopen((dir / "packed.fa.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  for (const std::string& path : {dir / "plain.fa", dir / "packed.fa.gz"}) {
    const auto records = read_fasta(path);
    ASSERT_EQ(records.size(), 2u) << path;
    EXPECT_EQ(records[0].sequence, "ACGU");
    EXPECT_EQ(records[1].name, "r2");
    EXPECT_EQ(records[1].sequence, "GG");
  }
}

TEST(Fasta, ReadsStandardInputForDash) {
  test::TempDir dir;
  std::ofstream(dir / "stdin.fa", std::ios::binary) << ">s\nAAA\n";
  const int saved = ::dup(STDIN_FILENO);
  const int file = ::open((dir / "stdin.fa").c_str(), O_RDONLY);
  ASSERT_GE(file, 0);
  ::dup2(file, STDIN_FILENO);
  ::close(file);
  std::vector<FastaRecord> records;
  EXPECT_NO_THROW(records = read_fasta("-"));
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].sequence, "AAA");
}

TEST(Fasta, FileReadingMatchesMemoryAcrossBufferBoundaries) {
  // Lines of many lengths, some far longer than the reader's 64 KiB refill chunk, with CRLF at every boundary.
  std::string text = "\xEF\xBB\xBF";  // a byte order mark is skipped
  for (int record = 0; record < 40; ++record) {
    text += ">r" + std::to_string(record) + " desc\r\n";
    for (int line = 0; line < 7; ++line) {
      const size_t length = 1 + (record * 7919 + line * 104729) % 90000;
      text += std::string(length, "ACGU"[line % 4]) + "\r\n";
    }
  }
  test::TempDir dir;
  std::ofstream(dir / "big.fa", std::ios::binary) << text;
  const auto from_file = read_fasta(dir / "big.fa");
  const auto from_memory = parse(text);
  ASSERT_EQ(from_file.size(), 40u);
  ASSERT_EQ(from_memory.size(), 40u);
  for (size_t i = 0; i < from_file.size(); ++i) {
    EXPECT_EQ(from_file[i].name, from_memory[i].name);
    EXPECT_EQ(from_file[i].sequence, from_memory[i].sequence);
    EXPECT_EQ(from_file[i].line, from_memory[i].line);
    EXPECT_EQ(from_file[i].sequence.find('\r'), std::string::npos);
  }
  EXPECT_EQ(from_file[0].name, "r0");
  EXPECT_EQ(from_file[1].line, 9);
}

TEST(Fasta, OneLineOfManyRefillChunksIsReadWhole) {
  // 5 MB on one line (80 refills of the reader's 64 KiB chunk), its CR exactly at a chunk's end.
  const size_t length = 5 * 65536 - 1 - 3;  // ">a\n" precedes it
  std::string sequence(length, 'A');
  for (size_t i = 0; i < length; i += 997) sequence[i] = "CGU"[i % 3];
  test::TempDir dir;
  std::ofstream(dir / "long.fa", std::ios::binary) << ">a\n" << sequence << "\r\n>b\nAC\n";
  const auto records = read_fasta(dir / "long.fa");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].sequence, sequence);
  EXPECT_EQ(records[1].sequence, "AC");
  EXPECT_EQ(records[1].line, 3);
}

// ---- malformed input ---------------------------------------------------------------------------------------------

TEST(FastaErrors, EmptyInput) {
  expect_error([] { parse("", "empty.fa"); }, {"empty.fa: no FASTA records (empty input)"});
  expect_error([] { parse("\n\r\n\n", "blank.fa"); }, {"blank.fa: no FASTA records"});
  test::TempDir dir;
  std::ofstream(dir / "zero.fa").close();
  expect_error([&] { read_fasta(dir / "zero.fa"); }, {dir / "zero.fa", "no FASTA records"});
}

TEST(FastaErrors, TextBeforeTheFirstHeader) {
  expect_error([] { parse("\nACGT\n>a\nAC\n", "raw.txt"); }, {"raw.txt:2: expected a '>' header line"});
  expect_error([] { parse("@read1\nACGT\n+\nIIII\n", "reads.fq"); }, {"reads.fq:1: expected a '>' header line"});
}

TEST(FastaErrors, EmptyName) {
  expect_error([] { parse(">a\nAC\n>\nGG\n", "in.fa"); }, {"in.fa:3: empty record name"});
  expect_error([] { parse("> spaced\nGG\n", "in.fa"); }, {"in.fa:1: empty record name"});
}

TEST(FastaErrors, DuplicateNames) {
  expect_error([] { parse(">x one\nA\n>y\nC\n>x two\nG\n", "dup.fa"); },
               {"dup.fa:5: duplicate record name 'x' (first at line 1)"});
}

TEST(FastaErrors, MissingFileAndTruncatedGzip) {
  test::TempDir dir;
  expect_error([&] { read_fasta(dir / "absent.fa"); }, {dir / "absent.fa", "cannot open", "No such file"});
  std::string text = ">r\n";
  for (int i = 0; i < 2000; ++i) text += "ACGUACGUACGUNNNN" + std::to_string(i) + "\n";
  gzFile gz = gzopen((dir / "full.fa.gz").c_str(), "wb");
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  const std::string packed = read_file_text(dir / "full.fa.gz");
  std::ofstream(dir / "cut.fa.gz", std::ios::binary) << packed.substr(0, packed.size() / 2);
  expect_error([&] { read_fasta(dir / "cut.fa.gz"); }, {dir / "cut.fa.gz", "read error"});
}

}  // namespace
}  // namespace splicebert
