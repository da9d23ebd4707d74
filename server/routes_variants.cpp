// Variant routes: /score (REF/ALT sequence pairs) and /variants (spelled variants on the genome given at start),
// with the same fields as score-pairs / score-vcf and, for /variants, the per-position profiles the page plots.
#include <cmath>
#include <map>

#include "http_support.hpp"
#include "request_bodies.hpp"
#include "splicebert/splice_deltas.hpp"
#include "splicebert/variant_lookup.hpp"

namespace splicebert::server {
namespace {

json number(double v) { return std::isnan(v) ? json(nullptr) : json(v); }
json number(const std::optional<double>& v) { return v ? number(*v) : json(nullptr); }

json scores_json(const variant::SubstitutionScores& s, int64_t max_kl_offset) {
  return {{"context_kl", number(s.context_kl)},
          {"max_kl", number(s.max_kl)},
          {"max_kl_offset", std::isnan(s.max_kl) ? json(nullptr) : json(max_kl_offset)},
          {"donor_kl", number(s.donor_kl)},
          {"acceptor_kl", number(s.acceptor_kl)},
          {"masked_dp", number(s.masked_delta_p)}};
}

variant::ScoringOptions scoring_options(const ServerContext& ctx) {
  variant::ScoringOptions o;
  o.max_tokens = ctx.options.max_batch_tokens;
  return o;
}

int64_t window_nt(const ServerContext& ctx) { return ctx.model->config().max_position_embeddings - 2; }

void require_mlm_head(const ServerContext& ctx) {
  if (!ctx.model->weights().lm_head) throw ApiError(422, "the model has no MLM head: variant scores need one");
  if (window_nt(ctx) < 201) throw ApiError(422, "the model's window is shorter than the 201 nt the scores need");
}

variant::SpliceDeltaOptions delta_options(const ServerContext& ctx) {
  variant::SpliceDeltaOptions o;
  o.distance = ctx.options.splice_distance;
  o.max_tokens = ctx.options.max_batch_tokens;
  return o;
}

// Which splice-site model gave the deltas (responses with deltas carry it).
json splice_model_json(const ServerContext& ctx) {
  return {{"splice_model", ctx.splice_model_name},
          {"splice_model_sha256", ctx.splice_model_sha256},
          {"splice_distance", ctx.options.splice_distance}};
}

json matrix4(const std::vector<double>& p) {
  json out = json::array();
  for (size_t i = 0; i + 3 < p.size(); i += 4)
    out.push_back({static_cast<float>(p[i]), static_cast<float>(p[i + 1]), static_cast<float>(p[i + 2]),
                   static_cast<float>(p[i + 3])});
  return out;
}

}  // namespace

void add_variant_routes(httplib::Server& http, ServerContext& ctx) {
  http.Post("/score", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      require_mlm_head(ctx);
      ScoreRequest request = read_score_request(parse_body(req), ctx.options.max_sequences, ctx.options.max_sequence_nt);
      const std::vector<variant::SequencePair>& pairs = request.pairs;
      std::vector<variant::SubstitutionJob> jobs;
      std::vector<std::string> reasons(pairs.size());
      std::vector<int64_t> job_of(pairs.size(), -1);
      int64_t tokens = 0;
      for (size_t i = 0; i < pairs.size(); ++i) {
        reasons[i] = variant::pair_problem(pairs[i]);
        if (!reasons[i].empty()) continue;
        auto job = variant::pair_job(pairs[i], request.center, window_nt(ctx));
        if (!job) {
          reasons[i] = "OUTSIDE_WINDOW";
          continue;
        }
        job_of[i] = static_cast<int64_t>(jobs.size());
        tokens += static_cast<int64_t>(job->window.size()) + 2;
        jobs.push_back(std::move(*job));
      }
      std::vector<variant::SubstitutionScores> scores;
      if (!jobs.empty()) {
        RequestWatch watch(ctx, req);
        auto future = ctx.queue->score(jobs, scoring_options(ctx), watch.control());
        scores = watch.wait(future);
      }
      json deltas = nullptr;  // score-pairs' deltas of every pair, indels included (docs/splice-sites.md)
      if (ctx.splice_session) {
        std::lock_guard lock(ctx.splice_mutex);
        deltas = variant::pair_deltas_json(
            pairs, variant::score_pair_deltas(*ctx.splice_session, pairs, delta_options(ctx)));
      }
      json out = json::array();
      for (size_t i = 0; i < pairs.size(); ++i) {
        json item = {{"id", pairs[i].id}, {"reason", reasons[i].empty() ? json(nullptr) : json(reasons[i])}};
        if (job_of[i] >= 0) {
          const auto& s = scores[static_cast<size_t>(job_of[i])];
          item.update(scores_json(s, s.max_kl_offset));
        }
        if (!deltas.is_null())
          item["splice_deltas"] = {{"status", deltas[i]["status"]}, {"effects", deltas[i]["effects"]}};
        out.push_back(item);
      }
      note_tokens(res, tokens);
      json answer = {{"model", ctx.model_name}, {"results", out}};
      if (ctx.splice_session) answer.update(splice_model_json(ctx));
      send_json(res, answer);
    });
  });

  http.Post("/variants", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      require_mlm_head(ctx);
      if (!ctx.reference || !ctx.transcripts)
        throw ApiError(422, "this server has no genome: start it with -f GENOME -a ANNOTATION for /variants");
      const json body = parse_body(req);
      const std::string text = string_field(body, "variants");
      const bool with_profiles = bool_field(body, "profiles", true);
      std::vector<variant::SpelledVariant> spelled;
      try {
        spelled = variant::parse_variant_spellings(text, ctx.options.max_variants);
      } catch (const Error& e) {
        throw ApiError(422, e.what());
      }
      variant::SiteOptions site_options;
      site_options.window = window_nt(ctx);
      std::vector<variant::SubstitutionJob> jobs;
      std::vector<variant::SitePlan> plans;
      std::vector<int64_t> contig_lengths;
      {
        std::lock_guard lock(ctx.reference_mutex);
        for (const auto& v : spelled) {
          plans.push_back(variant::plan_site(v.site, *ctx.reference, *ctx.transcripts, site_options, jobs));
          const int contig = ctx.reference->find_contig(v.site.chrom);
          contig_lengths.push_back(contig < 0 ? 0 : ctx.reference->contig_length(contig));
        }
      }
      int64_t tokens = 0;
      for (const auto& j : jobs) tokens += static_cast<int64_t>(j.window.size()) + 2;
      RequestWatch watch(ctx, req);
      std::vector<variant::SubstitutionScores> scores;
      std::vector<std::vector<float>> logits;  // REF and ALT window of each job: [2j], [2j+1]
      if (!jobs.empty()) {
        auto scored = ctx.queue->score(jobs, scoring_options(ctx), watch.control());
        std::future<std::vector<std::vector<float>>> profiled;
        if (with_profiles) {
          std::vector<std::vector<int32_t>> sequences;
          for (const auto& j : jobs) {
            sequences.push_back(ctx.model->tokenizer().encode(j.window).ids);
            sequences.push_back(ctx.model->tokenizer().encode(variant::alt_window(j)).ids);
          }
          profiled = ctx.queue->logits(std::move(sequences), watch.control());
        }
        scores = watch.wait(scored);
        if (with_profiles) logits = watch.wait(profiled);
      }
      // SpliceAI-style deltas per ALT × gene, as score-vcf's INFO/SpliceBERT_DS (sites whose REF does not match the
      // genome get none).
      std::vector<std::vector<variant::GeneDeltas>> deltas;
      if (ctx.splice_session) {
        std::vector<variant::Site> sites;
        for (const auto& v : spelled) sites.push_back(v.site);
        std::lock_guard splice_lock(ctx.splice_mutex);
        std::lock_guard reference_lock(ctx.reference_mutex);
        deltas = variant::score_site_deltas(*ctx.splice_session, sites, *ctx.reference, *ctx.transcripts,
                                            delta_options(ctx));
      }
      const int64_t V = ctx.model->config().vocab_size;
      json out = json::array();
      for (size_t v = 0; v < spelled.size(); ++v) {
        const auto& site = spelled[v].site;
        const auto& plan = plans[v];
        json reasons = json::array();
        for (auto r : plan.reasons) reasons.push_back(r == variant::Reason::none ? json(nullptr) : json(variant::reason_name(r)));
        json entries = json::array();
        for (const auto& sj : plan.jobs) {
          const auto& s = scores[sj.job];
          json entry = {{"allele", site.alts[sj.alt]},
                        {"gene", sj.transcript->gene},
                        {"transcript", sj.transcript->name},
                        {"strand", sj.minus ? "-" : "+"},
                        {"consequence", sj.consequence}};
          entry.update(scores_json(s, sj.minus ? -s.max_kl_offset : s.max_kl_offset));
          if (with_profiles) {
            const auto& job = jobs[sj.job];
            const int64_t L = static_cast<int64_t>(job.window.size());
            const auto profile = variant::window_profile(logits[2 * sj.job].data(), logits[2 * sj.job + 1].data(), L, V,
                                                         ctx.model->tokenizer().nucleotide_ids());
            // The genomic position of the substitution: index `position` of the window in transcript orientation.
            const int64_t genomic = site.position + [&] {
              for (size_t k = 0; k < site.ref.size() && k < site.alts[sj.alt].size(); ++k)
                if (site.ref[k] != site.alts[sj.alt][k]) return static_cast<int64_t>(k);
              return int64_t{0};
            }();
            const auto placement = variant::place_window(*sj.transcript, genomic, window_nt(ctx), contig_lengths[v]);
            json exons = json::array();
            for (const auto& e : placement.exons) exons.push_back({e.start, e.end});
            json kl = json::array();
            for (double x : profile.kl) kl.push_back(static_cast<float>(x));
            entry["profile"] = {{"window_start", placement.genomic.start},
                                {"window_end", placement.genomic.end},
                                {"variant_index", job.position},
                                {"sequence", job.window},
                                {"exons", exons},
                                {"bases", "ACGU"},
                                {"ref", matrix4(profile.ref)},
                                {"alt", matrix4(profile.alt)},
                                {"kl", kl}};
          }
          entries.push_back(entry);
        }
        json item = {{"input", spelled[v].text},
                     {"line", spelled[v].line},
                     {"chrom", site.chrom},
                     {"pos", site.position + 1},
                     {"ref", site.ref},
                     {"alts", site.alts},
                     {"reasons", reasons},
                     {"message", plan.message},
                     {"scores", entries}};
        if (ctx.splice_session) item["splice_deltas"] = variant::site_deltas_json(site, deltas[v]);
        out.push_back(item);
      }
      note_tokens(res, tokens);
      json answer = {{"model", ctx.model_name},
                     {"model_sha256", ctx.model_sha256},
                     {"engine", std::string("splicebert.cpp ") + SPLICEBERT_VERSION},
                     {"window", window_nt(ctx)},
                     {"variants", out}};
      if (ctx.splice_session) {
        answer.update(splice_model_json(ctx));
        answer["splice_info_header"] = variant::spliceai_info_header(ctx.options.splice_distance);
      }
      send_json(res, answer);
    });
  });
}

}  // namespace splicebert::server
