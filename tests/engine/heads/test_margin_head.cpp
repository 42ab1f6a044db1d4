// Behaviour every margin head shares (MarginHeadImpl): batch validation before any state change, label −1 rows,
// finite logits and gradients at |cos| = 1, and the diagnostics' target gradient.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/errors.h"
#include "engine/heads/adaface.h"
#include "engine/heads/cosface.h"
#include "engine/heads/curricularface.h"
#include "engine/heads/head_factory.h"
#include "engine/heads/normface.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;
using marginlab::InvalidBatch;

// A namespace of its own: in a unity batch, other head tests define helpers of the same names.
namespace marginlab::heads::margin_head_tests {
namespace {

using marginlab::test_support::i64;
using marginlab::test_support::f64;
using marginlab::test_support::max_abs_diff;
using marginlab::test_support::random_cosine;

constexpr std::int64_t kDim = 6;
constexpr std::int64_t kClasses = 5;



bool all_finite(const torch::Tensor& t) { return torch::isfinite(t).all().item<bool>(); }

torch::Tensor unit_rows(torch::Tensor x) { return x / x.norm(2, 1, true); }

// Random cosines in (−0.9, 0.9), float64.

mh::MarginHead make_f64(const mh::HeadVariant& variant) {
  auto head = mh::make_head(mh::spec_for(variant, kDim, kClasses));
  head->to(torch::kFloat64);
  return head;
}

template <class Fn>
std::string batch_error(Fn&& fn) {
  try {
    fn();
  } catch (const InvalidBatch& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "did not throw InvalidBatch";
  return {};
}

mh::HeadBatch valid_batch(std::uint64_t seed) {
  torch::manual_seed(seed);
  return {unit_rows(torch::randn({4, kDim})), torch::tensor({12.0f, 25.0f, 31.0f, 18.0f}).reshape({4, 1}),
          i64({0, 3, 4, 1})};
}

}  // namespace

TEST(MarginHead, NonFiniteEmbeddingsAreRejectedBeforeAdaFaceStatisticsMove) {
  mh::AdaFaceHeadImpl head(kDim, kClasses);
  head.forward(valid_batch(1));  // moves the statistics away from their start
  const double mean = head.batch_mean();
  const double sd = head.batch_std();
  ASSERT_NE(mean, mh::AdaFaceHeadImpl::kInitialMean);

  auto bad = valid_batch(2);
  bad.embeddings[2][1] = std::numeric_limits<float>::quiet_NaN();
  const auto msg = batch_error([&] { head.forward(bad); });
  EXPECT_NE(msg.find("row(s) 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("embeddings"), std::string::npos) << msg;
  EXPECT_EQ(head.batch_mean(), mean);
  EXPECT_EQ(head.batch_std(), sd);

  auto bad_norm = valid_batch(3);
  bad_norm.norms[0][0] = std::numeric_limits<float>::infinity();
  const auto msg_norm = batch_error([&] { head.forward(bad_norm); });
  EXPECT_NE(msg_norm.find("norms"), std::string::npos) << msg_norm;
  EXPECT_NE(msg_norm.find("row(s) 0"), std::string::npos) << msg_norm;
  EXPECT_EQ(head.batch_mean(), mean);
  EXPECT_EQ(head.batch_std(), sd);

  // The cosine entry point checks the same way.
  auto cos = random_cosine(3, kClasses, 4);
  cos[1][2] = -std::numeric_limits<double>::infinity();
  EXPECT_THROW(head.forward_cosine(cos, f64({10, 20, 30}), i64({0, 1, 2})), InvalidBatch);
  EXPECT_EQ(head.batch_mean(), mean);
  EXPECT_EQ(head.batch_std(), sd);
  EXPECT_TRUE(std::isfinite(head.batch_mean()) && std::isfinite(head.batch_std()));
}

TEST(MarginHead, NonFiniteBatchLeavesCurricularFaceTUnchanged) {
  mh::CurricularFaceHeadImpl head(kDim, kClasses);
  head.to(torch::kFloat64);
  head.forward_cosine(random_cosine(4, kClasses, 5), f64({1, 1, 1, 1}), i64({0, 1, 2, 3}));
  const double t = head.t();
  ASSERT_NE(t, 0.0);
  auto cos = random_cosine(4, kClasses, 6);
  cos[3][0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(head.forward_cosine(cos, f64({1, 1, 1, 1}), i64({0, 1, 2, 3})), InvalidBatch);
  EXPECT_EQ(head.t(), t);
  auto norms = f64({1, std::numeric_limits<double>::quiet_NaN(), 1, 1});
  EXPECT_THROW(head.forward_cosine(random_cosine(4, kClasses, 6), norms, i64({0, 1, 2, 3})), InvalidBatch);
  EXPECT_EQ(head.t(), t);
}

TEST(MarginHead, EveryHeadKindRejectsNonFiniteInput) {
  for (const auto& variant : mh::head_variants()) {
    const std::string kind = variant.label();
    auto head = make_f64(variant);
    auto cos = random_cosine(3, kClasses, 7);
    cos[0][0] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(head->forward_cosine(cos, f64({20, 30, 40}), i64({0, 1, 2})), InvalidBatch) << kind;
    auto emb = unit_rows(torch::randn({3, kDim}, torch::kFloat64));
    emb[2][0] = std::numeric_limits<double>::infinity();
    EXPECT_THROW(head->forward({emb, f64({20, 30, 40}), i64({0, 1, 2})}), InvalidBatch) << kind;
  }
}

TEST(MarginHead, WrongShapesAndTypesAreRejectedWithoutStateChange) {
  mh::AdaFaceHeadImpl head(kDim, kClasses);
  head.forward(valid_batch(8));
  const double mean = head.batch_mean();
  const double sd = head.batch_std();
  const auto good = valid_batch(9);

  auto expect_rejected = [&](mh::HeadBatch b, const char* what) {
    const auto msg = batch_error([&] { head.forward(b); });
    EXPECT_FALSE(msg.empty()) << what;
    EXPECT_EQ(head.batch_mean(), mean) << what;
    EXPECT_EQ(head.batch_std(), sd) << what;
  };
  auto b = good;
  b.embeddings = torch::randn({4, kDim + 1});
  expect_rejected(b, "embedding width");
  b = good;
  b.embeddings = torch::randn({kDim});
  expect_rejected(b, "1-D embeddings");
  b = good;
  b.embeddings = torch::randn({0, kDim});
  b.norms = torch::zeros({0});
  b.labels = torch::zeros({0}, torch::kInt64);
  expect_rejected(b, "empty batch");
  b = good;
  b.labels = i64({0, 1, 2, 3, 4});
  expect_rejected(b, "too many labels");
  b = good;
  b.labels = good.labels.reshape({4, 1});
  expect_rejected(b, "2-D labels");
  b = good;
  b.labels = good.labels.to(torch::kInt32);
  expect_rejected(b, "int32 labels");
  b = good;
  b.norms = torch::ones({3});
  expect_rejected(b, "norm count");
  b = good;
  b.norms = torch::Tensor();
  expect_rejected(b, "no norms");
  // The cosine entry point wants (B, C).
  EXPECT_THROW(head.forward_cosine(torch::zeros({4, kClasses - 1}), torch::ones({4}), i64({0, 1, 2, 3})),
               InvalidBatch);
  EXPECT_EQ(head.batch_mean(), mean);
  // (B) and (B, 1) norms are both accepted.
  b = good;
  b.norms = good.norms.reshape({-1});
  EXPECT_NO_THROW(head.forward(b));
}

TEST(MarginHead, LabelsOutOfRangeAreRejected) {
  mh::AdaFaceHeadImpl head(kDim, kClasses);
  const double mean = head.batch_mean();
  for (std::int64_t bad : {kClasses, std::int64_t{-2}, std::int64_t{1000}}) {
    auto b = valid_batch(10);
    b.labels[1] = bad;
    const auto msg = batch_error([&] { head.forward(b); });
    EXPECT_NE(msg.find("[-1, " + std::to_string(kClasses - 1) + "]"), std::string::npos) << msg;
    EXPECT_EQ(head.batch_mean(), mean);
  }
  auto b = valid_batch(10);
  b.labels[1] = -1;
  b.labels[3] = kClasses - 1;
  EXPECT_NO_THROW(head.forward(b));
}

TEST(MarginHead, UnlabelledRowsGetNoMarginAndStayOutOfTheLoss) {
  const auto labels = i64({2, -1, 0, -1, 4});
  const auto norms = f64({15, 30, 45, 60, 90});
  for (const auto& variant : mh::head_variants()) {
    const std::string kind = variant.label();
    auto head = make_f64(variant);
    const double s = head->scale();
    auto cos = random_cosine(5, kClasses, 11).requires_grad_(true);
    auto out = head->forward_cosine(cos, norms, labels, true);
    for (std::int64_t row : {1, 3}) {
      EXPECT_LT(max_abs_diff(out.logits[row], s * cos[row]), 1e-12) << kind << " row " << row;
    }
    // Classification loss: mean cross-entropy over the three labelled rows only.
    auto lp = torch::log_softmax(out.logits, 1);
    auto expected = -(lp[0][2] + lp[2][0] + lp[4][4]) / 3.0;
    EXPECT_NEAR(out.classification_loss.item<double>(), expected.item<double>(), 1e-12) << kind;
    EXPECT_NEAR(out.loss.item<double>(), (out.classification_loss + out.regulariser).item<double>(), 1e-12) << kind;
    out.classification_loss.backward();
    for (std::int64_t row : {1, 3}) {
      EXPECT_EQ(cos.grad()[row].abs().max().item<double>(), 0.0) << kind << " row " << row;
    }
    EXPECT_GT(cos.grad()[0].abs().max().item<double>(), 0.0) << kind;
    const auto host = out.diagnostics.to_host();
    ASSERT_EQ(host.labelled.size(), 5u) << kind;
    EXPECT_EQ(host.labelled, (std::vector<std::uint8_t>{1, 0, 1, 0, 1})) << kind;
    for (std::size_t row : {1u, 3u}) {
      EXPECT_EQ(host.margin[row], 0.0f) << kind;
      EXPECT_EQ(host.cos_margin[row], 0.0f) << kind;
      EXPECT_EQ(host.target_grad[row], 0.0f) << kind;
      EXPECT_EQ(host.hard[row], 0) << kind;
    }
  }
}

TEST(MarginHead, AllUnlabelledBatchGivesZeroClassificationLoss) {
  for (const auto& variant : mh::head_variants()) {
    const std::string kind = variant.label();
    auto head = make_f64(variant);
    auto out = head->forward_cosine(random_cosine(3, kClasses, 12), f64({20, 30, 40}), i64({-1, -1, -1}));
    EXPECT_EQ(out.classification_loss.item<double>(), 0.0) << kind;
    EXPECT_TRUE(all_finite(out.loss)) << kind;
  }
}

TEST(MarginHead, LogitsAndGradientsFiniteAtUnitCosine) {
  // Exact ±1 at targets and non-targets, ties included; norms at and beyond the heads' clip limits.
  const std::vector<double> values{
      1.0, 0.2, -1.0, 0.5, 0.0,     // target +1
      1.0, -1.0, 1.0, -0.3, 0.9,    // target −1 (column 1)
      1.0, 1.0, 1.0, 1.0, 1.0,      // all tied at +1
      -1.0, -1.0, -1.0, -1.0, -1.0, // all −1
      -1.0, 1.0, 0.0, 1.0, -1.0,    // unlabelled
  };
  const auto labels = i64({0, 1, 2, 3, -1});
  for (auto dtype : {torch::kFloat32, torch::kFloat64}) {
    for (const auto& variant : mh::head_variants()) {
      const std::string kind = variant.label();
      auto head = mh::make_head(mh::spec_for(variant, kDim, kClasses));
      head->to(dtype);
      auto cos = torch::tensor(values, dtype).reshape({5, kClasses}).requires_grad_(true);
      auto norms = torch::tensor({1e-3, 10.0, 110.0, 500.0, 20.0}, dtype).requires_grad_(true);
      auto out = head->forward_cosine(cos, norms, labels, true);
      EXPECT_TRUE(all_finite(out.logits)) << kind << " " << dtype;
      EXPECT_TRUE(all_finite(out.loss)) << kind << " " << dtype;
      out.loss.backward();
      ASSERT_TRUE(cos.grad().defined()) << kind;
      EXPECT_TRUE(all_finite(cos.grad())) << kind << " " << dtype << "\n" << cos.grad();
      if (norms.grad().defined()) EXPECT_TRUE(all_finite(norms.grad())) << kind << " " << dtype;
      const auto& d = out.diagnostics;
      for (const auto& t : {d.margin, d.cos_margin, d.theta, d.max_other_cos, d.target_grad}) {
        EXPECT_TRUE(all_finite(t)) << kind << " " << dtype;
      }
    }
  }
}

TEST(MarginHead, TargetGradMatchesPerSampleAutogradForEveryHead) {
  // Target cosines from hard (below −0.9: past every clip and the th/mm threshold) to easy.
  const std::vector<double> targets{-0.97, -0.6, -0.1, 0.15, 0.4, 0.65, 0.85, 0.97, 0.3};
  const std::vector<std::int64_t> label_values{0, 1, 2, 3, 4, 0, 1, 2, -1};
  const auto n = static_cast<std::int64_t>(targets.size());
  const auto norms = f64({5, 12, 25, 40, 60, 90, 120, 20, 33});
  const auto labels = i64(label_values);
  auto base = random_cosine(n, kClasses, 13);
  for (std::int64_t i = 0; i < n; ++i) base[i][std::max<std::int64_t>(label_values[i], 0)] = targets[i];

  for (const auto& variant : mh::head_variants()) {
    const std::string kind = variant.label();
    auto head = make_f64(variant);
    auto cos = base.clone().requires_grad_(true);
    auto out = head->forward_cosine(cos, norms, labels, true);
    auto index = labels.clamp_min(0).unsqueeze(1);
    auto per_sample = -torch::log_softmax(out.logits, 1).gather(1, index).squeeze(1);
    per_sample.sum().backward();
    auto autograd = cos.grad().gather(1, index).squeeze(1).abs();
    const auto& reported = out.diagnostics.target_grad;
    ASSERT_EQ(reported.scalar_type(), torch::kFloat64) << kind;
    for (std::int64_t i = 0; i < n; ++i) {
      const double want = label_values[i] >= 0 ? autograd[i].item<double>() : 0.0;
      EXPECT_NEAR(reported[i].item<double>(), want, 1e-9 * (1.0 + want)) << kind << " row " << i;
    }
    // Not all zero: the comparison has something to compare.
    EXPECT_GT(reported.max().item<double>(), 1e-3) << kind;
  }
}

TEST(MarginHead, DiagnosticsDescribeTheBatch) {
  mh::CosFaceHeadImpl head(kDim, kClasses);
  head.to(torch::kFloat64);
  auto cos = f64({0.5, 0.7, 0.1, -0.2, 0.0,  //
                  0.9, 0.3, 0.2, 0.1, 0.0})
                 .reshape({2, kClasses});
  auto out = head.forward_cosine(cos, f64({7, 8}), i64({0, 0}), true);
  const auto host = out.diagnostics.to_host();
  EXPECT_EQ(host.label, (std::vector<std::int64_t>{0, 0}));
  EXPECT_NEAR(host.theta[0], std::acos(0.5), 1e-6);
  EXPECT_NEAR(host.theta[1], std::acos(0.9), 1e-6);
  EXPECT_NEAR(host.max_other_cos[0], 0.7, 1e-6);
  EXPECT_NEAR(host.max_other_cos[1], 0.3, 1e-6);
  EXPECT_EQ(host.hard, (std::vector<std::uint8_t>{1, 0}));
  EXPECT_NEAR(host.cos_margin[0], 0.4, 1e-6);
  EXPECT_NEAR(host.margin[1], 0.4, 1e-6);
  EXPECT_EQ(host.norm, (std::vector<float>{7.0f, 8.0f}));
  EXPECT_TRUE(host.z_hat.empty());
  // Without asking, no diagnostics are computed.
  auto plain = head.forward_cosine(cos, f64({7, 8}), i64({0, 0}));
  EXPECT_FALSE(plain.diagnostics.target_grad.defined());
}

TEST(MarginHead, ForwardEqualsForwardCosineOnTheNormalisedKernel) {
  mh::NormFaceHeadImpl head(kDim, kClasses);
  head.to(torch::kFloat64);
  auto wn = head.normalized_kernel();
  EXPECT_LT(max_abs_diff(wn.norm(2, 0), torch::ones({kClasses})), 1e-12);
  torch::manual_seed(14);
  auto emb = unit_rows(torch::randn({4, kDim}, torch::kFloat64));
  auto out = head.forward({emb, f64({1, 1, 1, 1}), i64({0, 1, 2, 3})});
  auto ref = head.forward_cosine(torch::mm(emb, wn), f64({1, 1, 1, 1}), i64({0, 1, 2, 3}));
  EXPECT_LT(max_abs_diff(out.logits, ref.logits), 1e-12);
  EXPECT_EQ(out.logits.scalar_type(), torch::kFloat64);
  out.loss.backward();
  ASSERT_TRUE(head.kernel().grad().defined());
  EXPECT_GT(head.kernel().grad().abs().max().item<double>(), 0.0);
}

namespace {

// The hooks through which the session and the telemetry reach a head's own state, without naming the head: every
// kind answers them, and only the heads that keep something say so.
TEST(MarginHeadHooks, EveryKindAnswersAndOnlyStatefulHeadsKeepSomething) {
  for (const auto& variant : head_variants()) {
    SCOPED_TRACE(variant.label());
    auto head = make_head(spec_for(variant, 4, 3));
    const auto [mean, std] = head->running_norm_statistics();
    EXPECT_EQ(mean.defined(), variant.kind == "adaface");
    EXPECT_EQ(std.defined(), variant.kind == "adaface");
    EXPECT_EQ(head->class_statistics().kept, variant.kind == "kappaface");
    EXPECT_EQ(head->observes() == MarginHeadImpl::Observes::nothing, variant.kind != "kappaface");
    head->end_epoch();  // harmless for every head
  }
  HeadSpec spec;
  spec.kind = "kappaface";
  spec.embedding_dim = 4;
  spec.num_classes = 3;
  spec.values = {{"statistics", std::string("momentum_encoder")}};
  EXPECT_EQ(make_head(spec)->observes(), MarginHeadImpl::Observes::momentum_encoder_features);
  spec.values = {{"statistics", std::string("memory")}};
  EXPECT_EQ(make_head(spec)->observes(), MarginHeadImpl::Observes::backbone_features);
}

// Observing through the base interface is what the session does: KappaFace's statistics move, and the epoch's end
// refreshes them.
TEST(MarginHeadHooks, ObservationsThroughTheInterfaceReachKappaFace) {
  HeadSpec spec;
  spec.kind = "kappaface";
  spec.embedding_dim = 4;
  spec.num_classes = 2;
  spec.class_counts = {2, 2};
  MarginHead head = make_head(spec);
  const auto features = torch::nn::functional::normalize(torch::randn({4, 4}),
                                                         torch::nn::functional::NormalizeFuncOptions().dim(1));
  head->observe(torch::arange(4), features, torch::tensor({0, 0, 1, 1}));
  EXPECT_EQ(head->class_statistics().refreshes, 0);
  head->end_epoch();
  const auto statistics = head->class_statistics();
  EXPECT_EQ(statistics.refreshes, 1);
  EXPECT_EQ(statistics.kappa.size(), 2u);
}

}  // namespace
}  // namespace marginlab::heads::margin_head_tests
