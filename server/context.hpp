// What every route handler shares: the options, the loaded model, the queue, the genome, metrics and ISM jobs.
#pragma once
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <httplib.h>

#include "metrics.hpp"
#include "serve.hpp"
#include "splicebert/genome.hpp"
#include "splicebert/inference_queue.hpp"
#include "splicebert/model.hpp"
#include "splicebert/variant_sites.hpp"

namespace splicebert::server {

struct IsmJob {
  std::string id, name;
  std::atomic<int64_t> done{0};
  int64_t total = 0;
  std::atomic<int> state{0};  // 0 queued, 1 running, 2 done, 3 failed
  std::string error;
  std::string result_json;    // set when done
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
};

struct ServerContext {
  ServeOptions options;
  std::atomic<bool> ready{false};
  std::string load_error;
  std::shared_ptr<const Model> model;
  std::unique_ptr<InferenceQueue> queue;
  std::string model_name, model_sha256;
  // The splice-site model of --splice-model (none: no deltas). Deltas run on the request's thread, one request at a
  // time (its Session's buffers are reused), outside the queue of the main model.
  std::unique_ptr<Session> splice_session;
  std::mutex splice_mutex;
  std::string splice_model_name, splice_model_sha256;

  std::unique_ptr<genome::Reference> reference;  // not thread-safe (window cache): use under reference_mutex
  std::mutex reference_mutex;
  std::unique_ptr<variant::TranscriptIndex> transcripts;
  size_t transcript_count = 0;

  Metrics metrics;
  std::string api_key;

  std::mutex jobs_mutex;
  std::map<std::string, std::shared_ptr<IsmJob>> jobs;
  // One coordinator thread per ISM job; finished ones are joined when the next job starts, the rest at shutdown
  // (before the queue goes).
  std::vector<std::pair<std::shared_ptr<IsmJob>, std::thread>> job_threads;
  std::atomic<bool> stopping{false};
};

// Route registration (routes_*.cpp).
void add_model_routes(httplib::Server& http, ServerContext& ctx);
void add_variant_routes(httplib::Server& http, ServerContext& ctx);
void add_job_routes(httplib::Server& http, ServerContext& ctx);
void add_static_routes(httplib::Server& http, ServerContext& ctx);

}  // namespace splicebert::server
