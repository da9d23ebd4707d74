// splicebert score-pairs -i PAIRS.tsv [-o OUT.tsv]: the scores of score-vcf for REF/ALT sequence pairs, for users
// without a genome (docs/variants.md, "Sequence mode"). Output: '#' provenance lines, a header row, one row per pair.
#include <chrono>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"
#include "splicebert/pair_scoring.hpp"
#include "splicebert/splice_deltas.hpp"

namespace splicebert::cli {
namespace {

struct ScorePairsOptions {
  Precision precision = Precision::F32;
  std::string model, input, output = "-", center = "variant", splice_model, deltas_json;
  int64_t window = 0, max_kl_window = 50, chunk = 1024, max_tokens = 16384, distance = 50;
  int threads = 0;
  bool quiet = false, no_masked_dp = false;
};


int run(const ScorePairsOptions& o) {
  apply_threads(o.threads);
  warn_if_shipped_model("score-pairs", o.model, o.quiet);
  LoadOptions load;
  load.require_lm_head = true;
  load.precision = o.precision;
  auto model = Model::load(o.model, load);
  const int64_t window = variant::pair_window(*model, o.window);
  const variant::Center center = o.center == "exon" ? variant::Center::Exon : variant::Center::Variant;
  variant::ScoringOptions scoring;
  scoring.max_kl_radius = o.max_kl_window;
  scoring.max_tokens = o.max_tokens;
  scoring.masked_delta_p = !o.no_masked_dp;

  const std::vector<variant::SequencePair> pairs = variant::read_sequence_pairs(o.input);
  // SpliceAI-style deltas from the splice-site model: extra columns (offsets in the sequence's orientation).
  std::vector<variant::PairDeltas> deltas;
  std::string delta_columns;
  if (o.splice_model != "none") {
    LoadOptions splice_load;
    splice_load.precision = o.precision;
    auto splice = Model::load(o.splice_model, splice_load);
    variant::require_splice_site_model(*splice);
    Session splice_session(splice);
    deltas = variant::score_pair_deltas(splice_session, pairs, {.distance = o.distance, .max_tokens = o.max_tokens});
    delta_columns = "\tdelta_status\tDS_AG\tDS_AL\tDS_DG\tDS_DL\tDP_AG\tDP_AL\tDP_DG\tDP_DL";
  }
  if (!o.deltas_json.empty()) {
    if (deltas.empty()) fail("--deltas-json needs a splice-site model (--splice-model DIR)");
    AtomicOutput json(o.deltas_json, false);
    const nlohmann::json document = {{"provenance", provenance(model.get())},
                                      {"pairs", variant::pair_deltas_json(pairs, deltas)}};
    json.stream() << document.dump(1) << '\n';
    json.commit();
  }
  AtomicOutput output(o.output, false);
  std::ostream& out = output.stream();
  for (const auto& [key, value] : provenance(model.get())) out << "# " << key << ": " << value << "\n";
  out << "# window: " << window << " nt, centred on the " << o.center << " when the sequence is longer\n"
      << "# scores: docs/variants.md (context_KL = sum over d 1..100 of ln(max(k_d, 1e-6)); max_KL_offset in the "
         "sequence's orientation)\n"
      << (deltas.empty() ? "" : "# deltas: splice model " + o.splice_model + ", +-" + std::to_string(o.distance) +
                                    " nt (docs/splice-sites.md)\n")
      << "id\tstatus\tcontext_KL\tmax_KL\tmax_KL_offset\tdonor_KL\tacceptor_KL\tmasked_dP" << delta_columns << "\n";

  Session session(model);
  std::map<std::string, size_t> counts;
  const auto started = std::chrono::steady_clock::now();
  RateProgress progress(o.quiet, "score-pairs", "pairs");
  progress.set_total(static_cast<int64_t>(pairs.size()));
  const auto results =
      variant::score_sequence_pairs(session, pairs, center, window, scoring, static_cast<size_t>(o.chunk));
  for (size_t i = 0; i < pairs.size(); ++i) {
    const std::string& status = results[i].status;
    ++counts[status];
    out << pairs[i].id << '\t' << status;
    if (status != "scored") {
      out << "\t.\t.\t.\t.\t.\t.";
    } else {
      const variant::SubstitutionScores& s = results[i].scores;
      out << '\t' << variant::format_score(s.context_kl) << '\t' << variant::format_score(s.max_kl) << '\t'
          << (std::isnan(s.max_kl) ? "." : std::to_string(s.max_kl_offset)) << '\t'
          << variant::format_score(s.donor_kl) << '\t' << variant::format_score(s.acceptor_kl) << '\t'
          << variant::format_score(s.masked_delta_p);
    }
    if (!deltas.empty()) out << '\t' << variant::pair_delta_columns(deltas[i]);
    out << '\n';
  }
  progress.update(static_cast<int64_t>(pairs.size()), static_cast<int64_t>(pairs.size()));
  output.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string summary =
      "splicebert score-pairs: " + std::to_string(pairs.size()) + " pairs in " + variant::format_score(seconds) + " s:";
  for (const auto& [name, count] : counts) summary += " " + name + " " + std::to_string(count);
  Progress{o.quiet}.message(summary);
  return 0;
}

VerbRegistrar registrar("score-pairs", "zero-shot splicing scores of REF/ALT sequence pairs (TSV)", [](CLI::App& app) {
  auto o = std::make_shared<ScorePairsOptions>();
  add_model_option(app, o->model);
  add_input_option(app, o->input,
                   "TSV with a header row: id, ref, alt, pos (0-based) [, exon_start, exon_end] ('-' = stdin)");
  app.get_option("--input")->required();
  add_output_option(app, o->output, "output TSV ('-' = stdout)");
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  add_window_option(app, o->window, "longest piece of a sequence scored, in nt (default: the model's maximum)");
  add_precision_option(app, o->precision);
  add_max_tokens_option(app, o->max_tokens);
  app.add_option("--center", o->center, "centre of the piece cut from a longer sequence")
      ->check(CLI::IsMember({"variant", "exon"}))
      ->capture_default_str();
  app.add_option("--max-kl-window", o->max_kl_window, "max_KL looks this many nt either side")->capture_default_str();
  app.add_flag("--no-masked-dp", o->no_masked_dp, "skip masked_dP (.), saving one forward pass in three");
  app.add_option("--chunk", o->chunk, "pairs scored together")->capture_default_str()->check(CLI::PositiveNumber);
  add_splice_delta_options(app, o->splice_model, o->distance);
  app.add_option("--deltas-json", o->deltas_json,
                 "the deltas as MultiMolecule splice-variant-effect records per pair (JSON)")
      ->check(writable_output_file());
  return [o] { return run(*o); };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
