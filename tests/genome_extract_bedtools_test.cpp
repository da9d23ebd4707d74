// `splicebert extract` against bedtools 2.30 run live on the same inputs: GTF and GFF3 annotations are converted to
// BED12 / BED6 here (code independent of the library: exon lines grouped by transcript_id, then the awk of the
// goldens' COMMANDS.md), and bedtools getfasta -s -name [-split] reads plain FASTA. Skipped without bedtools.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "genome_test_helpers.hpp"

namespace splicebert::test {
namespace {

struct TestTranscript {
  std::string chrom, name, gene;
  char strand = '+';
  std::vector<std::pair<long, long>> exons;  // 0-based half-open
};

std::string attribute(const std::string& attributes, const std::string& key) {
  size_t at = attributes.find(key + " ");
  if (at == std::string::npos) return "";
  size_t begin = at + key.size() + 1;
  if (attributes[begin] == '"') return attributes.substr(begin + 1, attributes.find('"', begin + 1) - begin - 1);
  return attributes.substr(begin, attributes.find(';', begin) - begin);
}

// GTF exon lines -> transcripts in first-appearance order.
std::vector<TestTranscript> read_gtf(const std::string& text) {
  std::vector<TestTranscript> transcripts;
  std::map<std::string, size_t> index;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) f.push_back(field);
    if (f.size() != 9 || f[2] != "exon") continue;
    std::string tx = attribute(f[8], "transcript_id"), gene = attribute(f[8], "gene_id");
    auto [it, inserted] = index.try_emplace(tx, transcripts.size());
    if (inserted) transcripts.push_back({f[0], tx, gene, f[6][0], {}});
    transcripts[it->second].exons.emplace_back(std::stol(f[3]) - 1, std::stol(f[4]));
  }
  for (auto& t : transcripts) std::sort(t.exons.begin(), t.exons.end());
  return transcripts;
}

std::string to_bed12(std::vector<TestTranscript> transcripts) {
  std::sort(transcripts.begin(), transcripts.end(), [](const TestTranscript& a, const TestTranscript& b) {
    return std::tie(a.chrom, a.exons.front().first, a.exons.back().second, a.name) <
           std::tie(b.chrom, b.exons.front().first, b.exons.back().second, b.name);
  });
  std::ostringstream out;
  for (const auto& t : transcripts) {
    long start = t.exons.front().first, end = t.exons.back().second;
    std::string sizes, starts;
    for (const auto& [s, e] : t.exons) sizes += std::to_string(e - s) + ",", starts += std::to_string(s - start) + ",";
    out << t.chrom << '\t' << start << '\t' << end << '\t' << t.name << "\t0\t" << t.strand << '\t' << start << '\t'
        << start << "\t0\t" << t.exons.size() << '\t' << sizes << '\t' << starts << '\n';
  }
  return out.str();
}

// Gene spans (union of the gene's transcripts) as BED6, unsorted.
std::string gene_bed6(const std::vector<TestTranscript>& transcripts) {
  std::map<std::string, std::tuple<std::string, long, long, char>> genes;
  for (const auto& t : transcripts) {
    auto [it, inserted] = genes.try_emplace(t.gene, t.chrom, t.exons.front().first, t.exons.back().second, t.strand);
    std::get<1>(it->second) = std::min(std::get<1>(it->second), t.exons.front().first);
    std::get<2>(it->second) = std::max(std::get<2>(it->second), t.exons.back().second);
  }
  std::ostringstream out;
  for (const auto& [id, g] : genes)
    out << std::get<0>(g) << '\t' << std::get<1>(g) << '\t' << std::get<2>(g) << '\t' << id << "\t0\t" << std::get<3>(g) << '\n';
  return out.str();
}

// GFF3 with gene / mRNA / exon lines (ID and Parent), genes first, then each transcript with its exons.
std::string to_gff3(const std::vector<TestTranscript>& transcripts) {
  std::ostringstream out;
  out << "##gff-version 3\n";
  std::map<std::string, bool> gene_written;
  for (const auto& t : transcripts) {
    if (gene_written[t.gene]) continue;
    gene_written[t.gene] = true;
    long start = t.exons.front().first, end = t.exons.back().second;
    for (const auto& u : transcripts) {
      if (u.gene == t.gene) start = std::min(start, u.exons.front().first), end = std::max(end, u.exons.back().second);
    }
    out << t.chrom << "\ttest\tgene\t" << start + 1 << '\t' << end << "\t.\t" << t.strand << "\t.\tID=" << t.gene << '\n';
  }
  for (const auto& t : transcripts) {
    out << t.chrom << "\ttest\tmRNA\t" << t.exons.front().first + 1 << '\t' << t.exons.back().second << "\t.\t" << t.strand
        << "\t.\tID=" << t.name << ";Parent=" << t.gene << '\n';
    for (const auto& [s, e] : t.exons)
      out << t.chrom << "\ttest\texon\t" << s + 1 << '\t' << e << "\t.\t" << t.strand << "\t.\tParent=" << t.name << '\n';
  }
  return out.str();
}

const char* sort_c = "LC_ALL=C sort -k1,1 -k2,2n -k3,3n -k4,4";
const char* introns_awk =
    R"(awk 'BEGIN{OFS="\t"} $10>1 {split($11,sz,","); split($12,st,","); k=$10; for(i=1;i<k;i++){s=$2+st[i]+sz[i]; e=$2+st[i+1]; if(e>s) print $1,s,e,$4"_intron"(($6=="-")?k-i:i),0,$6}}')";
const char* exons_awk =
    R"(awk 'BEGIN{OFS="\t"} {split($11,sz,","); split($12,st,","); k=$10; for(i=1;i<=k;i++) print $1,$2+st[i],$2+st[i]+sz[i],$4"_exon"(($6=="-")?k-i+1:i),0,$6}')";

void compare_with_bedtools(const std::string& bedtools_fasta, const std::string& our_fasta, const std::string& gtf_path) {
  TempDir dir;
  std::vector<TestTranscript> transcripts = read_gtf(read_file_text(gtf_path));
  ASSERT_FALSE(transcripts.empty());
  std::ofstream(dir / "a.bed12") << to_bed12(transcripts);
  std::ofstream(dir / "a.gff3") << to_gff3(transcripts);
  std::ofstream(dir / "genes.unsorted") << gene_bed6(transcripts);
  std::string q = shell_quote(dir.path) + "/";
  ASSERT_EQ(run_shell(std::string("awk 'BEGIN{OFS=\"\\t\"}{print $1,$2,$3,$4,0,$6}' ") + q + "a.bed12 | " + sort_c + " > " + q + "tx.bed6 && " +
                      introns_awk + " " + q + "a.bed12 | " + sort_c + " > " + q + "introns.bed6 && " + exons_awk + " " + q +
                      "a.bed12 | " + sort_c + " > " + q + "exons.bed6 && " + sort_c + " " + q + "genes.unsorted > " + q + "genes.bed6")
                .status, 0);
  // bedtools reads a private copy: should it ever decide to (re)build a .fai, that happens here, never in data/.
  ASSERT_EQ(run_shell("cp " + shell_quote(bedtools_fasta) + " " + q + "ref.fa").status, 0);
  auto bedtools = [&](const std::string& bed, const std::string& extra) {
    CommandResult r = run_shell("bedtools getfasta -s -name " + extra + " -fi " + q + "ref.fa -bed " + q + bed);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  };
  auto ours = [&](const std::string& annotation, const std::string& extra) {
    return extract_output("-f " + shell_quote(our_fasta) + " -a " + annotation + " " + extra);
  };
  const std::string gtf = shell_quote(gtf_path), gff3 = q + "a.gff3";
  std::string premrna = bedtools("tx.bed6", ""), mrna = bedtools("a.bed12", "-split"), introns = bedtools("introns.bed6", "");
  std::string exons = bedtools("exons.bed6", ""), genes = bedtools("genes.bed6", "");
  for (const std::string& annotation : {gtf, gff3}) {
    SCOPED_TRACE(annotation);
    EXPECT_TRUE(same_text(ours(annotation, ""), premrna));
    EXPECT_TRUE(same_text(ours(annotation, "--split"), mrna));
    EXPECT_TRUE(same_text(ours(annotation, "--feature intron"), introns));
    EXPECT_TRUE(same_text(ours(annotation, "--feature exon"), exons));
    EXPECT_TRUE(same_text(ours(annotation, "--feature gene"), genes));
  }
  EXPECT_TRUE(same_text(ours(q + "a.bed12", ""), bedtools("a.bed12", "")));  // BED12 without -split = span
  EXPECT_TRUE(same_text(ours(q + "a.bed12", "--split"), mrna));
  EXPECT_TRUE(same_text(ours(q + "introns.bed6", ""), introns));
  EXPECT_TRUE(same_text(ours(q + "exons.bed6", ""), exons));
  // --upper = bedtools output with the sequence lines upper-cased
  CommandResult upper = run_shell("awk '/^>/{print; next}{print toupper($0)}'", premrna);
  EXPECT_TRUE(same_text(ours(gtf, "--upper"), upper.out));
}

class GenomeExtractBedtools : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_tool("bedtools")) GTEST_SKIP() << "bedtools not on PATH (scripts/setup.sh installs it)";
  }
};

TEST_F(GenomeExtractBedtools, Hg38SoftMaskedBothStrands) {
  std::string fa = data_path("genome/hg38-chr16-region/hg38.fa");
  compare_with_bedtools(fa, fa, data_path("genome/hg38-chr16-region/refseq.hg38.gtf"));
}

TEST_F(GenomeExtractBedtools, Chr22EnsemblUnquotedInterleavedGtf) {
  std::string fa = data_path("genome/hg19-annotations-debian/22_20-21M.fa");
  compare_with_bedtools(fa, fa, data_path("genome/hg19-annotations-debian/derived/ensembl.GRCh37.22_20-21M.local.gtf"));
}

TEST_F(GenomeExtractBedtools, YeastWholeGenomeBgzipForUsPlainForBedtools) {
  TempDir dir;  // bedtools cannot read bgzip: it gets a decompressed copy (and writes its .fai there)
  ASSERT_EQ(run_shell("gzip -dc " + quoted_data("genome/sacCer2/sacCer2.fa.gz") + " > " + shell_quote(dir / "sacCer2.fa")).status, 0);
  compare_with_bedtools(dir / "sacCer2.fa", data_path("genome/sacCer2/sacCer2.fa.gz"),
                        data_path("genome/sacCer2/sacCer2.sgdGene.gtf"));
}

}  // namespace
}  // namespace splicebert::test
