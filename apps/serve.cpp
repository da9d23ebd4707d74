// splicebert serve -m DIR [-f GENOME -a ANNOTATION] [--host H] [--port P] ...: the JSON API and the variant lookup
// page over one loaded model (docs/serve.md). The HTTP layer lives in server/.
#include "cli.hpp"
#include "serve.hpp"

namespace splicebert::cli {
namespace {

VerbRegistrar registrar("serve", "HTTP JSON API and variant lookup page (docs/serve.md)", [](CLI::App& app) {
  auto o = std::make_shared<server::ServeOptions>();
  o->model_dir = default_model_dir();
  add_model_option(app, o->model_dir);
  add_fasta_option(app, o->fasta);
  add_annotation_option(app, o->annotation, o->annotation_format);
  add_splice_delta_options(app, o->splice_model, o->splice_distance);
  add_threads_option(app, o->threads);
  add_quiet_option(app, o->quiet);
  app.add_option("--host", o->host, "address to bind (127.0.0.1 = this machine only)")->capture_default_str();
  app.add_option("--port", o->port, "TCP port (0 = any free port, printed)")->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--api-key-file", o->api_key_file,
                 "file whose first line is the key every route but /health and the page needs (Bearer)");
  app.add_option("--cors-origin", o->cors_origin, "allow this browser origin (CORS is off unless given)");
  app.add_option("--access-log", o->access_log, "JSON-lines access log ('-' = stderr, '' = none)")
      ->capture_default_str();
  app.add_option("--max-batch-tokens", o->max_batch_tokens, "token budget of one dynamic batch")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--max-queue", o->max_queue, "jobs waiting before requests get 429")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--timeout-s", o->timeout_s, "deadline of a request in seconds (504 after)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--max-body-bytes", o->max_body_bytes, "largest request body (413 above)")->capture_default_str();
  app.add_option("--max-variants", o->max_variants, "variants per /variants request")->capture_default_str();
  app.add_option("--max-sequences", o->max_sequences, "sequences per request")->capture_default_str();
  app.add_option("--max-sequence-nt", o->max_sequence_nt, "nucleotides per sequence")->capture_default_str();
  app.add_option("--http-threads", o->http_threads, "connections served at once")->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_flag("--no-batching", [o](int64_t) { o->dynamic_batching = false; },
               "run every request alone (the benchmark's baseline)");
  return [o] {
    apply_threads(o->threads);
    return server::serve(*o);
  };
}, RunsModel::Yes);

}  // namespace
}  // namespace splicebert::cli
