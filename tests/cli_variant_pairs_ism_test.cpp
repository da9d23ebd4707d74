// score-pairs (sequence mode) and ism through the CLI: values equal the library's, unscorable pairs get a reason,
// outputs carry provenance, the ISM bedGraph maps bedtools-named minus-strand records back to the genome, and
// scripts/eval_vexseq.sh runs on the VexSeq data.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "splicebert/variant.hpp"
#include "variant_cli_helpers.hpp"

namespace splicebert::test {
namespace {

TEST(ScorePairs, ValuesEqualTheLibraryAndProblemsGetAReason) {
  TempDir dir;
  const std::string a = random_dna(300, 31), b = random_dna(260, 32);
  std::string a_alt = a, b_alt = b;
  a_alt[150] = other_base(a[150]);
  b_alt[20] = other_base(b[20], 2);
  std::ofstream(dir / "pairs.tsv") << "id\tref\talt\tpos\texon_start\texon_end\n"
                                   << "a\t" << a << "\t" << a_alt << "\t150\t120\t200\n"
                                   << "b\t" << b << "\t" << b_alt << "\t20\t.\t.\n"
                                   << "indel\t" << a << "\t" << a.substr(1) << "\t150\t.\t.\n"
                                   << "same\t" << a << "\t" << a << "\t150\t.\t.\n";
  // --splice-model none: the zero-shot columns only, whether or not models/splice-site ships (docs/splice-sites.md).
  auto r = run_cli("score-pairs -q -t 1 --splice-model none -m " + shell_quote(small_model()) + " -i " +
                   shell_quote(dir / "pairs.tsv"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("# model_sha256: " + sha256_file_hex(small_model() + "/model.safetensors")), std::string::npos);
  EXPECT_NE(r.out.find("# command: "), std::string::npos);
  const auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], "id\tstatus\tcontext_KL\tmax_KL\tmax_KL_offset\tdonor_KL\tacceptor_KL\tmasked_dP");
  EXPECT_EQ(columns_of(rows[3])[1], "INDEL");
  EXPECT_EQ(columns_of(rows[4])[1], "UNSUPPORTED_ALLELE");

  Session session(Model::load(small_model(), {.require_lm_head = true}));
  const auto pairs = variant::read_sequence_pairs(dir / "pairs.tsv");
  for (size_t i = 0; i < 2; ++i) {
    const auto s = variant::score_substitutions(session, {*variant::pair_job(pairs[i], variant::Center::Variant, 512)},
                                                {})[0];
    const auto f = columns_of(rows[i + 1]);
    EXPECT_EQ(f[1], "scored");
    EXPECT_NEAR(std::stod(f[2]), s.context_kl, 1e-5 * std::fabs(s.context_kl));
    EXPECT_NEAR(std::stod(f[7]), s.masked_delta_p, 1e-5 * std::fabs(s.masked_delta_p) + 1e-9);
    EXPECT_EQ(f[5] == ".", !s.donor_kl) << rows[i + 1];
  }
}

TEST(ScorePairs, ABadTableStopsWithTheLineNamed) {
  TempDir dir;
  std::ofstream(dir / "pairs.tsv") << "id\tref\talt\tpos\nx\tACGT\tACGA\t9\n";
  auto r = run_cli("score-pairs -q -m " + shell_quote(small_model()) + " -i " + shell_quote(dir / "pairs.tsv") +
                   " -o " + shell_quote(dir / "out.tsv"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("pairs.tsv:2"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.tsv"));
}

TEST(IsmCli, MatrixBedGraphAndProvenance) {
  TempDir dir;
  const std::string plus = random_dna(90, 41), minus = random_dna(40, 42);
  std::ofstream(dir / "in.fa") << ">p\n" << plus << "\n>NM_1::chr16:1000-1040(-)\n" << minus << "\n";
  auto r = run_cli("ism -q -t 1 -m " + shell_quote(small_model()) + " -i " + shell_quote(dir / "in.fa") + " -o " +
                   shell_quote(dir / "out.npz") + " --bedgraph " + shell_quote(dir / "out.bedgraph"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto npz = read_npz(dir / "out.npz");
  Session session(Model::load(small_model(), {.require_lm_head = true}));
  const Tensor p = npz.at("p/kl").to_float(), m = npz.at("NM_1::chr16:1000-1040(-)/kl").to_float();
  EXPECT_EQ(p.shape, (Shape{90, 4}));
  const auto expected = variant::in_silico_mutagenesis(session, plus, {});
  for (size_t k = 0; k < expected.scores.size(); ++k)
    if (std::isnan(expected.scores[k])) EXPECT_TRUE(std::isnan(p.data[k]));
    else EXPECT_NEAR(p.data[k], expected.scores[k], 1e-3) << k;
  const auto provenance = nlohmann::json::parse(std::string(npz.at("__provenance__").bytes.begin(),
                                                            npz.at("__provenance__").bytes.end()));
  EXPECT_EQ(provenance["model_sha256"], sha256_file_hex(small_model() + "/model.safetensors"));
  EXPECT_NE(provenance["command"].get<std::string>().find("ism"), std::string::npos);

  // bedGraph: one line per position, the maximum over the three substitutions; the minus-strand record's index 0 is
  // genomic 1039 (0-based), so its lines run 1000..1039 in ascending order.
  const auto lines = lines_of(read_file_text(dir / "out.bedgraph"));
  ASSERT_EQ(lines.size(), 1u + 90 + 40);  // the track line, then the data
  EXPECT_EQ(lines[0].rfind("track type=bedGraph", 0), 0u);
  auto max_of_row = [](const Tensor& t, int64_t i) {
    float best = -INFINITY;
    for (int b = 0; b < 4; ++b)
      if (!std::isnan(t.data[i * 4 + b])) best = std::max(best, t.data[i * 4 + b]);
    return best;
  };
  const auto first = columns_of(lines[1]);
  EXPECT_EQ(first[0] + " " + first[1] + " " + first[2], "p 0 1");
  EXPECT_NEAR(std::stod(first[3]), max_of_row(p, 0), 1e-3);
  const auto minus_first = columns_of(lines[91]), minus_last = columns_of(lines[130]);
  EXPECT_EQ(minus_first[0] + " " + minus_first[1], "chr16 1000");
  EXPECT_EQ(minus_last[1], "1039");
  EXPECT_NEAR(std::stod(minus_last[3]), max_of_row(m, 0), 1e-3);
}

TEST(IsmCli, RegionOfAReference) {
  TempDir dir;
  auto r = run_cli("ism -q -t 1 -m " + shell_quote(small_model()) + " -f " + shell_quote(genome_fasta()) +
                   " -r chr16:47590-47609 -o " + shell_quote(dir / "out.npz"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_npz(dir / "out.npz").at("chr16:47590-47609/kl").shape, (Shape{20, 4}));
}

TEST(BenchVariants, JsonRowsWithRates) {
  auto r = run_cli("bench-variants -q --json -t 1 --repeats 1 --variants 3 --ism-positions 2 -m " +
                   shell_quote(small_model()));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rows = lines_of(r.out, false);
  ASSERT_EQ(rows.size(), 3u);
  const auto snv = nlohmann::json::parse(rows[0]), ism = nlohmann::json::parse(rows[2]);
  EXPECT_EQ(snv["workload"], "snv_own_window");
  EXPECT_EQ(snv["forwards"], 9);  // REF + masked + ALT per variant
  EXPECT_EQ(ism["forwards"], 1 + 3 * 2);
  EXPECT_GT(ism["per_second"].get<double>(), 0);
}

TEST(EvalVexSeq, ScriptPrintsTheMetricsAndTheBaseline) {
  auto r = run_shell(shell_quote(source_dir() + "/scripts/eval_vexseq.sh") + " -b " + shell_quote(binary()) +
                     " -m " + shell_quote(small_model()) + " -t 1 -d " +
                     shell_quote(data_dir() + "/variants/vexseq/mmsplice-paper"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("VexSeq all: 1960 SNVs scored, 98 SDV"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("baseline: -distance to splice site"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("context_KL"), std::string::npos);
}

}  // namespace
}  // namespace splicebert::test
