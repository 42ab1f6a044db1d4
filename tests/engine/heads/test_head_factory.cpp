// The factory builds every head of the registry: the built heads list exactly what the registry describes, refuse
// what it refuses with the same words, behave as their capabilities say, and older kind names build the same head.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/errors.h"
#include "core/heads/head_registry.h"
#include "engine/heads/head_factory.h"
#include "engine/heads/kappaface.h"

namespace marginlab::heads {
namespace {

constexpr std::int64_t kDim = 4;
constexpr std::int64_t kClasses = 3;

HeadOutput forward(MarginHeadImpl& head, const torch::Tensor& cosine, const torch::Tensor& norms) {
  return head.forward_cosine(cosine, norms, torch::tensor({0, 1, 2, 0, 1, 2}));
}

TEST(HeadFactory, BuiltHeadsListWhatTheRegistryDescribes) {
  for (const auto& variant : head_variants()) {
    SCOPED_TRACE(variant.label());
    const auto built = make_head(spec_for(variant, kDim, kClasses))->parameter_values();
    const auto listed = head_parameter_values(variant.kind, variant.choices);
    ASSERT_EQ(listed.size(), built.size());
    for (std::size_t i = 0; i < built.size(); ++i) {
      SCOPED_TRACE(built[i].name);
      EXPECT_EQ(listed[i].name, built[i].name);
      EXPECT_EQ(listed[i].type, built[i].type);
      EXPECT_EQ(listed[i].live, built[i].live);
      EXPECT_EQ(listed[i].choice, built[i].choice);
      EXPECT_EQ(listed[i].choices.size(), built[i].choices.size());
      if (built[i].type == HeadParamType::choice) continue;
      EXPECT_EQ(listed[i].value, built[i].value);
      EXPECT_EQ(listed[i].lo, built[i].lo);
      EXPECT_EQ(listed[i].hi, built[i].hi);
      EXPECT_EQ(listed[i].lo_open, built[i].lo_open);
      EXPECT_EQ(listed[i].hi_open, built[i].hi_open);
    }
  }
}

TEST(HeadFactory, RefusesWhatTheRegistryRefusesInTheSameWords) {
  const std::vector<std::pair<std::string, HeadValues>> bad{{"adaface", {{"margin", 0.4}}},
                                                            {"adaface", {{"m", -1.0}}},
                                                            {"kappaface", {{"refresh_every_steps", 2.5}}},
                                                            {"kappaface", {{"formula", std::string("sketch")}}},
                                                            {"arcface-legacy", {{"form", std::string("exact")}}},
                                                            {"softmax", {}}};
  for (const auto& [kind, values] : bad) {
    SCOPED_TRACE(kind);
    HeadSpec spec{kind, kDim, kClasses};
    spec.values = values;
    std::string built_message, listed_message;
    try {
      make_head(spec);
    } catch (const InvalidParameter& e) {
      built_message = e.what();
    }
    try {
      head_parameter_values(kind, values);
    } catch (const InvalidParameter& e) {
      listed_message = e.what();
    }
    EXPECT_FALSE(listed_message.empty());
    EXPECT_EQ(listed_message, built_message);
  }
}

// What the registry says a head keeps or needs is what the built head does.
TEST(HeadFactory, CapabilitiesDescribeWhatTheHeadDoes) {
  torch::manual_seed(3);
  const auto cosine = torch::rand({6, kClasses}, torch::kFloat64) * 1.6 - 0.8;
  const auto norms = torch::tensor({5.0, 15.0, 25.0, 40.0, 70.0, 100.0}, torch::kFloat64);
  for (const auto& variant : head_variants()) {
    SCOPED_TRACE(variant.label());
    const auto& descriptor = *find_head(variant.kind);
    const auto resolved = descriptor.resolve(variant.choices);
    const auto has = [&](HeadCapability c) { return descriptor.has(c, resolved); };
    auto build = [&] {
      torch::manual_seed(7);
      auto head = make_head(spec_for(variant, kDim, kClasses));
      head->to(torch::kFloat64);
      return head;
    };

    // Feature norms: the same cosines with other norms give other logits (two heads built alike draw alike).
    auto a = build(), b = build();
    const auto by_norm = forward(*a, cosine, norms).logits;
    const auto other_norm = forward(*b, cosine, norms.flip(0)).logits;
    EXPECT_EQ(!torch::allclose(by_norm, other_norm), has(HeadCapability::feature_norms));
    // State or chance: the same batch twice gives other logits.
    auto c = build();
    const auto first = forward(*c, cosine, norms).logits;
    const auto second = forward(*c, cosine, norms).logits;
    EXPECT_EQ(!torch::allclose(first, second),
              has(HeadCapability::batch_statistics) || has(HeadCapability::random_margins));
    // Norm statistics are batch statistics of a head that needs the norms.
    if (build()->running_norm_statistics().first.defined()) {
      EXPECT_TRUE(has(HeadCapability::batch_statistics) && has(HeadCapability::feature_norms));
    }
    const auto head = build();
    EXPECT_EQ(forward(*head, cosine, norms).regulariser.abs().item<double>() > 0, has(HeadCapability::regulariser));
    EXPECT_EQ(head->class_statistics().kept, has(HeadCapability::class_statistics));
    EXPECT_EQ(head->observes() == MarginHeadImpl::Observes::backbone_features, has(HeadCapability::sample_memory));
    EXPECT_EQ(head->observes() == MarginHeadImpl::Observes::momentum_encoder_features,
              has(HeadCapability::momentum_encoder));
  }
}

TEST(HeadFactory, AnOlderKindNameBuildsTheHeadWithThatChoice) {
  torch::manual_seed(5);
  // Hard samples (θ + m past π) are where the three ArcFace forms differ.
  const auto cosine = torch::tensor({-0.95, 0.2, 0.1, 0.3, -0.9, 0.0, 0.5, 0.4, 0.8}, torch::kFloat64).reshape({3, 3});
  const auto norms = torch::ones({3}, torch::kFloat64);
  const auto labels = torch::tensor({0, 1, 2});
  auto logits = [&](const std::string& kind, const HeadValues& values) {
    HeadSpec spec{kind, kDim, kClasses};
    spec.values = values;
    auto head = make_head(spec);
    head->to(torch::kFloat64);
    return head->forward_cosine(cosine, norms, labels).logits;
  };
  const auto by_alias = logits("arcface-legacy", {});
  const auto by_choice = logits("arcface", {{"form", std::string("legacy")}});
  EXPECT_TRUE(torch::equal(by_alias, by_choice));
  EXPECT_FALSE(torch::allclose(by_alias, logits("arcface", {})));  // and not the exact form
  EXPECT_TRUE(
      torch::equal(logits("elasticface-cos+", {}),
                   logits("elasticface", {{"form", std::string("cos")}, {"assignment", std::string("ranked")}})));
}

TEST(HeadFactory, KappaFacesPaperFormulaIsReachableByName) {
  HeadSpec spec{"kappaface", kDim, kClasses};
  spec.values = {{"formula", std::string("paper")}, {"statistics", std::string("momentum_encoder")}};
  const auto head = std::dynamic_pointer_cast<KappaFaceHeadImpl>(make_head(spec));
  ASSERT_TRUE(head);
  EXPECT_EQ(head->params().variant, KappaVariant::paper);
  EXPECT_EQ(head->params().source, KappaStatisticsSource::momentum_encoder);
}

}  // namespace
}  // namespace marginlab::heads
