#pragma once
// The model side of a run, without data loading or files: backbone, head, optimiser, precision and the step.
// The trainer drives it from the loader; `bench train` and the tests drive it with tensors of their own.
#include <torch/torch.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "engine/backbones/backbone.h"
#include "engine/data/batch.h"
#include "engine/heads/margin_head.h"
#include "engine/heads/momentum_encoder.h"
#include "core/experiment/experiment.h"
#include "core/telemetry/run_control.h"

namespace marginlab::train {

// What the model needs to know about the training data.
struct DataShape {
  std::int64_t num_classes = 0;
  std::vector<std::int64_t> class_counts;  // n_c (KappaFace's population weight); may be empty: equal counts
  std::int64_t dataset_size = 0;           // rows of KappaFace's memory buffer
};

// Per-step numbers, still on the device: the host copy is made once per report.
enum StepStat : std::int64_t { kLoss, kAccuracy, kNormMean, kNormStd, kMarginMean, kGradNorm, kStepStatCount };

struct StepOutcome {
  bool skipped = false;       // non-finite loss, features or gradients: parameters and optimiser state untouched
  std::string skip_reason;    // why, for the event log
  torch::Tensor stats;        // (kStepStatCount) float32 on the device
  heads::DiagnosticTensors diagnostics;  // when asked for (detached, on the device)
};

torch::Device resolve_device(DeviceChoice choice);  // InvalidParameter when CUDA is asked for but absent

class TrainingSession {
 public:
  TrainingSession(const Experiment& experiment, const DataShape& data, torch::Device device);

  // One optimiser step at learning rate `lr`. A step whose features, loss or gradients are not finite is skipped
  // (and, with fp16, the loss scale halved): the caller records it; nothing is silently dropped.
  StepOutcome step(const data::Batch& batch, double lr, bool with_diagnostics);

  // Unit embeddings and norms in evaluation mode (BatchNorm running statistics, no dropout), without gradient.
  backbones::BackboneOutput embed(const torch::Tensor& images);

  // Applies a live change: a head hyperparameter by name, or kLearningRate (the base lr). Throws InvalidParameter
  // (naming the parameter, value and range) and leaves everything unchanged when the value is refused.
  void apply(const ParamUpdate& update);

  // The end of an epoch: the head's end_epoch() (KappaFace refreshes its per-class statistics).
  void end_epoch();

  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

  backbones::Backbone& backbone() { return backbone_; }
  heads::MarginHead& head() { return head_; }
  torch::Device device() const { return device_; }
  double base_lr() const { return base_lr_; }
  double loss_scale() const { return loss_scale_; }
  std::int64_t skipped_steps() const { return skipped_steps_; }

 private:
  torch::Tensor to_device(const torch::Tensor& t, bool images) const;

  Experiment experiment_;
  torch::Device device_;
  backbones::Backbone backbone_;
  heads::MarginHead head_;
  // For a head that observes momentum-encoder features (KappaFace's shipped configuration): the EMA copy of the
  // backbone whose features the head learns from.
  std::unique_ptr<heads::MomentumEncoder<backbones::Backbone>> momentum_encoder_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::vector<torch::Tensor> trainable_;
  double base_lr_;
  // fp16 dynamic loss scaling: halve on overflow, double after kGrowthInterval clean steps (PyTorch's defaults).
  double loss_scale_ = 1.0;
  std::int64_t clean_steps_ = 0;
  std::int64_t skipped_steps_ = 0;
  static constexpr double kInitialLossScale = 65536.0;
  static constexpr std::int64_t kGrowthInterval = 2000;
};

}  // namespace marginlab::train
