// The task-head losses of docs/model.md ("Task heads"), each a mean over the kept entries K,
// accumulated in double; softplus(x) = log(1 + eˣ) evaluated stably.
#include <cmath>
#include <limits>

#include "splicebert/error.hpp"
#include "splicebert/heads.hpp"

namespace splicebert {

namespace {

double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
bool ignored(float label) { return label == kIgnoreLabel; }

// Binary / regression: one label per logit (the logits' size-1 last dimension squeezed).
void check_elementwise(const std::string& problem, const Tensor& logits, const Tensor& labels) {
  if (logits.numel() != labels.numel())
    fail(problem, " loss: ", labels.numel(), " labels for ", logits.numel(), " logits (shapes ",
         shape_to_string(labels.shape), " and ", shape_to_string(logits.shape), ")");
}

// Scales the per-entry gradients (stored unscaled in d) by 1/|K| (or by 1/the kept entries' weight sum).
HeadLoss finish(double sum, int64_t kept, Tensor* d, double divisor) {
  HeadLoss result;
  result.kept = kept;
  result.loss = kept > 0 ? sum / divisor : std::numeric_limits<double>::quiet_NaN();
  if (d && kept > 0)
    for (float& g : d->data) g = static_cast<float>(g / divisor);
  return result;
}
HeadLoss finish(double sum, int64_t kept, Tensor* d) { return finish(sum, kept, d, static_cast<double>(kept)); }

HeadLoss binary_loss(const Tensor& x, const Tensor& y, Tensor* d) {
  check_elementwise("binary", x, y);
  double sum = 0;
  int64_t kept = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (ignored(y.data[i])) continue;
    sum += softplus(x.data[i]) - static_cast<double>(x.data[i]) * y.data[i];
    ++kept;
    if (d) d->data[i] = static_cast<float>(sigmoid(x.data[i]) - y.data[i]);
  }
  return finish(sum, kept, d);
}

HeadLoss regression_loss(const Tensor& x, const Tensor& y, Tensor* d) {
  check_elementwise("regression", x, y);
  double sum = 0;
  int64_t kept = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (std::isnan(y.data[i])) continue;
    const double diff = static_cast<double>(x.data[i]) - y.data[i];
    sum += diff * diff;
    ++kept;
    if (d) d->data[i] = static_cast<float>(2.0 * diff);
  }
  return finish(sum, kept, d);
}

// Logits [N, n] against class indices [N]; each entry weighted by its class's weight (all 1 when none are given).
HeadLoss multiclass_loss(const Tensor& x, const Tensor& y, Tensor* d, const std::vector<double>& weights) {
  const int64_t N = y.numel();
  if (N == 0 || x.numel() % N != 0)
    fail("multiclass loss: ", x.numel(), " logits do not split into rows for ", N, " labels");
  const int64_t n = x.numel() / N;
  if (!weights.empty() && static_cast<int64_t>(weights.size()) != n)
    fail("multiclass loss: ", weights.size(), " class weights for ", n, " classes");
  double sum = 0, weight_sum = 0;
  int64_t kept = 0;
  for (int64_t r = 0; r < N; ++r) {
    const float label = y.data[r];
    if (ignored(label)) continue;
    const int64_t target = static_cast<int64_t>(label);
    if (target < 0 || target >= n || static_cast<float>(target) != label)
      fail("multiclass loss: label ", label, " at entry ", r, " is neither −100 nor a class index below ", n);
    const float* row = &x.data[r * n];
    double max_value = row[0];
    for (int64_t k = 1; k < n; ++k) max_value = std::max(max_value, static_cast<double>(row[k]));
    double exp_sum = 0;
    for (int64_t k = 0; k < n; ++k) exp_sum += std::exp(row[k] - max_value);
    const double log_sum = std::log(exp_sum) + max_value;
    const double weight = weights.empty() ? 1.0 : weights[static_cast<size_t>(target)];
    sum += weight * (log_sum - row[target]);
    weight_sum += weight;
    ++kept;
    if (d)
      for (int64_t k = 0; k < n; ++k)
        d->data[r * n + k] = static_cast<float>(weight * (std::exp(row[k] - log_sum) - (k == target ? 1.0 : 0.0)));
  }
  return finish(sum, kept, d, weight_sum);
}

// Labels shaped as the logits; a row (last dimension) with any −100 is dropped; per row the mean over n.
HeadLoss multilabel_loss(const Tensor& x, const Tensor& y, Tensor* d) {
  check_elementwise("multilabel", x, y);
  const int64_t n = x.shape.empty() ? 1 : x.shape.back(), rows = x.numel() / n;
  double sum = 0;
  int64_t kept = 0;
  for (int64_t r = 0; r < rows; ++r) {
    bool keep = true;
    for (int64_t k = 0; k < n; ++k) keep = keep && !ignored(y.data[r * n + k]);
    if (!keep) continue;
    double row_sum = 0;
    for (int64_t k = 0; k < n; ++k) {
      const double xi = x.data[r * n + k], yi = y.data[r * n + k];
      row_sum += softplus(xi) - xi * yi;
      if (d) d->data[r * n + k] = static_cast<float>((sigmoid(xi) - yi) / static_cast<double>(n));
    }
    sum += row_sum / static_cast<double>(n);
    ++kept;
  }
  return finish(sum, kept, d);
}

}  // namespace

HeadLoss head_loss(const std::string& problem_type, const Tensor& logits, const Tensor& labels, Tensor* d_logits,
                   const std::vector<double>& class_weights) {
  if (d_logits) *d_logits = Tensor(logits.shape);
  if (!class_weights.empty() && problem_type != "multiclass")
    fail("task head: class weights apply to a multiclass head, not '", problem_type, "'");
  if (problem_type == "binary") return binary_loss(logits, labels, d_logits);
  if (problem_type == "multiclass") return multiclass_loss(logits, labels, d_logits, class_weights);
  if (problem_type == "regression") return regression_loss(logits, labels, d_logits);
  if (problem_type == "multilabel") return multilabel_loss(logits, labels, d_logits);
  fail("task head: problem_type '", problem_type, "' is not binary, multiclass, multilabel or regression");
}

}  // namespace splicebert
