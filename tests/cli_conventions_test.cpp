// One convention for every verb (docs/cli.md): one error line "splicebert VERB: error: …" (CLI11's messages too),
// "did you mean" for a mistyped verb or option, -t -1 refused, --version with the build's libraries and CPU path,
// every spelling of a precision accepted by every verb that takes one, -f for the genome in ism.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "splicebert/io.hpp"
#include "test_util.hpp"
#include "variant_cli_helpers.hpp"

namespace splicebert {
namespace {

using test::run_cli;
using test::shell_quote;

void expect_one_error_line(const test::CommandResult& r, const std::string& verb, const std::string& needle) {
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line expected:\n" << r.err;
  EXPECT_TRUE(r.err.starts_with("splicebert " + verb + ": error: ")) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

TEST(Conventions, AMistypedVerbGetsTheClosest) {
  auto r = run_cli("embd -i x.fa -o x.npz");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_NE(r.err.find("unknown verb 'embd'; did you mean 'embed'?"), std::string::npos) << r.err;
  EXPECT_NE(run_cli("scor-vcf").err.find("did you mean 'score-vcf'?"), std::string::npos);
  EXPECT_EQ(run_cli("xyzzy").err.find("did you mean"), std::string::npos);
}

TEST(Conventions, AMistypedOptionGetsTheClosest) {
  auto r = run_cli("embed -i x.fa -o x.npz --windw 100");
  expect_one_error_line(r, "embed", "did you mean --window instead of --windw?");
}

TEST(Conventions, AShortOptionMistakeGetsAHint) {
  expect_one_error_line(run_cli("embed -i x.fa -o x.npz -window 100"), "embed",
                        "did you mean --window instead of -window?");
  expect_one_error_line(run_cli("embed -i x.fa -o x.npz -W 100"), "embed",
                        "-W is not an option of this verb; its short options: ");
  auto r = run_cli("embed -i x.fa -o x.npz -W 100");
  EXPECT_NE(r.err.find(" -m"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" -t"), std::string::npos) << r.err;
}

TEST(Conventions, ParseErrorsHaveTheVerbPrefixOnOneLine) {
  expect_one_error_line(run_cli("embed -o x.npz"), "embed", "--input is required");
  expect_one_error_line(run_cli("fill-mask --top-k many ACGU"), "fill-mask", "many");
}

TEST(Conventions, NegativeThreadCountsAreRefused) {
  for (const std::string verb : {"fill-mask", "embed", "score-vcf", "ism", "extract", "predict", "bench-variants"}) {
    SCOPED_TRACE(verb);
    expect_one_error_line(run_cli(verb + " -t -1"), verb, "-1 is not a thread count");
  }
}

TEST(Conventions, VersionNamesCommitLibrariesAndCpuPath) {
  auto r = run_cli("--version");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("splicebert " SPLICEBERT_VERSION "\n")) << r.out;
  for (const char* needle : {"\ncommit ", "\nOpenBLAS ", "\noneDNN ", "\ncpu path "})
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle << " missing in\n" << r.out;
}

TEST(Conventions, EveryPrecisionSpellingIsAccepted) {
  const std::string model = shell_quote(test::small_model());
  for (const std::string spelling : {"f32", "fp32", "float32", "FP32", "bf16", "bfloat16"}) {
    SCOPED_TRACE(spelling);
    auto r = run_cli("fill-mask -q -t 1 -m " + model + " --precision " + spelling + " 'ACGU<mask>ACGU'");
    EXPECT_EQ(r.status, 0) << r.err;
  }
  expect_one_error_line(run_cli("fill-mask -m " + model + " --precision fp33 ACGU"), "fill-mask",
                        "unknown precision 'fp33'");
  expect_one_error_line(run_cli("predict --precision half -i x.fa"), "predict", "unknown precision 'half'");
  expect_one_error_line(run_cli("bench --precision f32,fp16 --workloads d"), "bench", "unknown precision 'fp16'");
}

TEST(Conventions, IsmTakesTheGenomeWithF) {
  test::TempDir dir;
  auto r = run_cli("ism -q -t 1 -m " + shell_quote(test::small_model()) + " -f " + shell_quote(test::genome_fasta()) +
                   " -r chr16:47590-47599 -o " + shell_quote(dir / "out.npz"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_npz(dir / "out.npz").at("chr16:47590-47599/kl").shape, (Shape{10, 4}));
  expect_one_error_line(run_cli("ism -m " + shell_quote(test::small_model()) + " -i " +
                                shell_quote(test::genome_fasta()) + " -r chr16:47590-47599 -o " +
                                shell_quote(dir / "x.npz")),
                        "ism", "-f GENOME with -r");
}

TEST(Conventions, TheShippedModelSaysWhatItIs) {
  test::TempDir dir;
  std::ofstream(dir / "pairs.tsv") << "id\tref\talt\tpos\texon_start\texon_end\n"
                                   << "p\tACGUACGUACGUACGUACGU\tACGUACGUAAGUACGUACGU\t9\t.\t.\n";
  const std::string shipped = test::source_dir() + "/models/default";
  auto r = run_cli("score-pairs -t 1 -m " + shell_quote(shipped) + " -i " + shell_quote(dir / "pairs.tsv"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: " + shipped + " is the small stand-in model"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("-m "), std::string::npos) << r.err;
  auto other = run_cli("score-pairs -t 1 -m " + shell_quote(test::small_model()) + " -i " +
                       shell_quote(dir / "pairs.tsv"));
  ASSERT_EQ(other.status, 0) << other.err;
  EXPECT_EQ(other.err.find("stand-in"), std::string::npos) << other.err;
}

}  // namespace
}  // namespace splicebert

namespace splicebert {
namespace {

TEST(Conventions, LongVerbsReportProgressUnlessQuiet) {
  test::TempDir dir;
  const std::string extract = "extract -f " + shell_quote(test::genome_fasta()) + " -a " +
                              shell_quote(test::genome_gtf()) + " -o " + shell_quote(dir / "out.fa");
  auto loud = run_cli(extract);
  ASSERT_EQ(loud.status, 0) << loud.err;
  EXPECT_NE(loud.err.find("splicebert extract: 1 records, "), std::string::npos) << loud.err;
  // Sorted GTF output: the share done is the nucleotides written over all to write (the summary line's total).
  long long first_nt = 0, total_nt = 0;
  double percent = -1;
  ASSERT_EQ(std::sscanf(loud.err.c_str(), "splicebert extract: 1 records, %lld nt, %*f nt/s, %lf %% done", &first_nt,
                        &percent), 2) << loud.err;
  const size_t summary = loud.err.find("\nextract: ");
  ASSERT_NE(summary, std::string::npos) << loud.err;
  ASSERT_EQ(std::sscanf(loud.err.c_str() + summary, "\nextract: %*d records, %lld nt", &total_nt), 1) << loud.err;
  EXPECT_NEAR(percent, 100.0 * static_cast<double>(first_nt) / static_cast<double>(total_nt), 0.051) << loud.err;
  EXPECT_LT(percent, 100.0) << loud.err;
  auto quiet = run_cli(extract + " -q");
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  auto windows = run_cli("windows -i " + shell_quote(dir / "out.fa") + " -o " + shell_quote(dir / "shards"));
  ASSERT_EQ(windows.status, 0) << windows.err;
  EXPECT_NE(windows.err.find("splicebert windows: 1 records, "), std::string::npos) << windows.err;
  EXPECT_NE(windows.err.find(" % done, ETA "), std::string::npos) << windows.err;  // of the input's bytes
  // From standard input the size is unknown: a rate, no ETA.
  auto piped = run_cli("windows -i - -o " + shell_quote(dir / "piped"), read_file_text(dir / "out.fa"));
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_NE(piped.err.find("splicebert windows: 1 records, "), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("ETA"), std::string::npos) << piped.err;

  // score-vcf counts a file's records first: one chunk of two records in four is 50 % done.
  std::string vcf = test::vcf_header();
  for (int64_t pos : {47600, 47650, 47700, 47750})
    vcf += test::vcf_line("chr16", pos, ".", test::genome_bases(pos),
                          std::string(1, test::other_base(test::genome_bases(pos)[0])));
  std::ofstream(dir / "in.vcf") << vcf;
  const std::string score_vcf = "score-vcf -t 1 --chunk 2 -m " + shell_quote(test::small_model()) + " -f " +
                                shell_quote(test::genome_fasta()) + " -a " + shell_quote(test::genome_gtf()) +
                                " -o " + shell_quote(dir / "out.vcf");
  auto scored = run_cli(score_vcf + " -i " + shell_quote(dir / "in.vcf"));
  ASSERT_EQ(scored.status, 0) << scored.err;
  EXPECT_NE(scored.err.find("splicebert score-vcf: 2 records, "), std::string::npos) << scored.err;
  EXPECT_NE(scored.err.find(", 50.0 % done, ETA "), std::string::npos) << scored.err;
  auto streamed = run_cli(score_vcf + " -i -", vcf);
  ASSERT_EQ(streamed.status, 0) << streamed.err;
  EXPECT_NE(streamed.err.find("splicebert score-vcf: 2 records, "), std::string::npos) << streamed.err;
  EXPECT_EQ(streamed.err.find("ETA"), std::string::npos) << streamed.err;

  std::ofstream(dir / "pairs.tsv") << "id\tref\talt\tpos\texon_start\texon_end\n"
                                   << "p\tACGUACGUACGUACGUACGU\tACGUACGUAAGUACGUACGU\t9\t.\t.\n";
  auto pairs = run_cli("score-pairs -t 1 -m " + shell_quote(test::small_model()) + " -i " +
                       shell_quote(dir / "pairs.tsv") + " -o " + shell_quote(dir / "out.tsv"));
  ASSERT_EQ(pairs.status, 0) << pairs.err;
  EXPECT_NE(pairs.err.find("splicebert score-pairs: 1 records, 1 pairs"), std::string::npos) << pairs.err;

  const std::string embed = "embed -t 1 -m " + shell_quote(test::small_model()) + " -i " +
                            shell_quote(dir / "out.fa") + " -o " + shell_quote(dir / "out.npz") + " --window 64";
  auto embedded = run_cli(embed);
  ASSERT_EQ(embedded.status, 0) << embedded.err;
  EXPECT_NE(embedded.err.find("splicebert embed: 1 records, "), std::string::npos) << embedded.err;
  EXPECT_NE(embedded.err.find("% done, ETA "), std::string::npos) << embedded.err;
  auto quiet_embed = run_cli(embed + " -q");
  ASSERT_EQ(quiet_embed.status, 0) << quiet_embed.err;
  EXPECT_EQ(quiet_embed.err, "");
}

}  // namespace
}  // namespace splicebert

namespace splicebert {
namespace {

TEST(Conventions, ScoringVerbsAddDeltasFromTheShippedSpliceModel) {
  // Without --splice-model, score-vcf adds INFO/SpliceBERT_DS from models/splice-site (found beside models/default);
  // SPLICEBERT_SPLICE_MODEL=none turns that off. (test_util sets it to none for the other tests: unset here.)
  test::TempDir dir;
  std::string vcf = test::vcf_header();
  for (int64_t pos : {47600, 47650})
    vcf += test::vcf_line("chr16", pos, ".", test::genome_bases(pos),
                          std::string(1, test::other_base(test::genome_bases(pos)[0])));
  std::ofstream(dir / "in.vcf") << vcf;
  const std::string args = " score-vcf -q -t 1 -m " + shell_quote(test::small_model()) + " -f " +
                           shell_quote(test::genome_fasta()) + " -a " + shell_quote(test::genome_gtf()) + " -i " +
                           shell_quote(dir / "in.vcf") + " -o ";
  auto with_default = test::run_shell("env -u SPLICEBERT_SPLICE_MODEL " + shell_quote(test::binary()) + args +
                                      shell_quote(dir / "default.vcf"));
  ASSERT_EQ(with_default.status, 0) << with_default.err;
  const std::string scored = read_file_text(dir / "default.vcf");
  EXPECT_NE(scored.find("##INFO=<ID=SpliceBERT_DS,"), std::string::npos) << scored;
  auto sha = test::run_shell("sha256sum " + shell_quote(test::source_dir() + "/models/splice-site/model.safetensors"));
  ASSERT_EQ(sha.status, 0) << sha.err;
  EXPECT_NE(scored.find("##SpliceBERT_splice_model_sha256=" + sha.out.substr(0, 64)), std::string::npos) << scored;

  auto turned_off = test::run_shell("SPLICEBERT_SPLICE_MODEL=none " + shell_quote(test::binary()) + args +
                                    shell_quote(dir / "off.vcf"));
  ASSERT_EQ(turned_off.status, 0) << turned_off.err;
  const std::string plain = read_file_text(dir / "off.vcf");
  EXPECT_NE(plain.find("##INFO=<ID=SpliceBERT,"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("SpliceBERT_DS"), std::string::npos) << plain;
}

TEST(Conventions, QuietKeepsACountOfWarningsAboutTheData) {
  test::TempDir dir;
  std::ofstream(dir / "regions.bed") << "chr16\t100\t100\tempty\t0\t+\nchr16\t100\t200\tr1\t0\t+\n";
  const std::string extract = "extract -f " + shell_quote(test::genome_fasta()) + " -a " +
                              shell_quote(dir / "regions.bed") + " -o " + shell_quote(dir / "out.fa");
  auto loud = run_cli(extract);
  ASSERT_EQ(loud.status, 0) << loud.err;
  ASSERT_NE(loud.err.find("warning: "), std::string::npos) << "the fixture should warn: " << loud.err;
  auto quiet = run_cli(extract + " -q");
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_NE(quiet.err.find("extract: warning: 1 warning about the input (0 shown; -q hides the details)"),
            std::string::npos)
      << quiet.err;
  EXPECT_EQ(std::count(quiet.err.begin(), quiet.err.end(), '\n'), 1) << quiet.err;
}

}  // namespace
}  // namespace splicebert
