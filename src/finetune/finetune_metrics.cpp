// Validation / test metrics of a fine-tuned head: the kept entries of every batch flattened, then the metrics that
// fit the problem type (splicebert/metrics.hpp). Two-class multiclass heads are scored as SB scores branchpoints:
// sigmoid(logit of class 1).
#include <cmath>

#include "splicebert/finetune.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/metrics.hpp"

namespace splicebert::finetune {

namespace {
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
}  // namespace

std::map<std::string, double> evaluation_metrics(const std::string& problem, int num_labels,
                                                 const std::vector<Tensor>& logits, const std::vector<Tensor>& labels) {
  std::vector<double> scores, predictions_real, targets;
  std::vector<int> binary_labels, predicted_classes, classes;
  double loss_sum = 0;
  int64_t kept = 0;
  for (size_t batch = 0; batch < logits.size(); ++batch) {
    const Tensor& x = logits[batch];
    const Tensor& y = labels[batch];
    const HeadLoss loss = head_loss(problem, x, y);
    if (loss.kept > 0) loss_sum += loss.loss * static_cast<double>(loss.kept), kept += loss.kept;
    if (problem == "multiclass") {
      const int64_t n = num_labels;
      for (int64_t r = 0; r < y.numel(); ++r) {
        if (y.data[r] == kIgnoreLabel) continue;
        const float* row = &x.data[r * n];
        int best = 0;
        for (int k = 1; k < n; ++k)
          if (row[k] > row[best]) best = k;
        predicted_classes.push_back(best);
        classes.push_back(static_cast<int>(y.data[r]));
        if (n == 2) scores.push_back(sigmoid(row[1])), binary_labels.push_back(static_cast<int>(y.data[r]));
      }
    } else if (problem == "regression") {
      for (int64_t i = 0; i < y.numel(); ++i)
        if (!std::isnan(y.data[i])) predictions_real.push_back(x.data[i]), targets.push_back(y.data[i]);
    } else {  // binary, multilabel: every kept entry is one 0/1 decision
      for (int64_t i = 0; i < y.numel(); ++i) {
        if (y.data[i] == kIgnoreLabel) continue;
        scores.push_back(sigmoid(x.data[i]));
        binary_labels.push_back(y.data[i] > 0.5f ? 1 : 0);
        predicted_classes.push_back(scores.back() >= 0.5 ? 1 : 0);
        classes.push_back(binary_labels.back());
      }
    }
  }
  std::map<std::string, double> m;
  m["loss"] = kept > 0 ? loss_sum / static_cast<double>(kept) : NAN;
  m["count"] = static_cast<double>(kept);
  if (problem == "regression") {
    m["mse"] = metrics::mean_squared_error(predictions_real, targets);
    m["pearson"] = metrics::pearson(predictions_real, targets);
    m["spearman"] = metrics::spearman(predictions_real, targets);
    return m;
  }
  m["accuracy"] = metrics::accuracy(predicted_classes, classes);
  if (!scores.empty()) {
    m["auroc"] = metrics::auroc(scores, binary_labels);
    m["auprc"] = metrics::auprc(scores, binary_labels);
    m["f1"] = metrics::f1(scores, binary_labels, 0.5);
  }
  return m;
}

}  // namespace splicebert::finetune
