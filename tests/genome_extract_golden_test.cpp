// `splicebert extract` against every bedtools v2.30 golden in data/genome/*/golden (COMMANDS.md there), from the
// BED inputs the goldens were made from and from the GTFs that hold the same exons. Gzipped goldens are compared
// decompressed. GTF/GFF3 output is sorted like the goldens' BEDs (docs/genome.md, "Output order").
#include <filesystem>

#include "genome_test_helpers.hpp"

namespace splicebert::test {
namespace {

std::string golden(const std::string& relative) {
  std::string path = data_path(relative);
  return path.ends_with(".gz") ? gunzip_text(path) : read_file_text(path);
}

// extract -f FASTA -a ANNOT EXTRA, both paths relative to the data folder
std::string run(const std::string& fasta, const std::string& annotation, const std::string& extra = "") {
  return extract_output("-f " + quoted_data(fasta) + " -a " + quoted_data(annotation) + " " + extra);
}

const std::string hg38 = "genome/hg38-chr16-region/";
TEST(GenomeExtractGolden, Hg38PreMrna) {
  std::string expected = golden(hg38 + "golden/refseq.hg38.premrna.fa");
  EXPECT_TRUE(same_text(run(hg38 + "hg38.fa", hg38 + "derived/refseq.hg38.tx.bed6"), expected));
  EXPECT_TRUE(same_text(run(hg38 + "hg38.fa", hg38 + "refseq.hg38.gtf"), expected));
  EXPECT_TRUE(same_text(run(hg38 + "hg38.fa", hg38 + "refseq.bed", "--order sorted"), expected));
}
TEST(GenomeExtractGolden, Hg38Mrna) {
  // This golden follows refseq.bed's own (unsorted) order, which is also the GTF's transcript order.
  std::string expected = golden(hg38 + "golden/refseq.hg38.mrna.fa");
  EXPECT_TRUE(same_text(run(hg38 + "hg38.fa", hg38 + "refseq.bed", "--split"), expected));
  EXPECT_TRUE(same_text(run(hg38 + "hg38.fa", hg38 + "refseq.hg38.gtf", "--split --order input"), expected));
}
TEST(GenomeExtractGolden, Hg38Introns) {
  std::string expected = golden(hg38 + "golden/refseq.hg38.introns.fa");
  EXPECT_TRUE(same_text(run(hg38 + "hg38.fa", hg38 + "derived/refseq.hg38.introns.bed6"), expected));
  EXPECT_TRUE(same_text(run(hg38 + "hg38.fa", hg38 + "refseq.hg38.gtf", "--feature intron"), expected));
  EXPECT_TRUE(same_text(run(hg38 + "hg38.fa", hg38 + "refseq.bed", "--feature intron --order sorted"), expected));
}

const std::string hg19 = "genome/hg19-chr17-part/";
TEST(GenomeExtractGolden, Hg19Chr17) {
  EXPECT_TRUE(same_text(run(hg19 + "chr17.hg19.part.fa", hg19 + "gene.bed12"), golden(hg19 + "golden/gene.premrna.fa")));
  EXPECT_TRUE(same_text(run(hg19 + "chr17.hg19.part.fa", hg19 + "gene.bed12", "--split"), golden(hg19 + "golden/gene.mrna.fa")));
  std::string introns = golden(hg19 + "golden/gene.introns.fa");
  EXPECT_TRUE(same_text(run(hg19 + "chr17.hg19.part.fa", hg19 + "derived/gene.introns.bed6"), introns));
  EXPECT_TRUE(same_text(run(hg19 + "chr17.hg19.part.fa", hg19 + "gene.bed12", "--feature intron"), introns));
  // upstream pyfaidx file = the same sequence with the header bedtools prints without -name
  std::string upstream = read_file_text(data_path(hg19 + "gene.bed12.fasta"));
  std::string ours = run(hg19 + "chr17.hg19.part.fa", hg19 + "gene.bed12", "--split");
  EXPECT_EQ(ours.substr(ours.find('\n')), upstream.substr(upstream.find('\n')));
}

const std::string debian = "genome/hg19-annotations-debian/";
TEST(GenomeExtractGolden, Chr22EnsemblInterleavedUnquotedGtf) {
  const std::string fa = debian + "22_20-21M.fa", gtf = debian + "derived/ensembl.GRCh37.22_20-21M.local.gtf";
  std::string premrna = golden(debian + "golden/ensembl.22_20-21M.premrna.fa.gz");
  EXPECT_TRUE(same_text(run(fa, debian + "derived/ensembl.GRCh37.22_20-21M.local.tx.bed6"), premrna));
  EXPECT_TRUE(same_text(run(fa, gtf), premrna));
  EXPECT_TRUE(same_text(run(fa, debian + "derived/ensembl.GRCh37.22_20-21M.local.bed12"), premrna));
  std::string mrna = golden(debian + "golden/ensembl.22_20-21M.mrna.fa");
  EXPECT_TRUE(same_text(run(fa, debian + "derived/ensembl.GRCh37.22_20-21M.local.bed12", "--split"), mrna));
  EXPECT_TRUE(same_text(run(fa, gtf, "--split"), mrna));
  std::string introns = golden(debian + "golden/ensembl.22_20-21M.introns.fa.gz");
  EXPECT_TRUE(same_text(run(fa, debian + "derived/ensembl.GRCh37.22_20-21M.local.introns.bed6"), introns));
  EXPECT_TRUE(same_text(run(fa, gtf, "--feature intron"), introns));
}
TEST(GenomeExtractGolden, Chr22RefseqGenesAndGaps) {
  const std::string fa = debian + "22_20-21M.fa";
  EXPECT_TRUE(same_text(run(fa, debian + "derived/refseq.hg19.22_20-21M.local.genes.bed6"),
                        golden(debian + "golden/refseq.22_20-21M.genes.premrna.fa.gz")));
  EXPECT_TRUE(same_text(run(fa, debian + "derived/refseq.hg19.22_20-21M.local.introns.bed6"),
                        golden(debian + "golden/refseq.22_20-21M.introns.fa.gz")));
}

const std::string yeast = "genome/sacCer2/";
TEST(GenomeExtractGolden, YeastWholeGenomeFromBgzip) {
  std::string expected = golden(yeast + "golden/sacCer2.sgdGene.premrna.fa.gz");
  EXPECT_TRUE(same_text(run(yeast + "sacCer2.fa.gz", yeast + "derived/sacCer2.sgdGene.tx.bed6"), expected));
  EXPECT_TRUE(same_text(run(yeast + "sacCer2.fa.gz", yeast + "sacCer2.sgdGene.gtf"), expected));
  EXPECT_TRUE(same_text(run(yeast + "sacCer2.fa.gz", yeast + "sacCer2.sgdGene.bed12"), expected));
}
TEST(GenomeExtractGolden, YeastMultiExon) {
  const std::string fa = yeast + "sacCer2.fa.gz", bed12 = yeast + "derived/sacCer2.sgdGene.multiexon.bed12";
  EXPECT_TRUE(same_text(run(fa, bed12), golden(yeast + "golden/sacCer2.sgdGene.multiexon.premrna.fa")));
  std::string mrna = golden(yeast + "golden/sacCer2.sgdGene.multiexon.mrna.fa");
  EXPECT_TRUE(same_text(run(fa, bed12, "--split"), mrna));
  // The same 352 from the GTF, picked with --ids (a file of names, one per line).
  TempDir dir;
  CommandResult ids = run_shell("cut -f4 " + quoted_data(bed12) + " > " + shell_quote(dir / "ids.txt"));
  ASSERT_EQ(ids.status, 0);
  EXPECT_TRUE(same_text(run(fa, yeast + "sacCer2.sgdGene.gtf", "--split --ids " + shell_quote(dir / "ids.txt")), mrna));
}
TEST(GenomeExtractGolden, YeastIntronsIncludingOneNucleotideGaps) {
  std::string expected = golden(yeast + "golden/sacCer2.sgdGene.introns.fa");
  EXPECT_TRUE(same_text(run(yeast + "sacCer2.fa.gz", yeast + "derived/sacCer2.sgdGene.introns.bed6"), expected));
  EXPECT_TRUE(same_text(run(yeast + "sacCer2.fa.gz", yeast + "sacCer2.sgdGene.gtf", "--feature intron"), expected));
}

TEST(GenomeExtractGolden, BgzipOutputDecompressesToTheGolden) {
  TempDir dir;
  std::string out = dir / "premrna.fa.gz";
  CommandResult result = run_cli("extract -q -t 2 -f " + quoted_data(yeast + "sacCer2.fa.gz") + " -a " +
                                 quoted_data(yeast + "derived/sacCer2.sgdGene.tx.bed6") + " -o " + shell_quote(out));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(same_text(gunzip_text(out), golden(yeast + "golden/sacCer2.sgdGene.premrna.fa.gz")));
  // BGZF, not just gzip: htslib can index it and fetch a record from it.
  if (have_tool("samtools")) {
    CommandResult fetched = run_shell("samtools faidx " + shell_quote(out) + " 'YAL069W::chrI:334-649(+)'");
    EXPECT_EQ(fetched.status, 0) << fetched.err;
    EXPECT_NE(fetched.out.find(">YAL069W::chrI:334-649(+)"), std::string::npos);
  }
}

TEST(GenomeExtractGolden, BgzipFastaWithoutIndexIsIndexedElsewhere) {
  TempDir dir;  // a copy without .fai/.gzi: the index is built in a private temporary folder, not here
  ASSERT_EQ(run_shell("cp " + quoted_data(yeast + "sacCer2.fa.gz") + " " + shell_quote(dir / "g.fa.gz")).status, 0);
  std::string out = extract_output("-f " + shell_quote(dir / "g.fa.gz") + " -a " + quoted_data(yeast + "derived/sacCer2.sgdGene.introns.bed6"));
  EXPECT_TRUE(same_text(out, golden(yeast + "golden/sacCer2.sgdGene.introns.fa")));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()), 1);
}

TEST(GenomeExtractGolden, RegionFilterAndChrPrefixAliases) {
  // Annotation says "chr16"; a FASTA named "16" still matches, and -r accepts either spelling.
  TempDir dir;
  ASSERT_EQ(run_shell("sed 's/^>chr16/>16/' " + quoted_data(hg38 + "hg38.fa") + " > " + shell_quote(dir / "n.fa")).status, 0);
  std::string all = run(hg38 + "hg38.fa", hg38 + "derived/refseq.hg38.tx.bed6");
  std::string renamed = extract_output("-f " + shell_quote(dir / "n.fa") + " -a " + quoted_data(hg38 + "derived/refseq.hg38.tx.bed6"));
  EXPECT_TRUE(same_text(renamed, all));
  std::string region = run(hg38 + "hg38.fa", hg38 + "derived/refseq.hg38.tx.bed6", "-r 16:1-3000");
  EXPECT_EQ(region.rfind(">NM_018032::chr16:2007-42487(-)", 0), 0u);
  EXPECT_EQ(std::count(region.begin(), region.end(), '>'), 2);  // NM_018032 and NM_201412 start before 3000
}

}  // namespace
}  // namespace splicebert::test
