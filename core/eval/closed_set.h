#pragma once
// Closed-set identification by class size: held-out images of the training identities, each assigned to the class
// whose centre (the head's kernel column) is nearest, scored per third of the identities by how many training images
// they had ("many", "medium", "few"). This is where a loss that treats rare classes differently (KappaFace's
// population-aware margins) should show, and what verification on unseen identities cannot. Torch-free.
#include <cstdint>
#include <span>

#include "core/eval/set_evaluation.h"

namespace marginlab::eval {

// The set name the experiment lists (eval.sets) and the results carry.
inline constexpr const char* kClosedSetName = "synthface-closed";

// `predicted` and `labels`: one class per image; `class_counts`: training images per class (the identities sorted
// by it, largest first, ties by class id, are cut into thirds of equal size). The result's strata are "all", "many",
// "medium", "few", each with its images in `pairs`, the correct ones in `genuine` and their fraction in `accuracy`
// (the rest NaN); `strata_basis` names each bucket's class sizes. Throws std::invalid_argument when the sizes differ,
// a label is not a class, or there are fewer than three classes.
SetEvaluation closed_set_by_class_size(std::span<const std::int64_t> predicted, std::span<const std::int64_t> labels,
                                       std::span<const std::int64_t> class_counts);

}  // namespace marginlab::eval
