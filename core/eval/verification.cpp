#include "core/eval/verification.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

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
                                         int folds, std::span<const double> far_targets) {
  const auto roc = roc_curve(scores, same);  // also refuses mismatched sizes and non-finite scores
  const auto n = static_cast<std::int64_t>(scores.size());
  if (folds < 2 || n < folds) {
    throw std::invalid_argument("verification: " + std::to_string(n) + " pairs cannot make " + std::to_string(folds) +
                                " folds");
  }
  VerificationMetrics m;
  m.pairs = n;
  m.genuine = roc.genuine;

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

  m.auc = roc_auc(roc);
  m.eer = equal_error_rate(roc);
  m.tar_at_far = tar_at_far(roc, far_targets);
  return m;
}

StratifiedMetrics verification_by_stratum(std::span<const float> scores, std::span<const std::uint8_t> same,
                                          std::span<const std::uint8_t> stratum_of_pair,
                                          std::span<const std::string_view> stratum_names, int folds,
                                          std::span<const double> far_targets) {
  if (stratum_of_pair.size() != scores.size()) {
    throw std::invalid_argument("verification: " + std::to_string(stratum_of_pair.size()) + " strata for " +
                                std::to_string(scores.size()) + " pairs");
  }
  for (std::size_t i = 0; i < stratum_of_pair.size(); ++i) {
    if (stratum_of_pair[i] >= stratum_names.size()) {
      throw std::invalid_argument("verification: pair " + std::to_string(i) + " is in stratum " +
                                  std::to_string(stratum_of_pair[i]) + " of " + std::to_string(stratum_names.size()));
    }
  }
  StratifiedMetrics result;
  result.strata.push_back({"all", verification_metrics(scores, same, folds, far_targets), {}});
  for (std::size_t k = 0; k < stratum_names.size(); ++k) {
    std::vector<float> member_scores;
    std::vector<std::uint8_t> member_same;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      if (stratum_of_pair[i] == k) {
        member_scores.push_back(scores[i]);
        member_same.push_back(same[i]);
      }
    }
    std::string name(stratum_names[k]);
    if (member_scores.size() < static_cast<std::size_t>(folds)) {
      result.skipped.push_back({std::move(name), static_cast<std::int64_t>(member_scores.size())});
    } else {
      result.strata.push_back(
          {std::move(name), verification_metrics(member_scores, member_same, folds, far_targets), {}});
    }
  }
  return result;
}

std::string format_verification_table(std::span<const StratumResult> strata) {
  const auto targets =
      strata.empty() ? std::span<const TarAtFar>{} : std::span<const TarAtFar>(strata.front().metrics.tar_at_far);
  std::vector<std::string> tar_headers;
  for (const auto& t : targets) tar_headers.push_back(fmt::format("TAR@{:g} (%)", t.far_target));
  std::string text = fmt::format("{:<10} {:>7} {:>16} {:>7} {:>7}", "stratum", "pairs", "accuracy (%)", "AUC",
                                 "EER (%)");
  for (const auto& header : tar_headers) text += fmt::format(" {:>{}}", header, std::max<std::size_t>(header.size(), 7));
  text += '\n';
  for (const auto& s : strata) {
    const auto& m = s.metrics;
    text += fmt::format("{:<10} {:>7} {:>8.2f} ± {:<5.2f} {:>7.4f} {:>7.2f}", s.stratum, m.pairs, 100 * m.accuracy,
                        100 * m.accuracy_std, m.auc, 100 * m.eer);
    for (std::size_t k = 0; k < tar_headers.size(); ++k) {
      const auto width = std::max<std::size_t>(tar_headers[k].size(), 7);
      const bool known = k < m.tar_at_far.size() && m.tar_at_far[k].supported;
      text += known ? fmt::format(" {:>{}.2f}", 100 * m.tar_at_far[k].true_accept_rate, width)
                    : fmt::format(" {:>{}}", "-", width);
    }
    text += '\n';
  }
  return text;
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
