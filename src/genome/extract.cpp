// The `extract` driver: annotation -> features -> filtered -> (sorted) -> sequence -> FASTA, bedtools-identical.
// BED streams record by record in input order; GTF/GFF3 features are sorted like the goldens' BEDs
// (LC_ALL=C sort -k1,1 -k2,2n -k3,3n -k4,4: chrom bytes, start, end, name; the strand breaks the last ties).
#include <algorithm>
#include <unordered_map>

#include "splicebert/error.hpp"
#include "splicebert/genome.hpp"
#include "text_output.hpp"

namespace splicebert::genome {

namespace {

class Extractor {
 public:
  Extractor(Reference& reference, const AnnotationReader& annotation, const ExtractOptions& options,
            Diagnostics& diagnostics)
      : reference_(reference), annotation_(annotation), options_(options), diagnostics_(diagnostics) {
    for (const Region& region : options.regions) {
      int contig = reference.find_contig(region.chrom);
      if (contig < 0) fail("region ", region.chrom, ": no such sequence in ", reference.path());
      region_contigs_.push_back(contig);
    }
  }

  // Unknown contig or a part past its end: bad input (error, or skipped with --skip-bad). Returns the contig or -1.
  int check(const TranscriptModel& t) {
    int contig = reference_.find_contig(t.chrom);
    std::string where = annotation_.path() + ":";
    if (contig < 0) {
      diagnostics_.bad(where + std::to_string(t.line), "unknown sequence name '" + t.chrom + "' (not in " +
                                                           reference_.path() + ", also tried with/without 'chr')");
      return -1;
    }
    const std::string past_end = past_contig_end(t, reference_.contig_length(contig));
    if (!past_end.empty()) {
      diagnostics_.bad(where + std::to_string(t.end_line), past_end);
      return -1;
    }
    return contig;
  }

  bool wanted(const TranscriptModel& t) const {
    return options_.ids.empty() || options_.ids.count(t.name) || options_.ids.count(t.gene);
  }

  bool in_regions(const Feature& f, int contig) const {
    if (options_.regions.empty()) return true;
    for (size_t r = 0; r < options_.regions.size(); ++r) {
      const Region& region = options_.regions[r];
      if (region_contigs_[r] == contig && f.span.start < region.end && f.span.end > region.start) return true;
    }
    return false;
  }

  // Features of one (checked) transcript that pass the filters, with their contig.
  void collect(const TranscriptModel& t, int contig, std::vector<std::pair<Feature, int>>& out) {
    features_.clear();
    FeatureKind kind = options_.feature;
    transcript_features(t, kind, options_.split, features_);
    for (auto& f : features_) {
      if (in_regions(f, contig)) out.emplace_back(std::move(f), contig);
    }
  }

  // Header and sequence go straight into the output buffer; the sequence is reverse-complemented in place there.
  void write(const Feature& f, int contig, TextOutput& output, ExtractStats& stats) {
    std::string& text = output.buffer();
    text += '>';
    text += f.name;
    text += "::";
    text += f.chrom;
    text += ':';
    text += std::to_string(f.span.start);
    text += '-';
    text += std::to_string(f.span.end);
    text += '(';
    if (f.strand) text += f.strand;
    text += ")\n";
    size_t begin = text.size();
    for (const Interval& block : f.blocks) reference_.append(contig, block.start, block.end, text);
    if (f.strand == '-') reverse_complement(text.data() + begin, text.data() + text.size());
    if (options_.upper) to_upper(text.data() + begin, text.data() + text.size());
    stats.bases += text.size() - begin;
    text += '\n';
    output.written();
    ++stats.records;
  }

 private:
  Reference& reference_;
  const AnnotationReader& annotation_;
  const ExtractOptions& options_;
  Diagnostics& diagnostics_;
  std::vector<int> region_contigs_;
  std::vector<Feature> features_;
};

// GTF/GFF3 genes: the union span of their transcripts, one chromosome and strand each, in first-appearance order.
std::vector<TranscriptModel> gene_models(AnnotationReader& annotation, const ExtractOptions& options,
                                         Diagnostics& diagnostics, size_t& transcripts) {
  std::vector<TranscriptModel> genes;
  std::unordered_map<std::string, size_t> index;
  std::vector<bool> bad;
  TranscriptModel t;
  while (annotation.next(t)) {
    ++transcripts;
    if (!options.ids.empty() && !options.ids.count(t.name) && !options.ids.count(t.gene)) continue;
    auto [it, inserted] = index.try_emplace(t.gene, genes.size());
    if (inserted) {
      TranscriptModel gene = t;
      gene.name = t.gene;
      genes.push_back(std::move(gene));
      bad.push_back(false);
      continue;
    }
    TranscriptModel& gene = genes[it->second];
    if (bad[it->second]) continue;
    if (gene.chrom != t.chrom || gene.strand != t.strand) {
      diagnostics.bad(annotation.path() + ":" + std::to_string(t.line),
                      "gene " + t.gene + " has transcripts on two " + (gene.chrom != t.chrom ? "chromosomes" : "strands"));
      bad[it->second] = true;
      continue;
    }
    if (t.span.start < gene.span.start) gene.span.start = t.span.start, gene.line = std::min(gene.line, t.line);
    if (t.span.end > gene.span.end) gene.span.end = t.span.end, gene.end_line = t.end_line;
  }
  std::vector<TranscriptModel> good;
  for (size_t g = 0; g < genes.size(); ++g) {
    if (bad[g]) continue;
    genes[g].exons = {genes[g].span};
    good.push_back(std::move(genes[g]));
  }
  return good;
}

bool sorted_before(const std::pair<Feature, int>& a, const std::pair<Feature, int>& b) {
  const Feature &x = a.first, &y = b.first;
  if (int c = x.chrom.compare(y.chrom); c != 0) return c < 0;  // std::string compares as unsigned bytes: LC_ALL=C
  if (x.span.start != y.span.start) return x.span.start < y.span.start;
  if (x.span.end != y.span.end) return x.span.end < y.span.end;
  if (int c = x.name.compare(y.name); c != 0) return c < 0;
  return x.strand < y.strand;
}

}  // namespace

ExtractStats extract_sequences(Reference& reference, AnnotationReader& annotation, const ExtractOptions& options,
                               const std::string& output_path, Diagnostics& diagnostics) {
  if (options.split && options.feature != FeatureKind::transcript)
    fail("--split joins the exons of a transcript: use it with --feature transcript");
  OutputOrder order = options.order;
  if (order == OutputOrder::automatic)
    order = annotation.format() == AnnotationFormat::bed ? OutputOrder::input : OutputOrder::sorted;
  ExtractStats stats;
  Extractor extractor(reference, annotation, options, diagnostics);
  TextOutput output(output_path, options.threads);
  std::vector<std::pair<Feature, int>> pending;
  auto report = [&](double done_fraction) {
    if (options.progress) options.progress(stats.records, stats.bases, done_fraction);
  };
  auto take = [&](const TranscriptModel& t) {
    int contig = extractor.check(t);
    if (contig < 0) return;
    extractor.collect(t, contig, pending);
    if (order == OutputOrder::input) {  // streaming: nothing is held beyond the current record
      for (const auto& [feature, c] : pending) {
        extractor.write(feature, c, output, stats);
        report(annotation.fraction_read());
      }
      pending.clear();
    }
  };
  bool genes_from_groups = options.feature == FeatureKind::gene && annotation.format() != AnnotationFormat::bed;
  if (genes_from_groups) {
    for (const TranscriptModel& gene : gene_models(annotation, options, diagnostics, stats.transcripts)) take(gene);
  } else {
    TranscriptModel t;
    while (annotation.next(t)) {
      ++stats.transcripts;
      if (extractor.wanted(t)) take(t);
    }
  }
  if (order == OutputOrder::sorted) {
    std::stable_sort(pending.begin(), pending.end(), sorted_before);
    // Everything to write is known here, so the share done is the share of its nucleotides written.
    size_t total_bases = 0;
    for (const auto& entry : pending)
      for (const Interval& block : entry.first.blocks) total_bases += static_cast<size_t>(block.end - block.start);
    for (const auto& [feature, contig] : pending) {
      extractor.write(feature, contig, output, stats);
      report(total_bases ? static_cast<double>(stats.bases) / static_cast<double>(total_bases) : 1.0);
    }
  }
  output.commit();
  return stats;
}

std::string past_contig_end(const TranscriptModel& t, int64_t contig_length) {
  int64_t end = t.span.end;
  for (const Interval& exon : t.exons) end = std::max(end, exon.end);
  if (end <= contig_length) return "";
  return "'" + t.name + "' " + t.chrom + ":" + std::to_string(t.span.start) + "-" + std::to_string(end) +
         " is past the end of " + t.chrom + " (length " + std::to_string(contig_length) + ")";
}

}  // namespace splicebert::genome
