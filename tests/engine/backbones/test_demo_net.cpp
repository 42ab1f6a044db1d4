// The demo network: an IResNet small enough to train on two CPU cores at 64×64.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "engine/backbones/demo_net.h"
#include "engine/backbones/model_info.h"
#include "core/errors.h"
#include "tests/engine/backbones/backbone_contract.h"

namespace mb = marginlab::backbones;

namespace {

mb::Backbone make_demo_net(std::int64_t input_size = 64, std::int64_t dim = 128, double dropout = 0.0) {
  return mb::make_backbone({.kind = "demo", .embedding_dim = dim, .input_size = input_size, .dropout = dropout});
}

}  // namespace

TEST(DemoNet, CostsTwentyToFortyMillionMultiplyAddsAt64) {
  const auto info = mb::model_info({.kind = "demo", .embedding_dim = 128, .input_size = 64});
  EXPECT_GT(info.multiply_adds, 20e6);
  EXPECT_LT(info.multiply_adds, 40e6);
  EXPECT_EQ(mb::native_input_size("demo"), 64);
}

// Same module tree as IResNet, so the same names (and the same frozen features.weight).
TEST(DemoNet, IsAnIResNetByName) {
  const auto net = make_demo_net();
  EXPECT_EQ(net->kind(), "demo");
  const auto params = net->named_parameters();
  EXPECT_EQ(params["conv1.weight"].sizes().vec(), (std::vector<std::int64_t>{16, 3, 3, 3}));
  EXPECT_EQ(params["layer1.0.downsample.0.weight"].sizes().vec(), (std::vector<std::int64_t>{16, 16, 1, 1}));
  EXPECT_EQ(params["layer4.0.conv2.weight"].sizes().vec(), (std::vector<std::int64_t>{128, 128, 3, 3}));
  EXPECT_EQ(params["fc.weight"].sizes().vec(), (std::vector<std::int64_t>{128, 128 * 4 * 4}));
  EXPECT_FALSE(params.contains("layer1.1.conv1.weight"));
  EXPECT_FALSE(params["features.weight"].requires_grad());
  EXPECT_TRUE(net->named_buffers().contains("features.running_mean"));
}

TEST(DemoNet, ForwardGivesUnitEmbeddingsNormsAndGradients) {
  auto net = make_demo_net();
  mb::testing::expect_forward_contract(*net, "conv1.weight");
}

TEST(DemoNet, ChannelsLastMatchesNchw) {
  auto net = make_demo_net();
  mb::testing::expect_channels_last_matches(*net, 4);
}

TEST(DemoNet, EvalModeIsDeterministic) {
  auto net = make_demo_net();
  mb::testing::expect_eval_deterministic(*net);
}

TEST(DemoNet, DropoutActsOnlyWhileTraining) {
  auto net = make_demo_net(64, 16, 0.5);
  torch::manual_seed(5);
  const auto images = torch::randn({4, 3, 64, 64});
  torch::NoGradGuard no_grad;
  net->train();
  EXPECT_FALSE(torch::equal(net->forward(images).embedding, net->forward(images).embedding));
  net->eval();
  EXPECT_TRUE(torch::equal(net->forward(images).embedding, net->forward(images).embedding));
}

TEST(DemoNet, AcceptsMultiplesOfSixteenFrom32) {
  EXPECT_NO_THROW(make_demo_net(32));
  EXPECT_NO_THROW(make_demo_net(48));
  EXPECT_NO_THROW(make_demo_net(112));
  for (const std::int64_t side : {16, 40, 63}) {
    try {
      make_demo_net(side);
      ADD_FAILURE() << side << " accepted";
    } catch (const marginlab::InvalidParameter& e) {
      EXPECT_NE(std::string(e.what()).find("input_size = " + std::to_string(side)), std::string::npos) << e.what();
    }
  }
  const auto net = make_demo_net(32, 8);
  torch::NoGradGuard no_grad;
  net->eval();
  EXPECT_EQ(net->forward(torch::randn({2, 3, 32, 32})).embedding.sizes().vec(), (std::vector<std::int64_t>{2, 8}));
}
