// Partial FC hands each rank the cosines of the whole gathered batch against its own classes, and sets to −1 the
// label of a row whose class another rank holds. For most heads that is all they need: their logits on a shard are
// the full head's columns, in one process, with nothing exchanged. The heads in kNeedOtherRanks also take the other
// rows' target cosines from the other ranks (MarginHeadImpl::set_over_ranks): they are checked across real
// processes in tests/engine/distributed (EveryHeadOnShardsGivesTheFullHeadsColumns).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>
#include <string>

#include "core/heads/head_registry.h"
#include "engine/heads/head_factory.h"
#include "tests/support/tensors.h"

namespace marginlab::heads {
namespace {

// CurricularFace weighs a row's hard negatives with its target cosine, which lives on the rank holding the class,
// and its t averages the targets of every row; ElasticFace+ ranks the margins over every labelled row: without the
// other ranks' values they differ here.
const std::set<std::string> kNeedOtherRanks{"curricularface", "elasticface(assignment=ranked, form=arc)",
                                            "elasticface(assignment=ranked, form=cos)"};

TEST(HeadsOnShards, LogitsOnAShardAreTheFullHeadsColumns) {
  constexpr std::int64_t kClasses = 10, kBatch = 9, kWorld = 3;
  const auto cosine = test_support::random_cosine(kBatch, kClasses, 21);
  const auto norms = torch::linspace(5.0, 90.0, kBatch, torch::kFloat64);
  const auto labels = test_support::i64({0, 3, 4, 9, 6, 1, 7, 2, 8});
  int compared = 0;
  for (const auto& variant : head_variants()) {
    const std::string name = variant.label();
    if (kNeedOtherRanks.count(name) || kNeedOtherRanks.count(variant.kind)) continue;
    SCOPED_TRACE(name);
    auto build = [&variant](std::int64_t classes) {
      auto head = make_head(spec_for(variant, 4, classes));
      head->to(torch::kFloat64);
      return head;
    };
    const auto full = build(kClasses)->forward_cosine(cosine, norms, labels).logits;
    for (std::int64_t rank = 0; rank < kWorld; ++rank) {
      // arcface_torch's split: the first C % W ranks hold one class more.
      const std::int64_t count = kClasses / kWorld + (rank < kClasses % kWorld ? 1 : 0);
      const std::int64_t start = kClasses / kWorld * rank + std::min(rank, kClasses % kWorld);
      const auto owned = (labels >= start) & (labels < start + count);
      const auto local = torch::where(owned, labels - start, torch::full_like(labels, -1));
      const auto shard = build(count)->forward_cosine(cosine.narrow(1, start, count), norms, local).logits;
      EXPECT_LT(test_support::max_abs_diff(shard, full.narrow(1, start, count)), 1e-12) << "rank " << rank;
    }
    ++compared;
  }
  EXPECT_GE(compared, 10);
}

}  // namespace
}  // namespace marginlab::heads
