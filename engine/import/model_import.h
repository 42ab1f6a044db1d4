#pragma once
// A model from another tool made a MarginLab model: its weights file read (weights_file.h), its architecture
// recognised and proven (architecture.h), and, on request, written as a run directory whose step-0 checkpoint
// `eval`, `embed`, `export`, the benchmarks and the workbench read like any run's, with a model card saying where
// it came from. `model.init_from` starts a new run from the same reader (engine/train).
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "engine/backbones/backbone.h"
#include "engine/import/architecture.h"
#include "engine/import/weights_file.h"

namespace marginlab::importing {

struct ImportOptions {
  std::string backbone;  // --backbone: a kind of backbone_kinds(), where the names are ambiguous; "" to recognise
  // --classes-from: the data the model is for. Its class count must be the classifier's, and the run directory's
  // experiment names it (source and path; the image size and colour order stay the model's).
  std::optional<train::DataSettings> data;
  std::int64_t data_classes = 0;
};

struct ImportedModel {
  WeightsFile weights;
  std::optional<train::DataSettings> data;  // the data it was imported for (--classes-from)  // what was read (its
                                            // tensors emptied once they are in the backbone)
  RecognisedArchitecture architecture;
  backbones::Backbone backbone;  // the weights loaded, evaluation mode, CPU, standard layout
  std::string color_order;       // "rgb" or "bgr": the file's, else the family's convention
  std::string color_order_source;
  std::int64_t parameters = 0;
};

// Throws InvalidFile (the file, what it is, what was expected) or InvalidParameter (a bad option).
ImportedModel import_model(const std::filesystem::path& path, const ImportOptions& options);

// Writes `out` (which must not exist, or hold no files: a folder made for it): experiment.json describing the model,
// checkpoints/latest.pt at step 0 in the trainer's format (the classifier as the head's kernel when there is one),
// model_card.json and an "imported" status. Throws InvalidFile when `out` holds any file.
void write_imported_run(const ImportedModel& model, const std::filesystem::path& out);

// One line per fact, for `marginlab-cli import` and the run's events: format, architecture, parameters, embedding
// size, input, colour order, classifier, what else the file holds.
std::vector<std::string> describe(const ImportedModel& model);

}  // namespace marginlab::importing
