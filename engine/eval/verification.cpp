#include "engine/eval/verification.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace marginlab::eval {
namespace {

struct ThresholdChoice {
  double threshold;
  std::int64_t correct;
};

// The threshold with the most correct decisions on the pairs in `members`. Candidates lie midway between
// consecutive distinct scores (and below the lowest), so each distinct decision is tried once.
ThresholdChoice best_threshold(std::span<const float> scores, std::span<const std::uint8_t> same,
                               std::vector<std::int64_t> members) {
  std::sort(members.begin(), members.end(), [&](auto a, auto b) { return scores[a] < scores[b]; });
  std::int64_t genuine_total = 0;
  for (auto i : members) genuine_total += same[i] != 0;
  // Threshold below everything: every pair is called genuine.
  std::int64_t correct = genuine_total;
  ThresholdChoice best{static_cast<double>(scores[members.front()]) - 1e-6, correct};
  for (std::size_t k = 0; k < members.size(); ++k) {
    // Moving the threshold above members[k] turns it into an "impostor" decision.
    correct += same[members[k]] ? -1 : 1;
    const bool last_of_tie = k + 1 == members.size() || scores[members[k + 1]] != scores[members[k]];
    if (last_of_tie && correct > best.correct) {
      const double above = k + 1 < members.size() ? scores[members[k + 1]] : scores[members[k]] + 1e-6;
      best = {0.5 * (static_cast<double>(scores[members[k]]) + above), correct};
    }
  }
  return best;
}

std::vector<double> mean_ranks(std::span<const float> values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end + 1 < order.size() && values[order[end + 1]] == values[order[start]]) ++end;
    const double rank = 0.5 * static_cast<double>(start + end) + 1.0;
    for (std::size_t k = start; k <= end; ++k) ranks[order[k]] = rank;
    start = end + 1;
  }
  return ranks;
}

}  // namespace

VerificationMetrics verification_metrics(std::span<const float> scores, std::span<const std::uint8_t> same,
                                         int folds) {
  const auto n = static_cast<std::int64_t>(scores.size());
  if (scores.size() != same.size()) {
    throw std::invalid_argument("verification: " + std::to_string(scores.size()) + " scores for " +
                                std::to_string(same.size()) + " pair labels");
  }
  if (folds < 2 || n < folds) {
    throw std::invalid_argument("verification: " + std::to_string(n) + " pairs cannot make " + std::to_string(folds) +
                                " folds");
  }
  for (std::int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(scores[i])) {
      throw std::invalid_argument("verification: score of pair " + std::to_string(i) + " is not finite");
    }
  }
  VerificationMetrics m;
  m.pairs = n;
  for (auto s : same) m.genuine += s != 0;

  // Contiguous folds in pair order; the first n % folds folds get one pair more (as scikit-learn's KFold).
  std::vector<double> accuracies, thresholds;
  std::int64_t begin = 0;
  for (int f = 0; f < folds; ++f) {
    const std::int64_t size = n / folds + (f < n % folds ? 1 : 0);
    std::vector<std::int64_t> train;
    for (std::int64_t i = 0; i < n; ++i) {
      if (i < begin || i >= begin + size) train.push_back(i);
    }
    const auto choice = best_threshold(scores, same, std::move(train));
    std::int64_t correct = 0;
    for (std::int64_t i = begin; i < begin + size; ++i) correct += (scores[i] > choice.threshold) == (same[i] != 0);
    accuracies.push_back(static_cast<double>(correct) / static_cast<double>(size));
    thresholds.push_back(choice.threshold);
    begin += size;
  }
  const double mean = std::accumulate(accuracies.begin(), accuracies.end(), 0.0) / folds;
  double variance = 0;
  for (double a : accuracies) variance += (a - mean) * (a - mean);
  m.accuracy = mean;
  m.accuracy_std = std::sqrt(variance / folds);
  m.threshold = std::accumulate(thresholds.begin(), thresholds.end(), 0.0) / folds;

  const std::int64_t impostors = n - m.genuine;
  if (m.genuine > 0 && impostors > 0) {
    // AUC as the Mann–Whitney statistic on mean ranks (ties count one half).
    const auto ranks = mean_ranks(scores);
    double genuine_rank_sum = 0;
    for (std::int64_t i = 0; i < n; ++i) genuine_rank_sum += same[i] ? ranks[i] : 0.0;
    const double g = static_cast<double>(m.genuine), im = static_cast<double>(impostors);
    m.auc = (genuine_rank_sum - g * (g + 1) / 2) / (g * im);

    // EER: sweep the threshold upwards through the sorted scores; FAR falls and FRR rises. Take the crossing.
    std::vector<std::int64_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] < scores[b]; });
    double previous_far = 1.0, previous_frr = 0.0;
    std::int64_t rejected_genuine = 0, rejected_impostors = 0;
    m.eer = 0.5;
    for (std::int64_t k = 0; k < n; ++k) {
      (same[order[k]] ? rejected_genuine : rejected_impostors) += 1;
      if (k + 1 < n && scores[order[k + 1]] == scores[order[k]]) continue;
      const double far = 1.0 - static_cast<double>(rejected_impostors) / im;
      const double frr = static_cast<double>(rejected_genuine) / g;
      if (frr >= far) {
        // Linear interpolation between the last point with FAR > FRR and this one.
        const double before = previous_far - previous_frr, after = frr - far;
        const double t = before + after > 0 ? before / (before + after) : 0.0;
        m.eer = previous_far + t * (far - previous_far);
        break;
      }
      previous_far = far;
      previous_frr = frr;
    }
  }
  return m;
}

double spearman(std::span<const float> x, std::span<const float> y) {
  if (x.size() != y.size() || x.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const auto rx = mean_ranks(x), ry = mean_ranks(y);
  const double n = static_cast<double>(x.size());
  const double mean = (n + 1) / 2;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace marginlab::eval
