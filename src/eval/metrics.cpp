#include "splicebert/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "splicebert/error.hpp"

namespace splicebert::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <typename A, typename B>
void check_sizes(const char* metric, const std::vector<A>& a, const std::vector<B>& b) {
  if (a.size() != b.size()) fail(metric, ": ", a.size(), " predictions for ", b.size(), " labels");
}

// Indices sorted by descending score.
std::vector<size_t> order_by_score(const std::vector<double>& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return order;
}

// Average ranks (1-based), ties sharing the mean of their positions.
std::vector<double> ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = average;
    i = j + 1;
  }
  return rank;
}

}  // namespace

double auroc(const std::vector<double>& scores, const std::vector<int>& labels) {
  check_sizes("AUROC", scores, labels);
  const std::vector<double> rank = ranks(scores);
  double positive_rank_sum = 0;
  int64_t positives = 0;
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] == 1) positive_rank_sum += rank[i], ++positives;
  const int64_t negatives = static_cast<int64_t>(labels.size()) - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  const double p = static_cast<double>(positives);
  return (positive_rank_sum - p * (p + 1) / 2) / (p * static_cast<double>(negatives));
}

double top_k_accuracy(const std::vector<double>& scores, const std::vector<int>& labels) {
  check_sizes("top-k accuracy", scores, labels);
  const int64_t k = std::count(labels.begin(), labels.end(), 1);
  if (k == 0) return kNaN;
  const std::vector<size_t> order = order_by_score(scores);
  const double threshold = scores[order[static_cast<size_t>(k - 1)]];  // the k-th highest score
  double hits = 0;
  int64_t above = 0, tied = 0, tied_positives = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] > threshold) ++above, hits += labels[i] == 1;
    else if (scores[i] == threshold) ++tied, tied_positives += labels[i] == 1;
  }
  // k − above places go to the tied positions; each is a positive with probability tied_positives / tied
  hits += static_cast<double>(k - above) * static_cast<double>(tied_positives) / static_cast<double>(tied);
  return hits / static_cast<double>(k);
}

double auprc(const std::vector<double>& scores, const std::vector<int>& labels) {
  check_sizes("AUPRC", scores, labels);
  const int64_t positives = std::count(labels.begin(), labels.end(), 1);
  if (positives == 0) return kNaN;
  const std::vector<size_t> order = order_by_score(scores);
  double area = 0, previous_recall = 0;
  int64_t true_positives = 0, predicted = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    true_positives += labels[order[i]] == 1;
    ++predicted;
    // A threshold sits between distinct scores only: tied scores enter together.
    if (i + 1 < order.size() && scores[order[i + 1]] == scores[order[i]]) continue;
    const double recall = static_cast<double>(true_positives) / static_cast<double>(positives);
    area += (recall - previous_recall) * static_cast<double>(true_positives) / static_cast<double>(predicted);
    previous_recall = recall;
  }
  return area;
}

double f1(const std::vector<double>& scores, const std::vector<int>& labels, double threshold) {
  check_sizes("F1", scores, labels);
  int64_t tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const bool predicted = scores[i] >= threshold, actual = labels[i] == 1;
    tp += predicted && actual;
    fp += predicted && !actual;
    fn += !predicted && actual;
  }
  if (2 * tp + fp + fn == 0) return kNaN;
  return 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + fn);
}

double accuracy(const std::vector<int>& predictions, const std::vector<int>& labels) {
  check_sizes("accuracy", predictions, labels);
  if (labels.empty()) return kNaN;
  int64_t hits = 0;
  for (size_t i = 0; i < labels.size(); ++i) hits += predictions[i] == labels[i];
  return static_cast<double>(hits) / static_cast<double>(labels.size());
}

double mean_squared_error(const std::vector<double>& predictions, const std::vector<double>& targets) {
  check_sizes("MSE", predictions, targets);
  if (targets.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < targets.size(); ++i) sum += (predictions[i] - targets[i]) * (predictions[i] - targets[i]);
  return sum / static_cast<double>(targets.size());
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  check_sizes("Pearson", x, y);
  const size_t n = x.size();
  if (n < 2) return kNaN;
  const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n);
  const double mean_y = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
    syy += (y[i] - mean_y) * (y[i] - mean_y);
  }
  if (sxx == 0 || syy == 0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  check_sizes("Spearman", x, y);
  return pearson(ranks(x), ranks(y));
}

MeanSd mean_sd(const std::vector<double>& values) {
  MeanSd result;
  double sum = 0;
  for (double v : values)
    if (std::isfinite(v)) sum += v, ++result.count;
  if (result.count == 0) return {kNaN, kNaN, 0};
  result.mean = sum / static_cast<double>(result.count);
  double squares = 0;
  for (double v : values)
    if (std::isfinite(v)) squares += (v - result.mean) * (v - result.mean);
  result.sd = result.count > 1 ? std::sqrt(squares / static_cast<double>(result.count - 1)) : 0.0;
  return result;
}

}  // namespace splicebert::metrics
