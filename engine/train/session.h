#pragma once
// The model side of a run, without data loading or files: backbone, head, optimiser, precision and the step.
// The trainer drives it from the loader; `bench train` and the tests drive it with tensors of their own.
// On a communicator of several ranks it is one rank of a data-parallel, Partial FC run (docs/distributed.md): the
// backbone replicated (rank 0's start, gradients summed), the head holding this rank's range of classes, the
// embeddings of the global batch gathered, the softmax cross-entropy taken over every rank's classes. Every method
// that talks to the other ranks (step, end_epoch, class_statistics, save, load) must then be called by all of them
// at the same point.
#include <torch/torch.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/distributed/class_shard.h"
#include "engine/backbones/backbone.h"
#include "engine/distributed/communicator.h"
#include "engine/distributed/replica_sync.h"
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
  torch::Tensor stats;        // (kStepStatCount) float32 on the device, of the global batch
  heads::DiagnosticTensors diagnostics;  // when asked for (detached, on the device), of the global batch's rows
  torch::Tensor quality;                 // those rows' known quality (NaN where unknown), when the batch had it
};

torch::Device resolve_device(DeviceChoice choice);  // InvalidParameter when CUDA is asked for but absent

class TrainingSession {
 public:
  // `data` describes the whole dataset (all classes) whatever the world size.
  TrainingSession(const Experiment& experiment, const DataShape& data, torch::Device device,
                  std::shared_ptr<distributed::Communicator> comm = distributed::single_process());

  // One optimiser step at learning rate `lr` on this rank's share of the global batch. A step whose features, loss
  // or gradients are not finite is skipped (and, with fp16, the loss scale halved) on every rank alike: the caller
  // records it; nothing is silently dropped. A label outside the dataset's classes is refused (InvalidBatch).
  StepOutcome step(const data::Batch& batch, double lr, bool with_diagnostics);

  // What a step would see, without learning: the backbone in evaluation mode, the head's diagnostics on `batch`
  // (norms, margins, θ to the class centres), no gradient, and the head's running state (AdaFace's norm statistics,
  // CurricularFace's t) put back afterwards, so the model is exactly as before (report.at_start). One process only.
  StepOutcome look(const data::Batch& batch);

  // Unit embeddings and norms in evaluation mode (BatchNorm running statistics, no dropout), without gradient.
  backbones::BackboneOutput embed(const torch::Tensor& images);

  // Fine-tuning (model.init_from): every backbone tensor from `weights` (the same architecture), and the head's class
  // centres from `kernel` (D, C of every class; this rank keeps its own) when it is given. The momentum encoder, if
  // any, starts from the same weights. Throws InvalidParameter naming both sizes when the kernel does not fit.
  void start_from(const backbones::BackboneImpl& weights, const torch::Tensor* kernel);
  // While frozen, steps run the backbone in evaluation mode without gradient (its weights and BatchNorm statistics
  // stay as they are) and only the head learns: optimizer.freeze_backbone_steps.
  void freeze_backbone(bool frozen) { backbone_frozen_ = frozen; }

  // Applies a live change: a head hyperparameter by name, or kLearningRate (the base lr). Throws InvalidParameter
  // (naming the parameter, value and range) and leaves everything unchanged when the value is refused.
  void apply(const ParamUpdate& update);

  // The end of an epoch: the head's end_epoch() (KappaFace refreshes its per-class statistics).
  void end_epoch();

  // The head's per-class state for every class of the dataset (gathered from the ranks that hold them).
  heads::ClassStatistics class_statistics();

  // The state a run resumes from, free of the world size: the classifier, its optimiser slots and per-class state in
  // global class order (gathered; rank 0's archive is the one to write), the replicated rest as rank 0 holds it.
  void save(torch::serialize::OutputArchive& archive);
  // Reads such an archive, written at any world size, taking this rank's classes. A checkpoint for another number
  // of classes or another embedding size is refused (InvalidFile) with both shapes; nothing is re-initialised.
  void load(torch::serialize::InputArchive& archive);

  backbones::Backbone& backbone() { return backbone_; }
  heads::MarginHead& head() { return head_; }
  torch::Device device() const { return device_; }
  const distributed::Communicator& communicator() const { return *comm_; }
  const distributed::ClassShard& classes_held() const { return shard_; }
  // The backbone's gradient sum over the ranks; null in one process.
  const distributed::ReplicaSync* replica_sync() const { return replica_sync_.get(); }
  double base_lr() const { return base_lr_; }
  double loss_scale() const { return loss_scale_; }
  std::int64_t skipped_steps() const { return skipped_steps_; }

 private:
  torch::Tensor to_device(const torch::Tensor& t, bool images) const;
  bool distributed() const { return comm_->world_size() > 1; }
  // Every rank's rows of a tensor without gradient (labels, sample ids, quality); itself in one process.
  torch::Tensor all_rows(const torch::Tensor& local) const;
  // Replaces the optimiser's per-weight slots of every class-axis parameter of the head (SGD's momentum, AdamW's
  // moments) by `change(slot, axis)`.
  void change_class_slots(const std::function<torch::Tensor(const torch::Tensor&, std::int64_t)>& change);

  Experiment experiment_;
  torch::Device device_;
  std::shared_ptr<distributed::Communicator> comm_;
  std::int64_t num_classes_;
  distributed::ClassShard shard_;  // the classes this rank's head holds (all of them in one process)
  std::unique_ptr<distributed::ReplicaSync> replica_sync_;
  backbones::Backbone backbone_;
  heads::MarginHead head_;
  // For a head that observes momentum-encoder features (KappaFace's shipped configuration): the EMA copy of the
  // backbone whose features the head learns from.
  std::unique_ptr<heads::MomentumEncoder<backbones::Backbone>> momentum_encoder_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  // Each optimiser group's learning rate as a multiple of the base rate (optimizer.backbone_lr_scale).
  std::vector<double> lr_scales_;
  bool backbone_frozen_ = false;
  std::vector<torch::Tensor> trainable_;
  std::vector<torch::Tensor> backbone_trainable_, head_trainable_;
  double base_lr_;
  // fp16 dynamic loss scaling: halve on overflow, double after kGrowthInterval clean steps (PyTorch's defaults).
  double loss_scale_ = 1.0;
  std::int64_t clean_steps_ = 0;
  std::int64_t skipped_steps_ = 0;
  static constexpr double kInitialLossScale = 65536.0;
  static constexpr std::int64_t kGrowthInterval = 2000;
};

}  // namespace marginlab::train
