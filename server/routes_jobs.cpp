// In-silico mutagenesis as a job: POST /ism answers 202 with a job id at once; GET /jobs/{id} reports progress and,
// when done, the [positions, 4] scores. A coordinator thread per job feeds the queue one chunk of positions at a
// time, so interactive requests keep their turn between chunks.
#include <cmath>
#include <random>
#include <thread>

#include "http_support.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::server {
namespace {

constexpr int64_t kChunkPositions = 32;
constexpr size_t kMaxActiveJobs = 4, kMaxKeptJobs = 64;

std::string new_job_id() {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard lock(mutex);
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(generator()));
  return buffer;
}

json job_json(const IsmJob& job) {
  static const char* states[] = {"queued", "running", "done", "failed"};
  const int state = job.state.load();
  json out = {{"id", job.id},
              {"name", job.name},
              {"status", states[state]},
              {"done", job.done.load()},
              {"total", job.total},
              {"progress", job.total ? static_cast<double>(job.done.load()) / static_cast<double>(job.total) : 0.0}};
  if (state == 3) out["error"] = job.error;
  if (state == 2) out["result"] = json::parse(job.result_json);
  return out;
}

}  // namespace

void add_job_routes(httplib::Server& http, ServerContext& ctx) {
  http.Post("/ism", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      if (!ctx.model->weights().lm_head) throw ApiError(422, "the model has no MLM head: ISM needs one");
      const json body = parse_body(req);
      std::string sequence = string_field(body, "sequence");
      if (static_cast<int64_t>(sequence.size()) > ctx.options.max_sequence_nt)
        throw ApiError(422, "'sequence' is longer than " + std::to_string(ctx.options.max_sequence_nt) + " nt");
      for (char& c : sequence) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (variant::base_index(c) < 0 && c != 'N') throw ApiError(422, "'sequence' holds a character other than A C G T U N");
      }
      const int64_t L = static_cast<int64_t>(sequence.size());
      if (L < 201) throw ApiError(422, "'sequence' must be at least 201 nt (the context KL looks 100 nt either side)");
      const int64_t start = int_field(body, "start", 0, 0, L - 1);
      const int64_t end = int_field(body, "end", std::min(L, start + ctx.options.max_ism_nt), start + 1, L);
      if (end - start > ctx.options.max_ism_nt)
        throw ApiError(422, "at most " + std::to_string(ctx.options.max_ism_nt) + " positions per ISM job");
      auto job = std::make_shared<IsmJob>();
      job->id = new_job_id();
      job->name = string_field(body, "name", "");
      if (job->name.size() > 200) throw ApiError(422, "'name' is longer than 200 characters");
      job->total = end - start;
      {
        std::lock_guard lock(ctx.jobs_mutex);
        size_t active = 0;
        for (const auto& [id, j] : ctx.jobs) active += j->state.load() < 2;
        if (active >= kMaxActiveJobs) throw ApiError(429, "4 ISM jobs are running; try again later");
        while (ctx.jobs.size() >= kMaxKeptJobs) {  // forget the oldest finished job
          auto oldest = ctx.jobs.end();
          for (auto it = ctx.jobs.begin(); it != ctx.jobs.end(); ++it)
            if (it->second->state.load() >= 2 && (oldest == ctx.jobs.end() || it->second->created < oldest->second->created))
              oldest = it;
          if (oldest == ctx.jobs.end()) break;
          ctx.jobs.erase(oldest);
        }
        ctx.jobs[job->id] = job;
        for (auto it = ctx.job_threads.begin(); it != ctx.job_threads.end();) {
          if (it->first->state.load() >= 2) {  // its last statement has run: join at once
            it->second.join();
            it = ctx.job_threads.erase(it);
          } else {
            ++it;
          }
        }
        ctx.job_threads.emplace_back(job, std::thread([&ctx, job, sequence, start, end] {
          try {
            job->state = 1;
            std::vector<double> scores;
            for (int64_t from = start; from < end && !ctx.stopping; from += kChunkPositions) {
              variant::IsmOptions options;
              options.max_tokens = ctx.options.max_batch_tokens;
              options.positions = variant::Span{from, std::min(end, from + kChunkPositions)};
              variant::IsmResult result;
              auto done = ctx.queue->run_alone(
                  [&](Session& session) { result = variant::in_silico_mutagenesis(session, sequence, options); },
                  (options.positions->end - from) * 3 * ctx.model->config().max_position_embeddings);
              done.get();
              for (int64_t i = options.positions->start; i < options.positions->end; ++i)
                scores.insert(scores.end(), result.scores.begin() + i * 4, result.scores.begin() + i * 4 + 4);
              job->done += options.positions->end - from;
            }
            json rows = json::array();
            for (size_t i = 0; i + 3 < scores.size(); i += 4) {
              json row = json::array();
              for (size_t k = 0; k < 4; ++k) row.push_back(std::isnan(scores[i + k]) ? json(nullptr) : json(scores[i + k]));
              rows.push_back(row);
            }
            job->result_json = json{{"start", start}, {"end", end}, {"bases", "ACGU"}, {"scores", rows}}.dump();
            job->state = ctx.stopping ? 3 : 2;
          } catch (const std::exception& e) {
            job->error = e.what();
            job->state = 3;
          }
        }));
      }
      res.set_header("Location", "/jobs/" + job->id);
      send_json(res, job_json(*job), 202);
    });
  });

  http.Get(R"(/jobs/([0-9a-f]{1,32}))", [&](const httplib::Request& req, httplib::Response& res) {
    guarded(ctx, req, res, [&] {
      std::shared_ptr<IsmJob> job;
      {
        std::lock_guard lock(ctx.jobs_mutex);
        auto it = ctx.jobs.find(req.matches[1].str());
        if (it == ctx.jobs.end()) throw ApiError(404, "no job " + req.matches[1].str());
        job = it->second;
      }
      send_json(res, job_json(*job));
    });
  });
}

}  // namespace splicebert::server
