// score-vcf on the hg38 chr16 test region: every record comes back in order with its fields, bcftools parses the
// output and +split-vep splits INFO/SpliceBERT, unscored records carry their reason, and the scores equal the
// library's on windows cut here by the rule of docs/variants.md (variant at index W/2 on the transcript strand).
#include <gtest/gtest.h>

#include <map>

#include "splicebert/variant.hpp"
#include "variant_cli_helpers.hpp"

namespace splicebert::test {
namespace {

struct TestVcf {
  std::string text;
  std::vector<std::string> reasons;  // expected INFO/SB_REASON per record ("." = all scored)
};

TestVcf make_vcf() {
  TestVcf v{vcf_header(), {}};
  auto add = [&](const std::string& line, const std::string& reason) {
    v.text += line;
    v.reasons.push_back(reason);
  };
  const char b47600 = genome_bases(47600)[0], b3000 = genome_bases(3000)[0], b82000 = genome_bases(82000)[0];
  add(vcf_line("chr16", 47600, "plus", std::string(1, b47600),
               std::string(1, other_base(b47600)) + "," + other_base(b47600, 2)), ".");
  add(vcf_line("chr16", 3000, "minus", std::string(1, b3000), std::string(1, other_base(b3000))), ".");
  add(vcf_line("chr16", 82000, "both", std::string(1, b82000), std::string(1, other_base(b82000))), ".");
  const char b47650 = genome_bases(47650)[0];
  add(vcf_line("16", 47650, "no_chr", std::string(1, b47650), std::string(1, other_base(b47650))), ".");
  const char b45000 = genome_bases(45000)[0];
  add(vcf_line("chr16", 45000, "intergenic", std::string(1, b45000), std::string(1, other_base(b45000))),
      "NOT_IN_TRANSCRIPT");
  const char b47700 = genome_bases(47700)[0];
  add(vcf_line("chr16", 47700, "wrong_ref", std::string(1, other_base(b47700)), std::string(1, b47700)),
      "REF_MISMATCH");
  add(vcf_line("chrUn", 100, "unknown", "A", "G"), "CONTIG_UNKNOWN");
  add(vcf_line("chr16", 47610, "deletion", genome_bases(47610, 2), genome_bases(47610)), "INDEL");
  const char b50 = genome_bases(50)[0];
  add(vcf_line("chr16", 50, "edge", std::string(1, b50), std::string(1, other_base(b50))), "NEAR_CONTIG_END");
  add(vcf_line("chr16", 47620, "symbolic", genome_bases(47620), "<DEL>"), "UNSUPPORTED_ALLELE");
  add(vcf_line("chr16", 47630, "no_alt", genome_bases(47630), "."), "UNSUPPORTED_ALLELE");
  const char b47640 = genome_bases(47640)[0];
  add(vcf_line("chr16", 47640, "mixed", std::string(1, b47640), std::string(1, other_base(b47640)) + ",<DEL>"),
      ".,UNSUPPORTED_ALLELE");
  return v;
}

class ScoreVcf : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    vcf_ = new TestVcf(make_vcf());
    dir_ = new TempDir;
    std::ofstream(*dir_ / "in.vcf") << vcf_->text;
    auto r = score_vcf("-i " + shell_quote(*dir_ / "in.vcf") + " -o " + shell_quote(*dir_ / "out.vcf"));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete vcf_;
  }
  static std::string out() { return *dir_ / "out.vcf"; }
  static CommandResult bcftools(const std::string& args) { return run_shell("bcftools " + args); }
  static inline TempDir* dir_ = nullptr;
  static inline TestVcf* vcf_ = nullptr;
};

TEST_F(ScoreVcf, BcftoolsParsesEveryRecordWithItsOriginalFields) {
  auto view = bcftools("view -H " + shell_quote(out()));
  ASSERT_EQ(view.status, 0) << view.err;
  const auto input = lines_of(vcf_->text), output = lines_of(view.out);
  ASSERT_EQ(output.size(), input.size());
  for (size_t r = 0; r < input.size(); ++r) {
    const auto in = columns_of(input[r]), got = columns_of(output[r]);
    ASSERT_EQ(got.size(), in.size()) << output[r];
    for (size_t c : {0, 1, 2, 3, 4, 5, 6, 8, 9}) EXPECT_EQ(got[c], in[c]) << "record " << r + 1 << " column " << c;
    EXPECT_NE(got[7].find("DP=7"), std::string::npos) << got[7];
  }
}

TEST_F(ScoreVcf, UnscoredRecordsSayWhy) {
  auto query = bcftools("query -f '%ID\\t%SB_REASON\\n' " + shell_quote(out()));
  ASSERT_EQ(query.status, 0) << query.err;
  const auto rows = lines_of(query.out, false);
  ASSERT_EQ(rows.size(), vcf_->reasons.size());
  for (size_t r = 0; r < rows.size(); ++r) EXPECT_EQ(columns_of(rows[r])[1], vcf_->reasons[r]) << rows[r];
}

TEST_F(ScoreVcf, SplitVepSplitsTheSubfields) {
  auto list = bcftools("+split-vep -l -a SpliceBERT " + shell_quote(out()));
  ASSERT_EQ(list.status, 0) << list.err;
  for (const char* field : {"ALLELE", "gene", "transcript", "strand", "context_KL", "max_KL", "max_KL_offset",
                            "donor_KL", "acceptor_KL", "masked_dP"})
    EXPECT_NE(list.out.find(std::string("\t") + field + "\n"), std::string::npos) << field;
  auto split = bcftools("+split-vep -a SpliceBERT -d -f '%ID\\t%ALLELE\\t%transcript\\t%strand\\t%context_KL\\n' " +
                        shell_quote(out()));
  ASSERT_EQ(split.status, 0) << split.err;
  std::map<std::string, int> entries;
  std::map<std::string, double> best;  // (ID, ALT) -> largest context_KL
  for (const auto& row : lines_of(split.out, false)) {
    const auto f = columns_of(row);
    ++entries[f[0]];
    const std::string key = f[0] + " " + f[1];
    best[key] = best.count(key) ? std::max(best[key], std::stod(f[4])) : std::stod(f[4]);
    if (f[0] == "minus") EXPECT_EQ(f[3], "-");
  }
  // ALT alleles x overlapping transcripts: 2 x 3 (+), 1 x 2 (-), 1 x (1 + and 4 -), 1 x 3, and 1 x 3 for "mixed".
  EXPECT_EQ(entries["plus"], 6);
  EXPECT_EQ(entries["minus"], 2);
  EXPECT_EQ(entries["both"], 5);
  EXPECT_EQ(entries["no_chr"], 3);
  EXPECT_EQ(entries["mixed"], 3);
  EXPECT_EQ(entries.size(), 5u);
  // The prefixed form works too, and SB_KL is the largest context KL per ALT.
  auto prefixed = bcftools("+split-vep -a SpliceBERT -p SpliceBERT_ -d -f '%SpliceBERT_context_KL\\n' " +
                           shell_quote(out()));
  ASSERT_EQ(prefixed.status, 0) << prefixed.err;
  EXPECT_EQ(lines_of(prefixed.out, false).size(), 19u);
  auto kl = bcftools("query -f '%ID\\t%ALT\\t%SB_KL\\n' -i 'ID=\"plus\"' " + shell_quote(out()));
  const auto f = columns_of(lines_of(kl.out, false).at(0));
  std::istringstream alt_list(f[1]), kl_list(f[2]);
  for (std::string alt, value; std::getline(alt_list, alt, ',') && std::getline(kl_list, value, ',');)
    EXPECT_NEAR(std::stod(value), best.at("plus " + alt), 1e-3 * std::fabs(best.at("plus " + alt)));
}

TEST_F(ScoreVcf, HeaderRecordsProvenanceAndTheFormat) {
  const std::string header = run_shell("bcftools view -h " + shell_quote(out())).out;
  EXPECT_NE(header.find("##SpliceBERT_model_sha256=" + sha256_file_hex(small_model() + "/model.safetensors")),
            std::string::npos);
  EXPECT_NE(header.find("##SpliceBERT_tool=splicebert "), std::string::npos);
  EXPECT_NE(header.find("##SpliceBERT_command="), std::string::npos);
  EXPECT_NE(header.find("##SpliceBERT_window=512 nt"), std::string::npos);
  EXPECT_NE(header.find("Format: ALLELE|gene|transcript|strand|context_KL|max_KL|max_KL_offset|donor_KL|"
                        "acceptor_KL|masked_dP"),
            std::string::npos);
  EXPECT_NE(header.find("##INFO=<ID=SB_KL,Number=A,Type=Float"), std::string::npos);
  EXPECT_NE(header.find("##INFO=<ID=SB_REASON,Number=.,Type=String"), std::string::npos);
}

// The library on windows cut here: 512 nt (514 positions - 2), the variant at index 256 in transcript orientation.
TEST_F(ScoreVcf, ScoresEqualTheLibraryOnTheTranscriptStrand) {
  auto split = bcftools("+split-vep -a SpliceBERT -d -f '%ID\\t%POS\\t%REF\\t%ALLELE\\t%strand\\t%context_KL\\t"
                        "%max_KL_offset\\t%masked_dP\\n' -i 'ID=\"plus\" || ID=\"minus\"' " + shell_quote(out()));
  ASSERT_EQ(split.status, 0) << split.err;
  Session session(Model::load(small_model(), {.require_lm_head = true}));
  genome::Reference reference(genome_fasta());
  int checked = 0;
  bool unclipped = false;
  for (const auto& row : lines_of(split.out, false)) {
    const auto f = columns_of(row);
    const int64_t pos0 = std::stoll(f[1]) - 1;
    const bool minus = f[4] == "-";
    const int64_t start = minus ? pos0 - (512 - 1 - 256) : pos0 - 256;
    variant::SubstitutionJob job;
    reference.append(0, start, start + 512, job.window);
    genome::to_upper(job.window);
    job.alt = f[3][0];
    if (minus) {
      genome::reverse_complement(job.window);
      job.alt = "TGCA"[std::string("ACGT").find(job.alt)];  // the complement
    }
    job.position = 256;
    const auto s = variant::score_substitutions(session, {job}, {})[0];
    EXPECT_NEAR(std::stod(f[5]), s.context_kl, 1e-5 * std::fabs(s.context_kl)) << row;
    EXPECT_NEAR(std::stod(f[7]), s.masked_delta_p, 1e-5 * std::fabs(s.masked_delta_p) + 1e-9) << row;
    EXPECT_EQ(std::stoll(f[6]), minus ? -s.max_kl_offset : s.max_kl_offset) << "offsets are on the + strand";
    ++checked;
    unclipped |= s.context_kl > 100 * std::log(1e-6) + 1;
  }
  EXPECT_EQ(checked, 8);  // 6 entries of "plus" (2 ALT x 3 transcripts) + 2 of "minus"
  EXPECT_TRUE(unclipped) << "every KL under the clip: the comparison would be trivial";
}

}  // namespace
}  // namespace splicebert::test
