// marginlab-cli eval (a trained run on verification sets) and verify (embeddings made elsewhere).
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/evaluation_report.h"
#include "core/errors.h"
#include "engine/formats/npy.h"
#include "engine/train/evaluation_sets.h"
#include "engine/train/session.h"
#include "engine/train/trained_model.h"

namespace marginlab::cli {
namespace {

struct EvalOptions {
  std::string checkpoint;
  std::vector<std::string> sets;
  std::string flip_test;  // empty: the run's eval.flip_test
  std::int64_t batch_size = 0;
  std::string device = "auto";
  std::string json_out;
  std::string save_embeddings;  // a folder for <set>_pairs.npy + <set>_issame.txt, the input `verify` takes
};

eval::FlipTest parse_flip_test(const std::string& name) {
  if (const auto flip = eval::flip_test_from_string(name)) return *flip;
  throw InvalidParameter("--flip " + name + ": must be none, sum or norm_weighted");
}

// The embeddings pair by pair (rows 2i and 2i+1: pair i, as insightface's .bin packs order images; with their raw
// norms, so that `verify` can stratify) and the issame flags. Pairs that lost an image are left out.
void save_pair_embeddings(const data::VerificationSet& set, const eval::ImageEmbeddings& embeddings,
                          const std::string& folder) {
  std::filesystem::create_directories(folder);
  const auto dim = embeddings.embeddings.size(1);
  const auto raw = (embeddings.embeddings *
                    torch::tensor(embeddings.norms).nan_to_num(0.0).reshape({-1, 1}))
                       .contiguous();
  std::vector<float> rows;
  std::string issame;
  std::int64_t pairs = 0;
  for (const auto& pair : set.pairs) {
    if (!embeddings.readable[pair.first] || !embeddings.readable[pair.second]) continue;
    for (const auto image : {pair.first, pair.second}) {
      const float* row = raw.data_ptr<float>() + image * dim;
      rows.insert(rows.end(), row, row + dim);
    }
    issame += pair.same ? "1\n" : "0\n";
    ++pairs;
  }
  const auto base = (std::filesystem::path(folder) / set.name).string();
  formats::write_npy(base + "_pairs.npy", {2 * pairs, dim}, std::span<const float>(rows));
  std::ofstream flags(base + "_issame.txt");
  if (!(flags << issame)) throw InvalidFile(base + "_issame.txt: cannot write");
  fmt::print("embeddings → {}_pairs.npy, {}_issame.txt\n", base, base);
}

int run_eval(const EvalOptions& options) {
  const auto device = train::resolve_device(train::device_choice_from_string(options.device, "--device"));
  auto model = train::load_trained_model(options.checkpoint, device);
  auto experiment = model.experiment;
  if (!options.sets.empty()) experiment.eval.sets = options.sets;
  if (!options.flip_test.empty()) experiment.eval.flip_test = parse_flip_test(options.flip_test);
  if (options.batch_size > 0) experiment.eval.batch_size = options.batch_size;

  // SynthFace's pairs are regenerated from the run's own generator settings; other training data is not opened.
  train::TrainingData training;
  const bool wants_synthface =
      std::find(experiment.eval.sets.begin(), experiment.eval.sets.end(), "synthface") != experiment.eval.sets.end();
  if (wants_synthface && experiment.data.source == "synthface") {
    training = train::open_training_data(experiment.data, model.checkpoint.string());
  }
  const auto sets = train::open_evaluation_sets(experiment, training);
  fmt::print("eval: {} ({}, step {}) on {}\n", model.checkpoint.string(), experiment.model.backbone, model.step,
             device.str());

  const auto embed = [&](const torch::Tensor& images) {
    torch::NoGradGuard no_grad;
    return model.backbone->forward(images.to(device));
  };
  nlohmann::json results = nlohmann::json::array();
  const auto evaluation_options = train::evaluation_options(experiment);
  for (const auto& set : sets) {
    const auto embeddings = eval::embed_images(set.images, embed, evaluation_options);
    const auto evaluation = eval::score_pairs(set, embeddings, evaluation_options);
    print_set_evaluation(evaluation);
    if (!options.save_embeddings.empty()) save_pair_embeddings(set, embeddings, options.save_embeddings);
    auto entry = eval::to_json(evaluation);
    entry["checkpoint"] = model.checkpoint.string();
    entry["step"] = model.step;
    results.push_back(std::move(entry));
  }
  if (!options.json_out.empty()) {
    std::ofstream out(options.json_out);
    if (!(out << results.dump(2) << '\n')) throw InvalidFile(options.json_out + ": cannot write the results");
    fmt::print("results → {}\n", options.json_out);
  }
  return 0;
}

}  // namespace

void add_eval_commands(CLI::App& app, CLI::App& /*bench_group*/, Commands& commands) {
  auto* eval_command = app.add_subcommand("eval", "verification accuracy of a trained run on .bin packs / pair lists");
  auto options = std::make_shared<EvalOptions>();
  eval_command->add_option("--checkpoint", options->checkpoint, "run directory, or a checkpoint file inside one")
      ->required();
  eval_command->add_option("--set", options->sets,
                           "verification set: a .bin pack, a pair list, or synthface (default: the run's eval.sets)")
      ->allow_extra_args(false);
  eval_command->add_option("--flip", options->flip_test, "flip test: none, sum or norm_weighted (default: the run's)")
      ->check(CLI::IsMember({"none", "sum", "norm_weighted"}));
  eval_command->add_option("--batch", options->batch_size, "images per forward pass")->check(CLI::PositiveNumber);
  eval_command->add_option("--device", options->device, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  eval_command->add_option("--json", options->json_out, "also write the results, ROC curves included, as JSON");
  eval_command->add_option("--save-embeddings", options->save_embeddings,
                           "write each set's pair embeddings and flags here (the input of `verify`)");
  commands.push_back({eval_command, [options] { return run_eval(*options); }});
}

}  // namespace marginlab::cli
