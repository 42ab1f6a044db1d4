#include "core/eval/roc.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>
#include <stdexcept>
#include <string>

namespace marginlab::eval {
namespace {

// Index of the point `tar_at_far` reports: the highest TAR with FAR <= target, reached at the highest threshold
// (fewest false accepts) that gives it. Needs a non-empty curve; the first point (FAR 0) always qualifies.
std::size_t best_point_within(const std::vector<RocPoint>& points, double far_target) {
  const auto past = std::upper_bound(points.begin(), points.end(), far_target,
                                     [](double target, const RocPoint& p) { return target < p.false_accept_rate; });
  const double best_tar = std::prev(past)->true_accept_rate;
  const auto first_with_best = std::lower_bound(points.begin(), past, best_tar, [](const RocPoint& p, double tar) {
    return p.true_accept_rate < tar;
  });
  return static_cast<std::size_t>(first_with_best - points.begin());
}

template <typename Score>
RocCurve build_roc_curve(std::span<const Score> scores, std::span<const std::uint8_t> same) {
  if (scores.size() != same.size()) {
    throw std::invalid_argument("pair scores: " + std::to_string(scores.size()) + " scores for " +
                                std::to_string(same.size()) + " pair labels");
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      throw std::invalid_argument("pair scores: score of pair " + std::to_string(i) + " is not finite (" +
                                  std::to_string(scores[i]) + ")");
    }
  }
  RocCurve roc;
  for (auto s : same) roc.genuine += s != 0;
  roc.impostors = static_cast<std::int64_t>(same.size()) - roc.genuine;
  if (roc.genuine == 0 || roc.impostors == 0) return roc;

  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] > scores[b]; });
  const double genuine = static_cast<double>(roc.genuine), impostors = static_cast<double>(roc.impostors);
  roc.points.push_back({std::numeric_limits<double>::infinity(), 0.0, 0.0, 0, 0});
  std::int64_t accepted_genuine = 0, accepted_impostors = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    (same[order[k]] ? accepted_genuine : accepted_impostors) += 1;
    if (k + 1 < order.size() && scores[order[k + 1]] == scores[order[k]]) continue;
    // + 0.0 turns −0 into +0: the two tie, and which one sorts last in the group must not leak into the threshold.
    roc.points.push_back({static_cast<double>(scores[order[k]]) + 0.0,
                          static_cast<double>(accepted_impostors) / impostors,
                          static_cast<double>(accepted_genuine) / genuine, accepted_impostors, accepted_genuine});
  }
  return roc;
}

}  // namespace

RocCurve roc_curve(std::span<const float> scores, std::span<const std::uint8_t> same) {
  return build_roc_curve(scores, same);
}

RocCurve roc_curve(std::span<const double> scores, std::span<const std::uint8_t> same) {
  return build_roc_curve(scores, same);
}

double roc_auc(const RocCurve& roc) {
  if (roc.points.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::int64_t doubled_area = 0;  // in units of one (genuine, impostor) pair
  for (std::size_t k = 1; k < roc.points.size(); ++k) {
    const auto& before = roc.points[k - 1];
    const auto& after = roc.points[k];
    doubled_area += (after.accepted_impostors - before.accepted_impostors) *
                    (before.accepted_genuine + after.accepted_genuine);
  }
  return static_cast<double>(doubled_area) /
         (2.0 * static_cast<double>(roc.genuine) * static_cast<double>(roc.impostors));
}

double equal_error_rate(const RocCurve& roc) {
  if (roc.points.empty()) return std::numeric_limits<double>::quiet_NaN();
  // FRR − FAR falls strictly along the curve (every step accepts a pair), from 1 to −1: one crossing.
  auto gap = [](const RocPoint& p) { return (1.0 - p.true_accept_rate) - p.false_accept_rate; };
  const auto crossing =
      std::find_if(roc.points.begin(), roc.points.end(), [&](const RocPoint& p) { return gap(p) <= 0; });
  const auto& after = *crossing;
  const auto& before = *std::prev(crossing);  // the first point has gap 1, so the crossing is never the first
  const double t = gap(before) / (gap(before) - gap(after));
  return before.false_accept_rate + t * (after.false_accept_rate - before.false_accept_rate);
}

RocCurve downsample_roc(const RocCurve& roc, std::size_t max_points) {
  if (max_points < 2) {
    throw std::invalid_argument("roc: cannot draw a curve with " + std::to_string(max_points) + " points");
  }
  if (roc.points.size() <= max_points) return roc;
  std::vector<std::size_t> kept{0, roc.points.size() - 1};
  if (max_points >= 3) kept.push_back(best_point_within(roc.points, 0.0));
  // Targets (1/impostors)·impostors^(j/m), j = 0..m−1: even steps in log FAR, starting at one false accept and
  // stopping short of FAR 1, which the last point already covers.
  const std::size_t log_targets = max_points >= 3 ? max_points - 3 : 0;
  const double impostors = static_cast<double>(roc.impostors);
  for (std::size_t j = 0; j < log_targets; ++j) {
    const double exponent = static_cast<double>(j) / static_cast<double>(log_targets);
    kept.push_back(best_point_within(roc.points, (1.0 / impostors) * std::pow(impostors, exponent)));
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  RocCurve thinned{roc.genuine, roc.impostors, {}};
  for (auto k : kept) thinned.points.push_back(roc.points[k]);
  return thinned;
}

std::int64_t impostors_needed_for_far(double far_target) {
  if (!(far_target > 0 && far_target <= 1)) {
    throw std::invalid_argument("roc: FAR target " + std::to_string(far_target) + " is not in (0, 1]");
  }
  return static_cast<std::int64_t>(std::ceil(1.0 / far_target));
}

std::vector<TarAtFar> tar_at_far(const RocCurve& roc, std::span<const double> far_targets) {
  std::vector<TarAtFar> result;
  for (double target : far_targets) {
    TarAtFar entry;
    entry.far_target = target;
    const std::int64_t needed = impostors_needed_for_far(target);  // validates the target even on an empty curve
    entry.supported = !roc.points.empty() && roc.impostors >= needed;
    if (entry.supported) {
      const auto& p = roc.points[best_point_within(roc.points, target)];
      entry.true_accept_rate = p.true_accept_rate;
      entry.false_accept_rate = p.false_accept_rate;
      entry.threshold = p.threshold;
    }
    result.push_back(entry);
  }
  return result;
}

std::vector<NearestTar> nearest_tar_at_far(const RocCurve& roc, std::span<const double> far_targets) {
  for (double target : far_targets) impostors_needed_for_far(target);  // validates every target, even on no curve
  std::vector<NearestTar> result;
  for (double target : far_targets) result.push_back({target});
  if (roc.points.empty()) return result;
  // scikit-learn thins the points after the zero-acceptance one (its curve prepends that point afterwards): a point
  // stays when it is the first or the last, or when the accepted counts bend there. In exact integer counts, so
  // that "collinear" means what sklearn's integer second differences mean.
  const auto& points = roc.points;
  const std::size_t last = points.size() - 1;
  const auto kept = [&](std::size_t k) {
    if (k <= 1 || k == last) return true;
    const auto bends = [](std::int64_t before, std::int64_t at, std::int64_t after) {
      return before - 2 * at + after != 0;
    };
    return bends(points[k - 1].accepted_impostors, points[k].accepted_impostors, points[k + 1].accepted_impostors) ||
           bends(points[k - 1].accepted_genuine, points[k].accepted_genuine, points[k + 1].accepted_genuine);
  };
  std::vector<double> nearest(far_targets.size(), std::numeric_limits<double>::infinity());
  for (std::size_t k = 0; k <= last; ++k) {
    if (!kept(k)) continue;
    const auto& p = points[k];
    for (std::size_t t = 0; t < far_targets.size(); ++t) {
      // eval_ijbc.py flips the curve and takes numpy's first minimum: in this order (falling threshold), the last.
      const double distance = std::abs(p.false_accept_rate - far_targets[t]);
      if (distance <= nearest[t]) {
        nearest[t] = distance;
        result[t] = {far_targets[t], p.true_accept_rate, p.false_accept_rate, p.threshold};
      }
    }
  }
  return result;
}

}  // namespace marginlab::eval
