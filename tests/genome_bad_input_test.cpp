// Bad input for `splicebert extract`: each case is an error naming file and line, exit status 1 and no output file
// left behind; with --skip-bad the same record becomes a counted warning and the good records are still written.
#include <filesystem>
#include <fstream>

#include "genome_test_helpers.hpp"

namespace splicebert::test {
namespace {

namespace fs = std::filesystem;

const char* reference_fasta =
    ">chr1 first\nACGTACGTACGTACGTACGT\nacgtacgtacgtacgtacgt\n>chr2\nGGGGGCCCCCAAAAATTTTT\n";  // chr1 40 nt, chr2 20 nt

class GenomeBadInput : public ::testing::Test {
 protected:
  TempDir dir;
  std::string fasta = dir / "ref.fa", out = dir / "out.fa";
  void SetUp() override { write("ref.fa", reference_fasta); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir / name, std::ios::binary) << text; }

  // Runs extract on `annotation` (a file in dir) and checks: exit 1, `message` on stderr, nothing left in dir
  // besides the inputs. Then with --skip-bad: exit 0, one bad record counted, and `kept` records written.
  void expect_bad(const std::string& annotation, const std::string& message, int kept, const std::string& extra = "") {
    auto before = listing();
    std::string args = "extract -f " + shell_quote(fasta) + " -a " + shell_quote(dir / annotation) + " -o " +
                       shell_quote(out) + " " + extra;
    CommandResult failed = run_cli(args);
    EXPECT_EQ(failed.status, 1) << failed.err;
    EXPECT_NE(failed.err.find(message), std::string::npos) << "stderr: " << failed.err << "\nwanted: " << message;
    EXPECT_EQ(listing(), before) << "an output or temporary file was left behind";
    CommandResult skipped = run_cli(args + " --skip-bad");
    EXPECT_EQ(skipped.status, 0) << skipped.err;
    EXPECT_NE(skipped.err.find("1 bad record skipped"), std::string::npos) << skipped.err;
    EXPECT_NE(skipped.err.find(message), std::string::npos) << "the warning names the line too: " << skipped.err;
    std::string written = read_file_text(out);
    EXPECT_EQ(std::count(written.begin(), written.end(), '>'), kept) << written;
    fs::remove(out);
  }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(GenomeBadInput, MalformedGtfLine) {
  write("ann.gtf",
        "chr1\tt\texon\t1\t10\t.\t+\t.\tgene_id \"g\"; transcript_id \"a\";\n"
        "chr1\tt\texon\t21\t30\t.\t+\t.\tgene_id \"g\"; transcript_id \"a\";\n"
        "chr1\tt\texon\t5\t8\t.\t+\n"
        "chr2\tt\texon\t1\t10\t.\t-\t.\tgene_id \"h\"; transcript_id \"b\";\n");
  expect_bad("ann.gtf", "ann.gtf:3: malformed GTF line", 2);
}

TEST_F(GenomeBadInput, MalformedGff3Line) {
  write("ann.gff3",
        "##gff-version 3\n"
        "chr1\tt\tmRNA\t1\t30\t.\t+\t.\tID=a\n"
        "chr1\tt\texon\t1\t10\t.\t+\t.\tParent=a\n"
        "chr1\tt\texon\tten\t30\t.\t+\t.\tParent=a\n"
        "chr2\tt\texon\t1\t10\t.\t-\t.\tParent=b\n");
  expect_bad("ann.gff3", "ann.gff3:4: malformed GFF3 line", 2);
}

TEST_F(GenomeBadInput, MalformedBedLine) {
  write("ann.bed", "chr1\t0\t10\ta\t0\t+\nchr1\tx\t10\tb\t0\t+\nchr2\t0\t5\tc\t0\t-\n");
  expect_bad("ann.bed", "ann.bed:2: malformed BED line", 2);
}

TEST_F(GenomeBadInput, MalformedBed12Blocks) {
  write("ann.bed", "chr1\t0\t30\ta\t0\t+\t0\t30\t0\t2\t10,10,\t0,40,\nchr2\t0\t5\tc\t0\t-\n");
  expect_bad("ann.bed", "ann.bed:1: malformed BED line", 1);
}

TEST_F(GenomeBadInput, Bed12BlockWhoseEndOverflowsIsRefused) {
  // start + size wraps past INT64_MAX: this gave a 100 nt "exon" and exit 0 before the blocks were checked first.
  write("ann.bed",
        "chr1\t0\t30\ta\t0\t+\t0\t30\t0\t2\t10,9223372036854775807,\t0,20,\nchr2\t0\t5\tc\t0\t-\n");
  expect_bad("ann.bed", "ann.bed:1: malformed BED line: block 2 (start 20, size 9223372036854775807) ends past", 1,
             "--split");
}

TEST_F(GenomeBadInput, Bed12NegativeOrUnorderedBlocksAreRefused) {
  write("ann.bed", "chr1\t0\t30\ta\t0\t+\t0\t30\t0\t2\t10,5,\t0,-5,\nchr2\t0\t5\tc\t0\t-\n");
  expect_bad("ann.bed", "ann.bed:1: malformed BED line: block 2 (start -5, size 5) has a negative start", 1);
  write("ann.bed", "chr1\t0\t30\ta\t0\t+\t0\t30\t0\t2\t10,5,\t0,5,\nchr2\t0\t5\tc\t0\t-\n");
  expect_bad("ann.bed", "ann.bed:1: malformed BED line: block 2 (start 5, size 5) starts before the end", 1);
}

TEST_F(GenomeBadInput, UnknownContig) {
  write("ann.bed", "chr1\t0\t10\ta\t0\t+\nchrZ\t0\t10\tb\t0\t+\nchr2\t0\t5\tc\t0\t-\n");
  expect_bad("ann.bed", "ann.bed:2: unknown sequence name 'chrZ'", 2);
}

TEST_F(GenomeBadInput, IntervalPastTheContigEnd) {
  write("ann.bed", "chr1\t0\t10\ta\t0\t+\nchr2\t10\t21\tb\t0\t+\n");
  expect_bad("ann.bed", "ann.bed:2: 'b' chr2:10-21 is past the end of chr2 (length 20)", 1);
}

TEST_F(GenomeBadInput, GtfExonPastTheEndNamesTheExonLine) {
  write("ann.gtf",
        "chr2\tt\texon\t1\t5\t.\t+\t.\tgene_id \"g\"; transcript_id \"a\";\n"
        "chr2\tt\texon\t11\t25\t.\t+\t.\tgene_id \"g\"; transcript_id \"a\";\n"
        "chr1\tt\texon\t1\t10\t.\t+\t.\tgene_id \"h\"; transcript_id \"b\";\n");
  expect_bad("ann.gtf", "ann.gtf:2: 'a' chr2:0-25 is past the end of chr2 (length 20)", 1);
}

TEST_F(GenomeBadInput, TranscriptWithExonsOnTwoStrands) {
  write("ann.gtf",
        "chr1\tt\texon\t1\t10\t.\t+\t.\tgene_id \"g\"; transcript_id \"a\";\n"
        "chr1\tt\texon\t21\t30\t.\t-\t.\tgene_id \"g\"; transcript_id \"a\";\n"
        "chr2\tt\texon\t1\t10\t.\t-\t.\tgene_id \"h\"; transcript_id \"b\";\n");
  expect_bad("ann.gtf", "ann.gtf:2: transcript a has parts on two strands (+ from line 1, - here)", 1);
}

TEST_F(GenomeBadInput, FastaWithDuplicateNames) {
  write("ref.fa", std::string(reference_fasta) + ">chr1\nAAAA\n");
  write("ann.bed", "chr1\t0\t10\ta\t0\t+\n");
  CommandResult result = run_cli("extract -f " + shell_quote(fasta) + " -a " + shell_quote(dir / "ann.bed") + " -o " + shell_quote(out));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("ref.fa:6: duplicate sequence name 'chr1' (first at line 1)"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(fasta + ".fai")) << "no index is written beside the input";
}

TEST_F(GenomeBadInput, PlainGzipFastaIsRefusedWithAHint) {
  ASSERT_EQ(run_shell("gzip -c " + shell_quote(fasta) + " > " + shell_quote(dir / "ref.fa.gz")).status, 0);
  write("ann.bed", "chr1\t0\t10\ta\t0\t+\n");
  CommandResult result = run_cli("extract -f " + shell_quote(dir / "ref.fa.gz") + " -a " + shell_quote(dir / "ann.bed"));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("bgzip"), std::string::npos) << result.err;
}

TEST_F(GenomeBadInput, IndexIsBuiltElsewhereAndTheInputFolderIsUntouched) {
  write("ann.bed", "chr1\t0\t10\ta\t0\t+\nchr1\t15\t25\tb\t0\t-\nchr2\t0\t5\tc\t0\t.\nchr2\t3\t3\tempty\t0\t+\n");
  auto before = listing();
  CommandResult result = run_cli("extract -f " + shell_quote(fasta) + " -a " + shell_quote(dir / "ann.bed"));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out,
            ">a::chr1:0-10(+)\nACGTACGTAC\n"
            ">b::chr1:15-25(-)\ntacgtACGTA\n"
            ">c::chr2:0-5(.)\nGGGGG\n");  // '.' is not reverse-complemented; the empty record is skipped, as bedtools does
  EXPECT_NE(result.err.find("ann.bed:4: record has length 0"), std::string::npos) << result.err;
  EXPECT_EQ(listing(), before);
}

}  // namespace
}  // namespace splicebert::test
