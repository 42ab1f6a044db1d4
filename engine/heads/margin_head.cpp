#include "engine/heads/margin_head.h"

#include <ATen/CPUGeneratorImpl.h>

#include <sstream>

namespace marginlab::heads {
namespace {

std::vector<float> to_float_vector(const torch::Tensor& t) {
  if (!t.defined()) return {};
  auto host = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  return {host.data_ptr<float>(), host.data_ptr<float>() + host.numel()};
}

std::vector<std::uint8_t> to_byte_vector(const torch::Tensor& t) {
  if (!t.defined()) return {};
  auto host = t.detach().to(torch::kCPU, torch::kUInt8).contiguous();
  return {host.data_ptr<std::uint8_t>(), host.data_ptr<std::uint8_t>() + host.numel()};
}

std::string shape_of(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

// "3, 17, 40, ..." for the rows where `mask` is true.
std::string list_rows(const torch::Tensor& mask) {
  auto rows = mask.nonzero().reshape({-1}).to(torch::kCPU);
  std::ostringstream out;
  const std::int64_t shown = std::min<std::int64_t>(rows.numel(), 8);
  for (std::int64_t i = 0; i < shown; ++i) out << (i ? ", " : "") << rows[i].item<std::int64_t>();
  if (rows.numel() > shown) out << ", ... (" << rows.numel() << " rows)";
  return out.str();
}

}  // namespace

SampleDiagnostics DiagnosticTensors::to_host() const {
  SampleDiagnostics host;
  if (label.defined()) {
    auto l = label.to(torch::kCPU, torch::kInt64).contiguous();
    host.label.assign(l.data_ptr<std::int64_t>(), l.data_ptr<std::int64_t>() + l.numel());
  }
  host.labelled = to_byte_vector(labelled);
  host.norm = to_float_vector(norm);
  host.margin = to_float_vector(margin);
  host.cos_margin = to_float_vector(cos_margin);
  host.theta = to_float_vector(theta);
  host.max_other_cos = to_float_vector(max_other_cos);
  host.hard = to_byte_vector(hard);
  host.target_grad = to_float_vector(target_grad);
  host.z_hat = to_float_vector(z_hat);
  host.g_angular = to_float_vector(g_angular);
  host.g_additive = to_float_vector(g_additive);
  return host;
}

namespace {

// Classes per block of the initial kernel. Each block draws from its own generator, seeded from the head's seed and
// the block's index, so that a class's initial column is the same whichever rank holds it: runs at different world
// sizes start from the same classifier.
constexpr std::int64_t kInitBlock = 1024;

torch::Tensor initial_kernel(MarginHeadImpl::KernelInit init, std::int64_t dim, std::int64_t first, std::int64_t count,
                             std::uint64_t seed) {
  std::vector<torch::Tensor> parts;
  for (std::int64_t block = first / kInitBlock; block * kInitBlock < first + count; ++block) {
    auto generator =
        at::make_generator<at::CPUGeneratorImpl>(seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(block + 1));
    auto w = torch::empty({dim, kInitBlock});
    if (init == MarginHeadImpl::KernelInit::unit_uniform) {
      w.uniform_(-1.0, 1.0, generator);
    } else {
      w.normal_(0.0, 0.01, generator);
    }
    const std::int64_t lo = std::max(first, block * kInitBlock), hi = std::min(first + count, (block + 1) * kInitBlock);
    parts.push_back(w.narrow(1, lo - block * kInitBlock, hi - lo));
  }
  auto w = torch::cat(parts, 1);
  // As the official AdaFace/MagFace heads: uniform(−1, 1), then every column rescaled to unit length.
  if (init == MarginHeadImpl::KernelInit::unit_uniform) w = w / w.norm(2, 0, true).clamp_min(1e-12);
  return w.contiguous();
}

}  // namespace

MarginHeadImpl::MarginHeadImpl(std::string name, std::int64_t embedding_dim, std::int64_t num_classes, KernelInit init)
    : name_(std::move(name)), embedding_dim_(embedding_dim), num_classes_(num_classes), init_(init) {
  if (embedding_dim < 1 || num_classes < 1) {
    throw InvalidParameter(name_ + ": embedding_dim = " + std::to_string(embedding_dim) +
                           " and num_classes = " + std::to_string(num_classes) + " must both be at least 1");
  }
  // One draw from the default generator: the run's seed still decides the initial kernel.
  kernel_seed_ = static_cast<std::uint64_t>(
      torch::randint(std::numeric_limits<std::int64_t>::max(), {1}, torch::kInt64).item<std::int64_t>());
  kernel_ = register_parameter("kernel", initial_kernel(init, embedding_dim, 0, num_classes, kernel_seed_));
}

void MarginHeadImpl::hold_classes(std::int64_t first_class) {
  torch::NoGradGuard no_grad;
  first_class_ = first_class;
  kernel_.copy_(initial_kernel(init_, embedding_dim_, first_class, num_classes_, kernel_seed_));
}

torch::Tensor MarginHeadImpl::normalized_kernel() const { return kernel_ / kernel_.norm(2, 0, true).clamp_min(1e-12); }

void MarginHeadImpl::check_batch(const torch::Tensor& input, const torch::Tensor& norms, const torch::Tensor& labels,
                                 bool embeddings_given, std::int64_t columns) const {
  const std::int64_t width = embeddings_given ? embedding_dim_ : num_classes_;
  const char* what = embeddings_given ? "embeddings" : "cosine";
  if (!input.defined() || input.dim() != 2 || input.size(1) != width || input.size(0) < 1) {
    throw InvalidBatch(name_ + ": " + what + " must have shape (B, " + std::to_string(width) + ") with B ≥ 1, got " +
                       (input.defined() ? shape_of(input) : std::string("nothing")));
  }
  const std::int64_t batch = input.size(0);
  if (!labels.defined() || labels.dim() != 1 || labels.size(0) != batch) {
    throw InvalidBatch(name_ + ": labels must have shape (" + std::to_string(batch) + "), got " +
                       (labels.defined() ? shape_of(labels) : std::string("nothing")));
  }
  if (labels.scalar_type() != torch::kInt64) {
    throw InvalidBatch(name_ + ": labels must be int64 class ids");
  }
  if (!norms.defined() || norms.numel() != batch) {
    throw InvalidBatch(name_ + ": norms must hold one value per sample (" + std::to_string(batch) + "), got " +
                       (norms.defined() ? shape_of(norms) : std::string("nothing")));
  }
  // One host copy for all checks: the non-finite test must precede any state change.
  auto checks = torch::stack({torch::isfinite(input).all(), torch::isfinite(norms).all(),
                              (labels >= -1).all() & (labels < columns).all()})
                    .to(torch::kCPU);
  const bool* ok = checks.data_ptr<bool>();
  if (!ok[0] || !ok[1]) {
    auto bad = ~torch::isfinite(input).all(1) | ~torch::isfinite(norms.reshape({-1}));
    throw InvalidBatch(name_ + ": batch rejected before any state change: non-finite " +
                       (ok[0] ? std::string("norms") : std::string(what)) + " in row(s) " + list_rows(bad));
  }
  if (!ok[2]) {
    throw InvalidBatch(name_ + ": labels must lie in [-1, " + std::to_string(columns - 1) + "], got min " +
                       std::to_string(labels.min().item<std::int64_t>()) + " and max " +
                       std::to_string(labels.max().item<std::int64_t>()));
  }
}

HeadOutput MarginHeadImpl::forward(const HeadBatch& batch, bool with_diagnostics) {
  const bool sampled = batch.columns.defined();
  // One host copy for the range check of the sampled classes.
  if (sampled && (batch.columns.dim() != 1 || batch.columns.numel() < 1 || [&] {
        const auto ends = torch::stack({batch.columns.min(), batch.columns.max()}).to(torch::kCPU);
        return ends[0].item<std::int64_t>() < 0 || ends[1].item<std::int64_t>() >= num_classes_;
      }())) {
    throw InvalidBatch(name_ + ": the sampled classes must be a non-empty list of classes in [0, " +
                       std::to_string(num_classes_ - 1) + "]");
  }
  check_batch(batch.embeddings, batch.norms, batch.labels, true, sampled ? batch.columns.numel() : num_classes_);
  // Heads compute in the kernel's dtype (float32 under mixed precision, float64 in tests).
  auto embeddings = batch.embeddings.to(kernel_.scalar_type());
  const auto kernel = normalized_kernel();
  auto cosine = torch::mm(embeddings, sampled ? kernel.index_select(1, batch.columns.to(kernel.device())) : kernel);
  return finish(cosine, batch.norms.to(kernel_.scalar_type()).reshape({-1, 1}), batch.labels, with_diagnostics,
                batch.columns);
}

HeadOutput MarginHeadImpl::forward_cosine(const torch::Tensor& cosine, const torch::Tensor& norms,
                                          const torch::Tensor& labels, bool with_diagnostics) {
  check_batch(cosine, norms, labels, false, num_classes_);
  return finish(cosine.to(kernel_.scalar_type()), norms.to(kernel_.scalar_type()).reshape({-1, 1}), labels,
                with_diagnostics);
}

MarginHeadImpl::EveryRow MarginHeadImpl::every_row(const torch::Tensor& cos_y, const Targets& targets) const {
  torch::NoGradGuard no_grad;
  const auto here = targets.labelled.to(cos_y.scalar_type());
  if (!sharded()) return {cos_y.detach() * here, targets.labelled};
  // Each row is labelled on one rank at most: the sum over the ranks is that rank's value.
  auto packed = torch::stack({cos_y.detach() * here, here}).contiguous();
  over_ranks_.sum(packed);
  return {packed[0], packed[1] > 0.5};
}

torch::Tensor MarginHeadImpl::gather_target(const torch::Tensor& matrix, const Targets& targets) {
  return matrix.gather(1, targets.index).squeeze(1);
}

torch::Tensor MarginHeadImpl::place_target(torch::Tensor scaled_cosine, const Targets& targets,
                                           const torch::Tensor& scaled_target) {
  // Rows labelled −1 point at column 0 only to have an index: their column 0 keeps what the head made of it (a
  // negative that CurricularFace modulates must stay modulated).
  const auto kept = scaled_cosine.gather(1, targets.index).squeeze(1);
  const auto placed = torch::where(targets.labelled, scaled_target, kept);
  return scaled_cosine.scatter(1, targets.index, placed.unsqueeze(1));
}

torch::Tensor MarginHeadImpl::target_slope(const std::function<torch::Tensor(const torch::Tensor&)>& target_of,
                                           const torch::Tensor& cos_target, double scale) {
  torch::AutoGradMode enable_grad(true);
  auto x = cos_target.detach().clone().requires_grad_(true);
  auto y = target_of(x);
  auto grads = torch::autograd::grad({y.sum()}, {x}, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                     /*allow_unused=*/true);
  if (!grads[0].defined()) return torch::zeros_like(x).detach();
  return (grads[0] * scale).abs().detach();
}

HeadOutput MarginHeadImpl::finish(const torch::Tensor& cosine, const torch::Tensor& norms, const torch::Tensor& labels,
                                  bool with_diagnostics, const torch::Tensor& columns) {
  const auto index = labels.clamp_min(0);
  // A label is a column; its class is that column's class (the same without sampling).
  const auto classes = columns.defined() ? columns.to(labels.device()).index_select(0, index) : index;
  Targets targets{index.unsqueeze(1), labels >= 0, classes};
  MarginLogits m = apply_margin(cosine, norms, targets, with_diagnostics);

  HeadOutput out;
  out.logits = m.logits;
  auto log_probs = torch::log_softmax(m.logits, 1);
  const auto labelled_count = targets.labelled.sum();
  // Mean over labelled rows; a batch with none contributes zero rather than NaN.
  auto nll = -gather_target(log_probs, targets) * targets.labelled.to(log_probs.scalar_type());
  out.classification_loss = nll.sum() / labelled_count.clamp_min(1).to(log_probs.scalar_type());
  out.regulariser = m.regulariser.defined() ? m.regulariser : torch::zeros({}, m.logits.options());
  out.loss = out.classification_loss + out.regulariser;

  if (with_diagnostics) {
    torch::NoGradGuard no_grad;
    auto& d = out.diagnostics;
    auto cos = cosine.detach().clamp(-1.0, 1.0);
    const auto labelled = targets.labelled;
    const auto here = labelled.to(cos.scalar_type());
    const auto zero = torch::zeros({cos.size(0)}, cos.options());
    // The largest cosine to a class other than the target: a row's column 0 is left out only when it is the target.
    const auto cos_at_index = gather_target(cos, targets);
    const auto left_out =
        torch::where(labelled, torch::full_like(cos_at_index, -std::numeric_limits<double>::infinity()), cos_at_index);
    auto max_other = std::get<0>(cos.scatter(1, targets.index, left_out.unsqueeze(1)).max(1));
    auto lse = torch::logsumexp(m.logits.detach(), 1);
    // Each row's values from where its target is (zero elsewhere, so that a sum over the ranks is that rank's value).
    auto held = torch::stack({cos_at_index * here, here, torch::where(labelled, m.margin.detach(), zero),
                              torch::where(labelled, cos_at_index - m.target.detach(), zero),
                              torch::where(labelled, m.target_slope.detach().abs(), zero),
                              torch::where(labelled, gather_target(m.logits.detach(), targets), zero),
                              (classes + first_class_).to(cos.scalar_type()) * here});
    // AdaFace's margin terms, also zero where the row is not labelled.
    const bool adaptive = m.g_angular.defined();
    if (adaptive) held = torch::cat({held, torch::stack({m.g_angular.detach(), m.g_additive.detach()})});
    if (sharded()) {
      // A row's softmax runs over every rank's columns: log Σ_r exp(lse_r), taken about the largest lse_r.
      auto largest = torch::stack({max_other, lse}).contiguous();
      over_ranks_.max(largest);
      max_other = largest[0];
      held = torch::cat({held, (lse - largest[1]).exp().unsqueeze(0)}).contiguous();
      over_ranks_.sum(held);
      lse = largest[1] + held[held.size(0) - 1].log();
    }
    const auto row_labelled = held[1] > 0.5;
    const auto cos_y = held[0];
    d.label = torch::where(row_labelled, held[6].round().to(torch::kInt64), torch::full_like(labels, -1));
    d.labelled = row_labelled;
    d.norm = norms.detach().reshape({-1});
    d.theta = torch::acos(cos_y);
    d.max_other_cos = max_other;
    d.hard = (max_other > cos_y) & row_labelled;
    d.margin = held[2];
    d.cos_margin = held[3];
    const auto p_y = (held[5] - lse).exp();
    d.target_grad = torch::where(row_labelled, (1.0 - p_y) * held[4], zero);
    if (m.z_hat.defined()) d.z_hat = m.z_hat.detach();  // of every row, from its norm: the same on every rank
    if (adaptive) {
      d.g_angular = held[7];
      d.g_additive = held[8];
    }
  }
  return out;
}

}  // namespace marginlab::heads
