// PyTorch weights: the pickled state dict reads back (LibTorch's pickle loader, the reader of torch.load's format)
// to the same tensors under insightface arcface_torch's names and shapes, in plain row-major layout.
#include "engine/export/state_dict_export.h"

#include <gtest/gtest.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>
#include <map>

#include "engine/backbones/backbone.h"
#include "core/errors.h"
#include "tests/engine/export/export_fixture.h"
#include "tests/support/temp_dir.h"

namespace marginlab::exporting {
namespace {

using test_support::TempDir;

std::map<std::string, torch::Tensor> written_and_read_back(const NamedTensors& tensors, const TempDir& dir) {
  const auto bytes = state_dict_bytes(tensors);
  const auto path = dir.path() / "weights.pt";
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  std::map<std::string, torch::Tensor> read;
  for (auto& [name, tensor] : read_state_dict(path)) read.emplace(name, tensor);
  return read;
}

TEST(StateDictExport, IResNet50ReadsBackWithArcfaceTorchNamesShapesAndValues) {
  auto net = testing::trained_looking_backbone("ir50", 112, 512);
  backbones::use_channels_last(*net);  // as training leaves it: the file must still be plain row-major
  TempDir dir;
  const auto read = written_and_read_back(state_dict_of(*net), dir);

  // arcface_torch iresnet50's state_dict(), counted from its module tree (a BatchNorm has 5 entries): conv1, bn1,
  // prelu; 24 blocks of bn1, bn2, bn3 + conv1, conv2, prelu; 4 downsamples of a conv and a BatchNorm; bn2, fc
  // (weight, bias), features.
  EXPECT_EQ(read.size(), 1u + 5 + 1 + 24 * (3 * 5 + 3) + 4 * (1 + 5) + 5 + 2 + 5);
  const std::map<std::string, std::vector<std::int64_t>> shapes{
      {"conv1.weight", {64, 3, 3, 3}},
      {"prelu.weight", {64}},
      {"layer1.0.bn1.running_var", {64}},
      {"layer1.0.downsample.0.weight", {64, 64, 1, 1}},
      {"layer3.13.conv2.weight", {256, 256, 3, 3}},
      {"layer4.0.downsample.1.num_batches_tracked", {}},
      {"bn2.weight", {512}},
      {"fc.weight", {512, 512 * 7 * 7}},
      {"fc.bias", {512}},
      {"features.weight", {512}},
      {"features.running_mean", {512}},
  };
  for (const auto& [name, shape] : shapes) {
    ASSERT_TRUE(read.count(name)) << name;
    EXPECT_EQ(read.at(name).sizes().vec(), shape) << name;
  }
  EXPECT_EQ(read.at("layer4.0.downsample.1.num_batches_tracked").scalar_type(), torch::kInt64);
  for (const auto& item : net->named_parameters()) {
    const auto& tensor = read.at(item.key());
    EXPECT_TRUE(tensor.is_contiguous()) << item.key();
    EXPECT_TRUE(torch::equal(tensor, item.value())) << item.key();
  }
  for (const auto& item : net->named_buffers()) EXPECT_TRUE(torch::equal(read.at(item.key()), item.value()));
}

TEST(StateDictExport, MobileFaceNetReadsBackWithGetMbfNames) {
  auto net = testing::trained_looking_backbone("mobilefacenet", 112, 512);
  TempDir dir;
  const auto read = written_and_read_back(state_dict_of(*net), dir);
  for (const auto* name : {"layers.0.layers.0.weight", "layers.3.layers.0.layers.1.layers.2.weight",
                           "conv_sep.layers.1.running_mean", "features.layers.0.layers.0.weight",
                           "features.layers.2.weight", "features.layers.3.num_batches_tracked"}) {
    EXPECT_TRUE(read.count(name)) << name;
  }
  EXPECT_EQ(read.at("features.layers.0.layers.0.weight").sizes().vec(), (std::vector<std::int64_t>{512, 1, 7, 7}));
  EXPECT_EQ(read.size(), state_dict_of(*net).size());
}

TEST(StateDictExport, AFileThatIsNotAPickledDictOfTensorsIsRefusedByName) {
  TempDir dir;
  const auto garbage = dir.path() / "garbage.pt";
  std::ofstream(garbage) << "not a zip";
  try {
    read_state_dict(garbage);
    FAIL();
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find("garbage.pt"), std::string::npos);
  }
  const auto list = torch::pickle_save(c10::IValue(c10::List<int64_t>({1, 2})));
  const auto list_path = dir.path() / "list.pt";
  std::ofstream(list_path, std::ios::binary).write(list.data(), static_cast<std::streamsize>(list.size()));
  EXPECT_THROW(read_state_dict(list_path), InvalidFile);
  EXPECT_THROW(read_state_dict(dir.path() / "missing.pt"), InvalidFile);
}

}  // namespace
}  // namespace marginlab::exporting
