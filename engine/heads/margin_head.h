#pragma once
// The interface every margin head implements. A head owns the (D × C) classifier kernel, turns unit
// embeddings, their norms and global labels into scaled logits and the loss, and on request reports the
// per-sample diagnostics the workbench plots. Semantics: ../shared/docs/margins.md and docs/heads.md.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/heads/head_diagnostics.h"
#include "core/heads/head_fields.h"

namespace marginlab::heads {

struct HeadBatch {
  torch::Tensor embeddings;  // (B, D) unit rows
  torch::Tensor norms;       // (B, 1) or (B): feature norms before normalisation
  torch::Tensor labels;      // (B) int64 class ids (columns); −1 = no margin and not in the loss (PartialFC)
  // Partial FC's sampled classes (head.sample_rate < 1): the ids (ascending, int64) of the classes whose columns the
  // logits have, and `labels` are then positions in it. Undefined: every class.
  torch::Tensor columns;
};

// Per-sample diagnostics as tensors of shape (B), detached. Under Partial FC they describe the whole row (global
// label, target and softmax over every rank's classes), the same on every rank.
struct DiagnosticTensors {
  torch::Tensor label, labelled, norm, margin, cos_margin, theta, max_other_cos, hard, target_grad;
  torch::Tensor z_hat, g_angular, g_additive;  // AdaFace only
  SampleDiagnostics to_host() const;
};

struct HeadOutput {
  torch::Tensor logits;               // (B, C), scaled
  torch::Tensor loss;                 // classification loss + regulariser: what the trainer back-propagates
  torch::Tensor classification_loss;  // mean cross-entropy over labelled rows
  torch::Tensor regulariser;          // MagFace's λ_g·mean g(a); zero for the others
  DiagnosticTensors diagnostics;      // filled when asked for
};

// Which column is each row's target, with rows labelled −1 pointing at column 0 and masked out.
struct Targets {
  torch::Tensor index;     // (B, 1) int64, ≥ 0: the target's column of the logits
  torch::Tensor labelled;  // (B) bool
  torch::Tensor class_id;  // (B) int64, ≥ 0: the target's class, for per-class state (differs from index when sampled)
};

class MarginHeadImpl : public torch::nn::Module {
 public:
  enum class KernelInit {
    unit_uniform,  // uniform(−1, 1), columns renormalised (AdaFace, MagFace)
    normal_001,    // N(0, 0.01) (insightface, CurricularFace, ElasticFace)
  };

  MarginHeadImpl(std::string name, std::int64_t embedding_dim, std::int64_t num_classes, KernelInit init);
  ~MarginHeadImpl() override = default;

  // Full head: cosine from the kernel, margin, loss. Rejects a bad batch before any state changes.
  HeadOutput forward(const HeadBatch& batch, bool with_diagnostics = false);
  // The same from a given cosine matrix (B, C): for references that start from cosines, and for tests.
  HeadOutput forward_cosine(const torch::Tensor& cosine, const torch::Tensor& norms, const torch::Tensor& labels,
                            bool with_diagnostics = false);

  // Unit-column kernel (D, C): the class centres.
  torch::Tensor normalized_kernel() const;
  torch::Tensor& kernel() { return kernel_; }

  const std::string& head_name() const { return name_; }
  std::int64_t embedding_dim() const { return embedding_dim_; }
  std::int64_t num_classes() const { return num_classes_; }

  // "rad" for margins on the angle, "cos" for margins on the cosine.
  virtual std::string_view margin_unit() const = 0;
  virtual double scale() const = 0;
  // State beyond parameters and buffers that an exact resume needs (counters, random generators). Parameters,
  // buffers and hyperparameters are saved by the caller.
  virtual void save_extra_state(torch::serialize::OutputArchive& archive) const { (void)archive; }
  virtual void load_extra_state(torch::serialize::InputArchive& archive) { (void)archive; }

  // Every hyperparameter with its value (the registry's listing, filled in); live changes of one number or integer by
  // name (the live panel), with the same validation as set_params.
  virtual std::vector<ParamValue> parameter_values() const = 0;
  virtual void set_parameter(std::string_view name, double value) = 0;

  // --- What a head keeps beyond its kernel. The training session and the telemetry use these hooks and never name a
  // head (docs/architecture.md); a head overrides what it needs. Defaults: nothing kept, nothing observed.

  // The running (μ, σ) of the feature norm that the margin depends on (AdaFace's EMA): device scalars updated in
  // place, or undefined tensors for a head that keeps none. The telemetry copies them with each step's numbers.
  virtual std::pair<torch::Tensor, torch::Tensor> running_norm_statistics() const { return {}; }

  // Which features of each step the head learns from after the optimiser step (KappaFace's class statistics).
  enum class Observes {
    nothing,
    backbone_features,          // the step's own embeddings, with their dataset row ids
    momentum_encoder_features,  // the features of an EMA copy of the backbone, which the session keeps for the head
  };
  virtual Observes observes() const { return Observes::nothing; }
  // One step's unit features (no gradient), their global labels, and their dataset row ids (undefined for momentum
  // encoder features). Called after the optimiser step when observes() is not `nothing`.
  virtual void observe(const torch::Tensor& sample_ids, const torch::Tensor& features, const torch::Tensor& labels) {
    (void)sample_ids, (void)features, (void)labels;
  }
  // The end of a pass over the training data.
  virtual void end_epoch() {}
  // The head's per-class state for the telemetry (KappaFace's κ, ψ and margins); `kept` is false for a head that
  // keeps none, and the plots of per-class state say so.
  virtual ClassStatistics class_statistics() const { return {}; }

  // Partial FC: this head holds some of the classes, and a row whose class another rank holds is labelled −1 here.
  // Heads that need a value of every row (CurricularFace's target cosines, ElasticFace+'s ranking) get it through
  // `sum`, and the diagnostics become the whole row's (its target on whichever rank holds it, its largest other
  // cosine and p_y over every rank's columns) through `sum` and `max`. Each reduces a tensor in place over the ranks;
  // every rank calls them at the same points with the same shapes. Unset, one process: nothing to reduce.
  using ReduceOverRanks = std::function<void(torch::Tensor&)>;
  struct OverRanks {
    ReduceOverRanks sum;
    ReduceOverRanks max;
  };
  void set_over_ranks(OverRanks ops) { over_ranks_ = std::move(ops); }
  // This head's column 0 is global class `first_class` (Partial FC): the diagnostics' labels are global, and the
  // kernel starts as those columns of the whole classifier's initial kernel (the same at any world size).
  void hold_classes(std::int64_t first_class);
  std::int64_t first_class() const { return first_class_; }
  // The axis along which a parameter or buffer of this head runs over its classes (−1: none): what a world-size-free
  // checkpoint gathers and cuts. The kernel's is 1; heads with per-class state name theirs.
  virtual std::int64_t class_axis(std::string_view tensor_name) const { return tensor_name == "kernel" ? 1 : -1; }

 protected:
  struct MarginLogits {
    torch::Tensor logits;        // (B, C), scaled
    torch::Tensor target;        // (B) target cosine after the margin, unscaled (equals cos θ_y on unlabelled rows)
    torch::Tensor regulariser;   // scalar, or undefined
    // Diagnostics (detached, (B)); computed only when asked for.
    torch::Tensor margin;        // in margin_unit()
    torch::Tensor target_slope;  // |d logit_y / d cos θ_y|, scale included
    torch::Tensor z_hat, g_angular, g_additive;
  };

  // The head's own logic. Called after the batch has been validated; updates running state (EMA, ...).
  virtual MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                                    bool with_diagnostics) = 0;

  // Every row's target cosine (0 where none) and whether it has a target anywhere: this head's own rows, and under
  // Partial FC the others' from the ranks holding their classes (one sum over the ranks). Without gradient.
  struct EveryRow {
    torch::Tensor cos_y;     // (B)
    torch::Tensor labelled;  // (B) bool
  };
  EveryRow every_row(const torch::Tensor& cos_y, const Targets& targets) const;
  // Whether this head is one shard of a Partial FC classifier (set_over_ranks was called).
  bool sharded() const { return static_cast<bool>(over_ranks_.sum); }
  const OverRanks& over_ranks() const { return over_ranks_; }

  // Helpers shared by the heads.
  static torch::Tensor gather_target(const torch::Tensor& matrix, const Targets& targets);  // (B)
  // Scaled logits: `scaled_cosine` everywhere, `scaled_target` at each labelled row's target column.
  static torch::Tensor place_target(torch::Tensor scaled_cosine, const Targets& targets,
                                    const torch::Tensor& scaled_target);
  // |d target / d cos θ_y|·s for a head's target function, by autograd on a detached (B) copy: the slope the
  // backward pass really uses (straight-through included), without touching the training graph.
  static torch::Tensor target_slope(const std::function<torch::Tensor(const torch::Tensor&)>& target_of,
                                    const torch::Tensor& cos_target, double scale);

 private:
  // `columns`: how many the logits will have (the labels' range).
  void check_batch(const torch::Tensor& cosine_or_embeddings, const torch::Tensor& norms,
                   const torch::Tensor& labels, bool embeddings_given, std::int64_t columns) const;
  HeadOutput finish(const torch::Tensor& cosine, const torch::Tensor& norms, const torch::Tensor& labels,
                    bool with_diagnostics, const torch::Tensor& columns = {});

  OverRanks over_ranks_;
  std::string name_;
  std::int64_t embedding_dim_;
  std::int64_t num_classes_;
  KernelInit init_;
  std::uint64_t kernel_seed_ = 0;
  std::int64_t first_class_ = 0;
  torch::Tensor kernel_;
};

using MarginHead = std::shared_ptr<MarginHeadImpl>;

// Holds a head's typed hyperparameters and provides the name-based access from its field table.
template <class Params>
class HeadWithParams : public MarginHeadImpl {
 public:
  HeadWithParams(std::string name, std::int64_t dim, std::int64_t classes, KernelInit init, const Params& params)
      : MarginHeadImpl(std::move(name), dim, classes, init) {
    params.validate();
    params_ = params;
  }

  const Params& params() const { return params_; }
  // Validates first: an invalid struct throws InvalidParameter and leaves the head as it was.
  void set_params(const Params& params) {
    params.validate();
    params_ = params;
  }

  double scale() const override { return params_.s; }

  std::vector<ParamValue> parameter_values() const override { return param_values(params_); }

  // Live tuning: a number or integer by name. Choices are fixed for a run (another choice is another loss).
  void set_parameter(std::string_view name, double value) override {
    Params candidate = params_;
    for (const auto& f : table<Params>().fields) {
      if (f.name == name && !f.live) {
        throw InvalidParameter(head_name() + ": " + std::string(name) + " is fixed for a run");
      }
    }
    set_value(candidate, name, value);
    set_params(candidate);
  }

 protected:
  Params params_;
};

}  // namespace marginlab::heads
