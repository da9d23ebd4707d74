// Fine-tuning metrics against values worked out by hand (each case's arithmetic in its comment).
#include <gtest/gtest.h>

#include <cmath>

#include "splicebert/metrics.hpp"

namespace splicebert::metrics {
namespace {

TEST(Metrics, AurocCountsPairsAndHalfTies) {
  // positives {0.8, 0.4}, negatives {0.6, 0.2}: pairs won 0.8>0.6, 0.8>0.2, 0.4>0.2, lost 0.4<0.6 → 3/4.
  EXPECT_DOUBLE_EQ(auroc({0.8, 0.6, 0.4, 0.2}, {1, 0, 1, 0}), 0.75);
  // one positive tied with one negative: 0.5.
  EXPECT_DOUBLE_EQ(auroc({0.5, 0.5}, {1, 0}), 0.5);
  EXPECT_TRUE(std::isnan(auroc({0.1, 0.2}, {1, 1})));
}

TEST(Metrics, AuprcIsAveragePrecision) {
  // ranking 0.8(+) 0.6(−) 0.4(+) 0.2(−): recall steps 0.5 at precision 1/1, 0.5 at precision 2/3 → 0.5 + 1/3.
  EXPECT_NEAR(auprc({0.8, 0.6, 0.4, 0.2}, {1, 0, 1, 0}), 0.5 + 1.0 / 3.0, 1e-15);
  // all tied: one threshold, precision 1/2 over recall 1.
  EXPECT_DOUBLE_EQ(auprc({0.3, 0.3}, {1, 0}), 0.5);
}

TEST(Metrics, F1AccuracyMse) {
  // threshold 0.5: predictions 1,1,0,0 vs labels 1,0,1,0 → tp 1, fp 1, fn 1 → 2/(2+1+1) = 0.5.
  EXPECT_DOUBLE_EQ(f1({0.8, 0.6, 0.4, 0.2}, {1, 0, 1, 0}, 0.5), 0.5);
  EXPECT_DOUBLE_EQ(accuracy({1, 2, 0, 0}, {1, 2, 1, 0}), 0.75);
  // (1 − 0)² + (2 − 4)² = 5, over 2.
  EXPECT_DOUBLE_EQ(mean_squared_error({1, 2}, {0, 4}), 2.5);
}

TEST(Metrics, Correlations) {
  // y = 2x + 1 exactly: 1; reversed: −1.
  EXPECT_NEAR(pearson({1, 2, 3}, {3, 5, 7}), 1.0, 1e-15);
  EXPECT_NEAR(pearson({1, 2, 3}, {3, 2, 1}), -1.0, 1e-15);
  // x = 1,2,3,4 and y = 1,3,2,4: deviations (−1.5,−.5,.5,1.5)·(−1.5,.5,−.5,1.5) = 4 over 5 → 0.8.
  EXPECT_NEAR(pearson({1, 2, 3, 4}, {1, 3, 2, 4}), 0.8, 1e-15);
  // monotone but not linear: Spearman 1; ties share ranks (y ranks 1.5, 1.5, 3 vs x 1, 2, 3 → r = √3/2).
  EXPECT_NEAR(spearman({1, 2, 3}, {1, 10, 100}), 1.0, 1e-15);
  EXPECT_NEAR(spearman({1, 2, 3}, {5, 5, 9}), std::sqrt(3.0) / 2.0, 1e-15);
}

TEST(Metrics, MeanSd) {
  // 1, 2, 3: mean 2, sample variance (1 + 0 + 1)/2 = 1.
  const MeanSd m = mean_sd({1, 2, 3});
  EXPECT_DOUBLE_EQ(m.mean, 2.0);
  EXPECT_DOUBLE_EQ(m.sd, 1.0);
  EXPECT_EQ(m.count, 3);
}

}  // namespace
}  // namespace splicebert::metrics
