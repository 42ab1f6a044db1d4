#include "core/eval/set_evaluation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/eval/quality_strata.h"

namespace marginlab::eval {

namespace {

// JSON has no NaN: "not applicable / unknown" is written as null.
nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

// [[FAR, TAR], ...] in the curve's order.
nlohmann::json roc_points(const RocCurve& roc) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : roc.points) points.push_back({number(p.false_accept_rate), number(p.true_accept_rate)});
  return points;
}

}  // namespace

void add_pair_metrics(SetEvaluation& result, const ScoredPairs& pairs, std::span<const float> image_norms, int folds,
                      std::size_t roc_points) {
  StratifiedMetrics stratified;
  std::vector<std::uint8_t> norm_stratum_of_pair;
  std::span<const std::uint8_t> stratum_of_pair;
  std::span<const std::string_view> stratum_names;
  if (!pairs.true_stratum.empty()) {
    result.strata_basis = "true quality";
    stratum_of_pair = pairs.true_stratum;
    stratum_names = pairs.true_stratum_names;
    stratified = verification_by_stratum(pairs.scores, pairs.same, stratum_of_pair, stratum_names, folds);
  } else if (!image_norms.empty()) {
    auto strata = quality_strata(image_norms, pairs.first, pairs.second);
    result.strata_basis = fmt::format("feature-norm terciles of each pair's lower norm (cuts {:.3g}, {:.3g})",
                                      strata.low_cut, strata.high_cut);
    norm_stratum_of_pair = std::move(strata.stratum_of_pair);
    stratum_of_pair = norm_stratum_of_pair;
    stratum_names = kQualityStratumNames;
    stratified = verification_by_stratum(pairs.scores, pairs.same, stratum_of_pair, stratum_names, folds);
  } else {
    stratified.strata.push_back({"all", verification_metrics(pairs.scores, pairs.same, folds), {}});
  }
  result.strata = std::move(stratified.strata);
  result.skipped_strata = std::move(stratified.skipped);
  for (auto& stratum : result.strata) {
    if (stratum.stratum == "all") {
      stratum.roc = downsample_roc(roc_curve(pairs.scores, pairs.same), roc_points);
      continue;
    }
    const auto index = static_cast<std::size_t>(
        std::find(stratum_names.begin(), stratum_names.end(), stratum.stratum) - stratum_names.begin());
    std::vector<float> scores;
    std::vector<std::uint8_t> same;
    for (std::size_t i = 0; i < pairs.scores.size(); ++i) {
      if (stratum_of_pair[i] == index) {
        scores.push_back(pairs.scores[i]);
        same.push_back(pairs.same[i]);
      }
    }
    stratum.roc = downsample_roc(roc_curve(scores, same), roc_points);
  }
}

nlohmann::json to_json(const SetEvaluation& e) {
  using nlohmann::json;
  json strata = json::array();
  for (const auto& s : e.strata) {
    const auto& m = s.metrics;
    json tar = json::array();
    for (const auto& t : m.tar_at_far) {
      tar.push_back({{"far", t.far_target},
                     {"supported", t.supported},
                     {"tar", number(t.true_accept_rate)},
                     {"threshold", number(t.threshold)}});
    }
    strata.push_back({{"stratum", s.stratum},
                      {"pairs", m.pairs},
                      {"genuine", m.genuine},
                      {"accuracy", number(m.accuracy)},
                      {"accuracy_std", number(m.accuracy_std)},
                      {"threshold", number(m.threshold)},
                      {"auc", number(m.auc)},
                      {"eer", number(m.eer)},
                      {"tar_at_far", tar},
                      {"roc_far_tar", roc_points(s.roc)}});
  }
  json skipped = json::array();
  for (const auto& s : e.skipped_strata) skipped.push_back({{"stratum", s.stratum}, {"pairs", s.pairs}});
  return json{{"set", e.set},
              {"flip_test", to_string(e.flip_test)},
              {"strata_basis", e.strata_basis},
              {"images", e.images},
              {"images_skipped", e.images_skipped},
              {"pairs_dropped", e.pairs_dropped},
              {"skipped_examples", e.skipped_examples},
              {"strata", strata},
              {"skipped_strata", skipped},
              {"norm_quality_spearman", number(e.norm_quality_spearman)}};
}

}  // namespace marginlab::eval
