// Model import: for every architecture, our forward on the imported weights equals the forward of the authors' own
// code on the same weights (reference embeddings made by tests/fixtures/import/make_fixtures.py with Debian's
// PyTorch); shard sets merge in class order and are refused when incomplete; export → import is the identity; bad
// files are refused with what they are.
#include "engine/import/model_import.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "engine/export/state_dict_export.h"
#include "engine/formats/npy.h"
#include "engine/train/trained_model.h"
#include "tests/engine/formats/zip_fixture.h"

namespace marginlab::importing {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = fs::path(MARGINLAB_FIXTURES_DIR) / "import";

// The generator's input: (pixel / 255 - 0.5) / 0.5 of the stored images, channels as stored.
torch::Tensor reference_images() {
  const auto images = formats::read_npy((kFixtures / "images.npy").string());
  auto pixels = torch::tensor(images.values).reshape(images.shape);
  return (pixels / 255.0 - 0.5) / 0.5;
}

torch::Tensor reference_embeddings(const std::string& name) {
  const auto array = formats::read_npy((kFixtures / (name + ".embeddings.npy")).string());
  return torch::tensor(array.values).reshape(array.shape);
}

torch::Tensor raw_embeddings(backbones::BackboneImpl& backbone, const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  backbone.eval();
  const auto out = backbone.forward(images);
  return out.embedding * out.norm;
}

// The bar: cosine ≥ 0.99999 per image; the norms (AdaFace's quality proxy) to 1e-4 as well.
void expect_same_embeddings(const torch::Tensor& ours, const torch::Tensor& theirs, const std::string& what) {
  ASSERT_EQ(ours.sizes(), theirs.sizes()) << what;
  const auto cosine = torch::cosine_similarity(ours, theirs, 1);
  for (std::int64_t i = 0; i < cosine.size(0); ++i)
    EXPECT_GE(cosine[i].item<double>(), 0.99999) << what << " image " << i;
  const auto ratio = ours.norm(2, 1) / theirs.norm(2, 1);
  EXPECT_LT((ratio - 1).abs().max().item<double>(), 1e-4) << what;
}

fs::path scratch(const std::string& name) {
  const auto path = fs::temp_directory_path() / ("marginlab-import-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

void expect_invalid(const std::function<void()>& action, const std::string& fragment) {
  try {
    action();
    FAIL() << "accepted; expected an error mentioning: " << fragment;
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

struct Case {
  std::string file;       // under tests/fixtures/import
  std::string reference;  // <reference>.embeddings.npy
  std::string kind;       // the backbone it must be recognised as
  std::string color_order;
};

class AuthorsForward : public testing::TestWithParam<Case> {};

TEST_P(AuthorsForward, OursEqualsTheirsOnTheSameWeights) {
  const auto& c = GetParam();
  const auto model = import_model(kFixtures / c.file, {});
  EXPECT_EQ(model.backbone->kind(), c.kind);
  EXPECT_EQ(model.color_order, c.color_order);
  expect_same_embeddings(raw_embeddings(*model.backbone, reference_images()), reference_embeddings(c.reference),
                         c.file);
}

INSTANTIATE_TEST_SUITE_P(EveryArchitecture, AuthorsForward,
                         testing::Values(Case{"arcface_r18.pth", "arcface_r18", "ir18", "rgb"},
                                         Case{"arcface_r34.pth", "arcface_r34", "ir34", "rgb"},
                                         Case{"arcface_r50.pth", "arcface_r50", "ir50", "rgb"},
                                         Case{"arcface_r100.pth", "arcface_r100", "ir100", "rgb"},
                                         Case{"arcface_r200.pth", "arcface_r200", "ir200", "rgb"},
                                         Case{"arcface_mbf.pth", "arcface_mbf", "mobilefacenet", "rgb"},
                                         Case{"arcface_mbf_large.pth", "arcface_mbf_large", "mobilefacenet-large",
                                              "rgb"},
                                         Case{"arcface_shards", "arcface_shards", "mobilefacenet", "rgb"},
                                         Case{"adaface_ir_18.ckpt", "adaface_ir_18", "adaface-ir18", "bgr"},
                                         Case{"adaface_ir_34.ckpt", "adaface_ir_34", "adaface-ir34", "bgr"},
                                         Case{"adaface_ir_50.ckpt", "adaface_ir_50", "adaface-ir50", "bgr"},
                                         Case{"adaface_ir_101.ckpt", "adaface_ir_101", "adaface-ir101", "bgr"},
                                         Case{"adaface_ir_152.ckpt", "adaface_ir_152", "adaface-ir152", "bgr"},
                                         Case{"adaface_ir_200.ckpt", "adaface_ir_200", "adaface-ir200", "bgr"},
                                         Case{"adaface_ir_se_50.ckpt", "adaface_ir_se_50", "adaface-ir-se50", "bgr"}),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.reference; });

// CVLface's layout: model.safetensors (keys net.*) beside model.yaml. A safetensors file cannot share storage, so
// the test writes it from adaface_ir_18.ckpt's weights; the reference is CVLface's own forward on those weights.
void write_safetensors(const fs::path& path, const std::map<std::string, torch::Tensor>& tensors) {
  nlohmann::json header = {{"__metadata__", {{"format", "pt"}}}};
  std::string data;
  for (const auto& [name, tensor] : tensors) {
    const auto values = tensor.contiguous();
    const auto bytes = static_cast<std::size_t>(values.numel()) * values.element_size();
    header[name] = {{"dtype", values.scalar_type() == torch::kInt64 ? "I64" : "F32"},
                    {"shape", values.sizes().vec()},
                    {"data_offsets", {data.size(), data.size() + bytes}}};
    data.append(static_cast<const char*>(values.data_ptr()), bytes);
  }
  auto text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::ofstream out(path, std::ios::binary);
  const std::uint64_t length = text.size();
  out.write(reinterpret_cast<const char*>(&length), 8);
  out << text << data;
}

TEST(ModelImport, ReadsCVLfaceSafetensorsWithItsConfig) {
  const auto folder = scratch("cvlface");
  std::map<std::string, torch::Tensor> net;
  for (const auto& [name, tensor] : read_weights_file(kFixtures / "adaface_ir_18.ckpt").tensors) {
    net["net." + name.substr(std::string("model.").size())] = tensor;
  }
  write_safetensors(folder / "model.safetensors", net);
  fs::copy_file(kFixtures / "cvlface_ir18" / "model.yaml", folder / "model.yaml");
  const auto model = import_model(folder, {});
  EXPECT_EQ(model.weights.format, "CVLface safetensors");
  EXPECT_EQ(model.architecture.prefix, "net.");
  EXPECT_EQ(model.color_order, "rgb");
  EXPECT_EQ(model.color_order_source, "model.yaml color_space");
  expect_same_embeddings(raw_embeddings(*model.backbone, reference_images()), reference_embeddings("cvlface_ir18"),
                         "cvlface_ir18");
  fs::remove_all(folder);
}

TEST(ModelImport, MergesPartialFcShardsInClassOrder) {
  const auto model = import_model(kFixtures / "arcface_shards", {});
  ASSERT_TRUE(model.weights.kernel);
  const auto rows = formats::read_npy((kFixtures / "arcface_shards.kernel.npy").string());
  const auto expected = torch::tensor(rows.values).reshape(rows.shape).t();  // (C, D) rows → (D, C) columns
  EXPECT_TRUE(torch::equal(*model.weights.kernel, expected));
  EXPECT_EQ(model.weights.format, "arcface_torch Partial FC shards (4 ranks)");
  // One shard named: the set is read from its folder.
  const auto same = import_model(kFixtures / "arcface_shards" / "checkpoint_gpu_2.pt", {});
  EXPECT_TRUE(torch::equal(*same.weights.kernel, expected));
}

TEST(ModelImport, RefusesAShardSetWithAMissingRankOrAnotherRunsShard) {
  const auto folder = scratch("shards");
  for (const int rank : {0, 1, 3}) {
    const auto name = "checkpoint_gpu_" + std::to_string(rank) + ".pt";
    fs::copy_file(kFixtures / "arcface_shards" / name, folder / name);
  }
  expect_invalid([&] { import_model(folder, {}); },
                 "checkpoint_gpu_2.pt is missing from a set of 4 Partial FC shards (found checkpoint_gpu_0.pt, "
                 "checkpoint_gpu_1.pt, checkpoint_gpu_3.pt)");
  // Rank 0's shard (3 classes) in rank 3's place: 11 classes over 4 ranks give rank 2 three, it holds two.
  fs::copy_file(kFixtures / "arcface_shards" / "checkpoint_gpu_2.pt", folder / "checkpoint_gpu_2.pt");
  fs::copy_file(kFixtures / "arcface_shards" / "checkpoint_gpu_0.pt", folder / "checkpoint_gpu_3.pt",
                fs::copy_options::overwrite_existing);
  expect_invalid([&] { import_model(folder, {}); },
                 "checkpoint_gpu_2.pt: holds 2 classes of dimension 512, but with checkpoint_gpu_0.pt (3 classes of "
                 "dimension 512) a set of 4 shards totalling 11 classes gives rank 2 3 classes");
  fs::remove_all(folder);
  ImportOptions options;
  options.data = train::DataSettings{};
  options.data_classes = 12;
  expect_invalid([&] { import_model(kFixtures / "arcface_shards", options); },
                 "the classifier (state_dict_softmax_fc.weight of 4 ranks, concatenated in class order) has 10 "
                 "classes, but synthface has 12");
}

TEST(ModelImport, AnExportImportsBackToTheSameEmbeddings) {
  const auto folder = scratch("round-trip");
  const auto model = import_model(kFixtures / "arcface_mbf.pth", {});
  const auto bytes = exporting::state_dict_bytes(exporting::state_dict_of(*model.backbone));
  std::ofstream(folder / "backbone.pt", std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const auto back = import_model(folder / "backbone.pt", {});
  const auto images = reference_images();
  EXPECT_TRUE(torch::equal(raw_embeddings(*back.backbone, images), raw_embeddings(*model.backbone, images)));
  fs::remove_all(folder);
}

TEST(ModelImport, WritesARunThatReadsBackAsTheModel) {
  const auto folder = scratch("run");
  const auto model = import_model(kFixtures / "adaface_ir_18.ckpt", {});
  write_imported_run(model, folder / "run");
  const auto trained = train::load_trained_model(folder / "run", torch::kCPU);
  EXPECT_EQ(trained.step, 0);
  EXPECT_EQ(trained.experiment.model.backbone, "adaface-ir18");
  EXPECT_EQ(trained.experiment.data.color_order, "bgr");
  EXPECT_EQ(trained.experiment.head.kind, "adaface");
  EXPECT_EQ(std::get<double>(trained.experiment.head.params.at("h")), 0.333);
  // In the standard layout, as the reference: what is compared is the weights, not two kernels' rounding (LibTorch
  // 2.6's channels-last kernels drift by 5e-3 in cosine through these random 18 layers).
  {
    torch::NoGradGuard no_grad;
    for (auto& p : trained.backbone->parameters()) p.set_data(p.contiguous());
  }
  const auto images = reference_images();
  expect_same_embeddings(raw_embeddings(*trained.backbone, images), reference_embeddings("adaface_ir_18"), "run");
  const auto head = train::load_trained_head(trained);
  ASSERT_TRUE(train::has_classifier(head));
  for (const auto& [name, tensor] : head.tensors) {
    if (name == "kernel") EXPECT_TRUE(torch::equal(tensor, *model.weights.kernel));
    if (name == "batch_mean") EXPECT_FLOAT_EQ(tensor.item<float>(), 21.5f);  // the checkpoint's running state
  }
  std::ifstream card_file(folder / "run" / "model_card.json");
  const auto card = nlohmann::json::parse(card_file);
  EXPECT_EQ(card["imported_from"]["format"], "AdaFace Lightning checkpoint");
  EXPECT_EQ(card["imported_from"]["classifier"], "state_dict head.kernel");
  // A folder that holds anything is not written over.
  expect_invalid([&] { write_imported_run(model, folder / "run"); }, "exists and holds files");
  fs::remove_all(folder);
}

TEST(ModelImport, RefusesWeightsThatDoNotFitAndFilesThatAreNotModels) {
  const auto folder = scratch("bad");
  // One tensor of the wrong shape.
  auto tensors = exporting::state_dict_of(*import_model(kFixtures / "arcface_mbf.pth", {}).backbone);
  for (auto& [name, tensor] : tensors) {
    if (name == "conv_sep.layers.1.weight") tensor = torch::zeros({7});
  }
  auto bytes = exporting::state_dict_bytes(tensors);
  std::ofstream(folder / "bad.pt", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  expect_invalid([&] { import_model(folder / "bad.pt", {}); },
                 "the weights do not fit mobilefacenet; conv_sep.layers.1.weight is (7) in the file, (512) in "
                 "mobilefacenet");
  // The right names for another depth.
  ImportOptions deeper;
  deeper.backbone = "ir34";
  expect_invalid([&] { import_model(kFixtures / "arcface_r18.pth", deeper); },
                 "the weights do not fit ir34; missing layer1.2.bn1.weight");
  // Tensors of no known backbone.
  bytes = exporting::state_dict_bytes({{"encoder.weight", torch::zeros({2, 2})}});
  std::ofstream(folder / "other.pt", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  expect_invalid([&] { import_model(folder / "other.pt", {}); },
                 "no known face-recognition backbone in 1 tensors (encoder.weight, ...)");
  // A view of one float repeated 2^40 times (stride 0): valid for the pickle, refused before anything is allocated.
  const auto repeated = formats::fixtures::torch_zip(
      formats::fixtures::state_dict_pickle("features.weight", {1 << 20, 1 << 20}, {0, 0}, 0, 1),
      {{"0", formats::fixtures::floats({1})}});
  std::ofstream(folder / "repeated.pt", std::ios::binary)
      .write(reinterpret_cast<const char*>(repeated.data()), static_cast<std::streamsize>(repeated.size()));
  expect_invalid([&] { import_model(folder / "repeated.pt", {}); },
                 "'features.weight': float32 (1048576, 1048576) would take 4.4e+03 GB from a storage of 4 bytes");
  // A truncated checkpoint.
  std::ifstream in(kFixtures / "arcface_mbf.pth", std::ios::binary);
  std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(folder / "cut.pth", std::ios::binary) << whole.substr(0, whole.size() / 2);
  expect_invalid([&] { import_model(folder / "cut.pth", {}); }, "cut.pth: a damaged zip archive");
  expect_invalid([&] { import_model(folder / "missing.pth", {}); }, "missing.pth: no such file or folder");
  expect_invalid([&] { import_model(folder, {}); }, "a folder without weights");
  fs::remove_all(folder);
}

}  // namespace
}  // namespace marginlab::importing
