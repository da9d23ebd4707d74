// Accumulated MLM metrics: mean loss, accuracy and balanced accuracy over the four nucleotides.
#include <cmath>

#include "splicebert/train.hpp"

namespace splicebert::train {

void MlmStats::merge(const MlmStats& other) {
  loss_sum += other.loss_sum;
  labelled += other.labelled;
  correct += other.correct;
  for (size_t k = 0; k < class_total.size(); ++k) {
    class_total[k] += other.class_total[k];
    class_correct[k] += other.class_correct[k];
  }
}

double MlmStats::loss() const { return labelled ? loss_sum / static_cast<double>(labelled) : NAN; }

double MlmStats::accuracy() const {
  return labelled ? static_cast<double>(correct) / static_cast<double>(labelled) : NAN;
}

double MlmStats::balanced_accuracy() const {
  double sum = 0;
  int classes = 0;
  for (size_t k = 0; k < class_total.size(); ++k) {
    if (class_total[k] == 0) continue;
    sum += static_cast<double>(class_correct[k]) / static_cast<double>(class_total[k]);
    ++classes;
  }
  return classes ? sum / classes : NAN;
}

}  // namespace splicebert::train
