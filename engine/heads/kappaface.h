#pragma once
#include "core/heads/kappaface.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// KappaFace: an ArcFace whose margin is per class, m0·ψ_c, where ψ mixes a concentration weight (1 − sigmoid(T·κ̃),
// κ from the von Mises–Fisher fit of the class's features) and a population weight ((cos(π n_c/K) + 1)/2).
// Statistics come from a per-sample memory buffer or from momentum-encoder features, and are refreshed once per
// epoch (ψ = 1 before the first refresh) or every N steps. The authors' bugs are fixed: ψ is indexed by global
// class id, the cosine is clamped before acos, r̂ is capped below 1, std(κ) = 0 falls back to the population weight,
// and singleton classes (whose κ cannot be estimated) are kept out of the standardisation.
class KappaFaceHeadImpl : public HeadWithParams<KappaFaceParams> {
 public:
  // class_counts: n_c for every class of the dataset. dataset_size: rows of the memory buffer (samples in the
  // dataset); unused by the momentum-encoder source. The memory starts random, as the authors', from `seed`.
  // largest_class: the dataset's largest n_c (0: the largest of class_counts), given when this head holds only some
  // of the classes (Partial FC).
  KappaFaceHeadImpl(std::int64_t dim, const std::vector<std::int64_t>& class_counts, std::int64_t dataset_size,
                    const KappaFaceParams& params = {}, std::uint64_t seed = 0, std::int64_t largest_class = 0);
  std::string_view margin_unit() const override { return "rad"; }
  void save_extra_state(torch::serialize::OutputArchive& archive) const override;
  void load_extra_state(torch::serialize::InputArchive& archive) override;

  // Adds a batch to the class statistics, without gradient. Memory buffer: `features` are the backbone's
  // embeddings of samples `sample_ids`; each memory row moves towards its feature and the rows are summed.
  // Momentum encoder: `features` come from the EMA encoder and are summed (sample_ids may be undefined).
  // Rows labelled −1 are skipped. With refresh_every_steps = N, every N-th call refreshes ψ.
  void observe(const torch::Tensor& sample_ids, const torch::Tensor& features, const torch::Tensor& labels) override;
  // The memory buffer observes the backbone's features; the momentum-encoder source an EMA encoder's.
  Observes observes() const override;
  // The end of an epoch: refreshes ψ when refreshing per epoch.
  void end_epoch() override;
  // Computes r̂, κ, the weights and ψ from what was observed since the last refresh, then starts over.
  void refresh();

  ClassStatistics class_statistics() const override;
  std::int64_t class_axis(std::string_view tensor_name) const override;
  torch::Tensor psi() const { return psi_; }
  torch::Tensor& memory() { return memory_; }

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;

 private:
  torch::Tensor memory_;   // (N, D) memory buffer
  torch::Tensor sums_;     // (C, D) sum of observed unit features per class since the last refresh
  torch::Tensor seen_;     // (C) features observed per class since the last refresh
  torch::Tensor counts_;   // (C) dataset counts n_c, float64
  torch::Tensor psi_;      // (C) margin weights, 1 until the first refresh
  torch::Tensor r_, kappa_, w_kappa_, w_pop_;  // (C) float64, from the latest refresh
  std::int64_t largest_class_;
  std::int64_t refreshes_ = 0;
  std::int64_t steps_since_refresh_ = 0;
};
TORCH_MODULE(KappaFaceHead);

}  // namespace marginlab::heads
