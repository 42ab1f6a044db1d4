#include "engine/train/session.h"

#include <optional>

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <type_traits>

#include "core/errors.h"
#include "core/experiment/experiment_fields.h"
#include "engine/backbones/sync_batch_norm.h"
#include "engine/distributed/class_gather.h"
#include "engine/distributed/class_sampling.h"
#include "engine/distributed/sharded_softmax.h"
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

// The optimiser's state entry of a parameter: keyed by its TensorImpl, as a pointer since LibTorch 2.x and as the
// pointer's text before.
template <class StateMap>
auto find_state(StateMap& state, const torch::Tensor& parameter) {
  using Key = typename std::decay_t<StateMap>::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream key;
    key << parameter.unsafeGetTensorImpl();
    return state.find(key.str());
  } else {
    return state.find(parameter.unsafeGetTensorImpl());
  }
}

// The sum of squares of the gradients, as one device scalar.
torch::Tensor squared_gradient_norm(const std::vector<torch::Tensor>& parameters, const torch::Device& device) {
  auto norm = gradient_norm(parameters);
  return norm.defined() ? norm.to(torch::kFloat64).pow(2)
                        : torch::zeros({}, torch::TensorOptions(device).dtype(torch::kFloat64));
}

}  // namespace

torch::Device resolve_device(DeviceChoice choice) {
  const bool cuda = torch::cuda::is_available();
  if (choice == DeviceChoice::cuda && !cuda) {
    throw InvalidParameter("train.device = \"cuda\": this LibTorch has no CUDA device (use \"auto\" or \"cpu\")");
  }
  return (choice != DeviceChoice::cpu && cuda) ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

TrainingSession::TrainingSession(const Experiment& experiment, const DataShape& data, torch::Device device,
                                 std::shared_ptr<distributed::Communicator> comm)
    : experiment_(experiment),
      device_(device),
      comm_(std::move(comm)),
      num_classes_(data.num_classes),
      shard_(distributed::class_shard(data.num_classes, comm_->rank(), comm_->world_size())),
      base_lr_(experiment.optimizer.lr) {
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
  head.first_class = shard_.first;
  head.held_classes = shard_.count;
  head_ = heads::make_head(head);
  if (distributed()) {
    auto sum = [comm = comm_](torch::Tensor& t) { comm->allreduce_sum(t); };
    auto max = [comm = comm_](torch::Tensor& t) { comm->allreduce_max(t); };
    head_->set_over_ranks({sum, max});
  }

  backbone_->to(device_);
  head_->to(device_);
  if (experiment.model.channels_last) backbones::use_channels_last(*backbone_);
  if (distributed()) {
    // The classifier shard is this rank's own; the backbone is one model in W copies.
    replica_sync_ = std::make_unique<distributed::ReplicaSync>(comm_, backbone_->parameters(), backbone_->buffers());
    replica_sync_->broadcast_from_rank0();
  }
  if (const int groups = experiment.train.batchnorm_groups; groups > 1) {
    if (distributed() || experiment.train.sync_batchnorm) {
      throw InvalidParameter(fmt::format(
          "train.batchnorm_groups = {}: a run of several ranks normalises per rank already, and synchronised "
          "BatchNorm over the whole batch; it is for one process reproducing such a run",
          groups));
    }
    if (experiment.train.batch_size % groups != 0) {
      throw InvalidParameter(fmt::format("train.batchnorm_groups = {} does not divide train.batch_size = {}", groups,
                                         experiment.train.batch_size));
    }
    backbones::normalise_batch_norm_in_groups(*backbone_, groups);
  }
  if (experiment.train.sync_batchnorm) {
    // In one process too (the sum over one rank is the identity): a run with synchronised BatchNorm does the same
    // arithmetic at every world size, so its numbers compare across world sizes to rounding.
    backbones::synchronise_batch_norm(*backbone_, [comm = comm_](torch::Tensor& t) { comm->allreduce_sum(t); });
  }
  if (head_->observes() == heads::MarginHeadImpl::Observes::momentum_encoder_features) {
    momentum_encoder_ = std::make_unique<heads::MomentumEncoder<backbones::Backbone>>(
        backbone_, heads::MomentumEncoder<backbones::Backbone>::kAuthorsSourceWeight);
    if (experiment.train.sync_batchnorm) {
      backbones::synchronise_batch_norm(*momentum_encoder_->encoder(),
                                        [comm = comm_](torch::Tensor& t) { comm->allreduce_sum(t); });
    }
  }

  for (const auto& p : backbone_->parameters()) {
    if (p.requires_grad()) backbone_trainable_.push_back(p);
  }
  for (const auto& p : head_->parameters()) {
    if (p.requires_grad()) head_trainable_.push_back(p);
  }
  // One pair of groups (with and without weight decay) for the whole model, as every run before fine-tuning options
  // wrote its optimiser; a pair per part when the backbone learns at its own rate.
  std::vector<ParameterGroups> groups;
  const double backbone_scale = experiment.optimizer.backbone_lr_scale;
  if (backbone_scale != 1.0) {
    groups.push_back(split_for_weight_decay({backbone_}));
    groups.back().lr_scale = backbone_scale;
    groups.push_back(split_for_weight_decay({head_}));
  } else {
    groups.push_back(split_for_weight_decay({backbone_, head_}));
  }
  for (const auto& group : groups) {
    trainable_.insert(trainable_.end(), group.decay.begin(), group.decay.end());
    trainable_.insert(trainable_.end(), group.no_decay.begin(), group.no_decay.end());
    lr_scales_.insert(lr_scales_.end(), {group.lr_scale, group.lr_scale});
  }
  optimizer_ = make_optimizer(experiment.optimizer, std::move(groups));
  if (experiment.train.precision == Precision::fp16) loss_scale_ = kInitialLossScale;
}

torch::Tensor TrainingSession::to_device(const torch::Tensor& t, bool images) const {
  auto moved = t.to(device_, /*non_blocking=*/true);
  if (images && experiment_.model.channels_last) moved = moved.contiguous(torch::MemoryFormat::ChannelsLast);
  return moved;
}

torch::Tensor TrainingSession::all_rows(const torch::Tensor& local) const {
  return distributed() ? comm_->allgather_rows(local.contiguous()) : local;
}

StepOutcome TrainingSession::step(const data::Batch& batch, double lr, bool with_diagnostics) {
  StepOutcome outcome;
  const bool frozen = backbone_frozen_;
  backbone_->train(!frozen);
  head_->train();
  set_learning_rate(*optimizer_, lr, lr_scales_);
  optimizer_->zero_grad();
  if (frozen) {
    // No gradient at all (not zeros): the optimiser then leaves the backbone alone, weight decay and momentum too.
    for (auto& p : backbone_trainable_) p.mutable_grad() = torch::Tensor();
  }

  const auto images = to_device(batch.images, true);
  const auto labels = to_device(batch.labels, false);
  const auto precision = experiment_.train.precision;
  if (distributed() && labels.numel() > 0) {
    // Before any collective: a class no rank holds would silently leave the loss.
    const auto ends = torch::stack({labels.min(), labels.max()}).to(torch::kCPU);  // one host copy
    const auto lowest = ends[0].item<std::int64_t>(), highest = ends[1].item<std::int64_t>();
    if (lowest < 0 || highest >= num_classes_) {
      throw InvalidBatch(fmt::format("rank {}: labels must lie in [0, {}], got min {} and max {}", comm_->rank(),
                                     num_classes_ - 1, lowest, highest));
    }
  }

  backbones::BackboneOutput features;
  {
    CudaAutocast autocast(precision != Precision::fp32, precision == Precision::bf16 ? at::kBFloat16 : at::kHalf);
    std::optional<torch::NoGradGuard> no_grad;
    if (frozen) no_grad.emplace();
    features = backbone_->forward(images);
  }
  // The head runs in float32 whatever the backbone's precision: margins near θ = 0 need the resolution.
  auto embedding = features.embedding.to(torch::kFloat32);
  auto norm = features.norm.to(torch::kFloat32).reshape({-1, 1});
  // Partial FC: every rank's head sees the global batch's rows, labelled −1 where another rank holds the class.
  auto all_labels = labels;
  auto head_labels = labels;
  if (distributed()) {
    const auto dim = embedding.size(1);
    const auto rows = distributed::gather_rows(comm_, torch::cat({embedding, norm}, 1));
    embedding = rows.narrow(1, 0, dim);
    norm = rows.narrow(1, dim, 1);
    all_labels = all_rows(labels);
    const auto held = (all_labels >= shard_.first) & (all_labels < shard_.first + shard_.count);
    head_labels = torch::where(held, all_labels - shard_.first, torch::full_like(all_labels, -1));
  }
  if (batch.quality.defined()) outcome.quality = all_rows(batch.quality);
  const auto global_rows = embedding.size(0);
  // Negative sampling: this step's columns of this rank (the batch's classes and a keyed share of the others), and
  // the labels as positions among them. The classes themselves (head_labels) still key the per-class statistics.
  torch::Tensor columns, logit_labels = head_labels;
  if (experiment_.head.sample_rate < 1.0) {
    columns = distributed::sampled_classes({experiment_.train.seed, batch.epoch, batch.index}, shard_,
                                           experiment_.head.sample_rate, head_labels);
    auto position = torch::full({shard_.count}, -1, torch::kInt64);
    position.index_put_({columns}, torch::arange(columns.numel(), torch::kInt64));
    position = position.to(device_);
    columns = columns.to(device_);
    logit_labels = torch::where(head_labels >= 0, position.index_select(0, head_labels.clamp_min(0)),
                                torch::full_like(head_labels, -1));
  }

  auto skip = [&](std::string reason) {
    outcome.skipped = true;
    outcome.skip_reason = std::move(reason);
    optimizer_->zero_grad();
    ++skipped_steps_;
    if (precision == Precision::fp16) {
      loss_scale_ = std::max(1.0, loss_scale_ / 2);
      clean_steps_ = 0;
    }
    outcome.stats =
        torch::full({kStepStatCount}, std::numeric_limits<float>::quiet_NaN(), torch::TensorOptions().device(device_));
    return outcome;
  };

  heads::HeadOutput out;
  try {
    out = head_->forward({embedding, norm, logit_labels, columns}, with_diagnostics);
  } catch (const InvalidBatch& error) {
    // Non-finite features come from a diverged or overflowing backbone, not from the caller: skip, don't crash.
    // The gathered rows are the same on every rank, so every rank skips.
    if (torch::isfinite(embedding).all().item<bool>() && torch::isfinite(norm).all().item<bool>()) throw;
    return skip(std::string("non-finite features: ") + error.what());
  }
  // What this rank back-propagates: under Partial FC its columns' part of the global batch's softmax loss, and its
  // rows' part of a regulariser (the ranks' parts add up to the one-process loss and gradients).
  const auto loss =
      distributed() ? distributed::sharded_cross_entropy(comm_, out.logits, logit_labels) + out.regulariser : out.loss;
  (loss * loss_scale_).backward();
  if (loss_scale_ != 1.0) {
    torch::NoGradGuard no_grad;
    for (auto& p : trainable_) {
      if (p.grad().defined()) p.grad().div_(loss_scale_);
    }
  }
  if (replica_sync_ && !frozen) replica_sync_->sum_gradients();

  torch::Tensor step_loss, grad_norm, accuracy;
  {
    torch::NoGradGuard no_grad;
    const auto logits = out.logits.detach();
    const auto labelled = logit_labels >= 0;
    const auto target_logit =
        torch::where(labelled, logits.gather(1, logit_labels.clamp_min(0).unsqueeze(1)).squeeze(1),
                     torch::full({global_rows}, -std::numeric_limits<float>::infinity(), logits.options()));
    auto row_max = std::get<0>(logits.max(1));
    auto head_squares = squared_gradient_norm(head_trainable_, device_);
    auto backbone_squares = squared_gradient_norm(backbone_trainable_, device_);
    auto regulariser = out.regulariser.detach().to(torch::kFloat64);
    if (distributed()) {
      // One row is right when its target logit is the largest over every rank's columns. Sums over the ranks: the
      // regulariser's parts, the classifier shards' squared gradients, the right rows.
      row_max = row_max.contiguous();
      comm_->allreduce_max(row_max);
      auto sums =
          torch::stack({regulariser, head_squares, (target_logit >= row_max).sum().to(torch::kFloat64)}).contiguous();
      comm_->allreduce_sum(sums);
      step_loss = (loss.detach().to(torch::kFloat64) - out.regulariser.detach().to(torch::kFloat64) + sums[0]);
      head_squares = sums[1];
      accuracy = sums[2] / static_cast<double>(std::max<std::int64_t>(1, global_rows));
    } else {
      step_loss = loss.detach().to(torch::kFloat64);
      accuracy = (logits.argmax(1) == logit_labels).to(torch::kFloat64).mean();
    }
    grad_norm = (backbone_squares + head_squares).sqrt();
  }
  // One host sync per step: the decision to update must be made here. Loss and gradient norm are the global batch's,
  // so every rank decides alike.
  if (!(torch::isfinite(step_loss) & torch::isfinite(grad_norm)).item<bool>()) {
    return skip(torch::isfinite(step_loss).item<bool>() ? "non-finite gradients" : "non-finite loss");
  }
  if (experiment_.optimizer.clip_grad_norm > 0) {
    // As torch.nn.utils.clip_grad_norm_, with the norm of the whole model's gradient (every rank's classifier part).
    torch::NoGradGuard no_grad;
    const auto factor = (experiment_.optimizer.clip_grad_norm / (grad_norm + 1e-6)).clamp_max(1.0);
    for (auto& p : trainable_) {
      if (p.grad().defined()) p.grad().mul_(factor.to(p.grad().scalar_type()));
    }
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
    head_->observe(torch::Tensor(), all_rows(encoded.to(torch::kFloat32)), head_labels);
  } else if (head_->observes() == heads::MarginHeadImpl::Observes::backbone_features) {
    head_->observe(all_rows(to_device(batch.sample_ids, false)), embedding.detach(), head_labels);
  }

  torch::NoGradGuard no_grad;
  const auto flat_norm = norm.detach().flatten();
  const auto margin_mean =
      with_diagnostics ? out.diagnostics.margin.to(torch::kFloat32).mean() : torch::full({}, NAN, flat_norm.options());
  outcome.stats = torch::stack({step_loss.to(torch::kFloat32), accuracy.to(torch::kFloat32), flat_norm.mean(),
                                flat_norm.numel() > 1 ? flat_norm.std() : torch::zeros({}, flat_norm.options()),
                                margin_mean, grad_norm.to(torch::kFloat32)});
  if (with_diagnostics) outcome.diagnostics = out.diagnostics;
  return outcome;
}
StepOutcome TrainingSession::look(const data::Batch& batch) {
  if (distributed()) throw InvalidParameter("report.at_start looks at the starting model in one process only");
  torch::NoGradGuard no_grad;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> running;  // (buffer, its value now)
  for (const auto& b : head_->buffers()) running.emplace_back(b, b.clone());
  const auto features = embed(batch.images);
  const auto labels = to_device(batch.labels, false);
  const auto out = head_->forward({features.embedding, features.norm.reshape({-1, 1}), labels, {}}, true);
  for (auto& [buffer, value] : running) buffer.copy_(value);
  StepOutcome outcome;
  outcome.diagnostics = out.diagnostics;
  if (batch.quality.defined()) outcome.quality = batch.quality;
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

heads::ClassStatistics TrainingSession::class_statistics() {
  auto statistics = head_->class_statistics();
  if (!distributed() || !statistics.kept) return statistics;
  auto whole = [this](const auto& values, torch::ScalarType type) {
    using Value = typename std::decay_t<decltype(values)>::value_type;
    auto shard = torch::tensor(values, torch::TensorOptions(type)).to(device_);
    auto all = distributed::gather_classes(*comm_, shard, 0, num_classes_).to(torch::kCPU).contiguous();
    return std::vector<Value>(all.template data_ptr<Value>(), all.template data_ptr<Value>() + all.numel());
  };
  statistics.count = whole(statistics.count, torch::kInt64);
  for (auto field : {&heads::ClassStatistics::r, &heads::ClassStatistics::kappa, &heads::ClassStatistics::w_kappa,
                     &heads::ClassStatistics::w_pop, &heads::ClassStatistics::psi, &heads::ClassStatistics::margin}) {
    statistics.*field = whole(statistics.*field, torch::kFloat64);
  }
  return statistics;
}

void TrainingSession::change_class_slots(
    const std::function<torch::Tensor(const torch::Tensor&, std::int64_t)>& change) {
  for (const auto& parameter : head_->named_parameters(/*recurse=*/false)) {
    const auto axis = head_->class_axis(parameter.key());
    if (axis < 0) continue;
    auto found = find_state(optimizer_->state(), parameter.value());
    if (found == optimizer_->state().end()) continue;  // no step taken yet: no slots
    auto& state = *found->second;
    if (auto* sgd = dynamic_cast<torch::optim::SGDParamState*>(&state)) {
      if (sgd->momentum_buffer().defined()) sgd->momentum_buffer(change(sgd->momentum_buffer(), axis));
    } else if (auto* adamw = dynamic_cast<torch::optim::AdamWParamState*>(&state)) {
      adamw->exp_avg(change(adamw->exp_avg(), axis));
      adamw->exp_avg_sq(change(adamw->exp_avg_sq(), axis));
      if (adamw->max_exp_avg_sq().defined()) adamw->max_exp_avg_sq(change(adamw->max_exp_avg_sq(), axis));
    }
  }
}

void TrainingSession::start_from(const backbones::BackboneImpl& weights, const torch::Tensor* kernel) {
  torch::NoGradGuard no_grad;
  const auto copy_into = [&weights](torch::nn::Module& target) {
    const auto parameters = weights.named_parameters();
    const auto buffers = weights.named_buffers();
    for (auto& item : target.named_parameters()) item.value().copy_(parameters[item.key()]);
    for (auto& item : target.named_buffers()) item.value().copy_(buffers[item.key()]);
  };
  copy_into(*backbone_);
  if (momentum_encoder_) copy_into(*momentum_encoder_->encoder());
  if (!kernel) return;
  const auto own = head_->named_parameters(/*recurse=*/false).find("kernel");
  if (!own || kernel->dim() != 2 || kernel->size(0) != own->size(0) || kernel->size(1) != num_classes_) {
    throw InvalidParameter(fmt::format(
        "model.init_classifier: the weights' classifier has {} classes of {} dimensions, the run's data {} classes "
        "of {}: take a classifier only to continue on the same classes",
        kernel->dim() == 2 ? kernel->size(1) : 0, kernel->dim() == 2 ? kernel->size(0) : 0, num_classes_,
        experiment_.model.embedding_dim));
  }
  own->copy_(distributed::cut_classes(*kernel, head_->class_axis("kernel"), shard_));
}

void TrainingSession::save(torch::serialize::OutputArchive& archive) {
  torch::serialize::OutputArchive backbone, head, head_extra, optimizer;
  backbone_->save(backbone);
  // As Module::save, with every class-axis tensor whole (heads have no submodules).
  auto whole = [this](const std::string& name, const torch::Tensor& t) {
    const auto axis = head_->class_axis(name);
    return axis < 0 ? t : distributed::gather_classes(*comm_, t.detach(), axis, num_classes_);
  };
  for (const auto& p : head_->named_parameters(/*recurse=*/false)) head.write(p.key(), whole(p.key(), p.value()));
  for (const auto& b : head_->named_buffers(/*recurse=*/false)) {
    head.write(b.key(), whole(b.key(), b.value()), /*is_buffer=*/true);
  }
  head_->save_extra_state(head_extra);
  // The optimiser's slots of the classifier whole for the file, then this rank's again.
  std::vector<torch::Tensor> own;
  change_class_slots([&](const torch::Tensor& slot, std::int64_t axis) {
    own.push_back(slot);
    return distributed::gather_classes(*comm_, slot, axis, num_classes_);
  });
  optimizer_->save(optimizer);
  std::size_t next = 0;
  change_class_slots([&](const torch::Tensor&, std::int64_t) { return own[next++]; });
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

  // The head's tensors, whole in the file: each is checked against this run's shape before anything is taken.
  auto shape_text = [](at::IntArrayRef shape) {
    std::string text;
    for (auto n : shape) text += (text.empty() ? "" : " × ") + std::to_string(n);
    return text;
  };
  std::vector<std::pair<torch::Tensor, torch::Tensor>> taken;  // (into, from)
  auto take = [&](const std::string& name, const torch::Tensor& into, bool is_buffer) {
    torch::Tensor stored;
    head.read(name, stored, is_buffer);
    const auto axis = head_->class_axis(name);
    auto expected = into.sizes().vec();
    if (axis >= 0) expected[axis] = num_classes_;
    if (stored.sizes().vec() != expected) {
      throw InvalidParameter(fmt::format(
          "the checkpoint's head {} is {}, this run's is {} ({} classes, embedding size {}): a checkpoint is resumed "
          "only by a run of the same classes and embedding size",
          name, shape_text(stored.sizes()), shape_text(expected), num_classes_, experiment_.model.embedding_dim));
    }
    taken.emplace_back(into, axis < 0 ? stored : distributed::cut_classes(stored, axis, shard_));
  };
  for (const auto& p : head_->named_parameters(/*recurse=*/false)) take(p.key(), p.value(), false);
  for (const auto& b : head_->named_buffers(/*recurse=*/false)) take(b.key(), b.value(), true);
  backbone_->load(backbone);
  {
    torch::NoGradGuard no_grad;
    for (auto& [into, from] : taken) into.copy_(from);
  }
  head_->load_extra_state(head_extra);
  optimizer_->load(optimizer);
  change_class_slots([this](const torch::Tensor& slot, std::int64_t axis) {
    return distributed::cut_classes(slot, axis, shard_).to(device_);
  });
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
