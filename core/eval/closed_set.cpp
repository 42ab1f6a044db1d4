#include "core/eval/closed_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace marginlab::eval {

SetEvaluation closed_set_by_class_size(std::span<const std::int64_t> predicted, std::span<const std::int64_t> labels,
                                       std::span<const std::int64_t> class_counts) {
  if (predicted.size() != labels.size())
    throw std::invalid_argument("closed set: predictions and labels differ in size");
  const auto classes = static_cast<std::int64_t>(class_counts.size());
  if (classes < 3) throw std::invalid_argument("closed set: needs at least three classes for its thirds");
  // Identities largest first (ties by id), cut into thirds: bucket 0 many, 1 medium, 2 few.
  std::vector<std::int64_t> order(static_cast<std::size_t>(classes));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return class_counts[static_cast<std::size_t>(a)] > class_counts[static_cast<std::size_t>(b)];
  });
  std::vector<int> bucket(static_cast<std::size_t>(classes));
  std::array<std::int64_t, 3> lo{INT64_MAX, INT64_MAX, INT64_MAX}, hi{0, 0, 0};
  for (std::int64_t rank = 0; rank < classes; ++rank) {
    const int b = static_cast<int>(std::min<std::int64_t>(2, rank * 3 / classes));
    const auto c = order[static_cast<std::size_t>(rank)];
    bucket[static_cast<std::size_t>(c)] = b;
    lo[static_cast<std::size_t>(b)] =
        std::min(lo[static_cast<std::size_t>(b)], class_counts[static_cast<std::size_t>(c)]);
    hi[static_cast<std::size_t>(b)] =
        std::max(hi[static_cast<std::size_t>(b)], class_counts[static_cast<std::size_t>(c)]);
  }
  std::array<std::int64_t, 4> images{}, correct{};  // all, many, medium, few
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto label = labels[i];
    if (label < 0 || label >= classes) {
      throw std::invalid_argument(
          fmt::format("closed set: image {} has label {}, not one of the {} classes", i, label, classes));
    }
    const auto b = static_cast<std::size_t>(1 + bucket[static_cast<std::size_t>(label)]);
    const bool hit = predicted[i] == label;
    for (const auto s : {std::size_t{0}, b}) {
      ++images[s];
      correct[s] += hit ? 1 : 0;
    }
  }
  SetEvaluation result;
  result.set = kClosedSetName;
  result.images = static_cast<std::int64_t>(labels.size());
  result.strata_basis = fmt::format(
      "closed-set top-1 accuracy of held-out images of the training identities, by thirds of the identities by "
      "training images: many {}–{}, medium {}–{}, few {}–{}",
      lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]);
  const std::array<const char*, 4> names{"all", "many", "medium", "few"};
  for (std::size_t s = 0; s < names.size(); ++s) {
    StratumResult stratum;
    stratum.stratum = names[s];
    stratum.metrics.pairs = images[s];
    stratum.metrics.genuine = correct[s];
    if (images[s] > 0) stratum.metrics.accuracy = static_cast<double>(correct[s]) / static_cast<double>(images[s]);
    result.strata.push_back(std::move(stratum));
  }
  return result;
}

}  // namespace marginlab::eval
