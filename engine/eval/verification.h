#pragma once
// Face verification metrics from pair scores (cosine similarities) and genuine/impostor flags. Torch-free.
// The protocol papers report (insightface, AdaFace): 10 folds in pair order; for each, the threshold that is best on
// the other nine is applied to it; accuracy is the mean ± std over the folds.
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace marginlab::eval {

struct VerificationMetrics {
  std::int64_t pairs = 0;
  std::int64_t genuine = 0;
  double accuracy = std::numeric_limits<double>::quiet_NaN();      // k-fold mean
  double accuracy_std = std::numeric_limits<double>::quiet_NaN();  // over the folds (population std, as numpy)
  double threshold = std::numeric_limits<double>::quiet_NaN();     // mean best threshold on the score scale
  double auc = std::numeric_limits<double>::quiet_NaN();           // area under the ROC curve
  double eer = std::numeric_limits<double>::quiet_NaN();           // equal error rate
};

struct StratumResult {
  std::string stratum;  // "all", "high-high", ...
  VerificationMetrics metrics;
};

// Throws std::invalid_argument when the sizes differ, a score is not finite, or there are fewer pairs than folds.
// A pair counts as "same" when its score is above the threshold.
VerificationMetrics verification_metrics(std::span<const float> scores, std::span<const std::uint8_t> same,
                                         int folds = 10);

// Spearman's rank correlation (ties get their mean rank); NaN when either side is constant or sizes are < 2.
double spearman(std::span<const float> x, std::span<const float> y);

}  // namespace marginlab::eval
