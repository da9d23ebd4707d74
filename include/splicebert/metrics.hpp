// Evaluation metrics for fine-tuning (docs/finetuning.md). Scores are probabilities or logits (only their order
// matters for AUROC / AUPRC); labels are 0/1 for the binary metrics. Each returns NaN when undefined (no positive or
// no negative, fewer than two values, zero variance).
#pragma once
#include <cstdint>
#include <vector>

namespace splicebert::metrics {

// Area under the ROC curve, ties counted half (the Mann-Whitney statistic).
double auroc(const std::vector<double>& scores, const std::vector<int>& labels);
// Area under the precision-recall curve as average precision: Σ (R_k − R_{k−1})·P_k over distinct score
// thresholds, highest first (sklearn's average_precision_score).
double auprc(const std::vector<double>& scores, const std::vector<int>& labels);
// SpliceAI's top-k accuracy: with k = the number of positives, the share of positives among the k highest scores.
// Scores tied at the k-th value count as a random tie-break would on average (each tied position adds
// (places left) / (tied positions) of its label), so the value does not depend on the input order.
double top_k_accuracy(const std::vector<double>& scores, const std::vector<int>& labels);
// F1 of the positive class with predictions score ≥ threshold.
double f1(const std::vector<double>& scores, const std::vector<int>& labels, double threshold);
// Fraction of predictions equal to the labels.
double accuracy(const std::vector<int>& predictions, const std::vector<int>& labels);
double mean_squared_error(const std::vector<double>& predictions, const std::vector<double>& targets);
double pearson(const std::vector<double>& x, const std::vector<double>& y);
// Pearson correlation of the ranks, ties given their average rank.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

// Mean and sample standard deviation (n − 1; 0 for a single value) of the finite values.
struct MeanSd {
  double mean = 0, sd = 0;
  int64_t count = 0;
};
MeanSd mean_sd(const std::vector<double>& values);

}  // namespace splicebert::metrics
