// AdaFace's IR networks as its net.py builds them: parameter counts and state-dict sizes of the authors' models
// (counted with Debian's python3-torch on net.py), the names that differ from arcface_torch's IResNet, the contract.
// That the forward equals the authors' on the same weights is tests/engine/import's.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>
#include <string>
#include <vector>

#include "engine/backbones/adaface_ir.h"
#include "tests/engine/backbones/backbone_contract.h"

namespace mb = marginlab::backbones;

namespace {

mb::Backbone make_ir(const std::string& kind, std::int64_t input_size = 112) {
  return mb::make_backbone({.kind = kind, .embedding_dim = 512, .input_size = input_size, .dropout = 0.4});
}

}  // namespace

TEST(AdaFaceIR, ParameterCountsAndStateDictSizesAreTheAuthors) {
  // sum(p.numel() for p in IR_*((112, 112)).parameters()), len(state_dict()).
  const std::vector<std::tuple<std::string, std::int64_t, std::size_t>> authors{
      {"adaface-ir18", 24020352, 179},     {"adaface-ir34", 34134080, 323},   {"adaface-ir50", 43585600, 467},
      {"adaface-ir101", 65150912, 917},    {"adaface-ir152", 109636736, 1291}, {"adaface-ir200", 114138240, 1691},
      {"adaface-ir-se50", 43808320, 515},
  };
  for (const auto& [kind, parameters, entries] : authors) {
    const auto net = make_ir(kind);
    EXPECT_EQ(mb::testing::parameter_count(*net), parameters) << kind;
    EXPECT_EQ(mb::testing::state_dict_keys(*net).size(), entries) << kind;
  }
}

TEST(AdaFaceIR, NamesAreNetPysWithItsOwnShortcutsAndOutputLayer) {
  const auto keys = mb::testing::state_dict_keys(*make_ir("adaface-ir-se50"));
  const std::set<std::string> names(keys.begin(), keys.end());
  for (const char* name : {"input_layer.0.weight", "input_layer.1.running_var", "input_layer.2.weight",
                           "body.0.res_layer.0.weight", "body.0.res_layer.1.weight", "body.0.res_layer.3.weight",
                           "body.0.res_layer.se_block.fc1.weight", "body.3.shortcut_layer.0.weight",
                           "body.3.shortcut_layer.1.running_mean", "output_layer.0.weight", "output_layer.3.weight",
                           "output_layer.3.bias", "output_layer.4.running_mean"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
  // Stage 1's first unit keeps 64 channels and subsamples: no 1×1 convolution, unlike IResNet's layer1.0.
  EXPECT_FALSE(names.count("body.0.shortcut_layer.0.weight"));
  // BatchNorm1d(512, affine=False): statistics only.
  EXPECT_FALSE(names.count("output_layer.4.weight"));
  const auto bottleneck = mb::testing::state_dict_keys(*make_ir("adaface-ir152", 16));
  EXPECT_TRUE(std::set<std::string>(bottleneck.begin(), bottleneck.end()).count("body.0.res_layer.8.running_var"));
}

TEST(AdaFaceIR, KeepsTheBackboneContract) {
  for (const char* kind : {"adaface-ir18", "adaface-ir-se50", "adaface-ir152"}) {
    auto net = make_ir(kind, 32);
    mb::testing::expect_forward_contract(*net, "input_layer.0.weight");
    mb::testing::expect_channels_last_matches(*net, 2);
  }
}
