// splicebert ism (-i FASTA | -f GENOME -r REGION…) -o OUT.npz [--bedgraph FILE]: in-silico mutagenesis of every
// record (or region of the genome): the
// context KL of all 3·L single-nucleotide substitutions (docs/variants.md), an [L,4] matrix per record.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/fasta.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/io.hpp"
#include "splicebert/shard.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::cli {
namespace {

struct IsmCliOptions {
  Precision precision = Precision::F32;
  std::string model, input, fasta, output, bedgraph, shard;
  std::vector<std::string> regions;
  int64_t window = 0, max_tokens = 16384;
  int threads = 0;
  bool full_vocab = false, quiet = false;
};

// A sequence to mutate and where its bases lie on the genome (for the bedGraph).
struct Target {
  std::string name, sequence, chrom;
  int64_t start = 0;  // genomic position of the first base (+) or one past the last (-: end)
  char strand = '+';
};

std::vector<Target> collect_targets(const IsmCliOptions& o) {
  std::vector<Target> targets;
  if (o.regions.empty()) {
    FastaReader reader(o.input);
    FastaRecord record;
    while (reader.next(record)) {
      const int64_t L = static_cast<int64_t>(record.sequence.size());
      // A bedtools-style name (NAME::CHROM:START-END(STRAND)) places the record on the genome, if its length fits.
      genome::SequenceOrigin origin = genome::parse_sequence_origin(record.name, L);
      if (origin.end - origin.start != L) origin = {record.name, record.name, 0, L, '+', false};
      targets.push_back({record.name, std::move(record.sequence), origin.chrom,
                         origin.strand == '-' ? origin.end : origin.start, origin.strand});
    }
    return targets;
  }
  genome::Reference reference(o.fasta);
  for (const std::string& text : o.regions) {
    const genome::Region region = genome::parse_region(text, &reference);
    const int contig = reference.find_contig(region.chrom);
    if (contig < 0) fail("-r ", text, ": no sequence '", region.chrom, "' in ", o.fasta);
    const int64_t end = std::min(region.end, reference.contig_length(contig));
    if (region.start >= end) fail("-r ", text, ": empty region");
    Target target{text, "", reference.contig_name(contig), region.start, '+'};
    reference.append(contig, region.start, end, target.sequence);
    targets.push_back(std::move(target));
  }
  return targets;
}

int run(const IsmCliOptions& o) {
  // -f is the genome in every verb; -i the records to mutate.
  if (o.regions.empty() == o.input.empty() || o.regions.empty() != o.fasta.empty())
    fail("give -i FASTA (whole records) or -f GENOME with -r CHROM:BEG-END (regions of the genome)");
  apply_threads(o.threads);
  warn_if_shipped_model("ism", o.model, o.quiet);
  LoadOptions load;
  load.require_lm_head = true;
  load.precision = o.precision;
  auto model = Model::load(o.model, load);
  variant::IsmOptions options;
  options.full_vocab = o.full_vocab;
  options.window = o.window;
  options.max_tokens = o.max_tokens;
  std::vector<Target> targets = collect_targets(o);
  if (targets.empty()) fail(o.input, ": no records");
  if (!o.shard.empty()) {  // this shard's block of records (or regions); a shard may be empty
    const Shard shard = Shard::parse(o.shard);
    const auto count = static_cast<int64_t>(targets.size());
    targets.erase(targets.begin() + shard.end(count), targets.end());
    targets.erase(targets.begin(), targets.begin() + shard.begin(count));
  }
  int64_t total = 0;
  for (const Target& target : targets) total += static_cast<int64_t>(target.sequence.size());

  auto meta = provenance(model.get());
  meta["score"] = std::string("context KL (docs/variants.md) of each substitution; columns A C G U; NaN at the "
                              "reference base; ") +
                  (o.full_vocab ? "--full-vocab: softmax over all logits clipped to [1e-6, 1-1e-6], KL over the "
                                  "whole vocabulary"
                                : "softmax over the A C G U logits");
  Session session(model);
  RateProgress progress(o.quiet, "ism", "positions");
  progress.set_total(total);
  int64_t done = 0, records = 0;
  NpzWriter npz;
  std::vector<std::string> bedgraph_lines;
  for (const Target& target : targets) {
    const auto started = std::chrono::steady_clock::now();
    const variant::IsmResult result = variant::in_silico_mutagenesis(session, target.sequence, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const int64_t L = static_cast<int64_t>(target.sequence.size());
    Tensor matrix({L, 4});
    for (int64_t k = 0; k < L * 4; ++k) matrix.data[static_cast<size_t>(k)] = static_cast<float>(result.scores[k]);
    npz.add(target.name + "/kl", matrix);
    std::vector<std::pair<int64_t, std::string>> lines;  // genomic start -> line, sorted below
    for (int64_t i = 0; i < L; ++i) {
      double best = NAN;
      for (int b = 0; b < 4; ++b)
        if (double v = result.scores[static_cast<size_t>(i * 4 + b)]; !std::isnan(v) && !(v <= best)) best = v;
      if (std::isnan(best)) continue;
      const int64_t position = target.strand == '-' ? target.start - 1 - i : target.start + i;
      char text[64];
      std::snprintf(text, sizeof text, "\t%lld\t%lld\t%.6g", static_cast<long long>(position),
                    static_cast<long long>(position + 1), best);
      lines.push_back({position, target.chrom + text});
    }
    std::sort(lines.begin(), lines.end());
    for (auto& line : lines) bedgraph_lines.push_back(std::move(line.second));
    char rate[160];
    std::snprintf(rate, sizeof rate, ": %lld nt, %lld windows, %lld forwards in %.2f s (%.1f positions/s)",
                  static_cast<long long>(L), static_cast<long long>(result.windows),
                  static_cast<long long>(result.forwards), seconds, static_cast<double>(L) / std::max(seconds, 1e-9));
    Progress{o.quiet}.message("splicebert ism: " + target.name + rate);
    progress.update(++records, done += L);
  }
  progress.update(records, done, /*final=*/true);
  npz.add_text("__provenance__", nlohmann::json(meta).dump());
  npz.write(o.output);
  if (!o.bedgraph.empty()) {
    AtomicOutput file(o.bedgraph, false);
    for (const auto& [key, value] : meta) file.stream() << "# " << key << ": " << value << "\n";
    file.stream() << "track type=bedGraph name=splicebert_ism description=\"max context KL over the three "
                     "substitutions\"\n";
    for (const std::string& line : bedgraph_lines) file.stream() << line << "\n";
    file.commit();
  }
  return 0;
}

VerbRegistrar registrar("ism", "in-silico mutagenesis: context KL of every single-nucleotide substitution",
                        [](CLI::App& app) {
  auto o = std::make_shared<IsmCliOptions>();
  add_model_option(app, o->model);
  add_input_option(app, o->input, "FASTA records to mutate ('-' = stdin)");
  add_fasta_option(app, o->fasta);
  app.get_option("--fasta")->description("with -r: the genome FASTA, plain or bgzip (indexed when .fai is present)");
  add_output_option(app, o->output, "output .npz: <record>/kl [L,4] per record");
  app.get_option("--output")->required();
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  add_window_option(app, o->window, "nucleotides per window (default: the model's maximum); longer records are tiled");
  add_precision_option(app, o->precision);
  add_max_tokens_option(app, o->max_tokens);
  app.add_option("--bedgraph", o->bedgraph, "also write the per-position maximum over the three substitutions")
      ->check(writable_output_file());
  add_shard_option(app, o->shard);
  app.add_flag("--full-vocab", o->full_vocab, "SpliceBERT's ISM study: full softmax, clipped, KL over the vocabulary");
  app.add_option("-r,--region", o->regions, "mutate CHROM:BEG-END of the genome (-f) instead of records (repeatable)");
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
