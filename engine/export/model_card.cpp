#include "engine/export/model_card.h"

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "engine/backbones/model_info.h"
#include "core/run/run_history.h"

namespace marginlab::exporting {
namespace {

std::filesystem::path run_directory_of(const train::TrainedModel& model) {
  return model.checkpoint.parent_path().parent_path();  // <run>/checkpoints/<file>
}

nlohmann::json model_section(const train::TrainedModel& model) {
  const auto& spec = model.backbone->spec();
  const auto info = backbones::model_info(spec);
  return {{"backbone", spec.kind},
          {"embedding_dim", spec.embedding_dim},
          {"input_size", spec.input_size},
          {"parameters", info.parameters},
          {"multiply_adds_per_image", info.multiply_adds},
          {"checkpoint", model.checkpoint.string()},
          {"step", model.step}};
}

nlohmann::json head_section(const train::TrainedModel& model, const train::TrainedHead& head) {
  nlohmann::json tensors = nlohmann::json::object();
  std::int64_t classes = 0;
  for (const auto& [name, tensor] : head.tensors) {
    tensors[name] = tensor.sizes().vec();
    if (name == "kernel") classes = tensor.size(1);
  }
  return {{"kind", head.kind},
          {"parameters", head.parameters},
          {"experiment_parameters", train::to_json(model.experiment.head.params)},
          {"learning_rate", head.learning_rate},
          {"classes", classes},
          {"tensors", tensors}};
}

nlohmann::json step_json(const train::StepRecord& record) {
  return {{"step", record.step},   {"epoch", record.epoch},       {"loss", record.loss},
          {"accuracy", record.accuracy}, {"lr", record.lr},       {"norm_mean", record.norm_mean},
          {"margin_mean", record.margin_mean}};
}

// The last step record and the newest evaluation per set, both at or before the checkpoint's step.
nlohmann::json metrics_section(const train::TrainedModel& model, const train::RunHistory& history) {
  nlohmann::json metrics = nlohmann::json::object();
  const train::StepRecord* last = nullptr;
  for (const auto& record : history.steps) {
    if (record.step <= model.step) last = &record;
  }
  metrics["last_step"] = last ? step_json(*last) : nlohmann::json(nullptr);
  std::map<std::string, const train::Evaluation*> newest;
  for (const auto& evaluation : history.evaluations) {
    if (evaluation.step <= model.step) newest[evaluation.set] = &evaluation;
  }
  nlohmann::json verification = nlohmann::json::array();
  for (const auto& [set, evaluation] : newest) {
    auto entry = eval::to_json(*evaluation);
    entry["step"] = evaluation->step;
    // The curves are for plots: the card keeps the numbers.
    for (auto& stratum : entry["strata"]) stratum.erase("roc_far_tar");
    verification.push_back(std::move(entry));
  }
  metrics["verification"] = verification;
  return metrics;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

}  // namespace

nlohmann::json preprocessing_json(const train::Experiment& experiment) {
  const auto& data = experiment.data;
  return {{"input", fmt::format("float32 (batch, 3, {0}, {0}), NCHW", data.image_size)},
          {"resize", fmt::format("to {0}x{0}: INTER_AREA when shrinking, INTER_LINEAR when enlarging (OpenCV)",
                                 data.image_size)},
          {"alignment", "faces aligned and cropped as the training data was (insightface's five-point alignment "
                        "for its datasets; SynthFace renders aligned faces)"},
          {"color_order", data.color_order},
          {"scale", "pixel / 255, to [0, 1]"},
          {"mean", data.mean},
          {"std", data.std},
          {"formula", "x[c] = (pixel[c] / 255 - mean[c]) / std[c], channels in color_order"}};
}

nlohmann::json model_card(const train::TrainedModel& model, const train::TrainedHead& head,
                          const ModelCardExtras& extras) {
  nlohmann::json card{{"model_card", "marginlab"},
                      {"version", 1},
                      {"created", utc_now()},
                      {"model", model_section(model)},
                      {"preprocessing", preprocessing_json(model.experiment)},
                      {"output",
                       {{"embedding", "the raw embedding: unit direction = identity, L2 norm = the network's "
                                      "quality proxy (AdaFace, MagFace)"},
                        {"compare", fmt::format("cosine similarity of embeddings; the run's verification used flip test '{}'",
                                               eval::to_string(model.experiment.eval.flip_test))}}},
                      {"head", head_section(model, head)},
                      {"training", train::to_json(model.experiment)}};
  card["data"] = {{"source", model.experiment.data.source},
                  {"path", model.experiment.data.path},
                  {"synthface", model.experiment.data.synthface},
                  {"read_by_this_export", extras.data_read}};
  try {
    card["metrics"] = metrics_section(model, train::read_run_history(run_directory_of(model)));
  } catch (const std::exception& error) {
    card["metrics"] = nullptr;
    card["metrics_unavailable"] = error.what();
  }
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : extras.files) {
    files.push_back({{"name", file.name}, {"format", file.format}, {"content", file.content}, {"bytes", file.bytes}});
  }
  card["export"] = {{"files", files}};
  if (extras.parity) {
    card["export"]["onnx_parity"] = {{"runtime", extras.parity->runtime},
                                     {"images", extras.parity->images},
                                     {"min_cosine", extras.parity->min_cosine},
                                     {"required_min_cosine", kParityMinCosine},
                                     {"max_norm_relative_error", extras.parity->max_norm_relative_error}};
  }
  return card;
}

}  // namespace marginlab::exporting
