// Task labels: splice sites (hg38 RefSeq region, checked against derived/refseq.hg38.splice_sites.bed6) and
// branchpoints (Mercer BED mapped onto the BPP demo introns: 124 positives, 88 on A; branchpoint/*/PROVENANCE.md).
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "genome_test_helpers.hpp"
#include "splicebert/fasta.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::test {
namespace {

using genome::WindowShard;
using Site = std::pair<long, char>;  // genomic 0-based position, strand

// Sites by kind ("donor" / "acceptor") from the derived BED6.
std::map<std::string, std::set<Site>> expected_sites() {
  std::map<std::string, std::set<Site>> sites;
  std::istringstream in(read_file_text(data_path("genome/hg38-chr16-region/derived/refseq.hg38.splice_sites.bed6")));
  std::string chrom, name, score, strand;
  long start, end;
  while (in >> chrom >> start >> end >> name >> score >> strand) sites[name].insert({start, strand[0]});
  return sites;
}

// Genomic position of base k of shard window i (windows on '-' run right to left).
long genomic_position(const genome::WindowOrigin& origin, size_t k) {
  return origin.genomic.strand == '-' ? origin.genomic.end - 1 - static_cast<long>(k) : origin.genomic.start + static_cast<long>(k);
}

struct LabelScan {
  std::map<int, std::set<Site>> sites;   // label -> positions
  std::map<int, std::string> bases;      // label -> the token at each labelled base (all windows)
  size_t ignored = 0;
};
LabelScan scan(const std::string& prefix) {
  LabelScan result;
  WindowShard shard = WindowShard::open(prefix);
  EXPECT_TRUE(shard.has_labels());
  for (size_t i = 0; i < shard.size(); ++i) {
    std::string_view window = shard.window(i);
    const int8_t* labels = shard.labels(i);
    for (size_t k = 0; k < window.size(); ++k) {
      if (labels[k] == genome::label_ignore) ++result.ignored;
      else if (labels[k] > 0) {
        result.sites[labels[k]].insert({genomic_position(shard.origin(i), k), shard.origin(i).genomic.strand});
        result.bases[labels[k]] += window[k];
      }
    }
  }
  return result;
}

TEST(GenomeLabels, SpliceSitesOnPreMrnaWindowsMatchTheAnnotation) {
  TempDir dir;
  auto expected = expected_sites();
  ASSERT_EQ(expected["donor"].size(), 84u);
  ASSERT_EQ(expected["acceptor"].size(), 84u);
  for (std::string annotation : {"refseq.hg38.gtf", "refseq.bed"}) {
    SCOPED_TRACE(annotation);
    CommandResult r = run_cli("windows -q --min-length 1 --max-length 1000 --max-n 1 --no-dedup -i human=" +
                              quoted_data("genome/hg38-chr16-region/golden/refseq.hg38.premrna.fa") + " --splice-labels " +
                              quoted_data("genome/hg38-chr16-region/" + annotation) + " -o " + shell_quote(dir / "s"));
    ASSERT_EQ(r.status, 0) << r.err;
    LabelScan labels = scan(dir / "s.train");
    EXPECT_EQ(labels.sites[genome::label_donor], expected["donor"]);
    EXPECT_EQ(labels.sites[genome::label_acceptor], expected["acceptor"]);
    EXPECT_EQ(labels.ignored, 0u) << "every base of a pre-mRNA lies in an annotated transcript";
    // donor = first intron base (G of GT/GC), acceptor = last intron base (G of AG), read on the transcript strand
    EXPECT_EQ(labels.bases[genome::label_donor].find_first_not_of('G'), std::string::npos);
    EXPECT_EQ(labels.bases[genome::label_acceptor].find_first_not_of('G'), std::string::npos);
  }
}

TEST(GenomeLabels, GenomeRecordWindowsLabelThePlusStrandOnly) {
  TempDir dir;
  CommandResult r = run_cli("windows -q --length 1000 --max-n 1 -i human=" + quoted_data("genome/hg38-chr16-region/hg38.fa") +
                            " --splice-labels " + quoted_data("genome/hg38-chr16-region/refseq.hg38.gtf") + " -o " +
                            shell_quote(dir / "g"));
  ASSERT_EQ(r.status, 0) << r.err;
  std::set<Site> plus_donors;
  auto expected = expected_sites();  // kept alive: a range-for over a member of a temporary would dangle
  for (const Site& s : expected["donor"])
    if (s.second == '+' && s.first < 210000) plus_donors.insert(s);  // windows end at 210,000 (tail < 1000 dropped)
  LabelScan labels = scan(dir / "g.train");
  EXPECT_EQ(labels.sites[genome::label_donor], plus_donors);
  EXPECT_GT(labels.ignored, 0u) << "bases outside + strand transcripts are -100";
}

TEST(GenomeLabels, MinusStrandLabelsAreReversedWithTheSequence) {
  genome::SpliceSiteIndex sites;
  genome::TranscriptModel t;
  t.chrom = "chr1", t.name = "t", t.strand = '-', t.span = {0, 30}, t.exons = {{0, 10}, {20, 30}};
  sites.add(t);
  sites.finish();
  std::vector<int8_t> out(30);
  sites.label("1", 0, 30, '-', out.data());  // "1" finds "chr1"
  EXPECT_EQ(out[29 - 19], genome::label_donor);     // the donor is the gap's last genomic base on '-'
  EXPECT_EQ(out[29 - 10], genome::label_acceptor);
  sites.label("chr1", 0, 30, '+', out.data());
  EXPECT_EQ(std::count(out.begin(), out.end(), genome::label_ignore), 30);

  genome::BranchpointIndex branchpoints({{"chr2", "r", {100, 103}, '-', {1, 0, -100}}});
  std::vector<int8_t> window(5);
  branchpoints.label("chr2", 99, 104, '-', window.data());
  EXPECT_EQ(window, (std::vector<int8_t>{-100, -100, 0, 1, -100}));
}

struct Intron {
  std::string id, chrom;
  long start, end;  // 0-based half-open
  char strand;
  std::string sequence;  // transcript orientation, as in example.fa
};

// BPP headers: GENE|chrom|start(1-based)|end|strand|intron|BPs|ID
std::vector<Intron> bpp_introns() {
  std::vector<Intron> introns;
  FastaReader reader(data_path("branchpoint/bpp-demo/example.fa"));
  FastaRecord record;
  while (reader.next(record)) {
    std::vector<std::string> f;
    std::stringstream fields(record.name);  // the header has no blanks: the name is all of it
    for (std::string field; std::getline(fields, field, '|');) f.push_back(field);
    EXPECT_EQ(f.size(), 8u) << record.name;
    introns.push_back({f[7], f[1], std::stol(f[2]) - 1, std::stol(f[3]), f[4][0], record.sequence});
  }
  return introns;
}

TEST(GenomeLabels, MercerBranchpointsOnTheBppDemoIntrons) {
  std::vector<Intron> introns = bpp_introns();
  ASSERT_EQ(introns.size(), 86u);
  genome::Diagnostics diagnostics(false, true);
  auto records = genome::read_branchpoint_bed(data_path("branchpoint/mercer/mercer_dataset.hg19.bed.gz"), diagnostics);
  ASSERT_EQ(records.size(), 57090u);
  // Each Mercer record once: its labels placed on the first intron it overlaps (same strand), in transcript
  // orientation (reversed on '-'), read against that intron's sequence.
  size_t overlapping = 0, positives = 0;
  std::map<char, size_t> bases;
  for (const auto& record : records) {
    auto intron = std::find_if(introns.begin(), introns.end(), [&](const Intron& i) {
      return i.chrom == record.chrom && i.strand == record.strand && i.start < record.span.end && record.span.start < i.end;
    });
    if (intron == introns.end()) continue;
    ++overlapping;
    genome::BranchpointIndex one({record});
    std::vector<int8_t> labels(intron->sequence.size());
    one.label(intron->chrom, intron->start, intron->end, intron->strand, labels.data());
    for (size_t k = 0; k < labels.size(); ++k) {
      if (labels[k] == genome::label_branchpoint) ++positives, ++bases[intron->sequence[k]];
    }
  }
  EXPECT_EQ(overlapping, 54u);
  EXPECT_EQ(positives, 124u);
  EXPECT_EQ(bases['A'], 88u);
  EXPECT_EQ(bases['T'] + bases['C'] + bases['G'], 36u);
}

TEST(GenomeLabels, BranchpointShardFromIntronFasta) {
  // The CLI path: introns with bedtools-style headers -> windows with --branchpoint-labels. Overlapping records
  // merge per base, so distinct genomic positives are counted (the 124 above include 4 shared positions).
  TempDir dir;
  std::ofstream fasta(dir / "introns.fa");
  std::map<std::pair<long, char>, char> expected;  // distinct positives -> base, from the per-record mapping
  genome::Diagnostics diagnostics(false, true);
  genome::BranchpointIndex all(genome::read_branchpoint_bed(data_path("branchpoint/mercer/mercer_dataset.hg19.bed.gz"), diagnostics));
  for (const Intron& i : bpp_introns()) {
    fasta << '>' << i.id << "::" << i.chrom << ':' << i.start << '-' << i.end << '(' << i.strand << ")\n" << i.sequence << '\n';
    std::vector<int8_t> labels(i.sequence.size());
    all.label(i.chrom, i.start, i.end, i.strand, labels.data());
    for (size_t k = 0; k < labels.size(); ++k)
      if (labels[k] == 1) expected[{i.strand == '-' ? i.end - 1 - static_cast<long>(k) : i.start + static_cast<long>(k), i.strand}] = i.sequence[k];
  }
  fasta.close();
  CommandResult r = run_cli("windows -q --min-length 1 --max-length 100000 --no-dedup -i human=" + shell_quote(dir / "introns.fa") +
                            " --branchpoint-labels " + quoted_data("branchpoint/mercer/mercer_dataset.hg19.bed.gz") + " -o " +
                            shell_quote(dir / "bp"));
  ASSERT_EQ(r.status, 0) << r.err;
  LabelScan labels = scan(dir / "bp.train");
  std::set<Site> expected_positions;
  size_t expected_a = 0;
  for (const auto& [site, base] : expected) expected_positions.insert(site), expected_a += base == 'A';
  EXPECT_EQ(labels.sites[genome::label_branchpoint], expected_positions);
  EXPECT_EQ(expected_positions.size(), 120u);
  EXPECT_EQ(expected_a, 86u);
}

}  // namespace
}  // namespace splicebert::test
