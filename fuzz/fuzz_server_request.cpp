// libFuzzer: what `splicebert serve` does with a request body before any model work, route by route, without a
// socket: parse_body (400 / 422), then the fields each POST route reads with the server's default limits
// (docs/serve.md): /score through read_score_request and the pair checks and jobs, /variants through
// parse_variant_spellings, /ism, /tokenize, /fill-mask, /embed, /v1/embeddings and /predict through the field
// readers. The accepted answers to a bad body are the ones the route handler turns into a status: ApiError,
// splicebert::Error, and nlohmann::json::exception (422 "bad field" in guarded()). Anything else (a crash, another
// exception, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http_support.hpp"
#include "request_bodies.hpp"
#include "serve.hpp"
#include "splicebert/error.hpp"
#include "splicebert/variant_lookup.hpp"

namespace {

using namespace splicebert;
using namespace splicebert::server;

// Each route's reading of its body, in the order the handler reads it.
void read_routes(const json& body, const ServeOptions& limits) {
  auto guard = [](auto&& read) {
    try {
      read();
    } catch (const ApiError& e) {
      if (e.status != 400 && e.status != 422) __builtin_trap();  // reading a body never asks for another status
    } catch (const splicebert::Error&) {
    } catch (const json::exception&) {
    }
  };
  const size_t max_nt = static_cast<size_t>(limits.max_sequence_nt);
  guard([&] {  // POST /score
    const ScoreRequest request = read_score_request(body, limits.max_sequences, limits.max_sequence_nt);
    for (const variant::SequencePair& pair : request.pairs) {
      if (!variant::pair_problem(pair).empty()) continue;
      const auto job = variant::pair_job(pair, request.center, 1022);
      if (job && (job->position < 0 || job->position >= static_cast<int64_t>(job->window.size()))) __builtin_trap();
    }
  });
  guard([&] {  // POST /variants
    const std::string text = string_field(body, "variants");
    static_cast<void>(bool_field(body, "profiles", true));
    static_cast<void>(variant::parse_variant_spellings(text, limits.max_variants));
  });
  guard([&] {  // POST /ism (the sequence checks are the handler's, before these)
    const std::string sequence = string_field(body, "sequence");
    const int64_t L = static_cast<int64_t>(sequence.size());
    if (L < 1) return;
    const int64_t start = int_field(body, "start", 0, 0, L - 1);
    static_cast<void>(int_field(body, "end", std::min(L, start + limits.max_ism_nt), start + 1, L));
    static_cast<void>(string_field(body, "name", ""));
  });
  guard([&] { static_cast<void>(string_or_list(body, "sequences", limits.max_sequences, max_nt)); });  // /tokenize, /predict
  guard([&] {  // POST /fill-mask
    static_cast<void>(string_or_list(body, "inputs", limits.max_sequences, max_nt));
    static_cast<void>(int_field(body, "top_k", 5, 1, 64));
    static_cast<void>(bool_field(body, "nucleotides_only", false));
  });
  guard([&] {  // POST /v1/embeddings
    static_cast<void>(string_or_list(body, "input", limits.max_sequences, max_nt));
    static_cast<void>(string_field(body, "encoding_format", "float"));
    static_cast<void>(string_field(body, "model", "splicebert"));
  });
  guard([&] {  // POST /embed
    static_cast<void>(string_or_list(body, "sequences", limits.max_sequences, max_nt));
    static_cast<void>(string_field(body, "layers", "last"));
    static_cast<void>(string_field(body, "pooling", "mean"));
    static_cast<void>(bool_field(body, "per_nucleotide", false));
    static_cast<void>(bool_field(body, "keep_special", false));
    static_cast<void>(int_field(body, "window", 0, 0, 1022));
    static_cast<void>(int_field(body, "stride", 0, 0, 1022));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ServeOptions limits;
  httplib::Request request;
  request.body.assign(reinterpret_cast<const char*>(data), size);
  json body;
  try {
    body = parse_body(request);
  } catch (const ApiError& e) {
    if (e.status != 400 && e.status != 422) __builtin_trap();
    return 0;
  }
  read_routes(body, limits);
  return 0;
}
