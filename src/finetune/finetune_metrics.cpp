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
                                                 const std::vector<Tensor>& logits, const std::vector<Tensor>& labels,
                                                 const std::vector<std::string>& label_names) {
  std::vector<double> scores, predictions_real, targets;
  // three or more classes: per class c ≥ 1, softmax probability and "label is c"
  const bool per_class = problem == "multiclass" && num_labels >= 3;
  std::vector<std::vector<double>> class_scores(per_class ? num_labels : 0);
  std::vector<std::vector<int>> class_labels(per_class ? num_labels : 0);
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
        if (per_class) {
          double sum = 0;
          for (int k = 0; k < n; ++k) sum += std::exp(static_cast<double>(row[k]) - row[best]);
          for (int k = 1; k < n; ++k) {
            class_scores[k].push_back(std::exp(static_cast<double>(row[k]) - row[best]) / sum);
            class_labels[k].push_back(static_cast<int>(y.data[r]) == k ? 1 : 0);
          }
        }
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
  if (per_class) {
    double sum = 0;
    int terms = 0;
    for (int k = 1; k < num_labels; ++k) {
      const std::string name = static_cast<size_t>(k) < label_names.size() ? label_names[k] : "class" + std::to_string(k);
      const double auprc = metrics::auprc(class_scores[k], class_labels[k]);
      const double top_k = metrics::top_k_accuracy(class_scores[k], class_labels[k]);
      m["auroc_" + name] = metrics::auroc(class_scores[k], class_labels[k]);
      m["auprc_" + name] = auprc;
      m["topk_" + name] = top_k;
      for (double v : {auprc, top_k})
        if (!std::isnan(v)) sum += v, ++terms;
    }
    m["mean_auprc_topk"] = terms > 0 ? sum / terms : NAN;
  }
  if (!scores.empty()) {
    m["auroc"] = metrics::auroc(scores, binary_labels);
    m["auprc"] = metrics::auprc(scores, binary_labels);
    m["f1"] = metrics::f1(scores, binary_labels, 0.5);
  }
  return m;
}

}  // namespace splicebert::finetune
