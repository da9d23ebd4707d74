// genome::Reference with a .fai that does not describe its FASTA (crafted, stale or from another file): an existing
// index is used as it is, so each such line must be a splicebert::Error naming the index line, never a huge buffer,
// an overflowing offset or a read past the file. Found by fuzz/fuzz_reference.cpp (docs/fuzzing.md).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "expect_error.hpp"
#include "splicebert/genome.hpp"
#include "test_util.hpp"

namespace splicebert::test {
namespace {

// chr1: 18 nt on lines of 10 (offset 11), chr2: 8 nt (offset 37); 46 bytes in all.
const char* kFasta = ">chr1 desc\nACGTACGTAC\nGGTTAACC\n>chr2\nNNNNACGT\n";

class ReferenceIndex : public ::testing::Test {
 protected:
  TempDir dir;
  std::string fasta = dir / "ref.fa";
  void SetUp() override { std::ofstream(fasta, std::ios::binary) << kFasta; }
  void index(const std::string& text) { std::ofstream(fasta + ".fai", std::ios::binary) << text; }
};

TEST_F(ReferenceIndex, AMatchingIndexReadsTheSequence) {
  index("chr1\t18\t11\t10\t11\nchr2\t8\t37\t8\t9\n");
  genome::Reference reference(fasta, 256);
  std::string sequence;
  reference.append(reference.find_contig("chr1"), 8, 14, sequence);
  EXPECT_EQ(sequence, "ACGGTT");  // across the line end
}

TEST_F(ReferenceIndex, AHugeLineWidthIsRefusedBeforeAnyBuffer) {
  // Before: the read cache was reserved from line_width (a 10^17-byte request) when the Reference opened.
  index("chr1\t18\t11\t1\t100000000000000000\n");
  expect_error([&] { genome::Reference reference(fasta, 256); }, {fasta + ".fai:1", "line width"});
}

TEST_F(ReferenceIndex, AnOffsetThatOverflowsIsRefused) {
  index("chr1\t18\t9223372036854775800\t10\t11\n");  // offset + bytes of the record > INT64_MAX
  expect_error([&] { genome::Reference reference(fasta, 256); }, {fasta + ".fai:1", "chr1"});
}

TEST_F(ReferenceIndex, ASequencePastTheEndOfAPlainFileIsRefused) {
  index("chr1\t18\t11\t10\t11\nchr2\t800\t37\t8\t9\n");
  expect_error([&] { genome::Reference reference(fasta, 256); }, {fasta + ".fai:2", "chr2", "46 bytes"});
}

TEST_F(ReferenceIndex, NegativeNumbersAreRefused) {
  index("chr1\t-5\t11\t10\t11\n");
  expect_error([&] { genome::Reference reference(fasta, 256); }, {fasta + ".fai:1", "negative"});
  index("chr1\t18\t-11\t10\t11\n");
  expect_error([&] { genome::Reference reference(fasta, 256); }, {fasta + ".fai:1", "negative"});
}

TEST_F(ReferenceIndex, ADuplicateNameIsRefused) {
  // Before: the second line was silently ignored (the name lookup kept the first).
  index("chr1\t18\t11\t10\t11\nchr1\t8\t37\t8\t9\n");
  expect_error([&] { genome::Reference reference(fasta, 256); }, {fasta + ".fai:2", "duplicate", "chr1"});
}

}  // namespace
}  // namespace splicebert::test
