// Helpers shared by the variant tests: a model whose KL values are large enough to matter, single-sequence logits
// straight from Session::forward, and the docs/variants.md formulas written out independently of src/model/variant_*.cpp.
#pragma once
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "splicebert/model.hpp"
#include "test_util.hpp"

namespace splicebert::test {

// The tiny fixture, or any model, with every weight matrix and embedding multiplied by `factor`. Random checkpoints
// predict nearly uniform distributions, whose KL values (about 1e-7) all fall under the 1e-6 clip of the context
// score; scaled by 10 the distributions are sharp and the KL values range over 1e-4..1.
inline std::shared_ptr<const Model> scaled_model(const std::string& dir, float factor = 10.0f) {
  LoadOptions load;
  load.require_lm_head = true;
  auto base = Model::load(dir, load);
  TensorMap tensors = base->named_tensors();
  for (auto& [name, tensor] : tensors) {
    const bool norm = name.find("norm") != std::string::npos;
    const bool matrix = name.ends_with(".weight") || name.find("embeddings") != std::string::npos;
    if (!norm && matrix)
      for (float& x : tensor.data) x *= factor;
  }
  return Model::from_tensors(base->config(), base->tokenizer(), std::move(tensors), dir + " (scaled)", load);
}

inline std::string random_dna(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "ACGT"[rng() % 4];
  return s;
}

// [T, V] logits of one sequence (token ids with <cls>/<eos>), one forward, no batching.
inline std::vector<float> logits_of(Session& session, const std::vector<int32_t>& ids) {
  ForwardOptions options;
  options.mlm_logits = true;
  return session.forward(make_batch({ids}, session.model().tokenizer().pad_id()), options).mlm_logits.data;
}

inline std::vector<int32_t> ids_of(const Session& session, const std::string& sequence) {
  return session.model().tokenizer().encode(sequence).ids;
}

// softmax over the logits `columns` of nucleotide i (token i + 1); with clip: probabilities clipped to [1e-6, 1-1e-6].
inline std::vector<double> softmax_at(const std::vector<float>& logits, int64_t V, int64_t i,
                                      const std::vector<int>& columns, bool clip = false) {
  std::vector<double> p;
  double top = -INFINITY, sum = 0;
  for (int c : columns) top = std::max(top, static_cast<double>(logits[(i + 1) * V + c]));
  for (int c : columns) sum += std::exp(static_cast<double>(logits[(i + 1) * V + c]) - top);
  for (int c : columns) {
    double value = std::exp(static_cast<double>(logits[(i + 1) * V + c]) - top) / sum;
    p.push_back(clip ? std::min(std::max(value, 1e-6), 1 - 1e-6) : value);
  }
  return p;
}

// KL(i) = Σ_x P_alt(i,x)·ln(P_alt(i,x) / P_ref(i,x)) for every nucleotide i.
inline std::vector<double> kl_by_hand(const std::vector<float>& ref, const std::vector<float>& alt, int64_t V,
                                      int64_t L, const std::vector<int>& columns, bool clip = false) {
  std::vector<double> kl(static_cast<size_t>(L));
  for (int64_t i = 0; i < L; ++i) {
    auto r = softmax_at(ref, V, i, columns, clip), a = softmax_at(alt, V, i, columns, clip);
    for (size_t x = 0; x < r.size(); ++x) kl[i] += a[x] * std::log(a[x] / r[x]);
  }
  return kl;
}

// k_d = (KL(p-d) + KL(p+d)) / 2, or the one side inside the window; score = Σ_{d=1..100} ln(max(k_d, 1e-6)).
inline double context_by_hand(const std::vector<double>& kl, int64_t p) {
  const int64_t L = static_cast<int64_t>(kl.size());
  double score = 0;
  for (int64_t d = 1; d <= 100; ++d) {
    const bool left = p - d >= 0, right = p + d < L;
    if (!left && !right) continue;
    const double k = left && right ? (kl[p - d] + kl[p + d]) / 2 : left ? kl[p - d] : kl[p + d];
    score += std::log(std::max(k, 1e-6));
  }
  return score;
}

}  // namespace splicebert::test
