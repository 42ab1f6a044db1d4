#include "app/cli/evaluation_report.h"

#include <fmt/format.h>

#include <cmath>

namespace marginlab::cli {

void print_set_evaluation(const eval::SetEvaluation& e, std::int64_t step) {
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
