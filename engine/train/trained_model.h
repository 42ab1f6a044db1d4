#pragma once
// A trained backbone read back from a run, for evaluation now and export later. Only the backbone is restored: the
// head's class centres, the optimiser and the data position stay in the checkpoint for resuming.
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/backbones/backbone.h"
#include "core/experiment/experiment.h"

namespace marginlab::train {

struct TrainedModel {
  Experiment experiment;             // as the run recorded it: the preprocessing (size, colour order, mean/std) to use
  backbones::Backbone backbone;      // in evaluation mode, on the requested device
  std::int64_t step = 0;             // the training step the weights are from
  std::filesystem::path checkpoint;  // the file they were read from
};

// `path` is a run directory or a checkpoint file inside one (<run>/checkpoints/*.pt); the experiment comes from the
// run's experiment.json. Throws InvalidFile naming the file when either is missing or does not match.
TrainedModel load_trained_model(const std::filesystem::path& path, torch::Device device);

// The margin head as the checkpoint holds it: what an export hands on beside the backbone.
struct TrainedHead {
  std::string kind;
  // The values in force at the checkpoint: the experiment's, changed by any live tuning during the run.
  std::map<std::string, double> parameters;
  double learning_rate = 0;
  // "kernel" (D, C: a column per class centre) and the head's buffers, by the names the head registers; not
  // KappaFace's per-sample memory, which is training state. Empty for a model imported without its classifier.
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
};

// Reads the head part of `model`'s checkpoint on the CPU. Throws InvalidFile naming the checkpoint when it is missing
// or damaged.
TrainedHead load_trained_head(const TrainedModel& model);
// Whether the head holds class centres (a kernel): every trained run's does; an imported backbone's may not.
bool has_classifier(const TrainedHead& head);

}  // namespace marginlab::train
