#include "kernels/attention_train.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/dropout.hpp"
#include "kernels/fast_exp.hpp"
#include "kernels/gemm_train.hpp"

namespace splicebert::kernels {

namespace {

constexpr int64_t kQueryBlock = 64;

// Every key real when the caller gives no mask, so the inner loops need no null test (and vectorise).
const uint8_t* mask_or_all_real(const uint8_t* key_mask, const AttentionShape& s, std::vector<uint8_t>& storage) {
  if (key_mask) return key_mask;
  storage.assign(static_cast<size_t>(s.B * s.T), 1);
  return storage.data();
}

// Scores of `rows` queries starting at q0 against every key of one (b, h): the same GEMM call in forward and
// backward, so the recomputed probabilities are bit-identical to the forward's.
void block_scores(const AttentionShape& s, const float* Q, const float* K, int64_t b, int64_t h, int64_t q0,
                  int64_t rows, float* scores) {
  const int64_t C = s.C(), T = s.T;
  train_gemm_nt(Q + (b * T + q0) * C + h * s.HD, C, K + b * T * C + h * s.HD, C, scores, T, rows, T, s.HD);
}

// scores -> probabilities given the saved statistics (padded keys exactly 0).
void probabilities_from_stats(float* row, const uint8_t* mask, int64_t T, float scale, float max_value,
                              float inv_sum) {
#pragma omp simd
  for (int64_t j = 0; j < T; ++j) {
    const float e = fast_exp(row[j] * scale - max_value);
    row[j] = mask[j] ? e * inv_sum : 0.0f;
  }
}

}  // namespace

uint32_t AttentionDropout::row_seed(int64_t b, int64_t h, int64_t i) const {
  return dropout_row_seed(dropout_key(site_key, sequence_keys[b], static_cast<uint64_t>(h), static_cast<uint64_t>(i)));
}

void attention_forward_train(const AttentionShape& s, const float* Q, const float* K, const float* V,
                             const uint8_t* key_mask, const AttentionDropout& dropout, float* context,
                             float* row_max, float* row_inv_sum, std::vector<float>& scratch) {
  const int64_t C = s.C(), T = s.T;
  const int64_t blocks = (T + kQueryBlock - 1) / kQueryBlock, tasks = s.B * s.NH * blocks;
  const size_t per_thread = static_cast<size_t>(kQueryBlock * T);
  scratch.resize(std::max(scratch.size(), per_thread * static_cast<size_t>(omp_get_max_threads())));
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.HD));
  std::vector<uint8_t> all_real;
  key_mask = mask_or_all_real(key_mask, s, all_real);

#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < tasks; ++task) {
    const int64_t b = task / (s.NH * blocks), h = (task / blocks) % s.NH, blk = task % blocks;
    const int64_t q0 = blk * kQueryBlock, rows = std::min(kQueryBlock, T - q0);
    float* scores = scratch.data() + per_thread * static_cast<size_t>(omp_get_thread_num());
    const uint8_t* mask = key_mask + b * T;
    block_scores(s, Q, K, b, h, q0, rows, scores);
    for (int64_t r = 0; r < rows; ++r) {
      float* row = scores + r * T;
      constexpr float kNoKey = -std::numeric_limits<float>::infinity();
      float max_value = kNoKey;
#pragma omp simd reduction(max : max_value)
      for (int64_t j = 0; j < T; ++j) max_value = std::max(max_value, mask[j] ? row[j] * scale : kNoKey);
      // A row without a real key is all zeros (inv_sum 0), as in the inference kernel.
      if (max_value == kNoKey) max_value = 0;
      float sum = 0;
      // Same expressions as probabilities_from_stats, so the backward's recomputation is bit-identical. The sum
      // runs serially: a vectorised reduction would not change results between runs, but keeping it plain keeps
      // the order obvious.
#pragma omp simd
      for (int64_t j = 0; j < T; ++j) {
        const float e = fast_exp(row[j] * scale - max_value);
        row[j] = mask[j] ? e : 0.0f;
      }
      for (int64_t j = 0; j < T; ++j) sum += row[j];
      const float inv_sum = sum > 0 ? 1.0f / sum : 0.0f;
      const int64_t stat = (b * s.NH + h) * T + q0 + r;
      row_max[stat] = max_value;
      row_inv_sum[stat] = inv_sum;
#pragma omp simd
      for (int64_t j = 0; j < T; ++j) row[j] *= inv_sum;
      if (dropout.p > 0) dropout_row(row, T, dropout.row_seed(b, h, q0 + r), dropout.p);
    }
    train_gemm_nn(scores, T, V + b * T * C + h * s.HD, C, context + (b * T + q0) * C + h * s.HD, C, rows, s.HD, T);
  }
}

void attention_backward(const AttentionShape& s, const float* Q, const float* K, const float* V,
                        const uint8_t* key_mask, const AttentionDropout& dropout, const float* row_max,
                        const float* row_inv_sum, const float* d_context, float* dQ, float* dK, float* dV,
                        std::vector<float>& scratch) {
  const int64_t C = s.C(), T = s.T, HD = s.HD;
  const size_t per_thread = static_cast<size_t>(2 * kQueryBlock * T);
  scratch.resize(std::max(scratch.size(), per_thread * static_cast<size_t>(omp_get_max_threads())));
  const float scale = 1.0f / std::sqrt(static_cast<float>(HD));
  std::vector<uint8_t> all_real;
  key_mask = mask_or_all_real(key_mask, s, all_real);

  // One task per (b, h): dK and dV of that head gather contributions from every query block, so keeping the blocks
  // of a head in one task makes the sums race-free and their order fixed.
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < s.B * s.NH; ++task) {
    const int64_t b = task / s.NH, h = task % s.NH;
    float* probs = scratch.data() + per_thread * static_cast<size_t>(omp_get_thread_num());
    float* work = probs + kQueryBlock * T;
    const uint8_t* mask = key_mask + b * T;
    const float* k = K + b * T * C + h * HD;
    const float* v = V + b * T * C + h * HD;
    float* dk = dK + b * T * C + h * HD;
    float* dv = dV + b * T * C + h * HD;
    for (int64_t t = 0; t < T; ++t) {
      std::fill_n(dk + t * C, HD, 0.0f);
      std::fill_n(dv + t * C, HD, 0.0f);
    }
    for (int64_t q0 = 0; q0 < T; q0 += kQueryBlock) {
      const int64_t rows = std::min(kQueryBlock, T - q0);
      const float* q = Q + (b * T + q0) * C + h * HD;
      const float* dc = d_context + (b * T + q0) * C + h * HD;
      block_scores(s, Q, K, b, h, q0, rows, probs);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t stat = (b * s.NH + h) * T + q0 + r;
        probabilities_from_stats(probs + r * T, mask, T, scale, row_max[stat], row_inv_sum[stat]);
      }
      // dV += dropout(P)ᵀ · dC
      std::memcpy(work, probs, sizeof(float) * static_cast<size_t>(rows * T));
      if (dropout.p > 0)
        for (int64_t r = 0; r < rows; ++r) dropout_row(work + r * T, T, dropout.row_seed(b, h, q0 + r), dropout.p);
      train_gemm_tn(work, T, dc, C, dv, C, T, HD, rows, /*accumulate=*/true);
      // dP = dropout(dC · Vᵀ); dS = P ⊙ (dP − Σ_j P·dP) · scale
      train_gemm_nt(dc, C, v, C, work, T, rows, T, HD);
      for (int64_t r = 0; r < rows; ++r) {
        float* d = work + r * T;
        const float* p = probs + r * T;
        if (dropout.p > 0) dropout_row(d, T, dropout.row_seed(b, h, q0 + r), dropout.p);
        float dot = 0;
#pragma omp simd reduction(+ : dot)
        for (int64_t j = 0; j < T; ++j) dot += p[j] * d[j];
#pragma omp simd
        for (int64_t j = 0; j < T; ++j) d[j] = p[j] * (d[j] - dot) * scale;
      }
      train_gemm_nn(work, T, k, C, dQ + (b * T + q0) * C + h * HD, C, rows, HD, T);  // dQ = dS · K
      train_gemm_tn(work, T, q, C, dk, C, T, HD, rows, /*accumulate=*/true);        // dK += dSᵀ · Q
    }
  }
}

// ---- scalar references ------------------------------------------------------------------------------------------

namespace {

// Probability row i of head h (double), with the dropout mask applied to `dropped`.
void reference_row(const AttentionShape& s, const float* Q, const float* K, const uint8_t* key_mask,
                   const AttentionDropout& dropout, int64_t b, int64_t h, int64_t i, std::vector<double>& p,
                   std::vector<double>& dropped) {
  const int64_t C = s.C(), T = s.T;
  double max_value = -INFINITY;
  for (int64_t j = 0; j < T; ++j) {
    double dot = 0;
    for (int64_t d = 0; d < s.HD; ++d)
      dot += static_cast<double>(Q[(b * T + i) * C + h * s.HD + d]) * K[(b * T + j) * C + h * s.HD + d];
    p[j] = dot / std::sqrt(static_cast<double>(s.HD));
    if (!key_mask || key_mask[b * T + j]) max_value = std::max(max_value, p[j]);
  }
  double sum = 0;
  for (int64_t j = 0; j < T; ++j) {
    p[j] = (!key_mask || key_mask[b * T + j]) ? std::exp(p[j] - max_value) : 0.0;
    sum += p[j];
  }
  const uint32_t threshold = dropout_threshold(dropout.p);
  const uint32_t seed = dropout.p > 0 ? dropout.row_seed(b, h, i) : 0;
  for (int64_t j = 0; j < T; ++j) {
    p[j] = sum > 0 ? p[j] / sum : 0.0;
    const bool keep = dropout.p <= 0 || dropout_keep(seed, static_cast<uint32_t>(j), threshold);
    dropped[j] = keep ? p[j] / (1.0 - dropout.p) : 0.0;
  }
}

}  // namespace

void attention_forward_train_reference(const AttentionShape& s, const float* Q, const float* K, const float* V,
                                       const uint8_t* key_mask, const AttentionDropout& dropout, float* context) {
  const int64_t C = s.C(), T = s.T;
  std::vector<double> p(static_cast<size_t>(T)), dropped(static_cast<size_t>(T));
  for (int64_t b = 0; b < s.B; ++b)
    for (int64_t h = 0; h < s.NH; ++h)
      for (int64_t i = 0; i < T; ++i) {
        reference_row(s, Q, K, key_mask, dropout, b, h, i, p, dropped);
        for (int64_t d = 0; d < s.HD; ++d) {
          double acc = 0;
          for (int64_t j = 0; j < T; ++j) acc += dropped[j] * V[(b * T + j) * C + h * s.HD + d];
          context[(b * T + i) * C + h * s.HD + d] = static_cast<float>(acc);
        }
      }
}

void attention_backward_reference(const AttentionShape& s, const float* Q, const float* K, const float* V,
                                  const uint8_t* key_mask, const AttentionDropout& dropout, const float* d_context,
                                  float* dQ, float* dK, float* dV) {
  const int64_t C = s.C(), T = s.T, HD = s.HD;
  const double scale = 1.0 / std::sqrt(static_cast<double>(HD));
  std::vector<double> p(static_cast<size_t>(T)), dropped(static_cast<size_t>(T)), dp(static_cast<size_t>(T));
  std::vector<double> dq(static_cast<size_t>(s.B * T * C)), dk(dq.size()), dv(dq.size());
  for (int64_t b = 0; b < s.B; ++b)
    for (int64_t h = 0; h < s.NH; ++h)
      for (int64_t i = 0; i < T; ++i) {
        reference_row(s, Q, K, key_mask, dropout, b, h, i, p, dropped);
        const float* dc = d_context + (b * T + i) * C + h * HD;
        double dot = 0;
        for (int64_t j = 0; j < T; ++j) {
          double acc = 0;
          for (int64_t d = 0; d < HD; ++d) {
            acc += static_cast<double>(dc[d]) * V[(b * T + j) * C + h * HD + d];
            dv[(b * T + j) * C + h * HD + d] += dropped[j] * dc[d];
          }
          // d(dropped_j)/d(p_j) is the mask scale: dropped_j / p_j where p_j > 0
          dp[j] = p[j] > 0 ? acc * dropped[j] / p[j] : 0.0;
          dot += p[j] * dp[j];
        }
        for (int64_t j = 0; j < T; ++j) {
          const double ds = p[j] * (dp[j] - dot) * scale;
          for (int64_t d = 0; d < HD; ++d) {
            dq[(b * T + i) * C + h * HD + d] += ds * K[(b * T + j) * C + h * HD + d];
            dk[(b * T + j) * C + h * HD + d] += ds * Q[(b * T + i) * C + h * HD + d];
          }
        }
      }
  for (size_t n = 0; n < dq.size(); ++n) {
    dQ[n] = static_cast<float>(dq[n]);
    dK[n] = static_cast<float>(dk[n]);
    dV[n] = static_cast<float>(dv[n]);
  }
}

}  // namespace splicebert::kernels
