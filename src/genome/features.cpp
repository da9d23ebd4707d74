// From a transcript model to output records. Numbering follows the goldens' awk: exon / intron N counts 5'->3' on
// the transcript (on '-' the genomic last is number 1), and a zero-length gap between touching exons keeps its number.
#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::genome {

FeatureKind parse_feature_kind(const std::string& name) {
  if (name == "transcript") return FeatureKind::transcript;
  if (name == "gene") return FeatureKind::gene;
  if (name == "exon") return FeatureKind::exon;
  if (name == "intron") return FeatureKind::intron;
  fail("unknown feature '", name, "' (transcript, gene, exon, intron)");
}

void transcript_features(const TranscriptModel& t, FeatureKind kind, bool split, std::vector<Feature>& out) {
  auto add = [&](std::string name, Interval span, std::vector<Interval> blocks) {
    out.push_back(Feature{t.chrom, std::move(name), t.strand, span, std::move(blocks), t.line});
  };
  const int64_t count = static_cast<int64_t>(t.exons.size());
  auto number = [&](int64_t genomic_index, int64_t total) {
    return std::to_string(t.strand == '-' ? total - genomic_index : genomic_index + 1);
  };
  switch (kind) {
    case FeatureKind::transcript:
    case FeatureKind::gene:  // a gene model arrives here as one transcript spanning the gene
      add(kind == FeatureKind::gene ? t.gene : t.name, t.span, split ? t.exons : std::vector<Interval>{t.span});
      break;
    case FeatureKind::exon:
      for (int64_t i = 0; i < count; ++i) add(t.name + "_exon" + number(i, count), t.exons[i], {t.exons[i]});
      break;
    case FeatureKind::intron:
      for (int64_t i = 0; i + 1 < count; ++i) {
        Interval gap{t.exons[i].end, t.exons[i + 1].start};
        if (gap.end > gap.start) add(t.name + "_intron" + number(i, count - 1), gap, {gap});
      }
      break;
  }
}

}  // namespace splicebert::genome
