// Shared by the cli_variant_*_test.cpp files: a small model made with `splicebert init` whose weights are scaled (so
// that KL values rise above the 1e-6 clip), the hg38 chr16 test region, and small VCFs written by the tests.
#pragma once
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "splicebert/genome.hpp"
#include "test_util.hpp"
#include "variant_test_model.hpp"

namespace splicebert::test {

inline std::string genome_dir() { return data_dir() + "/genome/hg38-chr16-region"; }
inline std::string genome_fasta() { return genome_dir() + "/hg38.fa"; }
inline std::string genome_gtf() { return genome_dir() + "/refseq.hg38.gtf"; }

// init -o DIR --layers 2 --hidden 64 --heads 2 --intermediate 128 --max-positions 514, weights x10; made once per
// test binary (512-nt windows).
inline const std::string& small_model() {
  static TempDir dir;
  static std::string path;
  if (path.empty()) {
    const std::string model = dir / "model";
    auto r = run_cli("init -o " + shell_quote(model) +
                     " --layers 2 --hidden 64 --heads 2 --intermediate 128 --max-positions 514");
    EXPECT_EQ(r.status, 0) << r.err;
    auto scaled = scaled_model(model);
    write_safetensors(model + "/model.safetensors", scaled->named_tensors(), {{"format", "pt"}});
    path = model;
  }
  return path;
}

// Bases of the test region, 1-based like VCF.
inline std::string genome_bases(int64_t pos1, int64_t length = 1) {
  genome::Reference reference(genome_fasta());
  std::string out;
  reference.append(0, pos1 - 1, pos1 - 1 + length, out);
  genome::to_upper(out);
  return out;
}
inline char other_base(char base, int k = 1) { return "ACGT"[(std::string("ACGT").find(base) + k) % 4]; }

inline std::string vcf_header() {
  return "##fileformat=VCFv4.2\n##contig=<ID=chr16,length=210155>\n##contig=<ID=chrUn>\n##contig=<ID=16>\n"
         "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"depth\">\n"
         "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"genotype\">\n"
         "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n";
}
inline std::string vcf_line(const std::string& chrom, int64_t pos1, const std::string& id, const std::string& ref,
                            const std::string& alt) {
  return chrom + "\t" + std::to_string(pos1) + "\t" + id + "\t" + ref + "\t" + alt + "\t50\tPASS\tDP=7\tGT\t0/1\n";
}

inline std::vector<std::string> lines_of(const std::string& text, bool skip_header = true) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && !(skip_header && line[0] == '#')) lines.push_back(line);
  return lines;
}
inline std::vector<std::string> columns_of(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
  return fields;
}

// The text without its provenance line that records the command (VCF ##SpliceBERT_command=, text "# command: ").
inline std::string without_command(const std::string& text) {
  std::string kept;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.starts_with("##SpliceBERT_command=") && !line.starts_with("# command: ")) kept += line + "\n";
  return kept;
}

// `splicebert score-vcf -q -m MODEL -f FASTA -a GTF ARGS`.
inline CommandResult score_vcf(const std::string& args, const std::string& stdin_text = "") {
  return run_cli("score-vcf -q -t 1 -m " + shell_quote(small_model()) + " -f " + shell_quote(genome_fasta()) +
                     " -a " + shell_quote(genome_gtf()) + " " + args,
                 stdin_text);
}

}  // namespace splicebert::test
