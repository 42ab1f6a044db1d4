#pragma once
// The result of verifying a model on one set of pairs: what the CLI prints, the run directory records and the
// workbench plots. Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/eval/flip_test.h"
#include "core/eval/roc.h"
#include "core/eval/verification.h"

namespace marginlab::eval {

struct SetEvaluation {
  std::string set;            // "lfw", "cfp_fp", "synthface", ...
  // What the quality strata mean: "true quality" (SynthFace knows it) or "feature-norm terciles" (real data).
  std::string strata_basis;
  FlipTest flip_test = FlipTest::none;
  std::int64_t images = 0;           // images the pairs use
  std::int64_t images_skipped = 0;   // unreadable ones (named in skipped_examples, a few at most)
  std::int64_t pairs_dropped = 0;    // pairs that lost an image and were left out of every metric
  std::vector<std::string> skipped_examples;
  std::vector<StratumResult> strata;           // "all" first, each with its thinned ROC
  std::vector<SkippedStratum> skipped_strata;  // strata too small for the folds
  double norm_quality_spearman = std::numeric_limits<double>::quiet_NaN();  // NaN where quality is unknown
};

// Scored pairs, and what their strata are made of.
struct ScoredPairs {
  std::vector<float> scores;         // cosine similarity per pair
  std::vector<std::uint8_t> same;    // 1 for a genuine pair
  std::vector<std::int64_t> first;   // the pair's images, indices into the image norms
  std::vector<std::int64_t> second;
  // Known-quality strata (SynthFace): an index per pair into true_stratum_names. Empty: strata by feature norm.
  std::vector<std::uint8_t> true_stratum;
  std::vector<std::string_view> true_stratum_names;
};

// Fills result.strata (all first, each with its ROC thinned to `roc_points`), skipped_strata and strata_basis from
// scored pairs. Without true strata the
// pairs are split into feature-norm terciles of their lower image norm; with `image_norms` empty (e.g. embeddings
// that arrive unit-length) only "all" is computed. Throws std::invalid_argument as verification_metrics does.
void add_pair_metrics(SetEvaluation& result, const ScoredPairs& pairs, std::span<const float> image_norms, int folds,
                      std::size_t roc_points);

// The result as one JSON object (evaluations.jsonl, `eval --json`); NaN is written as null.
nlohmann::json to_json(const SetEvaluation& evaluation);

}  // namespace marginlab::eval
