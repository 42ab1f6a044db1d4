#include "engine/train/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace marginlab::train {
namespace {

TEST(Schedule, WarmupRisesLinearlyThenMultistepDecays) {
  ScheduleSettings s;
  s.kind = ScheduleKind::multistep;
  s.warmup_epochs = 1;
  s.milestones = {3, 5};
  s.gamma = 0.1;
  EXPECT_DOUBLE_EQ(lr_factor(s, 0.0, 6, 0.1), 0.0);
  EXPECT_DOUBLE_EQ(lr_factor(s, 0.5, 6, 0.1), 0.5);
  EXPECT_DOUBLE_EQ(lr_factor(s, 2.9, 6, 0.1), 1.0);
  EXPECT_NEAR(lr_factor(s, 3.0, 6, 0.1), 0.1, 1e-15);
  EXPECT_NEAR(lr_factor(s, 5.5, 6, 0.1), 0.01, 1e-15);
}

TEST(Schedule, CosineAndPolyEndAtTheFloor) {
  ScheduleSettings s;
  s.kind = ScheduleKind::cosine;
  s.min_lr = 0.001;
  EXPECT_DOUBLE_EQ(lr_factor(s, 0, 10, 0.1), 1.0);
  EXPECT_NEAR(lr_factor(s, 5, 10, 0.1), 0.01 + 0.99 * 0.5, 1e-12);
  EXPECT_NEAR(lr_factor(s, 10, 10, 0.1), 0.01, 1e-12);
  s.kind = ScheduleKind::poly;
  s.power = 2;
  s.min_lr = 0;
  EXPECT_NEAR(lr_factor(s, 5, 10, 0.1), 0.25, 1e-12);
  EXPECT_NEAR(lr_factor(s, 10, 10, 0.1), 0.0, 1e-12);
}

TEST(WeightDecay, BatchNormIsExemptAndFrozenParametersAreLeftOut) {
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3)), torch::nn::BatchNorm2d(4),
                            torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(4)), torch::nn::Flatten(),
                            torch::nn::Linear(4, 2), torch::nn::BatchNorm1d(2));
  // Freeze the last BatchNorm's weight, as IResNet's `features`.
  net[5]->named_parameters()["weight"].set_requires_grad(false);
  const auto groups = split_for_weight_decay({net.ptr()});
  // decay: conv weight + bias, PReLU slope, linear weight + bias; no decay: BN2d weight + bias, BN1d bias.
  EXPECT_EQ(groups.decay.size(), 5u);
  EXPECT_EQ(groups.no_decay.size(), 3u);
  for (const auto& p : groups.decay) EXPECT_TRUE(p.requires_grad());
}

TEST(Optimizer, SgdAppliesWeightDecayOnlyToTheDecayGroup) {
  auto decayed = torch::ones({1}, torch::requires_grad());
  auto exempt = torch::ones({1}, torch::requires_grad());
  OptimizerSettings settings;
  settings.lr = 0.1;
  settings.momentum = 0;
  settings.weight_decay = 0.5;
  auto optimizer = make_optimizer(settings, {ParameterGroups{{decayed}, {exempt}}});
  decayed.mutable_grad() = torch::zeros({1});
  exempt.mutable_grad() = torch::zeros({1});
  optimizer->step();
  EXPECT_FLOAT_EQ(decayed.item<float>(), 1.0f - 0.1f * 0.5f);
  EXPECT_FLOAT_EQ(exempt.item<float>(), 1.0f);
  set_learning_rate(*optimizer, 0.2, {1.0, 1.0});
  for (auto& group : optimizer->param_groups()) EXPECT_DOUBLE_EQ(group.options().get_lr(), 0.2);
}

TEST(Optimizer, EachPartLearnsAtItsOwnScaleOfTheRate) {
  // The fine-tuning recipe: the backbone at a tenth of the head's rate.
  auto backbone = torch::ones({1}, torch::requires_grad());
  auto head = torch::ones({1}, torch::requires_grad());
  OptimizerSettings settings;
  settings.momentum = 0;
  settings.weight_decay = 0;
  auto optimizer = make_optimizer(settings, {ParameterGroups{{backbone}, {}, 0.1}, ParameterGroups{{head}, {}}});
  ASSERT_EQ(optimizer->param_groups().size(), 4u);
  set_learning_rate(*optimizer, 0.5, {0.1, 0.1, 1.0, 1.0});
  backbone.mutable_grad() = torch::ones({1});
  head.mutable_grad() = torch::ones({1});
  optimizer->step();
  EXPECT_FLOAT_EQ(backbone.item<float>(), 1.0f - 0.05f);
  EXPECT_FLOAT_EQ(head.item<float>(), 1.0f - 0.5f);
}

TEST(Optimizer, GradientNormIsTheGlobalL2Norm) {
  auto a = torch::zeros({2}, torch::requires_grad());
  auto b = torch::zeros({1}, torch::requires_grad());
  a.mutable_grad() = torch::tensor({3.0f, 0.0f});
  b.mutable_grad() = torch::tensor({4.0f});
  EXPECT_FLOAT_EQ(gradient_norm({a, b}).item<float>(), 5.0f);
}

}  // namespace
}  // namespace marginlab::train
