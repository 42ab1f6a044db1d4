#include "app/cli/evaluation_report.h"

#include <fmt/format.h>

#include <cmath>

#include "core/eval/closed_set.h"

namespace marginlab::cli {

void print_set_evaluation(const eval::SetEvaluation& e, std::int64_t step) {
  if (e.set == eval::kClosedSetName) {
    // Images and top-1 accuracy: no pairs, folds or ROC.
    fmt::print("closed-set accuracy by class size ({}){}\n", e.set,
               step >= 0 ? fmt::format(", at step {}", step) : std::string());
    fmt::print("{:<8} {:>7} {:>8} {:>13}\n", "third", "images", "correct", "accuracy (%)");
    for (const auto& s : e.strata) {
      fmt::print("{:<8} {:>7} {:>8} {:>13.2f}\n", s.stratum, s.metrics.pairs, s.metrics.genuine,
                 100 * s.metrics.accuracy);
    }
    fmt::print("  {}\n", e.strata_basis);
    return;
  }
  const auto pairs = e.strata.empty() ? 0 : e.strata.front().metrics.pairs;
  fmt::print("verification on {}: {} pairs, flip test {}{}\n", e.set, pairs, eval::to_string(e.flip_test),
             step >= 0 ? fmt::format(", at step {}", step) : std::string());
  fmt::print("{}", eval::format_verification_table(e.strata));
  if (!e.strata_basis.empty()) fmt::print("  strata: {}\n", e.strata_basis);
  for (const auto& skipped : e.skipped_strata) {
    fmt::print("  stratum {} left out: {} pairs, too few for the folds\n", skipped.stratum, skipped.pairs);
  }
  if (e.images_skipped > 0 || e.pairs_dropped > 0) {
    fmt::print("  {} unreadable images, {} pairs left out", e.images_skipped, e.pairs_dropped);
    if (!e.skipped_examples.empty()) fmt::print(" (first: {})", e.skipped_examples.front());
    fmt::print("\n");
  }
  if (std::isfinite(e.norm_quality_spearman)) {
    fmt::print("  Spearman correlation of feature norm and true quality: {:.3f}\n", e.norm_quality_spearman);
  }
}

}  // namespace marginlab::cli
