// Closed-set accuracy by class size: identities cut into thirds by their training images, ties by id, each image
// counted in "all" and in its identity's third.
#include "core/eval/closed_set.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace marginlab::eval {
namespace {

TEST(ClosedSet, AccuracyPerThirdOfTheIdentitiesBySize) {
  // Six classes: sizes 60, 50 (many), 30, 30 (medium), 8, 6 (few), listed out of order.
  const std::vector<std::int64_t> counts{30, 60, 6, 50, 8, 30};
  // Two held-out images per class; class 1 (many) both right, class 3 (many) one, class 0 and 5 (medium) one each,
  // class 2 and 4 (few) none.
  const std::vector<std::int64_t> labels{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
  const std::vector<std::int64_t> predicted{0, 1, 1, 1, 1, 3, 3, 0, 1, 2, 5, 4};
  const auto result = closed_set_by_class_size(predicted, labels, counts);
  EXPECT_EQ(result.set, "synthface-closed");
  ASSERT_EQ(result.strata.size(), 4u);
  EXPECT_EQ(result.strata[0].stratum, "all");
  EXPECT_EQ(result.strata[0].metrics.pairs, 12);
  EXPECT_DOUBLE_EQ(result.strata[0].metrics.accuracy, 5.0 / 12);
  EXPECT_EQ(result.strata[1].stratum, "many");
  EXPECT_DOUBLE_EQ(result.strata[1].metrics.accuracy, 3.0 / 4);
  EXPECT_EQ(result.strata[2].stratum, "medium");
  EXPECT_DOUBLE_EQ(result.strata[2].metrics.accuracy, 2.0 / 4);
  EXPECT_EQ(result.strata[3].stratum, "few");
  EXPECT_DOUBLE_EQ(result.strata[3].metrics.accuracy, 0.0);
  EXPECT_EQ(result.strata[3].metrics.genuine, 0);
  EXPECT_TRUE(std::isnan(result.strata[1].metrics.auc));
  EXPECT_NE(result.strata_basis.find("many 50–60, medium 30–30, few 6–8"), std::string::npos) << result.strata_basis;
}

TEST(ClosedSet, RefusesWhatItCannotScore) {
  const std::vector<std::int64_t> counts{5, 4, 3};
  EXPECT_THROW(closed_set_by_class_size(std::vector<std::int64_t>{0}, std::vector<std::int64_t>{0, 1}, counts),
               std::invalid_argument);
  EXPECT_THROW(closed_set_by_class_size(std::vector<std::int64_t>{0}, std::vector<std::int64_t>{3}, counts),
               std::invalid_argument);
  EXPECT_THROW(closed_set_by_class_size(std::vector<std::int64_t>{0}, std::vector<std::int64_t>{0},
                                        std::vector<std::int64_t>{5, 4}),
               std::invalid_argument);
}

}  // namespace
}  // namespace marginlab::eval
