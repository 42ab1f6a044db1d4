// MobileFaceNet as arcface_torch's get_mbf: size, state-dict names, the backbone contract, spec validation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>
#include <string>
#include <vector>

#include "engine/backbones/mobilefacenet.h"
#include "core/errors.h"
#include "tests/engine/backbones/backbone_contract.h"

namespace mb = marginlab::backbones;
using mb::testing::millions;
using mb::testing::parameter_count;

namespace {

mb::Backbone make_mobilefacenet(std::int64_t input_size = 112, std::int64_t dim = 512, const std::string& kind = "mobilefacenet") {
  return mb::make_backbone({.kind = kind, .embedding_dim = dim, .input_size = input_size});
}

// Parameters of get_mbf(scale) at 112×112, written out from mobilefacenet.py: conv+BN(+PReLU) blocks, DepthWise =
// 1×1 expansion + 3×3 depthwise + linear 1×1, then conv_sep and the GDC (7×7 depthwise, Linear without bias, BN1d).
std::int64_t get_mbf_parameters(std::int64_t scale, std::int64_t dim) {
  auto block = [](std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t groups, bool prelu) {
    return in / groups * out * kernel * kernel + 2 * out + (prelu ? out : 0);
  };
  auto depthwise = [&](std::int64_t in, std::int64_t out, std::int64_t inner) {
    return block(in, inner, 1, 1, true) + block(inner, inner, 3, inner, true) + block(inner, out, 1, 1, false);
  };
  const std::int64_t narrow = 64 * scale, wide = 128 * scale;
  return block(3, narrow, 3, 1, true) + block(narrow, narrow, 3, 64, true) + depthwise(narrow, narrow, 128) +
         4 * depthwise(narrow, narrow, 128) + depthwise(narrow, wide, 256) + 6 * depthwise(wide, wide, 256) +
         depthwise(wide, wide, 512) + 2 * depthwise(wide, wide, 256) + block(wide, 512, 1, 1, true) +
         block(512, 512, 7, 512, false) + 512 * dim + 2 * dim;
}

}  // namespace

// get_mbf's default (scale 2) has 2.1M parameters at D = 512; the often quoted ~1.2M is the same tree at scale 1,
// and at D = 128 that is the paper's ~1.0M.
TEST(MobileFaceNet, ParameterCountsAreGetMbfs) {
  EXPECT_EQ(parameter_count(*make_mobilefacenet()), get_mbf_parameters(2, 512));
  EXPECT_EQ(parameter_count(*make_mobilefacenet(112, 128)), get_mbf_parameters(2, 128));
  EXPECT_EQ(parameter_count(*make_mobilefacenet(112, 512, "mobilefacenet-x1")), get_mbf_parameters(1, 512));
  EXPECT_DOUBLE_EQ(millions(parameter_count(*make_mobilefacenet())), 2.1);
  EXPECT_DOUBLE_EQ(millions(parameter_count(*make_mobilefacenet(112, 512, "mobilefacenet-x1"))), 1.2);
  EXPECT_DOUBLE_EQ(millions(parameter_count(*make_mobilefacenet(112, 128, "mobilefacenet-x1"))), 1.0);
}

TEST(MobileFaceNet, StateDictMatchesArcfaceTorch) {
  const auto net = make_mobilefacenet();
  const auto keys = mb::testing::state_dict_keys(*net);
  const std::set<std::string> key_set(keys.begin(), keys.end());
  const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected{
      {"layers.0.layers.0.weight", {128, 3, 3, 3}},
      {"layers.0.layers.1.weight", {128}},
      {"layers.0.layers.1.running_mean", {128}},
      {"layers.0.layers.2.weight", {128}},
      {"layers.1.layers.0.weight", {128, 2, 3, 3}},  // 64 groups of 2 channels
      {"layers.2.layers.0.layers.0.weight", {128, 128, 1, 1}},
      {"layers.2.layers.1.layers.0.weight", {128, 1, 3, 3}},
      {"layers.2.layers.1.layers.2.weight", {128}},
      {"layers.2.layers.2.layers.0.weight", {128, 128, 1, 1}},
      {"layers.2.layers.2.layers.1.num_batches_tracked", {}},
      {"layers.3.layers.3.layers.1.layers.0.weight", {128, 1, 3, 3}},
      {"layers.4.layers.0.layers.0.weight", {256, 128, 1, 1}},
      {"layers.4.layers.2.layers.0.weight", {256, 256, 1, 1}},
      {"layers.5.layers.5.layers.2.layers.1.bias", {256}},
      {"layers.6.layers.0.layers.0.weight", {512, 256, 1, 1}},
      {"layers.6.layers.1.layers.0.weight", {512, 1, 3, 3}},
      {"layers.7.layers.1.layers.0.layers.0.weight", {256, 256, 1, 1}},
      {"conv_sep.layers.0.weight", {512, 256, 1, 1}},
      {"conv_sep.layers.2.weight", {512}},
      {"features.layers.0.layers.0.weight", {512, 1, 7, 7}},
      {"features.layers.0.layers.1.running_var", {512}},
      {"features.layers.2.weight", {512, 512}},
      {"features.layers.3.weight", {512}},
      {"features.layers.3.running_mean", {512}},
  };
  const auto params = net->named_parameters();
  const auto buffers = net->named_buffers();
  for (const auto& [key, shape] : expected) {
    ASSERT_TRUE(key_set.count(key)) << key;
    const auto* tensor = params.find(key) ? params.find(key) : buffers.find(key);
    EXPECT_EQ(tensor->sizes().vec(), shape) << key;
  }
  // LinearBlocks have no PReLU, the embedding Linear no bias, and there are exactly 4/6/2 residual blocks.
  EXPECT_FALSE(key_set.count("layers.2.layers.2.layers.2.weight"));
  EXPECT_FALSE(key_set.count("features.layers.2.bias"));
  EXPECT_TRUE(key_set.count("layers.3.layers.3.layers.0.layers.0.weight"));
  EXPECT_FALSE(key_set.count("layers.3.layers.4.layers.0.layers.0.weight"));
  EXPECT_FALSE(key_set.count("layers.5.layers.6.layers.0.layers.0.weight"));
  EXPECT_FALSE(key_set.count("layers.7.layers.2.layers.0.layers.0.weight"));
  EXPECT_FALSE(key_set.count("layers.8.layers.0.weight"));
  // Every parameter trains (unlike IResNet's features.weight).
  for (const auto& p : net->parameters()) EXPECT_TRUE(p.requires_grad());
}

TEST(MobileFaceNet, ForwardGivesUnitEmbeddingsNormsAndGradients) {
  auto net = make_mobilefacenet();
  mb::testing::expect_forward_contract(*net, "layers.0.layers.0.weight");
  auto narrow = make_mobilefacenet(112, 128, "mobilefacenet-x1");
  mb::testing::expect_forward_contract(*narrow, "layers.0.layers.0.weight");
  EXPECT_EQ(narrow->named_parameters()["layers.1.layers.0.weight"].sizes().vec(),
            (std::vector<std::int64_t>{64, 1, 3, 3}));  // depthwise at scale 1
}

TEST(MobileFaceNet, ChannelsLastMatchesNchw) {
  auto net = make_mobilefacenet();
  mb::testing::expect_channels_last_matches(*net, 2);
}

TEST(MobileFaceNet, EvalModeIsDeterministic) {
  auto net = make_mobilefacenet();
  mb::testing::expect_eval_deterministic(*net);
}

// The GDC spans the whole last map, so other multiples of 16 work.
TEST(MobileFaceNet, GlobalDepthwiseKernelFollowsTheInputSize) {
  const auto net = make_mobilefacenet(96, 64);
  EXPECT_EQ(net->named_parameters()["features.layers.0.layers.0.weight"].sizes().vec(),
            (std::vector<std::int64_t>{512, 1, 6, 6}));
  torch::NoGradGuard no_grad;
  net->eval();
  EXPECT_EQ(net->forward(torch::randn({2, 3, 96, 96})).embedding.sizes().vec(), (std::vector<std::int64_t>{2, 64}));
}

TEST(MobileFaceNet, InvalidSpecsNameTheValue) {
  auto message = [](const mb::BackboneSpec& spec) -> std::string {
    try {
      mb::make_backbone(spec);
    } catch (const marginlab::InvalidParameter& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({.kind = "mobilefacenet", .input_size = 100}).find("input_size = 100"), std::string::npos);
  EXPECT_NE(message({.kind = "mobilefacenet", .embedding_dim = -3}).find("embedding_dim = -3"), std::string::npos);
  EXPECT_NE(message({.kind = "mobilefacenet", .dropout = 0.2}).find("dropout"), std::string::npos);
}
