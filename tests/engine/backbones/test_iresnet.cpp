// IResNet as arcface_torch's iresnet.py: parameter counts, state-dict names, the backbone contract, spec validation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "engine/backbones/iresnet.h"
#include "core/errors.h"
#include "tests/engine/backbones/backbone_contract.h"

namespace mb = marginlab::backbones;
using mb::testing::millions;
using mb::testing::parameter_count;

namespace {

mb::Backbone make_iresnet(const std::string& kind, std::int64_t input_size = 112, std::int64_t dim = 512) {
  return mb::make_backbone({.kind = kind, .embedding_dim = dim, .input_size = input_size});
}

// The message of the InvalidParameter that `make` throws, or "" if it does not throw.
std::string rejection(const mb::BackboneSpec& spec) {
  try {
    mb::make_backbone(spec);
  } catch (const marginlab::InvalidParameter& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// insightface's published sizes at 112×112, D = 512, head excluded. They count every parameter, the frozen
// features.weight (512 values) included; at 0.1M resolution either convention gives the same numbers.
TEST(IResNet, ParameterCountsMatchArcfaceTorch) {
  const std::vector<std::pair<std::string, double>> published{
      {"ir18", 24.0}, {"ir34", 34.1}, {"ir50", 43.6}, {"ir100", 65.2}, {"ir200", 118.8}};
  for (const auto& [kind, expected] : published) {
    const auto net = make_iresnet(kind);
    EXPECT_DOUBLE_EQ(millions(parameter_count(*net)), expected) << kind << ": " << parameter_count(*net);
    std::int64_t trainable = 0;
    for (const auto& p : net->parameters()) trainable += p.requires_grad() ? p.numel() : 0;
    EXPECT_EQ(parameter_count(*net) - trainable, 512) << kind << ": only features.weight is frozen";
  }
}

// Keys of arcface_torch's iresnet18().state_dict(), a sample covering every kind of entry, with their shapes.
TEST(IResNet, StateDictMatchesArcfaceTorchIResNet18) {
  const auto net = make_iresnet("ir18");
  const auto keys = mb::testing::state_dict_keys(*net);
  const std::set<std::string> key_set(keys.begin(), keys.end());
  const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected{
      {"conv1.weight", {64, 3, 3, 3}},
      {"bn1.weight", {64}},
      {"bn1.running_var", {64}},
      {"prelu.weight", {64}},
      {"layer1.0.bn1.weight", {64}},
      {"layer1.0.bn1.bias", {64}},
      {"layer1.0.bn1.running_mean", {64}},
      {"layer1.0.bn1.num_batches_tracked", {}},
      {"layer1.0.conv1.weight", {64, 64, 3, 3}},
      {"layer1.0.bn2.running_var", {64}},
      {"layer1.0.prelu.weight", {64}},
      {"layer1.0.conv2.weight", {64, 64, 3, 3}},
      {"layer1.0.bn3.weight", {64}},
      {"layer1.0.downsample.0.weight", {64, 64, 1, 1}},
      {"layer1.0.downsample.1.weight", {64}},
      {"layer1.0.downsample.1.running_mean", {64}},
      {"layer1.1.conv2.weight", {64, 64, 3, 3}},
      {"layer2.0.conv1.weight", {128, 64, 3, 3}},
      {"layer2.0.downsample.0.weight", {128, 64, 1, 1}},
      {"layer3.1.prelu.weight", {256}},
      {"layer4.0.bn1.weight", {256}},
      {"layer4.1.bn3.num_batches_tracked", {}},
      {"bn2.weight", {512}},
      {"bn2.running_mean", {512}},
      {"fc.weight", {512, 512 * 7 * 7}},
      {"fc.bias", {512}},
      {"features.weight", {512}},
      {"features.bias", {512}},
      {"features.running_mean", {512}},
      {"features.running_var", {512}},
      {"features.num_batches_tracked", {}},
  };
  const auto params = net->named_parameters();
  const auto buffers = net->named_buffers();
  for (const auto& [key, shape] : expected) {
    ASSERT_TRUE(key_set.count(key)) << key;
    const auto* tensor = params.find(key) ? params.find(key) : buffers.find(key);
    EXPECT_EQ(tensor->sizes().vec(), shape) << key;
  }
  // Only the first block of a stage has a shortcut projection; the dropout has no state.
  EXPECT_FALSE(key_set.count("layer1.1.downsample.0.weight"));
  EXPECT_FALSE(std::any_of(keys.begin(), keys.end(), [](const auto& k) { return k.rfind("dropout", 0) == 0; }));
  // Entries: stem 7 (conv 1, bn 5, prelu 1); per block 18 (3 bn × 5, 2 conv, prelu), +6 with the shortcut
  // (conv 1, bn 5); 8 blocks in 4 stages; tail 12 (bn2 5, fc 2, features 5).
  EXPECT_EQ(keys.size(), 7u + 8 * 18 + 4 * 6 + 12);
  EXPECT_FALSE(params["features.weight"].requires_grad());
  EXPECT_TRUE(torch::equal(params["features.weight"], torch::ones({512})));
}

TEST(IResNet, ForwardGivesUnitEmbeddingsNormsAndGradients) {
  auto net = make_iresnet("ir18");
  mb::testing::expect_forward_contract(*net, "conv1.weight");
}

TEST(IResNet, ChannelsLastMatchesNchw) {
  auto net = make_iresnet("ir18");
  mb::testing::expect_channels_last_matches(*net, 2);
}

TEST(IResNet, EvalModeIsDeterministic) {
  auto net = make_iresnet("ir18");
  mb::testing::expect_eval_deterministic(*net);
}

TEST(IResNet, OtherInputSizesResizeOnlyFc) {
  const auto net = make_iresnet("ir18", 64, 128);
  const auto params = net->named_parameters();
  EXPECT_EQ(params["fc.weight"].sizes().vec(), (std::vector<std::int64_t>{128, 512 * 4 * 4}));
  EXPECT_EQ(params["layer4.1.conv2.weight"].sizes().vec(), (std::vector<std::int64_t>{512, 512, 3, 3}));
  torch::NoGradGuard no_grad;
  net->eval();
  EXPECT_EQ(net->forward(torch::randn({3, 3, 64, 64})).embedding.sizes().vec(), (std::vector<std::int64_t>{3, 128}));
}

TEST(IResNet, AliasesAreArcfaceTorchNames) {
  EXPECT_EQ(make_iresnet("iresnet50")->kind(), "ir50");
  EXPECT_EQ(make_iresnet("iresnet18")->spec().kind, "ir18");
}

TEST(IResNet, InvalidSpecsNameTheValue) {
  EXPECT_NE(rejection({.kind = "ir51"}).find("'ir51'"), std::string::npos);
  EXPECT_NE(rejection({.kind = "ir50", .input_size = 100}).find("input_size = 100"), std::string::npos);
  EXPECT_NE(rejection({.kind = "ir50", .input_size = 0}).find("input_size = 0"), std::string::npos);
  EXPECT_NE(rejection({.kind = "ir18", .embedding_dim = 0}).find("embedding_dim = 0"), std::string::npos);
  EXPECT_NE(rejection({.kind = "ir18", .dropout = 1.0}).find("dropout = 1"), std::string::npos);
  EXPECT_NE(rejection({.kind = "ir18", .dropout = -0.1}).find("dropout = -0.1"), std::string::npos);
}

TEST(IResNet, RejectsImagesOfTheWrongShape) {
  const auto net = make_iresnet("ir18", 32, 8);
  EXPECT_THROW(net->forward(torch::randn({2, 3, 64, 64})), marginlab::InvalidBatch);
  EXPECT_THROW(net->forward(torch::randn({2, 1, 32, 32})), marginlab::InvalidBatch);
  EXPECT_THROW(net->forward(torch::randn({3, 32, 32})), marginlab::InvalidBatch);
  EXPECT_THROW(net->forward(torch::zeros({2, 3, 32, 32}, torch::kUInt8)), marginlab::InvalidBatch);
}

TEST(IResNet, CloneIsADeepCopy) {
  auto net = make_iresnet("ir18", 32, 8);
  torch::manual_seed(4);
  net->train();
  net->forward(torch::randn({4, 3, 32, 32}));  // running statistics away from their initial values
  net->eval();
  auto copy = std::dynamic_pointer_cast<mb::BackboneImpl>(net->clone());
  ASSERT_TRUE(copy);
  EXPECT_FALSE(copy->is_training());
  const auto images = torch::randn({2, 3, 32, 32});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(copy->forward(images).embedding, net->forward(images).embedding));
  EXPECT_FALSE(copy->named_parameters()["features.weight"].requires_grad());
  copy->named_parameters()["conv1.weight"].add_(1.0);
  EXPECT_FALSE(torch::equal(copy->named_parameters()["conv1.weight"], net->named_parameters()["conv1.weight"]));
}
