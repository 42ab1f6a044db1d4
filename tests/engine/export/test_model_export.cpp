// export_model and export_embeddings on a real (short) SynthFace run: every file valid and consistent with the
// checkpoint, and every failure named and leaving nothing behind.
#include "engine/export/model_export.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>
#include <map>

#include "core/errors.h"
#include "engine/export/embedding_export.h"
#include "engine/export/state_dict_export.h"
#include "engine/formats/npy.h"
#include "engine/train/trainer.h"
#include "tests/support/temp_dir.h"

namespace marginlab::exporting {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

std::vector<std::string> folder_entries(const fs::path& folder) {
  std::vector<std::string> names;
  if (!fs::exists(folder)) return names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

class ModelExportTest : public ::testing::Test {
 protected:
  // One short AdaFace run on the demo network for the whole suite, with m tuned live so that the checkpoint's head
  // parameters differ from the experiment's.
  static void SetUpTestSuite() {
    runs_ = new TempDir;
    train::Experiment e;
    e.name = "export";
    e.runs_dir = runs_->path().string();
    e.data.synthface = {{"identities", 16}, {"max_images_per_identity", 12}, {"imbalance_ratio", 2},
                        {"verification_identities", 8}, {"pairs_per_stratum", 20}};
    e.data.image_size = 32;
    e.model.backbone = "demo";
    e.model.embedding_dim = 32;
    e.head.kind = "adaface";
    e.train.max_steps = 6;
    e.train.batch_size = 16;
    e.train.device = train::DeviceChoice::cpu;
    e.train.threads = 2;
    e.checkpoint.every_steps = 0;
    e.eval.at_end = true;
    e.eval.sets = {"synthface"};
    train::Trainer trainer(e);
    trainer.live_parameters().post({{"m", 0.45}});
    run_ = new fs::path(trainer.run().run_directory);
  }
  static void TearDownTestSuite() {
    delete run_;
    delete runs_;
  }

  static inline TempDir* runs_ = nullptr;
  static inline fs::path* run_ = nullptr;
};

TEST_F(ModelExportTest, AllFormatsGiveValidFilesAndACardThatMatchTheCheckpoint) {
  TempDir out;
  std::vector<std::string> progress;
  ExportRequest request{*run_, parse_export_formats("all"), out.path() / "model", 8};
  const auto result = export_model(request, [&](const std::string& line) { progress.push_back(line); });
  EXPECT_EQ(folder_entries(out.path() / "model"),
            (std::vector<std::string>{"backbone.pt", "head.pt", "model.onnx", "model_card.json"}));
  EXPECT_EQ(result.files.size(), 4u);
  EXPECT_EQ(result.step, 6);
  ASSERT_TRUE(result.parity.has_value());
  EXPECT_EQ(result.parity->images, 8);
  EXPECT_GE(result.parity->min_cosine, kParityMinCosine);
  EXPECT_FALSE(progress.empty());

  const auto model = train::load_trained_model(*run_, torch::kCPU);
  // backbone.pt: the checkpoint's backbone, tensor for tensor.
  std::map<std::string, torch::Tensor> backbone;
  for (auto& [name, tensor] : read_state_dict(out.path() / "model" / "backbone.pt")) backbone.emplace(name, tensor);
  const auto expected = state_dict_of(*model.backbone);
  ASSERT_EQ(backbone.size(), expected.size());
  for (const auto& [name, tensor] : expected) EXPECT_TRUE(torch::equal(backbone.at(name), tensor)) << name;
  // head.pt: the kernel (D, C) and AdaFace's running norm statistics.
  std::map<std::string, torch::Tensor> head;
  for (auto& [name, tensor] : read_state_dict(out.path() / "model" / "head.pt")) head.emplace(name, tensor);
  ASSERT_TRUE(head.count("kernel"));
  EXPECT_EQ(head.at("kernel").sizes().vec(), (std::vector<std::int64_t>{32, 16}));
  EXPECT_TRUE(head.count("batch_mean") && head.count("batch_std"));

  // model.onnx: metadata for a deployment runtime.
  onnx::ModelProto onnx_model;
  std::ifstream onnx_file(out.path() / "model" / "model.onnx", std::ios::binary);
  ASSERT_TRUE(onnx_model.ParseFromIstream(&onnx_file));
  std::map<std::string, std::string> metadata;
  for (const auto& entry : onnx_model.metadata_props()) metadata[entry.key()] = entry.value();
  EXPECT_EQ(metadata["marginlab.backbone"], "demo");
  EXPECT_EQ(metadata["marginlab.input_size"], "32");
  EXPECT_EQ(metadata["marginlab.color_order"], "rgb");
  EXPECT_EQ(metadata["marginlab.mean"], "0.5,0.5,0.5");
  EXPECT_EQ(metadata["marginlab.head"], "adaface");

  // The card: the live-tuned m, the experiment's m, the preprocessing, the files, the parity, the run's metrics.
  const auto card = read_json(out.path() / "model" / "model_card.json");
  EXPECT_EQ(card["model"]["backbone"], "demo");
  EXPECT_EQ(card["model"]["step"], 6);
  EXPECT_DOUBLE_EQ(card["head"]["parameters"]["m"].get<double>(), 0.45);
  EXPECT_DOUBLE_EQ(card["head"]["experiment_parameters"].value("m", 0.4), 0.4);
  EXPECT_EQ(card["head"]["classes"], 16);
  EXPECT_EQ(card["preprocessing"]["std"], (std::vector<double>{0.5, 0.5, 0.5}));
  EXPECT_EQ(card["training"]["model"]["backbone"], "demo");
  EXPECT_EQ(card["export"]["files"].size(), 3u);
  EXPECT_EQ(card["export"]["onnx_parity"]["images"], 8);
  EXPECT_EQ(card["metrics"]["last_step"]["step"], 6);
  ASSERT_EQ(card["metrics"]["verification"].size(), 1u);
  EXPECT_EQ(card["metrics"]["verification"][0]["set"], "synthface");
}

TEST_F(ModelExportTest, PyTorchOnlyNeedsNoDataAndWritesNoOnnx) {
  TempDir out;
  export_model({*run_, parse_export_formats("pytorch"), out.path(), 8});
  EXPECT_EQ(folder_entries(out.path()), (std::vector<std::string>{"backbone.pt", "head.pt", "model_card.json"}));
  EXPECT_FALSE(read_json(out.path() / "model_card.json")["export"].contains("onnx_parity"));
}

TEST_F(ModelExportTest, AMissingOrCorruptCheckpointFailsByNameAndLeavesTheDestinationAsItWas) {
  TempDir work;
  const auto destination = work.path() / "out";
  // No run there.
  EXPECT_THROW(export_model({work.path() / "nothing", parse_export_formats("all"), destination, 8}), InvalidFile);
  EXPECT_FALSE(fs::exists(destination));

  // A copy of the run whose checkpoint was cut short (a full disk, a copy interrupted).
  const auto copy = work.path() / "run";
  fs::copy(*run_, copy, fs::copy_options::recursive);
  const auto checkpoint = copy / "checkpoints" / "latest.pt";
  fs::resize_file(checkpoint, fs::file_size(checkpoint) / 2);
  fs::create_directories(destination);
  std::ofstream(destination / "model.onnx") << "an earlier export";
  try {
    export_model({copy, parse_export_formats("all"), destination, 8});
    FAIL() << "a truncated checkpoint was exported";
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find("latest.pt"), std::string::npos) << error.what();
  }
  EXPECT_EQ(folder_entries(destination), (std::vector<std::string>{"model.onnx"}));
  std::ifstream earlier(destination / "model.onnx");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(earlier), {}), "an earlier export");
}

TEST_F(ModelExportTest, AnUnwritableDestinationFailsByName) {
  TempDir work;
  const auto file = work.path() / "a-file";
  std::ofstream(file) << "x";
  for (const auto& destination : {file, file / "below"}) {
    try {
      export_model({*run_, parse_export_formats("pytorch"), destination, 8});
      FAIL() << destination;
    } catch (const InvalidFile& error) {
      EXPECT_NE(std::string(error.what()).find("a-file"), std::string::npos) << error.what();
    }
  }
  EXPECT_EQ(folder_entries(work.path()), (std::vector<std::string>{"a-file"}));
  EXPECT_THROW(parse_export_formats("tflite"), InvalidParameter);
}

TEST_F(ModelExportTest, EmbeddingsOfTheHeldOutIdentitiesWithNormsLabelsAndQuality) {
  TempDir out;
  EmbedRequest request;
  request.checkpoint = *run_;
  request.data = "synthface";
  request.out = out.path() / "E.npy";
  request.limit = 20;
  const auto result = export_embeddings(request);
  EXPECT_EQ(result.images, 20);
  EXPECT_EQ(result.dim, 32);
  EXPECT_EQ(folder_entries(out.path()), (std::vector<std::string>{"E.json", "E.labels.npy", "E.norms.npy", "E.npy",
                                                                  "E.quality.npy"}));
  const auto embeddings = formats::read_npy((out.path() / "E.npy").string());
  EXPECT_EQ(embeddings.dtype, "<f4");
  ASSERT_EQ(embeddings.shape, (std::vector<std::int64_t>{20, 32}));
  for (std::int64_t row = 0; row < 20; ++row) {
    double squared = 0;
    for (std::int64_t d = 0; d < 32; ++d) squared += std::pow(embeddings.values[row * 32 + d], 2);
    EXPECT_NEAR(squared, 1.0, 1e-4) << row;
  }
  const auto norms = formats::read_npy((out.path() / "E.norms.npy").string());
  EXPECT_EQ(norms.shape, (std::vector<std::int64_t>{20}));
  EXPECT_TRUE(std::all_of(norms.values.begin(), norms.values.end(), [](float n) { return n > 0; }));
  const auto labels = formats::read_npy((out.path() / "E.labels.npy").string());
  EXPECT_EQ(labels.dtype, "<i8");
  EXPECT_TRUE(std::all_of(labels.values.begin(), labels.values.end(), [](float l) { return l >= 0; }));
  const auto quality = formats::read_npy((out.path() / "E.quality.npy").string());
  EXPECT_TRUE(std::all_of(quality.values.begin(), quality.values.end(), [](float q) { return q >= 0 && q <= 1; }));
  EXPECT_EQ(read_json(out.path() / "E.json")["export"]["files"].size(), 4u);

  // The same images embedded in batches of another size give the same rows (to float rounding), in the same order.
  request.out = out.path() / "F.npy";
  request.batch_size = 3;
  export_embeddings(request);
  const auto again = formats::read_npy((out.path() / "F.npy").string()).values;
  ASSERT_EQ(again.size(), embeddings.values.size());
  for (std::size_t i = 0; i < again.size(); ++i) EXPECT_NEAR(again[i], embeddings.values[i], 1e-5) << i;
}

TEST_F(ModelExportTest, EmbedRefusesBadDataAndOutputNamesAndWritesNothing) {
  TempDir out;
  EmbedRequest request;
  request.checkpoint = *run_;
  request.out = out.path() / "E.npy";
  request.data = (out.path() / "missing-folder").string();
  EXPECT_THROW(export_embeddings(request), InvalidFile);
  request.data = "synthface";
  request.out = out.path() / "E.txt";
  EXPECT_THROW(export_embeddings(request), InvalidParameter);
  request.out = out.path() / "E.npy";
  request.limit = -1;
  EXPECT_THROW(export_embeddings(request), InvalidParameter);
  EXPECT_TRUE(folder_entries(out.path()).empty());
}

}  // namespace
}  // namespace marginlab::exporting
