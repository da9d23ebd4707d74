// splicebert score-vcf -f FASTA -a ANNOT -i IN.vcf -o OUT.vcf: zero-shot splicing scores per ALT allele and
// overlapping transcript, added to every input record as INFO/SpliceBERT, INFO/SB_KL and INFO/SB_REASON (SPEC §6, §9;
// docs/variants.md). Records are read in chunks; each chunk's windows are scored in shared batches.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/splice_deltas.hpp"
#include "splicebert/variant_sites.hpp"
#include "splicebert/vcf.hpp"

namespace splicebert::cli {
namespace {

struct ScoreVcfOptions {
  Precision precision = Precision::F32;
  std::string model, fasta, annotation, format = "auto", input = "-", output = "-", output_type, center = "variant";
  std::string regions_file, splice_model;
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

// Names go into a pipe- and comma-separated INFO value: characters with a meaning there become '_'.
std::string info_safe(std::string text) {
  for (char& c : text)
    if (c == ',' || c == ';' || c == '=' || c == '|' || c == ' ' || c == '\t') c = '_';
  return text.empty() ? "." : text;
}


// Warnings for records with a problem in the data (not the ordinary NOT_IN_TRANSCRIPT / INDEL): the first few in
// full, then only counted. Never hidden by -q: they are about the data, not progress.
struct Warnings {
  std::string source;
  size_t printed = 0;
  std::map<std::string, size_t> counts;  // reason -> ALT alleles
  void report(const vcf::Record& record, const variant::SitePlan& plan) {
    for (auto reason : plan.reasons)
      ++counts[reason == variant::Reason::none ? "scored" : variant::reason_name(reason)];
    if (record.alts.empty()) ++counts["UNSUPPORTED_ALLELE"];
    if (plan.message.empty()) return;
    if (++printed <= 20)
      std::cerr << "splicebert score-vcf: warning: " << source << ": " << record.label() << ": " << plan.message
                << "; not scored\n";
    if (printed == 20) std::cerr << "splicebert score-vcf: (further warnings only counted)\n";
  }
};

vcf::Annotation annotate(const vcf::Record& record, const variant::SitePlan& plan,
                         const std::vector<variant::SubstitutionScores>& scores) {
  vcf::Annotation a;
  if (record.alts.empty()) {
    a.reasons = {variant::reason_name(variant::Reason::unsupported_allele)};
    return a;
  }
  a.context_kl.assign(record.alts.size(), NAN);
  for (const variant::SiteJob& job : plan.jobs) {
    const variant::SubstitutionScores& s = scores[job.job];
    const int64_t genomic_offset = job.minus ? -s.max_kl_offset : s.max_kl_offset;  // report on the + strand
    a.entries.push_back(info_safe(record.alts[job.alt]) + "|" + info_safe(job.transcript->gene) + "|" +
                        info_safe(job.transcript->name) + "|" + (job.minus ? "-" : "+") + "|" + variant::format_score(s.context_kl) +
                        "|" + variant::format_score(s.max_kl) + "|" + (std::isnan(s.max_kl) ? "." : std::to_string(genomic_offset)) +
                        "|" + variant::format_score(s.donor_kl) + "|" + variant::format_score(s.acceptor_kl) + "|" + variant::format_score(s.masked_delta_p) + "|" +
                        job.consequence);
    double& best = a.context_kl[job.alt];
    if (std::isnan(best) || s.context_kl > best) best = s.context_kl;
  }
  bool any_reason = false;
  for (auto reason : plan.reasons) any_reason |= reason != variant::Reason::none;
  if (any_reason)
    for (auto reason : plan.reasons) a.reasons.push_back(variant::reason_name(reason));
  if (a.entries.empty()) a.context_kl.clear();
  return a;
}

int run(const ScoreVcfOptions& o) {
  if (o.input == "-" && o.annotation == "-")
    fail("-a - and -i - (the default) cannot both read standard input: give the VCF or the annotation as a file");
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
  variant::SiteOptions site_options;
  site_options.center = o.center == "exon" ? variant::Center::Exon : variant::Center::Variant;
  site_options.window = window;
  variant::ScoringOptions scoring;
  scoring.max_kl_radius = o.max_kl_window;
  scoring.max_tokens = o.max_tokens;
  scoring.masked_delta_p = !o.no_masked_dp;  // saves one forward in three

  vcf::AnnotatorOptions io;
  io.input = o.input;
  io.output = o.output;
  io.output_type = infer_output_type(o.output_type, o.output);
  io.threads = threads;
  for (const auto& [key, value] : provenance(model.get()))
    io.header_lines.push_back("##SpliceBERT_" + key + "=" + value);
  io.header_lines.push_back("##SpliceBERT_reference=" + o.fasta);
  io.header_lines.push_back("##SpliceBERT_annotation=" + o.annotation);
  io.header_lines.push_back("##SpliceBERT_window=" + std::to_string(window) + " nt centred on the " + o.center +
                            " (variant at index " + std::to_string(window / 2) +
                            " when centred on it) on the transcript strand");
  io.header_lines.push_back("##SpliceBERT_scoring=P(i) softmax over the A C G U logits; KL(i) = sum_x P_alt ln(P_alt/"
                            "P_ref); context_KL = sum over d 1..100 of ln(max(k_d 1e-6)) with k_d the mean of KL(p-d) "
                            "and KL(p+d); max_KL over offsets 1.." + std::to_string(o.max_kl_window) +
                            "; masked_dP = P(alt) - P(ref) at <mask> over the whole vocabulary");
  // SpliceAI-style deltas from the splice-site model (INFO/SpliceBERT_DS), when one is given or shipped.
  std::unique_ptr<Session> splice_session;
  if (o.splice_model != "none") {
    LoadOptions splice_load;
    splice_load.precision = o.precision;
    auto splice = Model::load(o.splice_model, splice_load);
    variant::require_splice_site_model(*splice);
    splice_session = std::make_unique<Session>(splice);
    io.header_lines.push_back(variant::spliceai_info_header(o.distance));
    io.header_lines.push_back("##SpliceBERT_splice_model_sha256=" + splice->weights_sha256());
  }
  const variant::SpliceDeltaOptions delta_options{.distance = o.distance, .max_tokens = o.max_tokens};
  if (regions.active())
    io.keep = [&regions](const std::string& chrom, int64_t pos) { return regions.keep(chrom, pos); };
  vcf::Annotator annotator(io);

  Session session(model);
  Warnings warnings;
  warnings.source = o.input == "-" ? "stdin" : o.input;
  variant::ScoringStats stats;
  size_t records = 0, scored_jobs = 0;
  const auto started = std::chrono::steady_clock::now();
  RateProgress rate(o.quiet, "score-vcf", "allele x transcript scores");
  for (;;) {
    const std::vector<vcf::Record>& chunk = annotator.read(static_cast<size_t>(o.chunk));
    if (chunk.empty()) break;
    std::vector<variant::SubstitutionJob> jobs;
    std::vector<variant::SitePlan> plans;
    for (const vcf::Record& record : chunk) {
      plans.push_back(variant::plan_site({record.chrom, record.position, record.ref, record.alts}, reference,
                                         transcripts, site_options, jobs));
      warnings.report(record, plans.back());
    }
    const auto scores = variant::score_substitutions(session, jobs, scoring, &stats);
    std::vector<vcf::Annotation> annotations;
    for (size_t r = 0; r < chunk.size(); ++r) annotations.push_back(annotate(chunk[r], plans[r], scores));
    if (splice_session) {
      std::vector<variant::Site> sites;
      for (const vcf::Record& record : chunk) sites.push_back({record.chrom, record.position, record.ref, record.alts});
      const auto deltas = variant::score_site_deltas(*splice_session, sites, reference, transcripts, delta_options);
      for (size_t r = 0; r < chunk.size(); ++r)
        annotations[r].splice_deltas = variant::spliceai_entries(chunk[r].alts, deltas[r]);
    }
    annotator.write(annotations);
    records += chunk.size();
    scored_jobs += jobs.size();
    rate.update(static_cast<int64_t>(records), static_cast<int64_t>(scored_jobs));
  }
  annotator.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string summary = "splicebert score-vcf: " + std::to_string(records) + " records, " +
                        std::to_string(scored_jobs) + " allele x transcript scores in " + variant::format_score(seconds) + " s (" +
                        std::to_string(stats.ref_forwards) + " REF, " + std::to_string(stats.masked_forwards) +
                        " masked, " + std::to_string(stats.alt_forwards) + " ALT windows); ALT alleles:";
  for (const auto& [reason, count] : warnings.counts) summary += " " + reason + " " + std::to_string(count);
  progress.message(summary);
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
  add_splice_delta_options(app, o->splice_model, o->distance);
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
