#include "engine/import/starting_point.h"

#include <fmt/format.h>

#include "core/backbones/backbone_catalog.h"
#include "core/errors.h"
#include "engine/import/model_import.h"
#include "engine/train/trained_model.h"

namespace marginlab::importing {

namespace fs = std::filesystem;

StartingPoint read_starting_point(const fs::path& path, const backbones::BackboneSpec& spec) {
  StartingPoint start;
  // A MarginLab run (or a checkpoint inside one) is read as the trainer wrote it; anything else is imported.
  const bool run =
      fs::is_regular_file(path / "experiment.json") ||
      (fs::is_regular_file(path) && fs::is_regular_file(path.parent_path().parent_path() / "experiment.json"));
  if (run) {
    const auto model = train::load_trained_model(path, torch::kCPU);
    start.backbone = model.backbone;
    const auto head = train::load_trained_head(model);
    for (const auto& [name, tensor] : head.tensors) {
      if (name == "kernel") start.kernel = tensor;
    }
    start.description = fmt::format("{} from the run {} at step {}", model.backbone->kind(), path.string(), model.step);
  } else {
    auto model = import_model(path, {});
    start.backbone = model.backbone;
    start.kernel = model.weights.kernel;
    start.description = fmt::format("{} from {} ({})", model.backbone->kind(), path.string(), model.weights.format);
  }
  const auto& source = start.backbone->spec();
  if (source.kind != backbones::canonical_backbone_kind(spec.kind) || source.embedding_dim != spec.embedding_dim ||
      source.input_size != spec.input_size) {
    throw InvalidParameter(fmt::format(
        "model.init_from = {} holds a {} of {} dimensions at {}×{}, but the run builds a {} of {} dimensions at "
        "{}×{} (model.backbone, model.embedding_dim, data.image_size): set them to the weights'",
        path.string(), source.kind, source.embedding_dim, source.input_size, source.input_size, spec.kind,
        spec.embedding_dim, spec.input_size, spec.input_size));
  }
  return start;
}

}  // namespace marginlab::importing
