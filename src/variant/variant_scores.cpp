// The score formulas of docs/variants.md on per-position distributions. Everything is in double: KL values of nearly equal
// distributions are differences of nearly equal logarithms, and float would drown them.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "splicebert/error.hpp"
#include "splicebert/variant.hpp"

namespace splicebert::variant {

namespace {

// Softmax of `n` logits picked by `ids` (or the first n when ids is null), into out[0..n).
void softmax(const float* logits, const int* ids, int64_t n, double* out) {
  double top = -INFINITY;
  for (int64_t k = 0; k < n; ++k) top = std::max(top, static_cast<double>(logits[ids ? ids[k] : k]));
  double sum = 0;
  for (int64_t k = 0; k < n; ++k) sum += out[k] = std::exp(static_cast<double>(logits[ids ? ids[k] : k]) - top);
  for (int64_t k = 0; k < n; ++k) out[k] /= sum;
}

}  // namespace

std::vector<double> nucleotide_distributions(const float* logits, int64_t L, int64_t V,
                                             const std::vector<int>& nucleotide_ids) {
  if (nucleotide_ids.size() != 4) fail("the vocabulary does not have exactly the four nucleotides A, C, G, U/T");
  std::vector<double> probabilities(static_cast<size_t>(L * 4));
  for (int64_t i = 0; i < L; ++i) softmax(logits + i * V, nucleotide_ids.data(), 4, probabilities.data() + i * 4);
  return probabilities;
}

std::vector<double> clipped_vocabulary_distributions(const float* logits, int64_t L, int64_t V) {
  std::vector<double> probabilities(static_cast<size_t>(L * V));
  for (int64_t i = 0; i < L; ++i) {
    double* row = probabilities.data() + i * V;
    softmax(logits + i * V, nullptr, V, row);
    for (int64_t v = 0; v < V; ++v) row[v] = std::clamp(row[v], 1e-6, 1 - 1e-6);
  }
  return probabilities;
}

std::vector<double> kl_profile(const std::vector<double>& ref, const std::vector<double>& alt, int64_t width) {
  if (ref.size() != alt.size() || width <= 0 || ref.size() % static_cast<size_t>(width) != 0)
    fail("kl_profile: REF and ALT distributions differ in shape");
  const int64_t L = static_cast<int64_t>(ref.size()) / width;
  std::vector<double> kl(static_cast<size_t>(L));
  for (int64_t i = 0; i < L; ++i) {
    double sum = 0;
    for (int64_t x = 0; x < width; ++x) {
      const double a = alt[i * width + x], r = ref[i * width + x];
      if (a > 0) sum += a * std::log(a / r);  // 0·ln 0 = 0 (a softmax underflow), as the limit says
    }
    kl[i] = sum;
  }
  return kl;
}

double context_kl(const std::vector<double>& kl, int64_t p, int64_t radius) {
  const int64_t L = static_cast<int64_t>(kl.size());
  double score = 0;
  bool any = false;
  for (int64_t d = 1; d <= radius; ++d) {
    const bool left = p - d >= 0 && p - d < L, right = p + d >= 0 && p + d < L;
    if (!left && !right) continue;
    const double k = left && right ? (kl[p - d] + kl[p + d]) / 2 : left ? kl[p - d] : kl[p + d];
    score += std::log(std::max(k, 1e-6));
    any = true;
  }
  return any ? score : NAN;
}

MaxKl max_kl(const std::vector<double>& kl, int64_t p, int64_t radius) {
  const int64_t L = static_cast<int64_t>(kl.size());
  MaxKl best;
  for (int64_t d = 1; d <= radius; ++d)
    for (int64_t offset : {-d, d}) {
      const int64_t i = p + offset;
      if (i < 0 || i >= L) continue;
      if (std::isnan(best.value) || kl[i] > best.value) best = {kl[i], offset};
    }
  return best;
}

std::optional<double> mean_kl(const std::vector<double>& kl, int64_t begin, int64_t end) {
  if (begin < 0 || end > static_cast<int64_t>(kl.size()) || begin >= end) return std::nullopt;
  double sum = 0;
  for (int64_t i = begin; i < end; ++i) sum += kl[i];
  return sum / static_cast<double>(end - begin);
}

double masked_delta_p(const float* logits_row, int64_t V, int ref_id, int alt_id) {
  std::vector<double> probabilities(static_cast<size_t>(V));
  softmax(logits_row, nullptr, V, probabilities.data());
  return probabilities.at(static_cast<size_t>(alt_id)) - probabilities.at(static_cast<size_t>(ref_id));
}

int base_index(char base) {
  switch (base & ~0x20) {  // upper case
    case 'A': return 0;
    case 'C': return 1;
    case 'G': return 2;
    case 'T':
    case 'U': return 3;
    default: return -1;
  }
}

std::string format_score(double value) {
  if (std::isnan(value)) return ".";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string format_score(const std::optional<double>& value) { return value ? format_score(*value) : "."; }

}  // namespace splicebert::variant
