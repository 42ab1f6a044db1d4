#include "core/experiment/experiment.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"

namespace marginlab::train {
namespace {

using nlohmann::json;

// The message of the InvalidParameter that `document` provokes.
std::string error_of(const json& document) {
  try {
    experiment_from_json(document, "test.json");
  } catch (const InvalidParameter& error) {
    return error.what();
  }
  return "";
}

TEST(Experiment, DefaultsSurviveARoundTripThroughJson) {
  Experiment e;
  e.name = "round-trip";
  e.head.params["m"] = 0.3;
  e.schedule.milestones = {2, 4};
  e.data.synthface = {{"identities", 30}};
  const auto again = experiment_from_json(to_json(e), "round trip");
  EXPECT_EQ(to_json(again), to_json(e));
  EXPECT_EQ(std::get<double>(again.head.params.at("m")), 0.3);
}

TEST(Experiment, UnknownKeysAreErrorsThatNameTheKey) {
  const auto message = error_of({{"optimizer", {{"lrr", 0.1}}}});
  EXPECT_NE(message.find("test.json"), std::string::npos) << message;
  EXPECT_NE(message.find("optimizer.lrr"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key"), std::string::npos) << message;
}

TEST(Experiment, BadValuesNameKeyValueAndRule) {
  auto message = error_of({{"optimizer", {{"lr", -1}}}});
  EXPECT_NE(message.find("optimizer.lr = -1"), std::string::npos) << message;
  message = error_of({{"train", {{"precision", "fp8"}}}});
  EXPECT_NE(message.find("train.precision = \"fp8\": must be one of fp32, fp16, bf16"), std::string::npos) << message;
  message = error_of({{"data", {{"image_size", 100}}}});
  EXPECT_NE(message.find("data.image_size = 100"), std::string::npos) << message;
  message = error_of({{"schedule", {{"milestones", {5, 3}}}}});
  EXPECT_NE(message.find("schedule.milestones"), std::string::npos) << message;
  message = error_of({{"train", {{"batch_size", 1.5}}}});
  EXPECT_NE(message.find("must be an integer"), std::string::npos) << message;
}

TEST(Experiment, HeadAndBackboneAreCheckedAgainstTheEngine) {
  auto message = error_of({{"head", {{"kind", "adaface"}, {"params", {{"h", 3.0}}}}}});
  EXPECT_NE(message.find("h = 3"), std::string::npos) << message;
  message = error_of({{"head", {{"kind", "adaface"}, {"params", {{"margin", 0.3}}}}}});
  EXPECT_NE(message.find("unknown parameter 'margin'"), std::string::npos) << message;
  message = error_of({{"head", {{"kind", "sphereface"}}}});
  EXPECT_NE(message.find("sphereface"), std::string::npos) << message;
  message = error_of({{"model", {{"backbone", "resnet9000"}}}});
  EXPECT_NE(message.find("model.backbone = \"resnet9000\""), std::string::npos) << message;
}

TEST(Experiment, HeadChoicesAreNamesInHeadParams) {
  const auto e = experiment_from_json(
      {{"head", {{"kind", "kappaface"}, {"params", {{"formula", "paper"}, {"statistics", "momentum_encoder"}}}}}},
      "test.json");
  EXPECT_EQ(e.head.params, (heads::HeadValues{{"formula", std::string("paper")},
                                              {"statistics", std::string("momentum_encoder")}}));
  EXPECT_EQ(to_json(e)["head"]["params"], (json{{"formula", "paper"}, {"statistics", "momentum_encoder"}}));
  auto message = error_of({{"head", {{"kind", "kappaface"}, {"params", {{"formula", "sketch"}}}}}});
  EXPECT_NE(message.find("formula = \"sketch\" must be one of code, paper"), std::string::npos) << message;
  message = error_of({{"head", {{"kind", "kappaface"}, {"params", {{"gamma", true}}}}}});
  EXPECT_NE(message.find("head.params.gamma = true: must be a number or a choice's name"), std::string::npos)
      << message;
}

// Files written before the head registry: older kind names, and KappaFace's source as head.kappa_statistics (which
// every run directory wrote, for every head).
TEST(Experiment, OlderHeadSpellingsAreReadAsTheHeadsChoices) {
  auto e = experiment_from_json({{"head", {{"kind", "arcface-straight-through"}, {"params", {{"m", 0.45}}}}}},
                                "test.json");
  EXPECT_EQ(e.head.kind, "arcface");
  EXPECT_EQ(e.head.params, (heads::HeadValues{{"form", std::string("straight_through")}, {"m", 0.45}}));
  e = experiment_from_json({{"head", {{"kind", "elasticface-cos+"}}}}, "test.json");
  EXPECT_EQ(e.head.kind, "elasticface");
  EXPECT_EQ(e.head.params,
            (heads::HeadValues{{"form", std::string("cos")}, {"assignment", std::string("ranked")}}));
  e = experiment_from_json({{"head", {{"kind", "kappaface"}, {"kappa_statistics", "momentum_encoder"}}}}, "test.json");
  EXPECT_EQ(e.head.params, (heads::HeadValues{{"statistics", std::string("momentum_encoder")}}));
  EXPECT_FALSE(to_json(e)["head"].contains("kappa_statistics"));  // written in today's terms
  e = experiment_from_json({{"head", {{"kind", "adaface"}, {"kappa_statistics", "memory"}}}}, "test.json");
  EXPECT_TRUE(e.head.params.empty());

  auto message = error_of({{"head", {{"kind", "arcface"}, {"kappa_statistics", "momentum_encoder"}}}});
  EXPECT_NE(message.find("only KappaFace collects class statistics"), std::string::npos) << message;
  message = error_of({{"head", {{"kind", "kappaface"}, {"kappa_statistics", "encoder"}}}});
  EXPECT_NE(message.find("head.kappa_statistics = \"encoder\": must be one of memory, momentum_encoder"),
            std::string::npos)
      << message;
  message = error_of({{"head",
                       {{"kind", "kappaface"},
                        {"kappa_statistics", "memory"},
                        {"params", {{"statistics", "momentum_encoder"}}}}}});
  EXPECT_NE(message.find("disagrees with head.params.statistics"), std::string::npos) << message;
  message = error_of({{"head", {{"kind", "arcface-legacy"}, {"params", {{"form", "exact"}}}}}});
  EXPECT_NE(message.find("head.kind = \"arcface-legacy\""), std::string::npos) << message;
}

TEST(Experiment, EvaluationSetsAreFilesOrTheSynthFacePairs) {
  const auto e = experiment_from_json(
      {{"data", {{"source", "recordio"}, {"path", "/data/faces_emore"}}},
       {"eval", {{"sets", {"lfw.bin", "pairs.txt"}}, {"flip_test", "sum"}, {"batch_size", 32}}}},
      "test.json");
  EXPECT_EQ(e.eval.sets, (std::vector<std::string>{"lfw.bin", "pairs.txt"}));
  EXPECT_EQ(e.eval.flip_test, eval::FlipTest::sum);
  auto message = error_of({{"data", {{"source", "recordio"}}}});  // the default set is SynthFace's
  EXPECT_NE(message.find("eval.sets contains \"synthface\""), std::string::npos) << message;
  // The closed set renders unseen images of the training identities: SynthFace only.
  message =
      error_of({{"data", {{"source", "recordio"}, {"path", "/data/x"}}}, {"eval", {{"sets", {"synthface-closed"}}}}});
  EXPECT_NE(message.find("eval.sets contains \"synthface-closed\""), std::string::npos) << message;
  EXPECT_EQ(experiment_from_json({{"eval", {{"sets", {"synthface", "synthface-closed"}}}}}, "t").eval.sets.size(), 2u);
  message = error_of({{"eval", {{"sets", {"lfw.bin", 3}}}}});
  EXPECT_NE(message.find("eval.sets = [\"lfw.bin\",3]"), std::string::npos) << message;
  message = error_of({{"eval", {{"flip_test", "mean"}}}});
  EXPECT_NE(message.find("eval.flip_test = \"mean\": must be one of none, sum, norm_weighted"), std::string::npos)
      << message;
}

TEST(Experiment, OverridesReachNestedKeysAndGoThroughValidation) {
  json document = {{"optimizer", {{"lr", 0.1}}}};
  apply_override(document, "optimizer.lr=0.05");
  apply_override(document, "head.kind=cosface");  // a bare word is a string
  apply_override(document, "schedule.milestones=[1,2]");
  const auto e = experiment_from_json(document, "--set");
  EXPECT_DOUBLE_EQ(e.optimizer.lr, 0.05);
  EXPECT_EQ(e.head.kind, "cosface");
  EXPECT_EQ(e.schedule.milestones, (std::vector<double>{1, 2}));

  EXPECT_THROW(apply_override(document, "no-equals-sign"), InvalidParameter);
  EXPECT_THROW(apply_override(document, "optimizer.lr.deeper=1"), InvalidParameter);
  apply_override(document, "optimizer.lr=\"fast\"");
  EXPECT_NE(error_of(document).find("optimizer.lr = \"fast\": must be a number"), std::string::npos);
}

TEST(Experiment, EveryBuiltInPresetIsValid) {
  int presets = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MARGINLAB_PRESETS_DIR)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const auto e = load_experiment(entry.path().string());
    EXPECT_EQ(e.name, entry.path().stem().string());
    EXPECT_FALSE(e.description.empty());
    ++presets;
  }
  EXPECT_GE(presets, 4);
}

TEST(Experiment, UnreadableFilesAreInvalidFileErrors) {
  EXPECT_THROW(load_experiment("/nonexistent/experiment.json"), InvalidFile);
  const auto path = std::filesystem::temp_directory_path() / "marginlab_not_json.json";
  {
    std::ofstream out(path);
    out << "{ not json";
  }
  EXPECT_THROW(load_experiment(path.string()), InvalidFile);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace marginlab::train

namespace marginlab::train {
namespace {

TEST(Experiment, DeviceChoicesReadAsTrainDeviceWritesThem) {
  for (const auto choice : {DeviceChoice::automatic, DeviceChoice::cpu, DeviceChoice::cuda}) {
    EXPECT_EQ(device_choice_from_string(to_string(choice), "--device"), choice);
  }
  try {
    device_choice_from_string("gpu", "--device");
    FAIL() << "expected InvalidParameter";
  } catch (const InvalidParameter& error) {
    EXPECT_STREQ(error.what(), "--device gpu: expected auto, cpu or cuda");
  }
}

}  // namespace
}  // namespace marginlab::train
