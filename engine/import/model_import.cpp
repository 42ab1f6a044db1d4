#include "engine/import/model_import.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "core/errors.h"
#include "core/experiment/experiment.h"
#include "core/heads/head_registry.h"
#include "core/run/run_status.h"
#include "engine/export/model_card.h"
#include "engine/heads/head_factory.h"
#include "engine/train/checkpoint_file.h"
#include "engine/train/trained_model.h"

namespace marginlab::importing {
namespace {

namespace fs = std::filesystem;
using train::Experiment;

bool adaface_family(const std::string& kind) { return kind.starts_with("adaface-"); }

// The experiment that describes the imported model: its backbone and input, and the head its classifier belongs to.
Experiment experiment_of(const ImportedModel& model) {
  Experiment experiment;
  const auto& spec = model.backbone->spec();
  const auto& source = model.weights.files.front();
  experiment.name = "imported-" + source.stem().string();
  experiment.description = "Imported from " + source.string() + " (" + model.weights.format + ")";
  experiment.model.backbone = spec.kind;
  experiment.model.embedding_dim = spec.embedding_dim;
  experiment.model.dropout = spec.dropout;
  if (model.data) {
    experiment.data.source = model.data->source;
    experiment.data.path = model.data->path;
  }
  experiment.data.image_size = spec.input_size;
  experiment.data.color_order = model.color_order;
  // arcface_torch, AdaFace and CVLface all feed (pixel / 255 - 0.5) / 0.5.
  experiment.data.mean = {0.5f, 0.5f, 0.5f};
  experiment.data.std = {0.5f, 0.5f, 0.5f};
  const auto& weights = model.weights;
  std::string kind = weights.head_kind;
  if (kind.empty() || !heads::find_head(kind)) kind = adaface_family(spec.kind) ? "adaface" : "arcface";
  experiment.head.kind = kind;
  if (!weights.head_kind.empty() && kind == weights.head_kind) {
    for (const auto& [name, value] : weights.head_parameters) experiment.head.params[name] = value;
  }
  train::check_experiment(experiment, model.weights.files.front().string());
  return experiment;
}

}  // namespace

ImportedModel import_model(const fs::path& path, const ImportOptions& options) {
  ImportedModel model;
  model.weights = read_weights_file(path);
  const auto origin = path.string();
  model.architecture = recognise_architecture(model.weights.tensors, origin, options.backbone);
  model.backbone = backbones::make_backbone(model.architecture.spec);
  load_backbone_weights(*model.backbone, model.weights.tensors, model.architecture.prefix, origin);
  model.weights.tensors.clear();
  model.backbone->eval();
  for (const auto& p : model.backbone->parameters()) model.parameters += p.numel();

  model.color_order = model.weights.color_order;
  model.color_order_source = model.weights.color_order_source;
  if (model.color_order.empty()) {
    const bool adaface = adaface_family(model.backbone->kind());
    const bool cvlface = model.weights.format == "safetensors";
    model.color_order = adaface && !cvlface ? "bgr" : "rgb";
    model.color_order_source = cvlface   ? "the file says nothing; CVLface's configurations use RGB"
                               : adaface ? "the file says nothing; AdaFace trains and infers on BGR"
                                         : "the file says nothing; arcface_torch trains on RGB";
  }

  if (const auto& kernel = model.weights.kernel) {
    if (kernel->dim() != 2 || kernel->size(0) != model.backbone->embedding_dim()) {
      throw InvalidFile(fmt::format(
          "{}: the classifier ({}) is {} × {}, but the backbone's embedding has {} "
          "dimensions",
          origin, model.weights.kernel_source, kernel->size(0), kernel->size(1), model.backbone->embedding_dim()));
    }
    if (options.data && kernel->size(1) != options.data_classes) {
      throw InvalidFile(fmt::format(
          "{}: the classifier ({}) has {} classes, but {} has {}", origin, model.weights.kernel_source, kernel->size(1),
          options.data->path.empty() ? options.data->source : options.data->path, options.data_classes));
    }
  }
  model.data = options.data;
  return model;
}

void write_imported_run(const ImportedModel& model, const fs::path& out) {
  // A folder made for the run (RunDirectory::create makes checkpoints/ in it) is taken; one that holds files is not.
  const auto holds_files = [&out] {
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
      if (!entry.is_directory()) return true;
    }
    return false;
  };
  if (fs::exists(out) && (!fs::is_directory(out) || holds_files())) {
    throw InvalidFile(out.string() + ": exists and holds files; import writes a new run directory");
  }
  fs::create_directories(out / "checkpoints");
  const auto experiment = experiment_of(model);
  train::save_experiment(experiment, (out / "experiment.json").string());

  // The trainer's checkpoint layout (session.cpp, trainer.cpp) at step 0: what load_trained_model and
  // load_trained_head read. No optimiser state: an imported model starts new runs (model.init_from), it is not
  // resumed.
  torch::serialize::OutputArchive archive, session, backbone, head;
  model.backbone->save(backbone);
  nlohmann::json head_parameters = nlohmann::json::object();
  // What load_trained_head would read back, kept as it is written: the model card needs nothing else.
  train::TrainedHead trained_head;
  trained_head.kind = experiment.head.kind;
  trained_head.learning_rate = experiment.optimizer.lr;
  if (model.weights.kernel) {
    heads::HeadSpec spec;
    spec.kind = experiment.head.kind;
    spec.embedding_dim = model.backbone->embedding_dim();
    spec.num_classes = model.weights.kernel->size(1);
    spec.values = experiment.head.params;
    const auto built = heads::make_head(spec);
    for (const auto& p : built->named_parameters(/*recurse=*/false)) {
      const auto& stored = p.key() == "kernel" ? *model.weights.kernel : p.value();
      trained_head.tensors.emplace_back(p.key(), stored.to(p.value().scalar_type()));
      head.write(p.key(), trained_head.tensors.back().second);
    }
    for (const auto& b : built->named_buffers(/*recurse=*/false)) {
      // The file's running state where it has the same buffer (AdaFace's batch_mean / batch_std).
      const auto found = model.weights.head_buffers.find(b.key());
      const bool same = found != model.weights.head_buffers.end() && found->second.sizes() == b.value().sizes();
      trained_head.tensors.emplace_back(b.key(), same ? found->second.to(b.value().scalar_type()) : b.value());
      head.write(b.key(), trained_head.tensors.back().second, /*is_buffer=*/true);
    }
    for (const auto& p : built->parameter_values()) {
      if (!p.live) continue;
      head_parameters[p.name] = p.value;
      trained_head.parameters[p.name] = p.value;
    }
  }
  session.write("backbone", backbone);
  session.write("head", head);
  const nlohmann::json state{{"base_lr", experiment.optimizer.lr}, {"head_params", head_parameters}};
  session.write("session", c10::IValue(state.dump()));
  archive.write("session", session);
  const nlohmann::json position{{"step", 0}, {"epoch", 0}, {"batch_index", 0}, {"imported", true}};
  archive.write("position", c10::IValue(position.dump()));
  train::write_checkpoint_atomically(archive, out / "checkpoints" / "latest.pt");

  auto status = train::status_of_this_process(train::RunState::finished);
  status.message = "imported from " + model.weights.files.front().string() + " (" + model.weights.format + ")";
  train::write_run_status(out, status);

  // The model card, as an export writes it, with where the model came from: made from what was just written, not
  // read back (a classifier of millions of classes would be held twice).
  train::TrainedModel trained{experiment, model.backbone, 0, out / "checkpoints" / "latest.pt"};
  auto card = exporting::model_card(trained, trained_head, {});
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : model.weights.files) files.push_back(fs::absolute(file).string());
  card["imported_from"] = {{"files", files},
                           {"format", model.weights.format},
                           {"recognised", model.architecture.evidence},
                           {"color_order", model.color_order},
                           {"color_order_source", model.color_order_source},
                           {"classifier", model.weights.kernel ? model.weights.kernel_source : "none"},
                           {"notes", model.weights.notes}};
  std::ofstream(out / "model_card.json") << card.dump(2) << "\n";
}

std::vector<std::string> describe(const ImportedModel& model) {
  const auto& spec = model.backbone->spec();
  std::vector<std::string> lines{
      "format: " + model.weights.format,
      "architecture: " + spec.kind + " (" + model.architecture.evidence + ")",
      fmt::format("parameters: {:.2f} M", static_cast<double>(model.parameters) / 1e6),
      fmt::format("embedding: {} dimensions; input {}×{}", spec.embedding_dim, spec.input_size, spec.input_size),
      "colour order: " + model.color_order + " (" + model.color_order_source + ")",
  };
  if (const auto& kernel = model.weights.kernel) {
    lines.push_back(fmt::format("classifier: {} classes ({})", kernel->size(1), model.weights.kernel_source));
  } else {
    lines.push_back("classifier: none (the backbone alone)");
  }
  for (const auto& note : model.weights.notes) lines.push_back("also in the file: " + note);
  return lines;
}

}  // namespace marginlab::importing
