// model_info: parameters and multiply-adds traced through the real module structure, checked against closed forms.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

#include "engine/backbones/backbone.h"
#include "engine/backbones/model_info.h"
#include "core/errors.h"

namespace mb = marginlab::backbones;

namespace {

double multiply_adds_of(const mb::ModelInfo& info, std::initializer_list<mb::LayerType> types) {
  double total = 0;
  for (const auto& layer : info.layers) {
    for (auto type : types) total += layer.type == type ? layer.multiply_adds : 0.0;
  }
  return total;
}

// Convolution and fc multiply-adds of an arcface_torch IResNet at side S, written out from the architecture:
// conv1 3→64 (3×3, stride 1) at S²; in stage i (input side s, width c, previous width c'), the first block's conv1
// runs at s² (c'→c), its conv2 (stride 2) and the 1×1 shortcut at (s/2)², every other block's two convolutions at
// (s/2)²; fc maps 512·(S/16)² inputs to D outputs, plus D bias additions.
double iresnet_conv_fc_multiply_adds(const std::array<double, 4>& blocks, double side, double dim) {
  const std::array<double, 4> widths{64, 128, 256, 512};
  double total = side * side * 3 * 9 * 64;
  double s = side;
  double previous = 64;
  for (std::size_t i = 0; i < 4; ++i) {
    const double c = widths[i];
    const double half = (s / 2) * (s / 2);
    total += s * s * 9 * previous * c + half * 9 * c * c + half * previous * c;
    total += (blocks[i] - 1) * 2 * half * 9 * c * c;
    s /= 2;
    previous = c;
  }
  return total + dim * (512 * (side / 16) * (side / 16) + 1);
}

}  // namespace

TEST(ModelInfo, IResNet50ConvolutionsAndFcMatchTheClosedForm) {
  const auto info = mb::model_info({.kind = "ir50", .embedding_dim = 512, .input_size = 112});
  const double expected = iresnet_conv_fc_multiply_adds({3, 4, 14, 3}, 112, 512);
  EXPECT_DOUBLE_EQ(multiply_adds_of(info, {mb::LayerType::convolution, mb::LayerType::linear}), expected);
  // insightface lists r50 at 6.3 "GFlops", which are multiply-adds; BN and PReLU add well under 1%.
  EXPECT_NEAR(info.multiply_adds / 1e9, 6.3, 0.05);
  EXPECT_LT(multiply_adds_of(info, {mb::LayerType::batch_norm, mb::LayerType::prelu}) / info.multiply_adds, 0.01);
}

TEST(ModelInfo, IResNet100MatchesThePublishedCount) {
  const auto info = mb::model_info({.kind = "ir100", .embedding_dim = 512, .input_size = 112});
  EXPECT_DOUBLE_EQ(multiply_adds_of(info, {mb::LayerType::convolution, mb::LayerType::linear}),
                   iresnet_conv_fc_multiply_adds({3, 13, 30, 3}, 112, 512));
  EXPECT_NEAR(info.multiply_adds / 1e9, 12.1, 0.05);
}

// Every per-image cost scales with the input area except fc's bias and the features BatchNorm (D each).
TEST(ModelInfo, MultiplyAddsScaleWithInputArea) {
  const auto small = mb::model_info({.kind = "ir18", .embedding_dim = 512, .input_size = 112});
  const auto large = mb::model_info({.kind = "ir18", .embedding_dim = 512, .input_size = 224});
  EXPECT_NEAR(large.multiply_adds / small.multiply_adds, 4.0, 1e-5);
  EXPECT_DOUBLE_EQ(multiply_adds_of(large, {mb::LayerType::convolution}),
                   4 * multiply_adds_of(small, {mb::LayerType::convolution}));
  const auto demo_small = mb::model_info({.kind = "demo", .embedding_dim = 128, .input_size = 32});
  const auto demo_large = mb::model_info({.kind = "demo", .embedding_dim = 128, .input_size = 128});
  EXPECT_NEAR(demo_large.multiply_adds / demo_small.multiply_adds, 16.0, 1e-3);
}

// The trace visits every module that has parameters, once: its per-layer counts add up to the model's.
TEST(ModelInfo, TraceCoversEveryParameter) {
  for (const std::string kind : {"ir18", "mobilefacenet", "mobilefacenet-x1", "demo"}) {
    const auto info = mb::model_info({.kind = kind, .embedding_dim = 256, .input_size = mb::native_input_size(kind)});
    std::int64_t traced = 0;
    for (const auto& layer : info.layers) traced += layer.parameters;
    EXPECT_EQ(traced, info.parameters) << kind;
    EXPECT_EQ(info.layers.back().output, (mb::FeatureShape{256, 1, 1})) << kind;
  }
}

TEST(ModelInfo, LayersFollowTheForwardOrderAndShapes) {
  const auto info = mb::model_info({.kind = "ir50", .embedding_dim = 512, .input_size = 112});
  EXPECT_EQ(info.layers.front().name, "conv1");
  EXPECT_EQ(info.layers.front().output, (mb::FeatureShape{64, 112, 112}));
  auto find = [&](const std::string& name) {
    for (const auto& layer : info.layers) {
      if (layer.name == name) return layer;
    }
    ADD_FAILURE() << name << " not traced";
    return info.layers.front();
  };
  EXPECT_EQ(find("layer1.0.conv1").output, (mb::FeatureShape{64, 112, 112}));
  EXPECT_EQ(find("layer1.0.conv2").output, (mb::FeatureShape{64, 56, 56}));
  EXPECT_EQ(find("layer1.0.downsample.0").output, (mb::FeatureShape{64, 56, 56}));
  EXPECT_EQ(find("layer4.2.bn3").output, (mb::FeatureShape{512, 7, 7}));
  EXPECT_EQ(find("fc").type, mb::LayerType::linear);
  EXPECT_EQ(info.layers.back().name, "features");
  EXPECT_EQ(info.trainable_parameters, info.parameters - 512);
}

TEST(ModelInfo, MobileFaceNetDepthwiseCosts) {
  const auto info = mb::model_info({.kind = "mobilefacenet", .embedding_dim = 512, .input_size = 112});
  // The GDC: a 7×7 depthwise convolution over the 7×7 map, one output per channel.
  for (const auto& layer : info.layers) {
    if (layer.name == "features.layers.0.layers.0") {
      EXPECT_DOUBLE_EQ(layer.multiply_adds, 512.0 * 49);
      EXPECT_EQ(layer.output, (mb::FeatureShape{512, 1, 1}));
    }
    if (layer.name == "layers.1.layers.0") {  // 3×3, 64 groups of 2 input channels, 128 outputs at 56×56
      EXPECT_DOUBLE_EQ(layer.multiply_adds, 56.0 * 56 * 128 * 2 * 9);
    }
  }
  EXPECT_GT(info.multiply_adds, 0.2e9);
  EXPECT_LT(info.multiply_adds, 0.5e9);
}

TEST(ModelInfo, RejectsBadSpecs) {
  EXPECT_THROW(mb::model_info({.kind = "resnet50"}), marginlab::InvalidParameter);
  EXPECT_THROW(mb::model_info({.kind = "ir50", .input_size = 100}), marginlab::InvalidParameter);
}
