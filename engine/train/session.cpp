#include "engine/train/session.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/experiment/experiment_fields.h"
#include "engine/heads/head_factory.h"
#include "engine/train/optimizer.h"

namespace marginlab::train {
namespace {

// Autocast for the backbone on CUDA. The API moved to per-device-type calls in LibTorch 2.4.
class CudaAutocast {
 public:
  CudaAutocast(bool enabled, at::ScalarType dtype) : enabled_(enabled) {
    if (!enabled_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(true);
#endif
    at::autocast::increment_nesting();
  }
  ~CudaAutocast() {
    if (!enabled_) return;
    // Leaving the outermost region drops the cached casts of the weights, as torch.autocast does.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
  }
  CudaAutocast(const CudaAutocast&) = delete;
  CudaAutocast& operator=(const CudaAutocast&) = delete;

 private:
  bool enabled_;
};

}  // namespace

torch::Device resolve_device(DeviceChoice choice) {
  const bool cuda = torch::cuda::is_available();
  if (choice == DeviceChoice::cuda && !cuda) {
    throw InvalidParameter("train.device = \"cuda\": this LibTorch has no CUDA device (use \"auto\" or \"cpu\")");
  }
  return (choice != DeviceChoice::cpu && cuda) ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

TrainingSession::TrainingSession(const Experiment& experiment, const DataShape& data, torch::Device device)
    : experiment_(experiment), device_(device), base_lr_(experiment.optimizer.lr) {
  if (experiment.train.precision != Precision::fp32 && !device.is_cuda()) {
    throw InvalidParameter("train.precision = \"" + to_string(experiment.train.precision) +
                           "\": mixed precision needs a CUDA device; use fp32 on the CPU");
  }
  // Fixed input shapes: let cuDNN time its algorithms once and keep the fastest.
  if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
  backbones::BackboneSpec spec;
  spec.kind = experiment.model.backbone;
  spec.embedding_dim = experiment.model.embedding_dim;
  spec.input_size = experiment.data.image_size;
  spec.dropout = experiment.model.dropout;
  backbone_ = backbones::make_backbone(spec);

  heads::HeadSpec head;
  head.kind = experiment.head.kind;
  head.embedding_dim = experiment.model.embedding_dim;
  head.num_classes = data.num_classes;
  head.values = experiment.head.params;
  head.class_counts = data.class_counts;
  if (data.class_counts.empty() && data.num_classes > 0) head.samples_per_class = data.dataset_size / data.num_classes;
  head_ = heads::make_head(head);

  backbone_->to(device_);
  head_->to(device_);
  if (experiment.model.channels_last) backbones::use_channels_last(*backbone_);
  if (head_->observes() == heads::MarginHeadImpl::Observes::momentum_encoder_features) {
    momentum_encoder_ = std::make_unique<heads::MomentumEncoder<backbones::Backbone>>(
        backbone_, heads::MomentumEncoder<backbones::Backbone>::kAuthorsSourceWeight);
  }

  auto groups = split_for_weight_decay({backbone_, head_});
  trainable_ = groups.decay;
  trainable_.insert(trainable_.end(), groups.no_decay.begin(), groups.no_decay.end());
  optimizer_ = make_optimizer(experiment.optimizer, std::move(groups));
  if (experiment.train.precision == Precision::fp16) loss_scale_ = kInitialLossScale;
}

torch::Tensor TrainingSession::to_device(const torch::Tensor& t, bool images) const {
  auto moved = t.to(device_, /*non_blocking=*/true);
  if (images && experiment_.model.channels_last) moved = moved.contiguous(torch::MemoryFormat::ChannelsLast);
  return moved;
}

StepOutcome TrainingSession::step(const data::Batch& batch, double lr, bool with_diagnostics) {
  StepOutcome outcome;
  backbone_->train();
  head_->train();
  set_learning_rate(*optimizer_, lr);
  optimizer_->zero_grad();

  const auto images = to_device(batch.images, true);
  const auto labels = to_device(batch.labels, false);
  const auto precision = experiment_.train.precision;

  backbones::BackboneOutput features;
  {
    CudaAutocast autocast(precision != Precision::fp32, precision == Precision::bf16 ? at::kBFloat16 : at::kHalf);
    features = backbone_->forward(images);
  }
  // The head runs in float32 whatever the backbone's precision: margins near θ = 0 need the resolution.
  const auto embedding = features.embedding.to(torch::kFloat32);
  const auto norm = features.norm.to(torch::kFloat32);
  auto skip = [&](std::string reason) {
    outcome.skipped = true;
    outcome.skip_reason = std::move(reason);
    optimizer_->zero_grad();
    ++skipped_steps_;
    if (precision == Precision::fp16) {
      loss_scale_ = std::max(1.0, loss_scale_ / 2);
      clean_steps_ = 0;
    }
    outcome.stats = torch::full({kStepStatCount}, std::numeric_limits<float>::quiet_NaN(),
                                torch::TensorOptions().device(device_));
    return outcome;
  };

  heads::HeadOutput out;
  try {
    out = head_->forward({embedding, norm, labels}, with_diagnostics);
  } catch (const InvalidBatch& error) {
    // Non-finite features come from a diverged or overflowing backbone, not from the caller: skip, don't crash.
    if (torch::isfinite(embedding).all().item<bool>() && torch::isfinite(norm).all().item<bool>()) throw;
    return skip(std::string("non-finite features: ") + error.what());
  }

  (out.loss * loss_scale_).backward();
  if (loss_scale_ != 1.0) {
    torch::NoGradGuard no_grad;
    for (auto& p : trainable_) {
      if (p.grad().defined()) p.grad().div_(loss_scale_);
    }
  }
  const auto grad_norm = gradient_norm(trainable_);
  const auto loss = out.loss.detach();
  // One host sync per step: the decision to update must be made here.
  if (!(torch::isfinite(loss) & torch::isfinite(grad_norm)).item<bool>()) {
    return skip(torch::isfinite(loss).item<bool>() ? "non-finite gradients" : "non-finite loss");
  }
  if (experiment_.optimizer.clip_grad_norm > 0) {
    torch::nn::utils::clip_grad_norm_(trainable_, experiment_.optimizer.clip_grad_norm);
  }
  optimizer_->step();
  if (precision == Precision::fp16 && ++clean_steps_ >= kGrowthInterval) {
    loss_scale_ *= 2;
    clean_steps_ = 0;
  }

  if (momentum_encoder_) {
    // As the authors: the encoder follows the just-updated backbone, then its features of this batch are counted.
    momentum_encoder_->update(backbone_);
    torch::NoGradGuard no_grad;
    torch::Tensor encoded;
    {
      CudaAutocast autocast(precision != Precision::fp32, precision == Precision::bf16 ? at::kBFloat16 : at::kHalf);
      encoded = momentum_encoder_->encoder()->forward(images).embedding;
    }
    head_->observe(torch::Tensor(), encoded.to(torch::kFloat32), labels);
  } else if (head_->observes() == heads::MarginHeadImpl::Observes::backbone_features) {
    head_->observe(to_device(batch.sample_ids, false), embedding.detach(), labels);
  }

  torch::NoGradGuard no_grad;
  const auto accuracy = (out.logits.argmax(1) == labels).to(torch::kFloat32).mean();
  const auto flat_norm = norm.detach().flatten();
  const auto margin_mean =
      with_diagnostics ? out.diagnostics.margin.to(torch::kFloat32).mean() : torch::full({}, NAN, flat_norm.options());
  outcome.stats = torch::stack({loss.to(torch::kFloat32), accuracy, flat_norm.mean(),
                                flat_norm.numel() > 1 ? flat_norm.std() : torch::zeros({}, flat_norm.options()),
                                margin_mean, grad_norm.to(torch::kFloat32)});
  if (with_diagnostics) outcome.diagnostics = out.diagnostics;
  return outcome;
}

backbones::BackboneOutput TrainingSession::embed(const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  const bool was_training = backbone_->is_training();
  backbone_->eval();
  backbones::BackboneOutput out;
  {
    const auto precision = experiment_.train.precision;
    CudaAutocast autocast(precision != Precision::fp32, precision == Precision::bf16 ? at::kBFloat16 : at::kHalf);
    out = backbone_->forward(to_device(images, true));
  }
  backbone_->train(was_training);
  return {out.embedding.to(torch::kFloat32), out.norm.to(torch::kFloat32)};
}

void TrainingSession::apply(const ParamUpdate& update) {
  if (update.name == kLearningRate) {
    // The experiment's own range for optimizer.lr: a live change is held to what a file may say.
    const Range& range = find_field("optimizer.lr")->range;
    if (!range.contains(update.value)) {
      throw InvalidParameter("lr = " + format_number(update.value) + " is outside " + range.describe());
    }
    base_lr_ = update.value;
    return;
  }
  head_->set_parameter(update.name, update.value);
}

void TrainingSession::end_epoch() { head_->end_epoch(); }

void TrainingSession::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive backbone, head, head_extra, optimizer;
  backbone_->save(backbone);
  head_->save(head);
  head_->save_extra_state(head_extra);
  optimizer_->save(optimizer);
  archive.write("backbone", backbone);
  archive.write("head", head);
  archive.write("head_extra", head_extra);
  archive.write("optimizer", optimizer);
  if (momentum_encoder_) {
    torch::serialize::OutputArchive encoder;
    momentum_encoder_->encoder()->save(encoder);
    archive.write("momentum_encoder", encoder);
  }

  // Live-tuned values differ from the experiment file: the checkpoint carries the ones in force. Choices are fixed for
  // the run and come from the experiment.
  nlohmann::json params = nlohmann::json::object();
  for (const auto& p : head_->parameter_values()) {
    if (p.live) params[p.name] = p.value;
  }
  const nlohmann::json state{{"base_lr", base_lr_},
                             {"loss_scale", loss_scale_},
                             {"clean_steps", clean_steps_},
                             {"skipped_steps", skipped_steps_},
                             {"head_params", params}};
  archive.write("session", c10::IValue(state.dump()));
}

void TrainingSession::load(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive backbone, head, head_extra, optimizer;
  archive.read("backbone", backbone);
  archive.read("head", head);
  archive.read("head_extra", head_extra);
  archive.read("optimizer", optimizer);
  backbone_->load(backbone);
  head_->load(head);
  head_->load_extra_state(head_extra);
  optimizer_->load(optimizer);
  if (momentum_encoder_) {
    torch::serialize::InputArchive encoder;
    archive.read("momentum_encoder", encoder);
    momentum_encoder_->encoder()->load(encoder);
    momentum_encoder_->encoder()->to(device_);
    if (experiment_.model.channels_last) backbones::use_channels_last(*momentum_encoder_->encoder());
  }
  backbone_->to(device_);
  head_->to(device_);
  if (experiment_.model.channels_last) backbones::use_channels_last(*backbone_);

  c10::IValue value;
  archive.read("session", value);
  const auto state = nlohmann::json::parse(value.toStringRef());
  base_lr_ = state.at("base_lr").get<double>();
  loss_scale_ = state.at("loss_scale").get<double>();
  clean_steps_ = state.at("clean_steps").get<std::int64_t>();
  skipped_steps_ = state.at("skipped_steps").get<std::int64_t>();
  for (const auto& [name, v] : state.at("head_params").items()) head_->set_parameter(name, v.get<double>());
}

}  // namespace marginlab::train
