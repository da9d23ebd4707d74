// The splice-site model through the CLI (docs/splice-sites.md) on a generated model and a random two-contig genome:
// predict's tracks (one per channel and strand, sorted, one value per position equal to the max over the records'
// own JSON scores, distinct track names; bgzip + tabix; bigWig), the called-sites BED, and score-vcf's
// INFO/SpliceBERT_DS read back by a SpliceAI-format parser written here from the documented layout and by bcftools;
// score-pairs' delta columns.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "splice_test_model.hpp"
#include "splicebert/io.hpp"
#include "test_util.hpp"
#include "variant_test_model.hpp"

namespace splicebert::test {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.push_back("");
  return parts;
}

// One shared setup: the models and the genome (chr1 3000 nt, chr2 1500 nt) with overlapping regions on both strands.
class SpliceCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    save_splice_test_model(*dir_ / "splice");
    ASSERT_EQ(run_cli("init -o " + shell_quote(*dir_ / "mlm") + " --layers 1 --hidden 32 --heads 2 --intermediate 64")
                  .status,
              0);
    genome_ = new std::string(random_dna(3000, 21));
    std::ofstream(*dir_ / "genome.fa") << ">chr1\n" << *genome_ << "\n>chr2\n" << random_dna(1500, 22) << "\n";
    std::ofstream(*dir_ / "regions.bed") << "chr1\t100\t1300\tA1\t0\t+\n"
                                            "chr1\t800\t2000\tA2\t0\t+\n"
                                            "chr1\t500\t1500\tB1\t0\t-\n"
                                            "chr2\t0\t1400\tC1\t0\t+\n";
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete genome_;
  }
  static std::string path(const std::string& name) { return shell_quote(*dir_ / name); }
  static inline TempDir* dir_ = nullptr;
  static inline std::string* genome_ = nullptr;
};

TEST_F(SpliceCli, PredictTracksHoldTheMaxOverRecordsOncePerPositionSortedAndNamed) {
  const auto json_run = run_cli("predict -q -m " + path("splice") + " -f " + path("genome.fa") + " -a " +
                                path("regions.bed") + " --json --threshold 0 -o " + path("records.json"));
  ASSERT_EQ(json_run.status, 0) << json_run.err;
  const auto run = run_cli("predict -q -m " + path("splice") + " -f " + path("genome.fa") + " -a " +
                           path("regions.bed") + " --tracks " + path("t") + " --threshold 0.4 -o " + path("sites.bed"));
  ASSERT_EQ(run.status, 0) << run.err;
  // The expected track values: the max over the records of each record's own scores (JSON, threshold 0: all sites).
  std::map<std::tuple<std::string, char, std::string, int64_t>, double> expected;  // (type, strand, chrom, pos)
  const auto records = nlohmann::json::parse(read_file_text(*dir_ / "records.json"));
  ASSERT_EQ(records["records"].size(), 4u);
  for (const auto& record : records["records"]) {
    const std::string name = record["name"];  // NAME::CHROM:START-END(STRAND)
    const std::string chrom = name.substr(name.find("::") + 2, name.find(':', name.find("::") + 2) - name.find("::") - 2);
    const char strand = name[name.size() - 2];
    for (const auto& site : record["sites"]) {
      ASSERT_TRUE(site.contains("nucleotide") && site.contains("type") && site.contains("score"));
      auto key = std::make_tuple(site["type"].get<std::string>(), strand, chrom, site["position"].get<int64_t>());
      auto [it, fresh] = expected.emplace(key, site["score"].get<double>());
      if (!fresh) it->second = std::max(it->second, site["score"].get<double>());
    }
  }
  std::set<std::string> names;
  for (const std::string type : {"acceptor", "donor"})
    for (const auto& [strand, word] : {std::pair{'+', "plus"}, std::pair{'-', "minus"}}) {
      const std::string file = *dir_ / ("t." + type + "." + word + ".bedGraph");
      ASSERT_TRUE(std::filesystem::exists(file)) << file;
      std::istringstream in(read_file_text(file));
      std::string line, last_chrom;
      int64_t last_position = -1, lines = 0;
      bool track_seen = false;
      while (std::getline(in, line)) {
        if (line.starts_with("#")) continue;
        if (line.starts_with("track ")) {
          const auto at = line.find("name=\"");
          ASSERT_NE(at, std::string::npos) << line;
          names.insert(line.substr(at, line.find('"', at + 6) - at));
          track_seen = true;
          continue;
        }
        const auto f = split(line, '\t');
        ASSERT_EQ(f.size(), 4u) << line;
        const int64_t start = std::stoll(f[1]), end = std::stoll(f[2]);
        EXPECT_EQ(end, start + 1) << line;
        // Sorted: chromosomes in byte order, positions strictly ascending within one (so each position once).
        EXPECT_TRUE(f[0] > last_chrom || (f[0] == last_chrom && start > last_position)) << file << ": " << line;
        last_chrom = f[0];
        last_position = start;
        const auto want = expected.find({type, strand, f[0], start});
        ASSERT_NE(want, expected.end()) << file << ": " << line << " is not covered by any record";
        EXPECT_NEAR(std::stod(f[3]), want->second, 1e-3 * std::max(1.0, want->second)) << file << ": " << line;
        ++lines;
      }
      EXPECT_TRUE(track_seen) << file;
      // Coverage: + strand: chr1 100-2000 (1900) and chr2 0-1400; - strand: chr1 500-1500.
      EXPECT_EQ(lines, strand == '+' ? 1900 + 1400 : 1000) << file;
    }
  EXPECT_EQ(names.size(), 4u) << "track names must differ";
  // Called sites: sorted, at or above the threshold, named by channel, strand-aware, each once.
  std::istringstream sites(read_file_text(*dir_ / "sites.bed"));
  std::string line;
  std::tuple<std::string, int64_t, char, std::string> last{"", -1, ' ', ""};
  int64_t calls = 0;
  while (std::getline(sites, line)) {
    if (line.starts_with("#")) continue;
    const auto f = split(line, '\t');
    ASSERT_EQ(f.size(), 6u) << line;
    EXPECT_TRUE(f[3] == "acceptor" || f[3] == "donor") << line;
    EXPECT_TRUE(f[5] == "+" || f[5] == "-") << line;
    EXPECT_GE(std::stoi(f[4]), 400) << line;
    const auto key = std::make_tuple(f[0], std::stoll(f[1]), f[5][0], f[3]);
    EXPECT_LT(last, key) << line;
    last = key;
    EXPECT_GE(expected.at({f[3], f[5][0], f[0], std::stoll(f[1])}), 0.4 - 1e-6) << line;
    ++calls;
  }
  int64_t above = 0;
  for (const auto& [key, value] : expected) above += value >= 0.4;
  EXPECT_EQ(calls, above);
}

TEST_F(SpliceCli, PredictBgzipTracksAreTabixIndexedAndBigWigIsWritten) {
  const auto run = run_cli("predict -q -m " + path("splice") + " -f " + path("genome.fa") + " -a " +
                           path("regions.bed") + " --tracks " + path("z") + " --bgzip -o " + path("z.bed"));
  ASSERT_EQ(run.status, 0) << run.err;
  for (const std::string name : {"acceptor.plus", "acceptor.minus", "donor.plus", "donor.minus"}) {
    EXPECT_TRUE(std::filesystem::exists(*dir_ / ("z." + name + ".bedGraph.gz.tbi"))) << name;
    EXPECT_FALSE(std::filesystem::exists(*dir_ / ("z." + name + ".bedGraph.gz.partial"))) << name;
  }
  // tabix (htslib's CLI) reads the region back: 1-based chr1:1001-1010 = 10 positions on the + strand.
  const auto region = run_shell("tabix " + path("z.acceptor.plus.bedGraph.gz") + " chr1:1001-1010");
  ASSERT_EQ(region.status, 0) << region.err;
  EXPECT_EQ(std::count(region.out.begin(), region.out.end(), '\n'), 10) << region.out;
  EXPECT_EQ(region.out.substr(0, 10), "chr1\t1000\t");

  const auto bigwig = run_cli("predict -q -m " + path("splice") + " -f " + path("genome.fa") + " -a " +
                              path("regions.bed") + " --tracks " + path("w") + " --bigwig -o " + path("w.bed"));
  if (bigwig.status != 0 && bigwig.err.find("no libBigWig") != std::string::npos) GTEST_SKIP() << bigwig.err;
  ASSERT_EQ(bigwig.status, 0) << bigwig.err;
  const std::string bw = read_file_text(*dir_ / "w.donor.minus.bw");
  ASSERT_GE(bw.size(), 4u);
  EXPECT_EQ(static_cast<unsigned char>(bw[0]), 0x26);  // bigWig magic 0x888FFC26, little-endian
  EXPECT_EQ(static_cast<unsigned char>(bw[3]), 0x88);
}

TEST_F(SpliceCli, PredictSpliceOptionsNeedASpliceSiteModel) {
  save_splice_test_model(*dir_ / "two_labels", 11, 2);
  const auto r = run_cli("predict -q -m " + path("two_labels") + " -i " + path("genome.fa") + " --tracks " + path("x"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("need a splice-site model"), std::string::npos) << r.err;
  const auto no_prefix = run_cli("predict -q -m " + path("splice") + " -i " + path("genome.fa") + " --bgzip");
  EXPECT_EQ(no_prefix.status, 1);
  EXPECT_NE(no_prefix.err.find("--tracks PREFIX"), std::string::npos) << no_prefix.err;
  // For bedGraphToBigWig: no track line, only '#' comments before the data.
  const auto plain = run_cli("predict -q -m " + path("splice") + " -i " + path("genome.fa") + " --tracks " +
                             path("plain") + " --no-track-line -o " + path("plain.bed"));
  ASSERT_EQ(plain.status, 0) << plain.err;
  const std::string text = read_file_text(*dir_ / "plain.donor.plus.bedGraph");
  EXPECT_EQ(text.find("\ntrack "), std::string::npos);
  EXPECT_NE(text.find("\nchr1\t0\t1\t"), std::string::npos);  // records without coordinates: chrom = name
}

// SpliceAI's documented INFO layout, parsed as a downstream tool would: entries split on ',', fields on '|', ten
// fields, the four scores with exactly two decimals in [-1, 1], the four positions integers.
struct SpliceAiEntry {
  std::string allele, symbol;
  double score[4];
  int position[4];
};
std::vector<SpliceAiEntry> parse_spliceai(const std::string& value) {
  std::vector<SpliceAiEntry> entries;
  const std::regex two_decimals("-?[01]\\.[0-9]{2}"), integer("-?[0-9]+");
  for (const std::string& text : split(value, ',')) {
    const auto f = split(text, '|');
    EXPECT_EQ(f.size(), 10u) << text;
    if (f.size() != 10) continue;
    SpliceAiEntry e{f[0], f[1], {}, {}};
    for (int k = 0; k < 4; ++k) {
      EXPECT_TRUE(std::regex_match(f[2 + k], two_decimals)) << text;
      EXPECT_TRUE(std::regex_match(f[6 + k], integer)) << text;
      e.score[k] = std::stod(f[2 + k]);
      e.position[k] = std::stoi(f[6 + k]);
    }
    entries.push_back(e);
  }
  return entries;
}

TEST_F(SpliceCli, ScoreVcfWritesSpliceAiLayoutThatAParserAndBcftoolsRead) {
  std::ofstream(*dir_ / "genes.bed") << "chr1\t100\t1300\tGENEA\t0\t+\nchr1\t800\t2000\tGENEA\t0\t+\n"
                                        "chr1\t500\t1500\tGENEB\t0\t-\n";
  const std::string& g = *genome_;
  auto other = [](char b) { return std::string(1, b == 'A' ? 'C' : 'A'); };
  const std::string second = g[1000] == 'T' ? "G" : "T";  // never the first ALT (A or C) nor REF
  std::ofstream(*dir_ / "in.vcf") << "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=3000>\n"
                                     "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                                  << "chr1\t1001\tsnv\t" << g[1000] << "\t" << other(g[1000]) << "," << second << "\t.\t.\t.\n"
                                  << "chr1\t1101\tins\t" << g[1100] << "\t" << g[1100] << "GTAAG\t.\t.\t.\n"
                                  << "chr1\t1201\tdel\t" << g.substr(1200, 4) << "\t" << g[1200] << "\t.\t.\t.\n"
                                  << "chr1\t1701\tplus_only\t" << g[1700] << "\t" << other(g[1700]) << "\t.\t.\t.\n"
                                  << "chr1\t2501\toutside\t" << g[2500] << "\t" << other(g[2500]) << "\t.\t.\t.\n";
  const auto run = run_cli("score-vcf -q -m " + path("mlm") + " --splice-model " + path("splice") + " --distance 30 -f " +
                           path("genome.fa") + " -a " + path("genes.bed") + " -i " + path("in.vcf") + " -o " +
                           path("out.vcf"));
  ASSERT_EQ(run.status, 0) << run.err;
  const std::string vcf = read_file_text(*dir_ / "out.vcf");
  EXPECT_NE(vcf.find("##INFO=<ID=SpliceBERT_DS,Number=.,Type=String"), std::string::npos);
  EXPECT_NE(vcf.find("Format: ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL\">"), std::string::npos);
  const auto query = run_shell("bcftools query -f '%ID\\t%ALT\\t%INFO/SpliceBERT_DS\\n' " + path("out.vcf"));
  ASSERT_EQ(query.status, 0) << query.err;
  std::map<std::string, std::vector<SpliceAiEntry>> by_id;
  std::istringstream lines(query.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto f = split(line, '\t');
    ASSERT_EQ(f.size(), 3u) << line;
    if (f[2] == ".") {
      by_id[f[0]];
      continue;
    }
    by_id[f[0]] = parse_spliceai(f[2]);
    for (const auto& e : by_id[f[0]]) {
      EXPECT_NE(("," + f[1] + ",").find("," + e.allele + ","), std::string::npos) << line;
      for (int k = 0; k < 4; ++k) {
        EXPECT_LE(std::abs(e.position[k]), 30) << line;
        EXPECT_LE(e.score[k], 1.0);
        EXPECT_GE(e.score[k], -1.0);
      }
    }
  }
  // One entry per ALT x gene: the SNV has two ALTs in GENEA and GENEB (GENEA's two transcripts give one entry).
  ASSERT_EQ(by_id["snv"].size(), 4u);
  EXPECT_EQ(by_id["snv"][0].symbol, "GENEA");
  EXPECT_EQ(by_id["snv"][1].symbol, "GENEB");
  EXPECT_EQ(by_id["snv"][2].allele, second);
  EXPECT_EQ(by_id["ins"].size(), 2u);  // indels are scored
  EXPECT_EQ(by_id["del"].size(), 2u);
  ASSERT_EQ(by_id["plus_only"].size(), 1u);
  EXPECT_EQ(by_id["plus_only"][0].symbol, "GENEA");
  EXPECT_TRUE(by_id["outside"].empty());
  // The deletion removes three bases: at a deleted position the loss is the REF probability (ALT filler 0), so
  // neither loss can be negative (an SNV's can: "-0.00").
  for (const auto& e : by_id["del"]) {
    EXPECT_GE(e.score[1], 0.0);
    EXPECT_GE(e.score[3], 0.0);
  }

  // Without a splice model the field is absent from the header.
  const auto plain = run_cli("score-vcf -q -m " + path("mlm") + " --splice-model none -f " + path("genome.fa") +
                             " -a " + path("genes.bed") + " -i " + path("in.vcf") + " -o " + path("plain.vcf"));
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(read_file_text(*dir_ / "plain.vcf").find("SpliceBERT_DS"), std::string::npos);
  const auto wrong = run_cli("score-vcf -q -m " + path("mlm") + " --splice-model " + path("mlm") + " -f " +
                             path("genome.fa") + " -a " + path("genes.bed") + " -i " + path("in.vcf") + " -o " +
                             path("wrong.vcf"));
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("not a splice-site model"), std::string::npos) << wrong.err;
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "wrong.vcf"));
}

TEST_F(SpliceCli, ScorePairsAddsDeltaColumns) {
  const std::string ref = random_dna(400, 31);
  std::string snv = ref, del = ref;
  snv[200] = ref[200] == 'A' ? 'C' : 'A';
  del.erase(201, 2);
  std::ofstream(*dir_ / "pairs.tsv") << "id\tref\talt\tpos\n"
                                     << "snv\t" << ref << "\t" << snv << "\t200\n"
                                     << "del\t" << ref << "\t" << del << "\t200\n"
                                     << "same\t" << ref << "\t" << ref << "\t200\n";
  const auto run = run_cli("score-pairs -q -m " + path("mlm") + " --splice-model " + path("splice") + " -i " +
                           path("pairs.tsv") + " -o " + path("pairs.out") + " --deltas-json " + path("effects.json"));
  ASSERT_EQ(run.status, 0) << run.err;
  std::istringstream in(read_file_text(*dir_ / "pairs.out"));
  std::string line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line))
    if (!line.starts_with("#")) rows.push_back(split(line, '\t'));
  ASSERT_EQ(rows.size(), 4u);
  ASSERT_EQ(rows[0].size(), 17u);
  EXPECT_EQ(rows[0][8], "delta_status");
  EXPECT_EQ(rows[0][9], "DS_AG");
  EXPECT_EQ(rows[1][8], "scored");
  EXPECT_EQ(rows[2][8], "scored");  // the deletion: zero-shot status INDEL, deltas scored
  EXPECT_EQ(rows[2][1], "INDEL");
  EXPECT_EQ(rows[3][8], "NO_CHANGE");
  EXPECT_EQ(rows[3][9], ".");
  for (int k = 13; k < 17; ++k) EXPECT_LE(std::abs(std::stoi(rows[1][k])), 50);
  // The same deltas as splice-variant-effect records: four per scored pair, each delta_score = alt − ref score, and
  // the DS column of each (gain: delta, loss: −delta) equal to it at the table's precision.
  const auto json = nlohmann::json::parse(read_file_text(*dir_ / "effects.json"));
  ASSERT_EQ(json["pairs"].size(), 3u);
  EXPECT_TRUE(json["pairs"][2]["effects"].empty());
  const auto& effects = json["pairs"][0]["effects"];
  ASSERT_EQ(effects.size(), 4u);
  for (size_t k = 0; k < 4; ++k) {
    const auto& e = effects[k];
    for (const char* key : {"position", "reference_nucleotide", "alternative_nucleotide", "channel", "delta_score",
                            "direction", "reference_score", "alternative_score"})
      EXPECT_TRUE(e.contains(key)) << key;
    EXPECT_EQ(e["channel"], k < 2 ? "acceptor" : "donor");
    EXPECT_EQ(e["direction"], k % 2 == 0 ? "gain" : "loss");
    EXPECT_NEAR(e["delta_score"].get<double>(),
                e["alternative_score"].get<double>() - e["reference_score"].get<double>(), 1e-6);
    const double ds = std::stod(rows[1][9 + k]);
    const double signed_delta = k % 2 == 0 ? e["delta_score"].get<double>() : -e["delta_score"].get<double>();
    EXPECT_NEAR(signed_delta, ds, 1e-5 * (1 + std::abs(ds)));
    EXPECT_EQ(e["position"].get<int64_t>(), 200 + std::stoi(rows[1][13 + k]));
  }
  EXPECT_EQ(effects[0]["reference_nucleotide"], std::string(1, ref[200]));
  EXPECT_EQ(effects[0]["alternative_nucleotide"], std::string(1, snv[200]));
}

}  // namespace
}  // namespace splicebert::test
