#pragma once
// model.init_from: the weights a new run starts from, read from whatever the path holds (a weights file or folder
// of another tool, or a MarginLab run directory, checkpoint or export) and checked against the run's backbone.
#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <string>

#include "engine/backbones/backbone.h"

namespace marginlab::importing {

struct StartingPoint {
  backbones::Backbone backbone;         // the weights, on the CPU
  std::optional<torch::Tensor> kernel;  // (D, C) when the source has a classifier
  std::string description;              // "adaface-ir18 from adaface_ir101_webface12m.ckpt (AdaFace Lightning ...)"
};

// Throws InvalidFile for an unreadable source, InvalidParameter (naming model.init_from and model.backbone) when
// its architecture, embedding size or input size is not `spec`'s.
StartingPoint read_starting_point(const std::filesystem::path& path, const backbones::BackboneSpec& spec);

}  // namespace marginlab::importing
