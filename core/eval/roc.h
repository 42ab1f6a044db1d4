#pragma once
// ROC curve of a verification set and the numbers read off it: AUC, EER, TAR at a fixed FAR. Torch-free.
// Every result here depends only on the multiset of (score, genuine) pairs, never on their order.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace marginlab::eval {

// One operating point: every pair whose score is >= threshold is accepted ("same person").
struct RocPoint {
  double threshold = 0;
  double false_accept_rate = 0;  // accepted_impostors / impostor pairs
  double true_accept_rate = 0;   // accepted_genuine / genuine pairs
  std::int64_t accepted_impostors = 0;
  std::int64_t accepted_genuine = 0;
};

// Points in order of falling threshold, so both rates never fall. The first point accepts nothing
// (threshold +inf, rates 0); each further point lowers the threshold to the next distinct score, so tied scores are
// accepted together and a tie of genuine and impostor pairs is one diagonal step; the last accepts everything
// (threshold = the lowest score, rates 1). Without both genuine and impostor pairs the rates are undefined and
// `points` is empty.
struct RocCurve {
  std::int64_t genuine = 0;
  std::int64_t impostors = 0;
  std::vector<RocPoint> points;
};

// Throws std::invalid_argument when the sizes differ or a score is not finite (the message names the pair and value).
RocCurve roc_curve(std::span<const float> scores, std::span<const std::uint8_t> same);
// The same from scores in double precision: IJB-C's closest genuine/impostor scores differ by far less than a float
// can tell apart, and rounding them to float would merge their thresholds.
RocCurve roc_curve(std::span<const double> scores, std::span<const std::uint8_t> same);

// Area under the curve by the trapezoidal rule, which on this curve equals the Mann–Whitney statistic with tied
// genuine/impostor scores counting one half. Summed in pair counts, so a perfect or a fully reversed ranking gives
// exactly 1 or 0. NaN for an empty curve.
double roc_auc(const RocCurve& roc);

// The rate where false accepts and false rejects (1 − TAR) are equal, interpolated linearly along the segment of
// the curve where they cross. NaN for an empty curve.
double equal_error_rate(const RocCurve& roc);

// At most `max_points` points of the curve for drawing (throws std::invalid_argument below 2); a curve that small
// already is returned whole. Otherwise it keeps the first and last points; from 3 points on, the best point with no
// false accept; and from 4 on, for max_points − 3 FAR targets spaced evenly in log FAR from 1/impostors up to (not
// including) 1, the point `tar_at_far` would choose. So a log-FAR plot gets even detail in every decade and the
// drawing keeps the curve's upper-left staircase corners. Targets that pick the same point leave fewer points.
RocCurve downsample_roc(const RocCurve& roc, std::size_t max_points);

// The FAR targets the face-recognition papers report.
inline constexpr std::array<double, 4> kStandardFarTargets{1e-1, 1e-2, 1e-3, 1e-4};

// A target is supported when the impostor pairs can express it: at least ceil(1 / target) impostors, so that one
// false accept is within the target. Below that the only admissible thresholds reject every impostor and the number
// would be "TAR at zero false accepts on a small set", not the rate asked for.
std::int64_t impostors_needed_for_far(double far_target);

struct TarAtFar {
  double far_target = 0;
  bool supported = false;
  // The rest is NaN when the target is unsupported (or the curve empty).
  double true_accept_rate = std::numeric_limits<double>::quiet_NaN();   // the highest TAR with FAR <= target
  double false_accept_rate = std::numeric_limits<double>::quiet_NaN();  // the FAR actually reached there
  double threshold = std::numeric_limits<double>::quiet_NaN();  // accept score >= threshold; the highest giving that TAR
};

// One entry per target, in the order given. Pass the full curve: on a downsampled one the answers are approximate.
// Throws std::invalid_argument for a target outside (0, 1].
std::vector<TarAtFar> tar_at_far(const RocCurve& roc, std::span<const double> far_targets = kStandardFarTargets);

// The FAR targets of the IJB-B/C tables: the six eval_ijbc.py prints.
inline constexpr std::array<double, 6> kIjbFarTargets{1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1};

// The read-out of insightface's eval_ijbc.py, which the papers' IJB-B/C tables use (docs/benchmarks.md). The curve
// is first thinned as scikit-learn's roc_curve does by default (drop_intermediate: of the points after the
// zero-acceptance one, the first, the last and every corner, i.e. where the counts of accepted impostors or genuine
// pairs change slope); then for each target the point whose FAR is nearest, the one accepting more on an exact tie.
// Unlike `tar_at_far` this may read a point whose FAR exceeds the target, and it answers any target (the FAR reached
// says how far off it is). Pass the full curve. Throws std::invalid_argument for a target outside (0, 1].
struct NearestTar {
  double far_target = 0;
  double true_accept_rate = std::numeric_limits<double>::quiet_NaN();
  double false_accept_rate = std::numeric_limits<double>::quiet_NaN();  // the FAR of the point read
  double threshold = std::numeric_limits<double>::quiet_NaN();
};
std::vector<NearestTar> nearest_tar_at_far(const RocCurve& roc, std::span<const double> far_targets = kIjbFarTargets);

}  // namespace marginlab::eval
