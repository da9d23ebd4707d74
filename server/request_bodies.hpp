// Request bodies whose reading is more than a few field lookups, as functions of the parsed JSON (no socket, no
// model), so that fuzz/fuzz_server_request.cpp can drive the very code a route runs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "http_support.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::server {

// POST /score: {"pairs": [{id?, ref, alt, pos, exon_start?, exon_end?}, ...], "center"?: "variant" | "exon"}.
// At most `max_pairs` pairs, each sequence at most `max_nt` long; anything else is an ApiError (422) naming the pair.
struct ScoreRequest {
  std::vector<variant::SequencePair> pairs;
  variant::Center center = variant::Center::Variant;
};
ScoreRequest read_score_request(const json& body, size_t max_pairs, int64_t max_nt);

}  // namespace splicebert::server
