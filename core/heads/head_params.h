#pragma once
// Hyperparameters of every margin head as plain structs: no torch, so the GUI, the CLI and the
// experiment files share them. A head accepts a new struct between any two steps (live tuning);
// validate() throws marginlab::InvalidParameter naming the parameter, the value and the allowed range.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/range.h"

namespace marginlab::heads {

// A real-valued hyperparameter's allowed interval, for validation and for the GUI's editors.
using ParamRange = marginlab::Range;

// Throws InvalidParameter("<head>: <name> = <value> is outside <range>") unless value is finite and in range.
void check_param(std::string_view head, std::string_view name, double value, const ParamRange& range);

// One numeric hyperparameter of a head, addressable by name (CLI --set, GUI sliders).
template <class Params>
struct ParamField {
  std::string_view name;
  double Params::*member;
  ParamRange range;
  std::string_view help;
};

struct NormFaceParams {
  double s = 64.0;
  void validate() const;
};

struct CosFaceParams {
  double s = 64.0;
  double m = 0.4;  // insightface and the AdaFace repo; the mxnet configs use 0.35
  void validate() const;
};

enum class ArcFaceGradient {
  exact,             // true derivative through acos/cos (AdaFace's and KappaFace's heads)
  straight_through,  // insightface since 2022-12, forward included: cos(θ+m) without clip, d logit/d cos = s
};

struct ArcFaceParams {
  double s = 64.0;
  double m = 0.5;
  double eps = 1e-4;                  // cosine clamp ±(1−eps) and θ+m clip to [eps, π−eps] (AdaFace repo)
  ArcFaceGradient gradient = ArcFaceGradient::exact;
  bool legacy_th_mm = false;          // insightface ≤2022: cos(θ+m) via cos·cos m − sin·sin m, fallback cos − mm
  bool easy_margin = false;           // margin only where cos θ > 0
  void validate() const;
};

struct CurricularFaceParams {
  double s = 64.0;
  double m = 0.5;
  double t_alpha = 0.01;  // weight of the current batch in the EMA of the mean target cosine
  void validate() const;
};

struct MagFaceParams {
  double s = 64.0;
  double l_a = 10.0;       // feature-norm clamp, lower
  double u_a = 110.0;      // feature-norm clamp, upper
  double l_margin = 0.45;  // margin at l_a
  double u_margin = 0.8;   // margin at u_a
  double lambda_g = 35.0;  // weight of the regulariser g(a) = a/u_a² + 1/a (run.sh; the trainer default is 20)
  bool easy_margin = true;
  void validate() const;
  // The smallest λ_g for which MagFace's convergence argument holds: s·k·u_a²·l_a²/(u_a²−l_a²), k = dm/da.
  double lambda_g_lower_bound() const;
};

enum class ElasticKind { arc, cos };

struct ElasticFaceParams {
  ElasticKind kind = ElasticKind::arc;
  bool plus = false;     // ElasticFace+: larger margins for samples farther from their class centre
  double s = 64.0;
  double m = 0.5;        // mean margin (0.35 for the Cos variant)
  double sigma = 0.05;   // std of the per-sample margin
  std::uint64_t seed = 0;
  void validate() const;
  static ElasticFaceParams defaults(ElasticKind kind, bool plus);  // the paper's recommended m and σ
};

struct AdaFaceParams {
  double s = 64.0;
  double m = 0.4;
  double h = 0.333;
  double t_alpha = 0.01;   // weight of the current batch in the EMA of the norm statistics
  double eps = 1e-3;       // cosine clamp ±(1−eps), θ clip [eps, π−eps], σ + eps
  bool invert_quality = false;  // flips the sign of h, for models whose low norm means high quality
  void validate() const;
};

enum class KappaVariant {
  code,   // the authors' code: ψ = γ·w_κ + (1−γ)·w_n, K = 1.05·max n, std with C−1
  paper,  // the paper: ψ = γ·w_n + (1−γ)·w_κ, K = max n, std with C
};

enum class KappaStatisticsSource {
  memory_buffer,     // per-sample EMA of normalised features (the authors' memory.py)
  momentum_encoder,  // features of an EMA copy of the backbone (momentum_head.py)
};

struct KappaFaceParams {
  double s = 64.0;
  double m0 = 0.8;
  double gamma = 0.7;
  double temperature = 0.4;
  double memory_momentum = 0.9;  // weight of the new feature in the memory-buffer update
  double eps = 1e-6;             // cosine clamp ±(1−eps) before acos; r̂ capped at 1−eps
  KappaVariant variant = KappaVariant::code;
  KappaStatisticsSource source = KappaStatisticsSource::memory_buffer;
  // 0: once per epoch (the authors); N: every N steps. A whole number; a double so it is a live parameter like the rest.
  double refresh_every_steps = 0;
  void validate() const;
};

std::string_view to_string(ArcFaceGradient g);
std::string_view to_string(KappaVariant v);
std::string_view to_string(KappaStatisticsSource s);

// Name-addressable numeric fields of each head's parameters.
const std::vector<ParamField<NormFaceParams>>& fields(const NormFaceParams*);
const std::vector<ParamField<CosFaceParams>>& fields(const CosFaceParams*);
const std::vector<ParamField<ArcFaceParams>>& fields(const ArcFaceParams*);
const std::vector<ParamField<CurricularFaceParams>>& fields(const CurricularFaceParams*);
const std::vector<ParamField<MagFaceParams>>& fields(const MagFaceParams*);
const std::vector<ParamField<ElasticFaceParams>>& fields(const ElasticFaceParams*);
const std::vector<ParamField<AdaFaceParams>>& fields(const AdaFaceParams*);
const std::vector<ParamField<KappaFaceParams>>& fields(const KappaFaceParams*);

// Validates every field of a parameter struct against its table.
template <class Params>
void check_fields(std::string_view head, const Params& params) {
  for (const auto& field : fields(static_cast<const Params*>(nullptr))) {
    check_param(head, field.name, params.*(field.member), field.range);
  }
}

}  // namespace marginlab::heads
