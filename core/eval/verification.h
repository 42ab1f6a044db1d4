#pragma once
// Face verification metrics from pair scores (cosine similarities) and genuine/impostor flags. Torch-free.
// The protocol papers report (insightface, AdaFace): 10 folds in pair order; for each, the threshold that is best on
// the other nine is applied to it; accuracy is the mean ± std over the folds. AUC, EER and TAR@FAR come from the
// ROC curve (roc.h) and do not depend on the pair order; only the folds do.
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/eval/roc.h"

namespace marginlab::eval {

struct VerificationMetrics {
  std::int64_t pairs = 0;
  std::int64_t genuine = 0;
  double accuracy = std::numeric_limits<double>::quiet_NaN();      // k-fold mean
  double accuracy_std = std::numeric_limits<double>::quiet_NaN();  // over the folds (population std, as numpy)
  double threshold = std::numeric_limits<double>::quiet_NaN();     // mean best threshold on the score scale
  double auc = std::numeric_limits<double>::quiet_NaN();           // area under the ROC curve
  double eer = std::numeric_limits<double>::quiet_NaN();           // equal error rate
  std::vector<TarAtFar> tar_at_far;  // one per FAR target asked for; unsupported ones say so and carry NaN
};

struct StratumResult {
  std::string stratum;  // "all", "high-high", "low", ...
  VerificationMetrics metrics;
  RocCurve roc;         // the stratum's ROC, thinned for drawing (filled by add_pair_metrics; empty otherwise)
};

// Throws std::invalid_argument when the sizes differ, a score is not finite, there are fewer pairs than folds, or a
// FAR target is outside (0, 1]. For the accuracy a pair counts as "same" when its score is above the fold's threshold.
// AUC, EER and TAR@FAR are NaN (TAR@FAR unsupported) unless there are both genuine and impostor pairs.
VerificationMetrics verification_metrics(std::span<const float> scores, std::span<const std::uint8_t> same,
                                         int folds = 10, std::span<const double> far_targets = kStandardFarTargets);

struct SkippedStratum {
  std::string stratum;
  std::int64_t pairs = 0;  // fewer than the folds
};

struct StratifiedMetrics {
  std::vector<StratumResult> strata;    // "all" first, then the evaluated strata in index order
  std::vector<SkippedStratum> skipped;  // strata with too few pairs for the folds, in index order
};

// verification_metrics over all pairs ("all") and over each stratum's pairs, kept in their original order so the folds
// stay contiguous runs of the pair list as insightface makes them. `stratum_of_pair[i]` indexes `stratum_names`.
// A stratum with fewer pairs than folds goes to `skipped`; "all" is never skipped and throws as verification_metrics
// does. Also throws std::invalid_argument when `stratum_of_pair` has the wrong size or an index without a name.
StratifiedMetrics verification_by_stratum(std::span<const float> scores, std::span<const std::uint8_t> same,
                                          std::span<const std::uint8_t> stratum_of_pair,
                                          std::span<const std::string_view> stratum_names, int folds = 10,
                                          std::span<const double> far_targets = kStandardFarTargets);

// A text table, one aligned row per stratum (after a header): pairs, accuracy ± std, AUC, EER and one TAR column per
// FAR target of the first stratum, "-" where a target is unsupported. Every line ends with a newline.
std::string format_verification_table(std::span<const StratumResult> strata);

// Spearman's rank correlation (ties get their mean rank); NaN when either side is constant or sizes are < 2.
double spearman(std::span<const float> x, std::span<const float> y);

}  // namespace marginlab::eval
