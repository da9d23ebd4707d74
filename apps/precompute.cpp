// splicebert precompute -f GENOME -a ANNOTATION -R REGIONS.bed -o TABLE.vcf.gz: all three SNVs at every position
// of the regions, scored as score-vcf scores them, into a bgzip + tabix table that score-vcf --lookup reads
// (docs/scale-out.md). The header records the model SHA-256 and every scoring parameter.
#include <chrono>
#include <iostream>

#include "cli.hpp"
#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/score_table.hpp"
#include "splicebert/shard.hpp"
#include "splicebert/vcf_scoring.hpp"

namespace splicebert::cli {
namespace {

struct PrecomputeOptions {
  Precision precision = Precision::F32;
  std::string model, fasta, annotation, format = "auto", regions, output, center = "variant", shard;
  int64_t window = 0, max_kl_window = 50, chunk = 128, max_tokens = 16384;
  int threads = 0;
  bool quiet = false, no_masked_dp = false;
};

int run(const PrecomputeOptions& o) {
  if (o.annotation == "-") fail("precompute: -a must be a file (its SHA-256 goes into the table header)");
  apply_threads(o.threads);
  LoadOptions load;
  load.require_lm_head = true;
  load.precision = o.precision;
  warn_if_shipped_model("precompute", o.model, o.quiet);
  auto model = Model::load(o.model, load);
  const int64_t window = variant::scoring_window(*model, o.window);

  genome::Diagnostics diagnostics(false, o.quiet);
  genome::Reference reference(o.fasta);
  auto annotation = genome::open_annotation(o.annotation, genome::parse_annotation_format(o.format), diagnostics);
  const variant::TranscriptIndex transcripts(*annotation, reference, &diagnostics);
  diagnostics.summary("precompute");
  const auto regions = variant::read_precompute_regions(o.regions, reference);
  const Shard shard = o.shard.empty() ? Shard{} : Shard::parse(o.shard);
  int64_t total = 0;
  for (const auto& region : regions) total += region.end - region.start;
  total = shard.end(total) - shard.begin(total);

  variant::VcfScoringOptions scoring;
  scoring.sites.center = o.center == "exon" ? variant::Center::Exon : variant::Center::Variant;
  scoring.sites.window = window;
  scoring.center_name = o.center;
  scoring.scoring.max_kl_radius = o.max_kl_window;
  scoring.scoring.max_tokens = o.max_tokens;
  scoring.scoring.masked_delta_p = !o.no_masked_dp;
  std::vector<std::string> header;
  for (const auto& [key, value] : provenance(model.get())) header.push_back("##SpliceBERT_" + key + "=" + value);
  header.push_back("##SpliceBERT_reference=" + o.fasta);
  header.push_back("##SpliceBERT_annotation=" + o.annotation);
  header.push_back("##SpliceBERT_regions=" + o.regions);
  header.push_back(std::string(variant::kTableHeaderKey) +
                   variant::table_parameters(model->weights_sha256(), sha256_file_hex(o.annotation), scoring,
                                             precision_name(o.precision)));
  for (const std::string& line : variant::scoring_header_lines(scoring)) header.push_back(line);

  Session session(model);
  variant::VcfScorer scorer(session, reference, transcripts, scoring, o.regions,
                            [](const std::string& line) { std::cerr << "splicebert precompute: " << line << "\n"; });
  RateProgress rate(o.quiet, "precompute", "positions");
  rate.set_total(total);
  const auto started = std::chrono::steady_clock::now();
  const auto stats = variant::precompute_table(
      scorer, reference, regions, o.output, header, static_cast<size_t>(o.chunk), [&](size_t positions) {
        rate.update(static_cast<int64_t>(scorer.stats().records), static_cast<int64_t>(positions));
      },
      shard);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Progress{o.quiet}.message("splicebert precompute: " + std::to_string(stats.positions) + " positions (" +
                            std::to_string(stats.skipped_positions) + " skipped: not A/C/G/T), " +
                            std::to_string(stats.variants) + " SNVs, " +
                            variant::format_score(static_cast<double>(stats.variants) / std::max(seconds, 1e-9)) +
                            " SNVs/s; " + scorer.summary(seconds));
  return 0;
}

VerbRegistrar registrar("precompute", "score every SNV of some regions into a tabix table for score-vcf --lookup",
                        [](CLI::App& app) {
  auto o = std::make_shared<PrecomputeOptions>();
  add_model_option(app, o->model);
  add_fasta_option(app, o->fasta);
  add_annotation_option(app, o->annotation, o->format);
  app.get_option("--fasta")->required();
  app.get_option("--annotation")->required();
  app.add_option("-R,--regions-file", o->regions, "BED of the regions to tabulate (e.g. exons +-50 nt)")
      ->required()
      ->check(CLI::ExistingFile);
  add_output_option(app, o->output, "the table, TABLE.vcf.gz (with TABLE.vcf.gz.tbi)");
  app.get_option("--output")->required();
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  app.add_option("--center", o->center, "window centre (as score-vcf)")
      ->check(CLI::IsMember({"variant", "exon"}))
      ->capture_default_str();
  add_window_option(app, o->window, "window length in nt (default: the model's maximum)");
  app.add_option("--max-kl-window", o->max_kl_window, "max_KL looks this many nt either side")->capture_default_str();
  app.add_flag("--no-masked-dp", o->no_masked_dp, "skip masked_dP (as score-vcf)");
  app.add_option("--chunk", o->chunk, "positions scored together")->capture_default_str()->check(CLI::PositiveNumber);
  add_precision_option(app, o->precision);
  add_max_tokens_option(app, o->max_tokens);
  add_shard_option(app, o->shard);
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
