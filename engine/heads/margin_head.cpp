#include "engine/heads/margin_head.h"

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

MarginHeadImpl::MarginHeadImpl(std::string name, std::int64_t embedding_dim, std::int64_t num_classes, KernelInit init)
    : name_(std::move(name)), embedding_dim_(embedding_dim), num_classes_(num_classes) {
  if (embedding_dim < 1 || num_classes < 1) {
    throw InvalidParameter(name_ + ": embedding_dim = " + std::to_string(embedding_dim) +
                           " and num_classes = " + std::to_string(num_classes) + " must both be at least 1");
  }
  torch::Tensor w;
  if (init == KernelInit::unit_uniform) {
    // As the official AdaFace/MagFace heads: uniform(−1, 1), then every column rescaled to unit length.
    w = torch::empty({embedding_dim, num_classes}).uniform_(-1.0, 1.0);
    w = w / w.norm(2, 0, true).clamp_min(1e-12);
  } else {
    w = torch::empty({embedding_dim, num_classes}).normal_(0.0, 0.01);
  }
  kernel_ = register_parameter("kernel", w);
}

torch::Tensor MarginHeadImpl::normalized_kernel() const {
  return kernel_ / kernel_.norm(2, 0, true).clamp_min(1e-12);
}

void MarginHeadImpl::check_batch(const torch::Tensor& input, const torch::Tensor& norms, const torch::Tensor& labels,
                                 bool embeddings_given) const {
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
                              (labels >= -1).all() & (labels < num_classes_).all()})
                    .to(torch::kCPU);
  const bool* ok = checks.data_ptr<bool>();
  if (!ok[0] || !ok[1]) {
    auto bad = ~torch::isfinite(input).all(1) | ~torch::isfinite(norms.reshape({-1}));
    throw InvalidBatch(name_ + ": batch rejected before any state change: non-finite " +
                       (ok[0] ? std::string("norms") : std::string(what)) + " in row(s) " + list_rows(bad));
  }
  if (!ok[2]) {
    throw InvalidBatch(name_ + ": labels must lie in [-1, " + std::to_string(num_classes_ - 1) + "], got min " +
                       std::to_string(labels.min().item<std::int64_t>()) + " and max " +
                       std::to_string(labels.max().item<std::int64_t>()));
  }
}

HeadOutput MarginHeadImpl::forward(const HeadBatch& batch, bool with_diagnostics) {
  check_batch(batch.embeddings, batch.norms, batch.labels, true);
  // Heads compute in the kernel's dtype (float32 under mixed precision, float64 in tests).
  auto embeddings = batch.embeddings.to(kernel_.scalar_type());
  auto cosine = torch::mm(embeddings, normalized_kernel());
  return finish(cosine, batch.norms.to(kernel_.scalar_type()).reshape({-1, 1}), batch.labels, with_diagnostics);
}

HeadOutput MarginHeadImpl::forward_cosine(const torch::Tensor& cosine, const torch::Tensor& norms,
                                          const torch::Tensor& labels, bool with_diagnostics) {
  check_batch(cosine, norms, labels, false);
  return finish(cosine.to(kernel_.scalar_type()), norms.to(kernel_.scalar_type()).reshape({-1, 1}), labels,
                with_diagnostics);
}

MarginHeadImpl::EveryRow MarginHeadImpl::every_row(const torch::Tensor& cos_y, const Targets& targets) const {
  torch::NoGradGuard no_grad;
  const auto here = targets.labelled.to(cos_y.scalar_type());
  if (!sum_over_ranks_) return {cos_y.detach() * here, targets.labelled};
  // Each row is labelled on one rank at most: the sum over the ranks is that rank's value.
  auto packed = torch::stack({cos_y.detach() * here, here}).contiguous();
  sum_over_ranks_(packed);
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
                                  bool with_diagnostics) {
  Targets targets{labels.clamp_min(0).unsqueeze(1), labels >= 0};
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
    auto cos_y = gather_target(cos, targets);
    auto labelled = targets.labelled;
    auto zero = torch::zeros_like(cos_y);
    d.label = labels;
    d.labelled = labelled;
    d.norm = norms.detach().reshape({-1});
    d.theta = torch::acos(cos_y);
    d.max_other_cos =
        std::get<0>(cos.scatter(1, targets.index, -std::numeric_limits<double>::infinity()).max(1));
    d.hard = (d.max_other_cos > cos_y) & labelled;
    d.margin = torch::where(labelled, m.margin.detach(), zero);
    d.cos_margin = torch::where(labelled, cos_y - m.target.detach(), zero);
    auto p_y = gather_target(log_probs.detach(), targets).exp();
    d.target_grad = torch::where(labelled, (1.0 - p_y) * m.target_slope.detach().abs(), zero);
    if (m.z_hat.defined()) {
      d.z_hat = m.z_hat.detach();
      d.g_angular = m.g_angular.detach();
      d.g_additive = m.g_additive.detach();
    }
  }
  return out;
}

}  // namespace marginlab::heads
