// NormFace: s·cos θ everywhere, no margin; the reference the other heads reduce to.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/heads/normface.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;

namespace {

using marginlab::test_support::i64;
using marginlab::test_support::max_abs_diff;
}  // namespace

TEST(NormFace, LogitsAreScaledCosinesAndLossIsCrossEntropy) {
  mh::NormFaceHeadImpl head(4, 6);
  head.to(torch::kFloat64);
  torch::manual_seed(21);
  auto cos = (torch::rand({5, 6}, torch::kFloat64) * 2 - 1).requires_grad_(true);
  auto labels = i64({0, 5, 2, 2, 3});
  auto out = head.forward_cosine(cos, torch::ones({5}), labels, true);
  EXPECT_LT(max_abs_diff(out.logits, 64.0 * cos), 1e-12);
  auto expected = torch::nll_loss(torch::log_softmax(64.0 * cos, 1), labels);
  EXPECT_NEAR(out.loss.item<double>(), expected.item<double>(), 1e-12);
  EXPECT_EQ(out.regulariser.item<double>(), 0.0);
  // d loss / d cos = s·(softmax − onehot)/B.
  out.loss.backward();
  auto p = torch::softmax(64.0 * cos.detach(), 1);
  auto expected_grad = 64.0 * (p - torch::one_hot(labels, 6).to(torch::kFloat64)) / 5.0;
  EXPECT_LT(max_abs_diff(cos.grad(), expected_grad), 1e-12);
  // Diagnostics: no margin, target gradient s·(1 − p_y).
  auto p_y = p.gather(1, labels.unsqueeze(1)).squeeze(1);
  EXPECT_LT(max_abs_diff(out.diagnostics.target_grad, 64.0 * (1 - p_y)), 1e-12);
  EXPECT_EQ(out.diagnostics.margin.abs().max().item<double>(), 0.0);
  EXPECT_LT(out.diagnostics.cos_margin.abs().max().item<double>(), 1e-15);
  EXPECT_EQ(head.margin_unit(), "cos");
  EXPECT_EQ(head.head_name(), "NormFace");
}

TEST(NormFace, ScaleCanBeTunedLive) {
  mh::NormFaceHeadImpl head(4, 3);
  head.to(torch::kFloat64);
  auto cos = torch::tensor({0.1, -0.4, 0.8}, torch::kFloat64).reshape({1, 3});
  head.set_parameter("s", 30.0);
  EXPECT_EQ(head.scale(), 30.0);
  auto out = head.forward_cosine(cos, torch::ones({1}), i64({1}));
  EXPECT_LT(max_abs_diff(out.logits, 30.0 * cos), 1e-12);
}

TEST(NormFace, KernelStartsFromSmallGaussianAndIsNormalisedForUse) {
  torch::manual_seed(22);
  mh::NormFaceHeadImpl head(64, 200);
  auto w = head.kernel();
  EXPECT_EQ(w.sizes(), (std::vector<std::int64_t>{64, 200}));
  EXPECT_NEAR(w.std().item<double>(), 0.01, 0.0005);
  EXPECT_NEAR(w.mean().item<double>(), 0.0, 0.0005);
  auto wn = head.normalized_kernel();
  EXPECT_LT((wn.norm(2, 0) - 1).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(head.embedding_dim(), 64);
  EXPECT_EQ(head.num_classes(), 200);
}
