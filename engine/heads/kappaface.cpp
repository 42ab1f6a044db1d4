#include "engine/heads/kappaface.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "engine/heads/head_factory.h"

namespace marginlab::heads {
namespace {

torch::Tensor unit_rows(const torch::Tensor& x) { return x / x.norm(2, 1, true).clamp_min(1e-12); }

}  // namespace

KappaFaceHeadImpl::KappaFaceHeadImpl(std::int64_t dim, const std::vector<std::int64_t>& class_counts,
                                     std::int64_t dataset_size, const KappaFaceParams& params, std::uint64_t seed,
                                     std::int64_t largest_class)
    : HeadWithParams("KappaFace", dim, static_cast<std::int64_t>(class_counts.size()), KernelInit::normal_001,
                     params),
      largest_class_(largest_class > 0 ? largest_class
                     : class_counts.empty() ? 1
                                            : *std::max_element(class_counts.begin(), class_counts.end())) {
  const auto classes = static_cast<std::int64_t>(class_counts.size());
  for (std::size_t c = 0; c < class_counts.size(); ++c) {
    if (class_counts[c] < 1) {
      throw InvalidParameter("KappaFace: class " + std::to_string(c) + " has n_c = " + std::to_string(class_counts[c]) +
                             "; every class needs at least one sample");
    }
  }
  const bool needs_memory = params.source == KappaStatisticsSource::memory_buffer;
  if (needs_memory && dataset_size < 1) {
    throw InvalidParameter("KappaFace: the memory buffer needs dataset_size ≥ 1, got " + std::to_string(dataset_size));
  }
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  memory_ = register_buffer("memory", needs_memory ? at::randn({dataset_size, dim}, generator, torch::TensorOptions())
                                                   : torch::empty({0, dim}));
  sums_ = register_buffer("sums", torch::zeros({classes, dim}));
  seen_ = register_buffer("seen", torch::zeros({classes}, torch::kFloat64));
  counts_ = register_buffer("counts", torch::tensor(class_counts, torch::kInt64).to(torch::kFloat64));
  psi_ = register_buffer("psi", torch::ones({classes}, torch::kFloat64));
  r_ = register_buffer("r", torch::zeros({classes}, torch::kFloat64));
  kappa_ = register_buffer("kappa", torch::zeros({classes}, torch::kFloat64));
  w_kappa_ = register_buffer("w_kappa", torch::full({classes}, 0.5, torch::kFloat64));
  w_pop_ = register_buffer("w_pop", torch::ones({classes}, torch::kFloat64));
}

void KappaFaceHeadImpl::observe(const torch::Tensor& sample_ids, const torch::Tensor& features,
                                const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  const bool memory_source = params_.source == KappaStatisticsSource::memory_buffer;
  if (!features.defined() || features.dim() != 2 || features.size(1) != embedding_dim()) {
    throw InvalidBatch("KappaFace: statistics features must have shape (B, " + std::to_string(embedding_dim()) + ")");
  }
  const std::int64_t batch = features.size(0);
  if (!labels.defined() || labels.dim() != 1 || labels.size(0) != batch || labels.scalar_type() != torch::kInt64) {
    throw InvalidBatch("KappaFace: statistics labels must be int64 of shape (" + std::to_string(batch) + ")");
  }
  if (!torch::isfinite(features).all().item<bool>()) {
    throw InvalidBatch("KappaFace: statistics batch rejected, it holds non-finite features");
  }
  if (batch > 0 && (labels.min().item<std::int64_t>() < -1 || labels.max().item<std::int64_t>() >= num_classes())) {
    throw InvalidBatch("KappaFace: statistics labels must lie in [-1, " + std::to_string(num_classes() - 1) + "]");
  }
  if (memory_source) {
    if (!sample_ids.defined() || sample_ids.dim() != 1 || sample_ids.size(0) != batch ||
        sample_ids.scalar_type() != torch::kInt64) {
      throw InvalidBatch("KappaFace: the memory buffer needs int64 sample ids of shape (" + std::to_string(batch) + ")");
    }
    if (batch > 0 && (sample_ids.min().item<std::int64_t>() < 0 || sample_ids.max().item<std::int64_t>() >= memory_.size(0))) {
      throw InvalidBatch("KappaFace: sample ids must lie in [0, " + std::to_string(memory_.size(0) - 1) +
                         "] (the dataset size the memory buffer was made for)");
    }
  }

  // Under Partial FC every rank sees the whole gathered batch: each keeps the memory of every row (the same on all
  // ranks, so a checkpoint needs no merge) and sums only the rows of the classes it holds (labelled ≥ 0 here).
  auto f = features.detach().to(sums_.device(), sums_.scalar_type());
  torch::Tensor observed;
  if (memory_source) {
    auto ids = sample_ids.to(memory_.device());
    const double mu = params_.memory_momentum;
    observed = unit_rows((1.0 - mu) * memory_.index_select(0, ids) + mu * f);
    memory_.index_copy_(0, ids, observed);
  } else {
    observed = unit_rows(f);
  }
  auto rows = (labels >= 0).nonzero().reshape({-1});
  auto y = labels.index_select(0, rows).to(sums_.device());
  observed = observed.index_select(0, rows.to(observed.device()));
  sums_.index_add_(0, y, observed);
  seen_.index_add_(0, y, torch::ones({y.size(0)}, seen_.options()));

  if (params_.refresh_every_steps > 0 && ++steps_since_refresh_ >= params_.refresh_every_steps) refresh();
}

void KappaFaceHeadImpl::end_epoch() {
  if (params_.refresh_every_steps == 0) refresh();
}

void KappaFaceHeadImpl::refresh() {
  torch::NoGradGuard no_grad;
  const KappaFaceParams p = params_;
  const auto d = static_cast<double>(embedding_dim());
  const bool per_epoch = p.refresh_every_steps == 0;
  auto sums = sums_.to(torch::kFloat64);
  auto seen = seen_.to(torch::kFloat64);
  auto counts = counts_.to(torch::kFloat64);

  // Per epoch, r̂ divides by the dataset count as the authors do. Every N steps only part of each class was seen,
  // so r̂ divides by what was seen, and classes not seen since the last refresh keep their previous κ.
  auto divisor = per_epoch ? counts : seen.clamp_min(1.0);
  auto r = (sums.norm(2, 1) / divisor).clamp(0.0, 1.0 - p.eps);
  auto kappa = r * (d - r * r) / (1.0 - r * r);
  if (!per_epoch) {
    auto unseen = seen == 0;
    r = torch::where(unseen, r_.to(torch::kFloat64), r);
    kappa = torch::where(unseen, kappa_.to(torch::kFloat64), kappa);
  }

  // One sample always gives r̂ = 1: its κ says nothing, so it must not swamp the standardisation.
  auto estimable = counts >= 2.0;
  auto estimable_kappa = kappa.masked_select(estimable);
  const auto n_estimable = estimable_kappa.numel();
  const double ddof = p.variant == KappaVariant::code ? 1.0 : 0.0;
  torch::Tensor kappa_tilde = torch::zeros_like(kappa);
  bool standardised = false;
  if (sharded()) {
    // κ is standardised over every rank's classes: one sum over the ranks of (Σκ, Σκ², n), then the moments. The
    // one-process path keeps the two-pass form the reference numbers were made with.
    auto moments = torch::stack({estimable_kappa.sum(), estimable_kappa.pow(2).sum(),
                                 torch::full({}, static_cast<double>(n_estimable), kappa.options())})
                       .contiguous();
    over_ranks().sum(moments);
    const double n = moments[2].item<double>();
    if (n > ddof) {
      const double mean = moments[0].item<double>() / n;
      const double variance = std::max(0.0, moments[1].item<double>() - n * mean * mean) / (n - ddof);
      const double sd = std::sqrt(variance);
      // Σκ² − n·mean² leaves rounding noise where every κ is equal: that spread is no spread.
      standardised = std::isfinite(sd) && sd > 1e-12 * std::abs(mean);
      if (standardised) kappa_tilde = torch::where(estimable, (kappa - mean) / sd, torch::zeros_like(kappa));
    }
  } else if (n_estimable > static_cast<std::int64_t>(ddof)) {
    auto mean = estimable_kappa.mean();
    auto sd = ((estimable_kappa - mean).pow(2).sum() / (static_cast<double>(n_estimable) - ddof)).sqrt();
    const double sd_value = sd.item<double>();
    standardised = std::isfinite(sd_value) && sd_value > 0.0;
    if (standardised) kappa_tilde = torch::where(estimable, (kappa - mean) / sd, torch::zeros_like(kappa));
  }
  auto w_kappa = 1.0 - torch::sigmoid(p.temperature * kappa_tilde);
  const double k_factor = p.variant == KappaVariant::code ? 1.05 : 1.0;
  const double big_k = k_factor * static_cast<double>(largest_class_);
  auto w_pop = (torch::cos(M_PI * counts / big_k) + 1.0) / 2.0;
  torch::Tensor psi;
  if (!standardised) {
    psi = w_pop;  // all κ equal (or too few classes): concentration carries no information
  } else if (p.variant == KappaVariant::code) {
    psi = p.gamma * w_kappa + (1.0 - p.gamma) * w_pop;
  } else {
    psi = p.gamma * w_pop + (1.0 - p.gamma) * w_kappa;
  }

  r_.copy_(r);
  kappa_.copy_(kappa);
  w_kappa_.copy_(w_kappa);
  w_pop_.copy_(w_pop);
  psi_.copy_(psi);
  sums_.zero_();
  seen_.zero_();
  steps_since_refresh_ = 0;
  ++refreshes_;
}

MarginHeadImpl::Observes KappaFaceHeadImpl::observes() const {
  return params_.source == KappaStatisticsSource::momentum_encoder ? Observes::momentum_encoder_features
                                                                   : Observes::backbone_features;
}

ClassStatistics KappaFaceHeadImpl::class_statistics() const {
  auto to_vector = [](const torch::Tensor& t) {
    auto host = t.to(torch::kCPU, torch::kFloat64).contiguous();
    return std::vector<double>(host.data_ptr<double>(), host.data_ptr<double>() + host.numel());
  };
  ClassStatistics s;
  s.kept = true;
  auto counts = counts_.to(torch::kCPU, torch::kInt64).contiguous();
  s.count.assign(counts.data_ptr<std::int64_t>(), counts.data_ptr<std::int64_t>() + counts.numel());
  s.r = to_vector(r_);
  s.kappa = to_vector(kappa_);
  s.w_kappa = to_vector(w_kappa_);
  s.w_pop = to_vector(w_pop_);
  s.psi = to_vector(psi_);
  s.margin = to_vector(psi_ * params_.m0);
  s.refreshes = refreshes_;
  return s;
}

std::int64_t KappaFaceHeadImpl::class_axis(std::string_view tensor_name) const {
  // The memory is per sample, and the same on every rank (observe()).
  if (tensor_name == "memory") return -1;
  return tensor_name == "kernel" ? 1 : 0;
}

MarginHeadImpl::MarginLogits KappaFaceHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor&,
                                                             const Targets& targets, bool with_diagnostics) {
  const KappaFaceParams p = params_;
  auto cos_y = gather_target(cosine, targets);
  // ψ is indexed by the class (the authors indexed it with rank-local ids under PartialFC, and with the sampled
  // column where sampling).
  auto margin = (psi_.index_select(0, targets.class_id) * p.m0).to(cosine.scalar_type());
  auto target_of = [&](const torch::Tensor& c) {
    return torch::cos((torch::acos(c.clamp(-1.0 + p.eps, 1.0 - p.eps)) + margin).clamp(0.0, M_PI));
  };

  MarginLogits r;
  r.target = torch::where(targets.labelled, target_of(cos_y), cos_y);
  r.logits = place_target(cosine * p.s, targets, r.target * p.s);
  if (with_diagnostics) {
    r.margin = margin;
    r.target_slope = target_slope(target_of, cos_y, p.s);
  }
  return r;
}

void KappaFaceHeadImpl::save_extra_state(torch::serialize::OutputArchive& archive) const {
  archive.write("refresh_counters", torch::tensor({refreshes_, steps_since_refresh_}, torch::kInt64));
}

void KappaFaceHeadImpl::load_extra_state(torch::serialize::InputArchive& archive) {
  torch::Tensor counters;
  archive.read("refresh_counters", counters);
  refreshes_ = counters[0].item<std::int64_t>();
  steps_since_refresh_ = counters[1].item<std::int64_t>();
}

MarginHead make_kappaface_head(const HeadBuild& build) {
  return std::make_shared<KappaFaceHeadImpl>(build.embedding_dim, build.class_counts, build.dataset_size,
                                             params_from<KappaFaceParams>(build.values), 0, build.largest_class);
}

}  // namespace marginlab::heads
