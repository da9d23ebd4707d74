// serve(): binds first (so /health answers 503 while the model loads), loads the model, genome and annotation on a
// loader thread, and wraps every route with the same front door: request id, API key, CORS, access log, metrics.
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "context.hpp"
#include "http_support.hpp"
#include "splicebert/splice_deltas.hpp"

namespace splicebert::server {
namespace {

// Known routes name the metrics; anything else is counted as "other" so clients cannot grow the label set.
std::string route_label(const std::string& path) {
  static const char* known[] = {"/",       "/app.js",    "/style.css",     "/openapi.json", "/health", "/info",
                                "/v1/models", "/tokenize", "/fill-mask", "/v1/embeddings", "/embed",  "/predict",
                                "/score",  "/variants",  "/ism",           "/metrics"};
  for (const char* k : known)
    if (path == k) return k;
  if (path.rfind("/jobs/", 0) == 0) return "/jobs/{id}";
  return "other";
}

bool public_path(const std::string& path) {  // reachable without the API key: health and the page's static files
  return path == "/health" || path == "/" || path == "/app.js" || path == "/style.css";
}

bool same_secret(const std::string& a, const std::string& b) {  // constant time in the length of the given key
  unsigned char diff = a.size() != b.size();
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

std::string read_api_key(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, ": cannot read the API key file");
  std::string key;
  std::getline(in, key);
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
  if (key.size() < 16) fail(path, ": the API key must be at least 16 characters");
  return key;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buffer;
}

thread_local std::chrono::steady_clock::time_point request_started;  // httplib runs a request on one thread

// A model's name for /info and the responses: its folder's name (a trailing slash allowed).
std::string folder_name(const std::string& dir) {
  const std::filesystem::path path(dir);
  return path.filename().empty() ? path.parent_path().filename().string() : path.filename().string();
}

bool load(ServerContext& ctx) {
  try {
    LoadOptions load;
    load.require_lm_head = false;
    ctx.model = Model::load(ctx.options.model_dir, load);
    ctx.model_name = folder_name(ctx.options.model_dir);
    ctx.model_sha256 = ctx.model->weights_sha256();
    if (ctx.options.splice_model != "none") {
      auto splice = Model::load(ctx.options.splice_model, load);
      variant::require_splice_site_model(*splice);
      ctx.splice_model_name = folder_name(ctx.options.splice_model);
      ctx.splice_model_sha256 = splice->weights_sha256();
      ctx.splice_session = std::make_unique<Session>(std::move(splice));
    }
    if (!ctx.options.fasta.empty()) {
      ctx.reference = std::make_unique<genome::Reference>(ctx.options.fasta);
      genome::Diagnostics diagnostics(false, true);
      auto annotation = genome::open_annotation(
          ctx.options.annotation, genome::parse_annotation_format(ctx.options.annotation_format), diagnostics);
      ctx.transcripts = std::make_unique<variant::TranscriptIndex>(*annotation, *ctx.reference);
      ctx.transcript_count = ctx.transcripts->size();
    }
    QueueOptions q;
    q.max_batch_tokens = ctx.options.max_batch_tokens;
    q.max_queue = ctx.options.max_queue;
    q.dynamic_batching = ctx.options.dynamic_batching;
    q.threads = ctx.options.threads;
    ctx.queue = std::make_unique<InferenceQueue>(ctx.model, q);
    ctx.ready = true;
    if (!ctx.options.quiet)
      std::cerr << "splicebert serve: ready: model " << ctx.model_name << " (" << ctx.model_sha256.substr(0, 12)
                << "…)" << (ctx.reference ? ", genome " + ctx.options.fasta + ", " +
                                                std::to_string(ctx.transcript_count) + " transcripts"
                                          : std::string())
                << (ctx.splice_session ? ", splice-site model " + ctx.splice_model_name : std::string()) << std::endl;
    return true;
  } catch (const std::exception& e) {
    ctx.load_error = std::string("loading failed: ") + e.what();
    std::cerr << "splicebert serve: error: " << ctx.load_error << std::endl;
    return false;
  }
}

}  // namespace

int serve(const ServeOptions& options) {
  ServerContext ctx;
  ctx.options = options;
  if (!options.api_key_file.empty()) ctx.api_key = read_api_key(options.api_key_file);
  if (options.fasta.empty() != options.annotation.empty()) fail("give -f GENOME and -a ANNOTATION together");

  // SIGINT / SIGTERM are taken by one thread that stops the server; every other thread inherits the block.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  httplib::Server http;
  const int http_threads = options.http_threads;
  http.new_task_queue = [http_threads] { return new httplib::ThreadPool(static_cast<size_t>(http_threads)); };
  http.set_payload_max_length(options.max_body_bytes);
  // cpp-httplib 0.11 listens with a backlog of 5: a burst of clients then sees connections reset. Keep the listening
  // socket so that its backlog can be raised after binding (listen() again on a listening socket updates it).
  int listening_socket = -1;
  http.set_socket_options([&listening_socket](socket_t sock) {
    httplib::default_socket_options(sock);
    listening_socket = sock;
  });
  http.set_read_timeout(30, 0);
  http.set_write_timeout(30, 0);

  std::ofstream log_file;
  std::ostream* access_log = nullptr;
  std::mutex log_mutex;
  if (options.access_log == "-") access_log = &std::cerr;
  else if (!options.access_log.empty()) {
    log_file.open(options.access_log, std::ios::app);
    if (!log_file) fail(options.access_log, ": cannot open the access log");
    access_log = &log_file;
  }

  http.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    request_started = std::chrono::steady_clock::now();
    static std::atomic<uint64_t> counter{0};
    char id[32];
    std::snprintf(id, sizeof id, "%08llx", static_cast<unsigned long long>(++counter));
    res.set_header("X-Request-Id", id);
    if (!options.cors_origin.empty()) {
      res.set_header("Access-Control-Allow-Origin", options.cors_origin);
      res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
      res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      if (req.method == "OPTIONS") {
        res.status = 204;
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    if (!ctx.api_key.empty() && !public_path(req.path)) {
      const std::string given = req.get_header_value("Authorization");
      if (given.rfind("Bearer ", 0) != 0 || !same_secret(given.substr(7), ctx.api_key)) {
        res.set_header("WWW-Authenticate", "Bearer");
        send_error(res, 401, "missing or wrong API key (Authorization: Bearer KEY)");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const char* reason = res.status == 404   ? "no such route"
                         : res.status == 413 ? "the request body is too large"
                         : res.status == 405 ? "method not allowed"
                                             : "bad request";
    send_error(res, res.status, reason);
    return httplib::Server::HandlerResponse::Handled;
  }));

  http.set_logger([&](const httplib::Request& req, const httplib::Response& res) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - request_started).count();
    const int64_t tokens = res.has_header("X-Tokens") ? std::atoll(res.get_header_value("X-Tokens").c_str()) : 0;
    const std::string route = route_label(req.path);
    ctx.metrics.record(route, res.status, seconds, tokens);
    if (!access_log) return;
    const json line = {{"time", utc_now()},      {"id", res.get_header_value("X-Request-Id")},
                       {"remote", req.remote_addr}, {"method", req.method},
                       {"route", route},           {"status", res.status},
                       {"tokens", tokens},         {"latency_ms", seconds * 1000.0}};
    std::lock_guard lock(log_mutex);
    *access_log << line.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
  });

  add_static_routes(http, ctx);
  add_model_routes(http, ctx);
  add_variant_routes(http, ctx);
  add_job_routes(http, ctx);
  http.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    QueueStats stats;
    if (ctx.ready) stats = ctx.queue->stats();
    res.set_content(ctx.metrics.render(ctx.ready ? &stats : nullptr), "text/plain; version=0.0.4");
  });

  int port = options.port;
  if (port == 0) {
    port = http.bind_to_any_port(options.host);
    if (port < 0) fail("cannot bind to ", options.host);
  } else if (!http.bind_to_port(options.host, port)) {
    fail("cannot bind to ", options.host, ":", port, " (in use, or not an address of this machine)");
  }
  if (listening_socket >= 0) ::listen(listening_socket, SOMAXCONN);
  // The one line scripts wait for; the URL is printed on stdout too for the demo's users.
  std::cout << "splicebert serve: listening on http://" << options.host << ":" << port << "/" << std::endl;

  std::atomic<bool> load_failed{false};
  std::thread loader([&] {
    if (!load(ctx)) {  // a server that cannot serve stops, with the reason on stderr and exit status 1
      load_failed = true;
      // stop() only ends a server that is already listening: wait for that (bounded; listen follows at once).
      for (int i = 0; i < 5000 && !http.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      http.stop();
    }
  });
  std::thread stopper([&] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (!options.quiet) std::cerr << "splicebert serve: stopping" << std::endl;
    http.stop();
  });
  const bool listened = http.listen_after_bind();
  loader.join();
  ctx.stopping = true;
  {
    std::lock_guard lock(ctx.jobs_mutex);
    for (auto& [job, thread] : ctx.job_threads) thread.join();
  }
  ctx.queue.reset();
  if (stopper.joinable()) {
    pthread_kill(stopper.native_handle(), SIGTERM);  // wakes sigwait when the server stopped by itself
    stopper.join();
  }
  return load_failed || !listened ? 1 : 0;
}

}  // namespace splicebert::server
