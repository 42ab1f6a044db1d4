#include "engine/train/trained_model.h"

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace marginlab::train {

namespace fs = std::filesystem;

TrainedModel load_trained_model(const fs::path& path, torch::Device device) {
  TrainedModel model;
  fs::path run_directory;
  if (fs::is_directory(path)) {
    run_directory = path;
    model.checkpoint = path / "checkpoints" / "latest.pt";
  } else if (fs::is_regular_file(path)) {
    run_directory = path.parent_path().parent_path();  // <run>/checkpoints/<file>
    model.checkpoint = path;
  } else {
    throw InvalidFile(path.string() + ": no such run directory or checkpoint file");
  }
  const auto experiment_file = run_directory / "experiment.json";
  if (!fs::is_regular_file(experiment_file)) {
    throw InvalidFile(path.string() + ": not inside a run directory (" + experiment_file.string() + " is missing)");
  }
  if (!fs::is_regular_file(model.checkpoint)) {
    throw InvalidFile(run_directory.string() + ": the run has no checkpoint (" + model.checkpoint.string() +
                      " is missing)");
  }
  model.experiment = load_experiment(experiment_file.string());

  backbones::BackboneSpec spec;
  spec.kind = model.experiment.model.backbone;
  spec.embedding_dim = model.experiment.model.embedding_dim;
  spec.input_size = model.experiment.data.image_size;
  spec.dropout = model.experiment.model.dropout;
  model.backbone = backbones::make_backbone(spec);
  try {
    torch::serialize::InputArchive archive, session, backbone;
    archive.load_from(model.checkpoint.string());
    archive.read("session", session);
    session.read("backbone", backbone);
    model.backbone->load(backbone);
    c10::IValue position;
    archive.read("position", position);
    model.step = nlohmann::json::parse(position.toStringRef()).at("step").get<std::int64_t>();
  } catch (const c10::Error& error) {
    throw InvalidFile(model.checkpoint.string() + ": does not hold a " + spec.kind + " backbone as " +
                      experiment_file.string() + " describes (" + error.what_without_backtrace() + ")");
  } catch (const nlohmann::json::exception& error) {
    throw InvalidFile(model.checkpoint.string() + ": damaged run position (" + error.what() + ")");
  }
  model.backbone->to(device);
  if (model.experiment.model.channels_last) backbones::use_channels_last(*model.backbone);
  model.backbone->eval();
  return model;
}

TrainedHead load_trained_head(const TrainedModel& model) {
  TrainedHead head;
  head.kind = model.experiment.head.kind;
  try {
    torch::serialize::InputArchive archive, session_archive, tensors;
    archive.load_from(model.checkpoint.string(), torch::kCPU);
    archive.read("session", session_archive);
    session_archive.read("head", tensors);
    for (const auto& key : tensors.keys()) {
      // KappaFace's per-sample memory is training state the size of the dataset (gigabytes for MS1MV2), not part of
      // the model; the checkpoint keeps it for resuming.
      if (key == "memory") continue;
      torch::Tensor tensor;
      if (tensors.try_read(key, tensor)) head.tensors.emplace_back(key, tensor);
    }
    c10::IValue session;
    session_archive.read("session", session);
    const auto state = nlohmann::json::parse(session.toStringRef());
    head.learning_rate = state.at("base_lr").get<double>();
    for (const auto& [name, value] : state.at("head_params").items()) head.parameters[name] = value.get<double>();
  } catch (const c10::Error& error) {
    throw InvalidFile(model.checkpoint.string() + ": cannot read the head (" + error.what_without_backtrace() + ")");
  } catch (const nlohmann::json::exception& error) {
    throw InvalidFile(model.checkpoint.string() + ": damaged head parameters (" + error.what() + ")");
  }
  return head;
}

bool has_classifier(const TrainedHead& head) {
  for (const auto& [name, tensor] : head.tensors) {
    if (name == "kernel") return true;
  }
  return false;
}

}  // namespace marginlab::train
