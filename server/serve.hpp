// `splicebert serve`: the HTTP layer over the library (docs/serve.md). apps/serve.cpp parses the command line and
// calls serve(); everything here uses only the public headers of include/splicebert/.
#pragma once
#include <cstdint>
#include <string>

namespace splicebert::server {

struct ServeOptions {
  std::string model_dir, fasta, annotation, annotation_format = "auto";
  std::string splice_model = "none";  // splice-site model folder for SpliceAI-style deltas on /score and /variants
  int64_t splice_distance = 50;       // deltas look this many nt either side of the variant
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string api_key_file;      // when set, every route but /health (and the page's static files) needs the key
  std::string cors_origin;       // empty = no CORS headers
  std::string access_log = "-";  // JSON lines; "-" = stderr, "" = off
  int64_t max_batch_tokens = 16384;
  size_t max_queue = 256;
  double timeout_s = 60;
  size_t max_body_bytes = 8u << 20;
  size_t max_sequences = 256;       // per request
  int64_t max_sequence_nt = 100000; // per sequence
  size_t max_variants = 200;        // per /variants request
  int64_t max_ism_nt = 2000;        // ISM positions per job
  bool dynamic_batching = true;
  int http_threads = 128;
  int threads = 0;
  bool quiet = false;
};

// Loads the model (and genome) while already answering /health with 503, then serves until SIGINT/SIGTERM.
// Returns the exit status.
int serve(const ServeOptions& options);

}  // namespace splicebert::server
