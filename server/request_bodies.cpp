#include "request_bodies.hpp"

#include <string>

namespace splicebert::server {

ScoreRequest read_score_request(const json& body, size_t max_pairs, int64_t max_nt) {
  auto it = body.find("pairs");
  if (it == body.end() || !it->is_array() || it->empty())
    throw ApiError(422, "'pairs' must be a non-empty list of {id, ref, alt, pos}");
  if (it->size() > max_pairs) throw ApiError(422, "at most " + std::to_string(max_pairs) + " pairs per request");
  ScoreRequest request;
  const std::string center = string_field(body, "center", "variant");
  if (center != "variant" && center != "exon") throw ApiError(422, "'center' must be variant or exon");
  request.center = center == "exon" ? variant::Center::Exon : variant::Center::Variant;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& p = (*it)[i];
    if (!p.is_object()) throw ApiError(422, "pair " + std::to_string(i) + " is not an object");
    variant::SequencePair pair;
    pair.id = string_field(p, "id", "pair" + std::to_string(i + 1));
    pair.ref = string_field(p, "ref");
    pair.alt = string_field(p, "alt");
    if (static_cast<int64_t>(pair.ref.size()) > max_nt || static_cast<int64_t>(pair.alt.size()) > max_nt)
      throw ApiError(422, "pair " + std::to_string(i) + " is longer than " + std::to_string(max_nt) + " nt");
    pair.position = int_field(p, "pos", -1, 0, static_cast<int64_t>(pair.ref.size()) - 1);
    if (pair.position < 0) throw ApiError(422, "pair " + std::to_string(i) + ": 'pos' is required (0-based)");
    const bool has_start = p.contains("exon_start"), has_end = p.contains("exon_end");
    if (has_start != has_end) throw ApiError(422, "pair " + std::to_string(i) + ": give exon_start and exon_end together");
    if (has_start) {
      const int64_t L = static_cast<int64_t>(pair.ref.size());
      variant::Span exon{int_field(p, "exon_start", 0, 0, L), int_field(p, "exon_end", 0, 0, L)};
      if (exon.end <= exon.start) throw ApiError(422, "pair " + std::to_string(i) + ": exon_end must exceed exon_start");
      pair.exon = exon;
    }
    pair.line = static_cast<int64_t>(i);
    request.pairs.push_back(std::move(pair));
  }
  return request;
}

}  // namespace splicebert::server
