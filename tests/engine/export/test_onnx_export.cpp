// ONNX export: every backbone runs in OpenCV DNN as in LibTorch (cosine ≥ 0.99999) at any batch size, the file
// carries its metadata and the arcface_torch weight names, and layers without an ONNX form are refused by name.
#include "engine/export/onnx_export.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>
#include <set>

#include "engine/export/export_error.h"
#include "engine/export/onnx_parity.h"
#include "engine/export/state_dict_export.h"
#include "tests/engine/export/export_fixture.h"
#include "tests/support/temp_dir.h"

namespace marginlab::exporting {
namespace {

namespace mb = marginlab::backbones;
using test_support::TempDir;

std::filesystem::path write_file(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const auto path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

torch::Tensor raw_embedding(mb::BackboneImpl& net, const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  const auto out = net.forward(images);
  return out.embedding * out.norm;
}

struct BackboneCase {
  std::string kind;
  std::int64_t input_size;
};

class OnnxParity : public ::testing::TestWithParam<BackboneCase> {};

TEST_P(OnnxParity, OpenCvDnnGivesLibTorchsEmbeddings) {
  const auto [kind, side] = GetParam();
  auto net = testing::trained_looking_backbone(kind, side);
  TempDir dir;
  const auto file = write_file(dir, "model.onnx", onnx_model_bytes(*net, {}));
  torch::manual_seed(11);
  // Two batch sizes through the same file: the batch axis is dynamic.
  for (const std::int64_t batch : {1, 5}) {
    const auto images = torch::randn({batch, 3, side, side});
    const auto result = check_onnx_parity(file, images, raw_embedding(*net, images));
    EXPECT_EQ(result.images, batch);
    EXPECT_GE(result.min_cosine, kParityMinCosine) << kind;
    EXPECT_LT(result.max_norm_relative_error, 1e-4) << kind;
  }
}

// Small inputs keep IResNet-200 (118.8M parameters at 112) to a 16×16 map, so the test stays in seconds.
INSTANTIATE_TEST_SUITE_P(EveryBackbone, OnnxParity,
                         ::testing::Values(BackboneCase{"ir18", 16}, BackboneCase{"ir34", 16}, BackboneCase{"ir50", 16},
                                           BackboneCase{"ir100", 16}, BackboneCase{"ir200", 16},
                                           BackboneCase{"mobilefacenet", 32}, BackboneCase{"mobilefacenet-x1", 32},
                                           BackboneCase{"mobilefacenet-large", 32}, BackboneCase{"demo", 32},
                                           // AdaFace's: subsampling shortcuts, bottlenecks, squeeze-and-excitation
                                           BackboneCase{"adaface-ir18", 16}, BackboneCase{"adaface-ir152", 16},
                                           BackboneCase{"adaface-ir-se50", 16}),
                         [](const auto& info) {
                           auto name = info.param.kind;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(OnnxExport, TheFileDeclaresItsInterfaceMetadataAndTheArcfaceTorchWeightNames) {
  auto net = testing::trained_looking_backbone("ir18", 32, 128);
  const auto bytes = onnx_model_bytes(*net, {{"marginlab.color_order", "rgb"}, {"marginlab.mean", "0.5,0.5,0.5"}});
  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromString(bytes));
  EXPECT_EQ(model.opset_import(0).version(), kOnnxOpset);
  ASSERT_EQ(model.metadata_props_size(), 2);
  EXPECT_EQ(model.metadata_props(0).key(), "marginlab.color_order");
  EXPECT_EQ(model.metadata_props(1).value(), "0.5,0.5,0.5");

  const auto& graph = model.graph();
  ASSERT_EQ(graph.input_size(), 1);
  const auto& input = graph.input(0).type().tensor_type().shape();
  EXPECT_EQ(graph.input(0).name(), kOnnxInputName);
  ASSERT_EQ(input.dim_size(), 4);
  EXPECT_EQ(input.dim(0).dim_param(), "batch");
  EXPECT_EQ(input.dim(1).dim_value(), 3);
  EXPECT_EQ(input.dim(3).dim_value(), 32);
  ASSERT_EQ(graph.output_size(), 1);
  EXPECT_EQ(graph.output(0).name(), kOnnxOutputName);
  EXPECT_EQ(graph.output(0).type().tensor_type().shape().dim(1).dim_value(), 128);

  // Every weight is a parameter or running statistic of the module under its arcface_torch name (PReLU slopes
  // reshaped for broadcasting); none is left out.
  std::set<std::string> expected;
  for (const auto& [name, tensor] : state_dict_of(*net)) {
    if (!name.ends_with("num_batches_tracked")) expected.insert(name);
  }
  std::set<std::string> initializers;
  for (const auto& tensor : graph.initializer()) initializers.insert(tensor.name());
  EXPECT_EQ(initializers, expected);
  std::int64_t adds = 0;
  for (const auto& node : graph.node()) adds += node.op_type() == "Add" ? 1 : 0;
  EXPECT_EQ(adds, 8);  // one residual addition per IBasicBlock of ir18
}

TEST(OnnxParityCheck, FailsLoudlyWhenTheFileComputesSomethingElse) {
  auto net = testing::trained_looking_backbone("demo", 32);
  auto other = testing::trained_looking_backbone("demo", 32);
  {
    torch::NoGradGuard no_grad;
    other->named_parameters()["layer4.0.conv2.weight"].mul_(-1.0);  // a different network of the same shape
  }
  TempDir dir;
  const auto file = write_file(dir, "model.onnx", onnx_model_bytes(*other, {}));
  const auto images = torch::randn({4, 3, 32, 32});
  try {
    check_onnx_parity(file, images, raw_embedding(*net, images));
    FAIL() << "a different network passed the parity check";
  } catch (const ExportError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("model.onnx"), std::string::npos) << message;
    EXPECT_NE(message.find("cosine"), std::string::npos) << message;
  }
  // A file OpenCV cannot read at all.
  const auto garbage = write_file(dir, "garbage.onnx", "not a protobuf");
  EXPECT_THROW(check_onnx_parity(garbage, images, raw_embedding(*net, images)), ExportError);
}

// A 16×16 backbone of one stem layer, a flatten and an fc: LibTorch runs it whatever the stem, so the exporter's
// refusals can be given layers the real backbones never have.
mb::Activation walk_stem(mb::LayerWalker& walker, const torch::nn::Conv2dImpl& stem, const mb::Activation& input) {
  return walker.convolution("stem", stem, input);
}
mb::Activation walk_stem(mb::LayerWalker& walker, const torch::nn::BatchNorm2dImpl& stem, const mb::Activation& input) {
  return walker.batch_norm("stem", stem, input);
}

template <typename Stem>
class StemNet : public mb::BackboneImpl {
 public:
  StemNet(Stem stem, std::int64_t channels) : BackboneImpl(mb::BackboneSpec{"stem-net", 8, 16, 0.0}) {
    stem_ = register_module("stem", std::move(stem));
    fc_ = register_module("fc", torch::nn::Linear(channels * 16 * 16, 8));
  }
  mb::BackboneOutput forward(const torch::Tensor& images) override {
    return mb::unit_and_norm(fc_(torch::flatten(stem_(images), 1)));
  }
  mb::Activation walk(mb::LayerWalker& walker, const mb::Activation& input) const override {
    return walker.linear("fc", *fc_, walker.flatten("flatten", walk_stem(walker, *stem_, input)));
  }

 private:
  Stem stem_{nullptr};
  torch::nn::Linear fc_{nullptr};
};

void expect_refused_naming(const mb::BackboneImpl& net, const std::string& expected) {
  try {
    onnx_model_bytes(net, {});
    FAIL() << "exported although: " << expected;
  } catch (const ExportError& error) {
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
  }
}

TEST(OnnxExport, RefusesALayerWithoutAnOnnxFormByName) {
  StemNet<torch::nn::Conv2d> net(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 2, 3).padding(1).padding_mode(torch::kReflect)), 2);
  expect_refused_naming(net, "layer stem pads with mode 'reflect'");
}

TEST(OnnxExport, RefusesABatchNormWithoutRunningStatistics) {
  StemNet<torch::nn::BatchNorm2d> net(
      torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(3).track_running_stats(false)), 3);
  expect_refused_naming(net, "layer stem keeps no running statistics");
}

}  // namespace
}  // namespace marginlab::exporting
