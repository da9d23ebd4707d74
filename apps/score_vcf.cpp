// splicebert score-vcf -f FASTA -a ANNOT -i IN.vcf -o OUT.vcf: zero-shot splicing scores per ALT allele and
// overlapping transcript, added to every input record as INFO/SpliceBERT, INFO/SB_KL and INFO/SB_REASON
// (docs/variants.md). Records are read in chunks and scored by variant::VcfScorer; --shard and --lookup:
// docs/scale-out.md.
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "cli.hpp"
#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"
#include "splicebert/vcf_scoring.hpp"

namespace splicebert::cli {
namespace {

struct ScoreVcfOptions {
  Precision precision = Precision::F32;
  std::string model, fasta, annotation, format = "auto", input = "-", output = "-", output_type, center = "variant";
  std::string regions_file, shard, lookup, splice_model;
  std::vector<std::string> regions;
  int64_t window = 0, max_kl_window = 50, chunk = 256, max_tokens = 16384, distance = 50;
  int threads = 0;
  bool quiet = false, no_masked_dp = false;
};

char infer_output_type(const std::string& given, const std::string& path) {
  if (!given.empty()) return given[0];
  if (path.ends_with(".vcf.gz") || path.ends_with(".vcf.bgz")) return 'z';
  if (path.ends_with(".bcf")) return 'b';
  return 'v';
}

int run(const ScoreVcfOptions& o) {
  apply_threads(o.threads);
  LoadOptions load;
  load.require_lm_head = true;
  load.precision = o.precision;
  warn_if_shipped_model("score-vcf", o.model, o.quiet);
  auto model = Model::load(o.model, load);

  variant::VcfRunOptions run;
  run.fasta = o.fasta;
  run.annotation = o.annotation;
  run.annotation_format = o.format;
  run.io.input = o.input;
  run.io.output = o.output;
  run.io.output_type = infer_output_type(o.output_type, o.output);
  run.io.threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  run.regions = o.regions;
  run.regions_file = o.regions_file;
  run.shard = o.shard;
  run.lookup = o.lookup;
  run.precision = precision_name(o.precision);
  run.scoring.sites.center = o.center == "exon" ? variant::Center::Exon : variant::Center::Variant;
  run.scoring.sites.window = o.window;
  run.scoring.center_name = o.center;
  run.scoring.scoring.max_kl_radius = o.max_kl_window;
  run.scoring.scoring.max_tokens = o.max_tokens;
  run.scoring.scoring.masked_delta_p = !o.no_masked_dp;  // saves one forward in three
  run.chunk = static_cast<size_t>(o.chunk);
  run.provenance = provenance(model.get());
  run.quiet = o.quiet;
  // SpliceAI-style deltas from the splice-site model (INFO/SpliceBERT_DS), when one is given or shipped.
  std::unique_ptr<Session> splice_session;
  if (o.splice_model != "none") {
    LoadOptions splice_load;
    splice_load.precision = o.precision;
    splice_session = std::make_unique<Session>(Model::load(o.splice_model, splice_load));
    run.splice_session = splice_session.get();
    run.deltas = {.distance = o.distance, .max_tokens = o.max_tokens};
  }

  Session session(model);
  RateProgress rate(o.quiet, "score-vcf", "allele x transcript scores");
  variant::VcfRunCallbacks callbacks;
  callbacks.message = [](const std::string& line) { std::cerr << "splicebert score-vcf: " << line << "\n"; };
  if (!o.quiet)  // the progress callback makes the run count the input's records first, for the ETA
    callbacks.progress = [&rate](const variant::VcfScoringStats& stats) {
      rate.update_fraction(stats.input_records_read, static_cast<int64_t>(stats.scored_jobs),
                           stats.input_records_total > 0 ? static_cast<double>(stats.input_records_read) /
                                                               static_cast<double>(stats.input_records_total)
                                                         : -1.0);
    };
  std::string summary;
  variant::score_vcf_file(session, run, callbacks, &summary);
  Progress{o.quiet}.message("splicebert score-vcf: " + summary);
  return 0;
}

VerbRegistrar registrar("score-vcf", "zero-shot splicing scores of VCF variants (INFO/SpliceBERT)", [](CLI::App& app) {
  auto o = std::make_shared<ScoreVcfOptions>();
  add_model_option(app, o->model);
  add_input_option(app, o->input, "VCF, bgzip VCF or BCF ('-' = stdin)");
  app.get_option("--input")->capture_default_str();
  add_output_option(app, o->output, "output VCF/BCF ('-' = stdout)");
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  add_fasta_option(app, o->fasta);
  add_annotation_option(app, o->annotation, o->format);
  app.get_option("--fasta")->required();
  app.get_option("--annotation")->required();
  app.add_option("-O,--output-type", o->output_type, "v VCF, z bgzip VCF, b BCF, u uncompressed BCF (default: by -o)")
      ->check(CLI::IsMember({"v", "z", "b", "u"}));
  app.add_option("--center", o->center, "window centre: the variant, or the nearest exon as SpliceBERT's paper")
      ->check(CLI::IsMember({"variant", "exon"}))
      ->capture_default_str();
  add_window_option(app, o->window, "window length in nt (default: the model's maximum)");
  app.add_option("--max-kl-window", o->max_kl_window, "max_KL looks this many nt either side")->capture_default_str();
  app.add_option("-r,--region", o->regions, "only records in CHROM[:BEG-END] (1-based; repeatable)");
  app.add_option("-R,--regions-file", o->regions_file, "only records in these regions (CHROM BEG END, or .bed)");
  app.add_flag("--no-masked-dp", o->no_masked_dp, "skip masked_dP (.), saving one forward pass in three");
  app.add_option("--chunk", o->chunk, "records scored together")->capture_default_str()->check(CLI::PositiveNumber);
  add_precision_option(app, o->precision);
  add_max_tokens_option(app, o->max_tokens);
  add_shard_option(app, o->shard);
  add_splice_delta_options(app, o->splice_model, o->distance);
  app.add_option("--lookup", o->lookup,
                 "take scores from this table (splicebert precompute) when it matches the model and parameters")
      ->check(CLI::ExistingFile);
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
