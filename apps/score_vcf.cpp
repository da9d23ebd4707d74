// splicebert score-vcf -f FASTA -a ANNOT -i IN.vcf -o OUT.vcf: zero-shot splicing scores per ALT allele and
// overlapping transcript, added to every input record as INFO/SpliceBERT, INFO/SB_KL and INFO/SB_REASON
// (docs/variants.md). Records are read in chunks and scored by variant::VcfScorer; --shard and --lookup:
// docs/scale-out.md.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "cli.hpp"
#include "splicebert/enums.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/score_table.hpp"
#include "splicebert/shard.hpp"
#include "splicebert/vcf_scoring.hpp"

namespace splicebert::cli {
namespace {

struct ScoreVcfOptions {
  Precision precision = Precision::F32;
  std::string model, fasta, annotation, format = "auto", input = "-", output = "-", output_type, center = "variant";
  std::string regions_file, shard, lookup;
  std::vector<std::string> regions;
  int64_t window = 0, max_kl_window = 50, chunk = 256, max_tokens = 16384;
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
  if (o.input == "-" && o.annotation == "-")
    fail("-a - and -i - (the default) cannot both read standard input: give the VCF or the annotation as a file");
  if (!o.lookup.empty() && o.annotation == "-")
    fail("--lookup needs -a as a file: the table is matched by the annotation's SHA-256");
  apply_threads(o.threads);
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  LoadOptions load;
  load.require_lm_head = true;
  load.precision = o.precision;
  warn_if_shipped_model("score-vcf", o.model, o.quiet);
  auto model = Model::load(o.model, load);
  const int64_t max_nt = model->config().max_position_embeddings - 2;
  const int64_t window = o.window > 0 ? o.window : max_nt;
  if (window > max_nt) fail("--window ", window, " exceeds the model's ", max_nt, " nucleotides");
  if (window < 2 * 100 + 1) fail("--window ", window, " is shorter than the 201 nt the context KL needs");
  Progress progress{o.quiet};

  genome::Diagnostics diagnostics(false, o.quiet);
  genome::Reference reference(o.fasta);
  auto annotation = genome::open_annotation(o.annotation, genome::parse_annotation_format(o.format), diagnostics);
  const variant::TranscriptIndex transcripts(*annotation, reference, &diagnostics);
  diagnostics.summary("score-vcf");  // counted warnings about the annotation, shown with -q too
  if (transcripts.on_unknown_contigs())  // about the data: shown with -q too
    progress.message("splicebert score-vcf: " + std::to_string(transcripts.on_unknown_contigs()) +
                     " transcripts are on contigs the reference lacks; ignored");
  const variant::RegionFilter regions(o.regions, o.regions_file, reference);
  variant::VcfScoringOptions scoring;
  scoring.sites.center = o.center == "exon" ? variant::Center::Exon : variant::Center::Variant;
  scoring.sites.window = window;
  scoring.center_name = o.center;
  scoring.scoring.max_kl_radius = o.max_kl_window;
  scoring.scoring.max_tokens = o.max_tokens;
  scoring.scoring.masked_delta_p = !o.no_masked_dp;  // saves one forward in three
  std::unique_ptr<variant::ScoreTable> table;
  if (!o.lookup.empty())
    table = std::make_unique<variant::ScoreTable>(
        o.lookup, variant::table_parameters(model->weights_sha256(), sha256_file_hex(o.annotation), scoring,
                                            precision_name(o.precision)));

  vcf::AnnotatorOptions io;
  io.input = o.input;
  io.output = o.output;
  io.output_type = infer_output_type(o.output_type, o.output);
  io.threads = threads;
  if (!o.shard.empty()) {
    const Shard shard = Shard::parse(o.shard);
    const int64_t total = count_vcf_records(o.input);
    io.first_record = shard.begin(total);
    io.end_record = shard.end(total);
  }
  for (const auto& [key, value] : provenance(model.get()))
    io.header_lines.push_back("##SpliceBERT_" + key + "=" + value);
  io.header_lines.push_back("##SpliceBERT_reference=" + o.fasta);
  io.header_lines.push_back("##SpliceBERT_annotation=" + o.annotation);
  for (const std::string& line : variant::scoring_header_lines(scoring)) io.header_lines.push_back(line);
  if (regions.active())
    io.keep = [&regions](const std::string& chrom, int64_t pos) { return regions.keep(chrom, pos); };
  vcf::Annotator annotator(io);

  Session session(model);
  variant::VcfScorer scorer(session, reference, transcripts, scoring, o.input == "-" ? "stdin" : o.input,
                            [](const std::string& line) { std::cerr << "splicebert score-vcf: " << line << "\n"; },
                            table.get());
  const auto started = std::chrono::steady_clock::now();
  RateProgress rate(o.quiet, "score-vcf", "allele x transcript scores");
  for (;;) {
    const std::vector<vcf::Record>& chunk = annotator.read(static_cast<size_t>(o.chunk));
    if (chunk.empty()) break;
    annotator.write(scorer.score(chunk));
    rate.update(static_cast<int64_t>(scorer.stats().records), static_cast<int64_t>(scorer.stats().scored_jobs));
  }
  annotator.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  progress.message("splicebert score-vcf: " + scorer.summary(seconds));
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
  app.add_option("--lookup", o->lookup,
                 "take scores from this table (splicebert precompute) when it matches the model and parameters")
      ->check(CLI::ExistingFile);
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
