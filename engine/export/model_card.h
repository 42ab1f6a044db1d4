#pragma once
// The model card: a JSON beside every export saying what the model is and how to feed it, so that the files can be
// used without the run directory. Its sections:
//   model          backbone, embedding size, input size, parameters, multiply-adds, checkpoint and step
//   preprocessing  the exact input transform (resize, channel order, scale, mean/std, layout)
//   output         what the embedding is and how to compare embeddings
//   head           the margin head, its hyperparameters in force at the checkpoint (live changes included), the
//                  experiment's values, the class count
//   training       the whole resolved experiment, as the run recorded it
//   data           the training data and what this export read
//   metrics        the last training step's loss/accuracy and the newest verification result per set up to the step
//   export         the files (name, format, bytes) and, for ONNX, the parity check's result
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/export/onnx_parity.h"
#include "engine/train/trained_model.h"

namespace marginlab::exporting {

struct ExportedFile {
  std::string name;    // file name inside the export folder
  std::string format;  // "onnx", "pytorch-state-dict", "pytorch-head", "npy", ...
  std::string content;  // one line: what it holds
  std::uintmax_t bytes = 0;
};

struct ModelCardExtras {
  std::string data_read;               // what this export read, if anything ("" otherwise)
  std::vector<ExportedFile> files;
  std::optional<ParityResult> parity;  // ONNX exports
};

// The run directory is read for the metrics (metrics.csv, evaluations.jsonl); a run whose records cannot be read
// gets "metrics": null and the reason in "metrics_unavailable", never invented numbers.
nlohmann::json model_card(const train::TrainedModel& model, const train::TrainedHead& head,
                          const ModelCardExtras& extras);

// The preprocessing section alone (also written into the ONNX metadata).
nlohmann::json preprocessing_json(const train::Experiment& experiment);

}  // namespace marginlab::exporting
