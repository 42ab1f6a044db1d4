#include "core/heads/head_params.h"

#include <cmath>
#include <sstream>

#include "core/errors.h"

namespace marginlab::heads {
namespace {

// Ranges shared by several heads.
constexpr ParamRange kScale{0.0, 1024.0, true, false};
constexpr ParamRange kAngularMargin{-1.5707963267948966, 1.5707963267948966};  // |m| ≤ π/2
constexpr ParamRange kCosineMargin{-1.0, 2.0};
constexpr ParamRange kUnitInterval{0.0, 1.0};
constexpr ParamRange kSmallEps{0.0, 0.1, true, false};

}  // namespace

void check_param(std::string_view head, std::string_view name, double value, const ParamRange& range) {
  if (range.contains(value)) return;
  throw InvalidParameter(std::string(head) + ": " + std::string(name) + " = " + format_number(value) +
                         " is outside the allowed range " + range.describe());
}

const std::vector<ParamField<NormFaceParams>>& fields(const NormFaceParams*) {
  static const std::vector<ParamField<NormFaceParams>> table{
      {"s", &NormFaceParams::s, kScale, "logit scale"},
  };
  return table;
}

const std::vector<ParamField<CosFaceParams>>& fields(const CosFaceParams*) {
  static const std::vector<ParamField<CosFaceParams>> table{
      {"s", &CosFaceParams::s, kScale, "logit scale"},
      {"m", &CosFaceParams::m, kCosineMargin, "additive cosine margin"},
  };
  return table;
}

const std::vector<ParamField<ArcFaceParams>>& fields(const ArcFaceParams*) {
  static const std::vector<ParamField<ArcFaceParams>> table{
      {"s", &ArcFaceParams::s, kScale, "logit scale"},
      {"m", &ArcFaceParams::m, kAngularMargin, "additive angular margin (rad)"},
      {"eps", &ArcFaceParams::eps, kSmallEps, "cosine clamp and angle clip"},
  };
  return table;
}

const std::vector<ParamField<CurricularFaceParams>>& fields(const CurricularFaceParams*) {
  static const std::vector<ParamField<CurricularFaceParams>> table{
      {"s", &CurricularFaceParams::s, kScale, "logit scale"},
      {"m", &CurricularFaceParams::m, kAngularMargin, "additive angular margin (rad)"},
      {"t_alpha", &CurricularFaceParams::t_alpha, kUnitInterval, "EMA weight of the batch's mean target cosine"},
  };
  return table;
}

const std::vector<ParamField<MagFaceParams>>& fields(const MagFaceParams*) {
  static const std::vector<ParamField<MagFaceParams>> table{
      {"s", &MagFaceParams::s, kScale, "logit scale"},
      {"l_a", &MagFaceParams::l_a, {0.0, 1e4, true, false}, "lower feature-norm bound"},
      {"u_a", &MagFaceParams::u_a, {0.0, 1e4, true, false}, "upper feature-norm bound"},
      {"l_margin", &MagFaceParams::l_margin, kAngularMargin, "margin at the lower norm bound (rad)"},
      {"u_margin", &MagFaceParams::u_margin, kAngularMargin, "margin at the upper norm bound (rad)"},
      {"lambda_g", &MagFaceParams::lambda_g, {0.0, 1e6}, "weight of the norm regulariser g(a)"},
  };
  return table;
}

const std::vector<ParamField<ElasticFaceParams>>& fields(const ElasticFaceParams*) {
  static const std::vector<ParamField<ElasticFaceParams>> table{
      {"s", &ElasticFaceParams::s, kScale, "logit scale"},
      {"m", &ElasticFaceParams::m, kAngularMargin, "mean of the random margin"},
      {"sigma", &ElasticFaceParams::sigma, {0.0, 1.0}, "standard deviation of the random margin"},
  };
  return table;
}

const std::vector<ParamField<AdaFaceParams>>& fields(const AdaFaceParams*) {
  static const std::vector<ParamField<AdaFaceParams>> table{
      {"s", &AdaFaceParams::s, kScale, "logit scale"},
      {"m", &AdaFaceParams::m, {0.0, 1.5707963267948966}, "margin (rad for g_angular, cosine for g_additive)"},
      {"h", &AdaFaceParams::h, kUnitInterval, "how strongly the norm (image quality) scales the margin"},
      {"t_alpha", &AdaFaceParams::t_alpha, kUnitInterval, "EMA weight of the batch's norm mean and std"},
      {"eps", &AdaFaceParams::eps, kSmallEps, "cosine clamp, angle clip and std offset"},
  };
  return table;
}

const std::vector<ParamField<KappaFaceParams>>& fields(const KappaFaceParams*) {
  static const std::vector<ParamField<KappaFaceParams>> table{
      {"s", &KappaFaceParams::s, kScale, "logit scale"},
      {"m0", &KappaFaceParams::m0, {0.0, 1.5707963267948966}, "largest angular margin; class c gets m0·ψ_c"},
      {"gamma", &KappaFaceParams::gamma, kUnitInterval, "balance of concentration and population weights"},
      {"temperature", &KappaFaceParams::temperature, {0.0, 100.0, true, false}, "T in w_κ = 1 − sigmoid(T·κ̃)"},
      {"memory_momentum", &KappaFaceParams::memory_momentum, {0.0, 1.0, true, false},
       "weight of the new feature in the memory buffer (or of the backbone in the momentum encoder)"},
      {"eps", &KappaFaceParams::eps, {0.0, 0.01, true, false}, "cosine clamp before acos, cap on r̂"},
      {"refresh_every_steps", &KappaFaceParams::refresh_every_steps, {0.0, 1e9},
       "steps between refreshes of the class statistics (whole number); 0: once per epoch"},
  };
  return table;
}

void NormFaceParams::validate() const { check_fields("NormFace", *this); }
void CosFaceParams::validate() const { check_fields("CosFace", *this); }
void ArcFaceParams::validate() const { check_fields("ArcFace", *this); }
void CurricularFaceParams::validate() const { check_fields("CurricularFace", *this); }
void ElasticFaceParams::validate() const { check_fields("ElasticFace", *this); }

void MagFaceParams::validate() const {
  check_fields("MagFace", *this);
  if (!(u_a > l_a)) {
    throw InvalidParameter("MagFace: u_a = " + format_number(u_a) + " must be greater than l_a = " + format_number(l_a));
  }
}

double MagFaceParams::lambda_g_lower_bound() const {
  const double k = (u_margin - l_margin) / (u_a - l_a);
  return s * k * u_a * u_a * l_a * l_a / (u_a * u_a - l_a * l_a);
}

ElasticFaceParams ElasticFaceParams::defaults(ElasticKind kind, bool plus) {
  ElasticFaceParams p;
  p.kind = kind;
  p.plus = plus;
  if (kind == ElasticKind::arc) {
    p.m = 0.5;
    p.sigma = plus ? 0.0175 : 0.05;
  } else {
    p.m = 0.35;
    p.sigma = plus ? 0.02 : 0.05;
  }
  return p;
}

void AdaFaceParams::validate() const { check_fields("AdaFace", *this); }

void KappaFaceParams::validate() const {
  if (!(refresh_every_steps >= 0) || refresh_every_steps != std::floor(refresh_every_steps)) {
    std::ostringstream message;
    message << "KappaFace: refresh_every_steps = " << refresh_every_steps
            << " must be a whole number in [0, inf) (0 = once per epoch)";
    throw InvalidParameter(message.str());
  }
  check_fields("KappaFace", *this);
}

std::string_view to_string(ArcFaceGradient g) {
  return g == ArcFaceGradient::exact ? "exact" : "straight_through";
}
std::string_view to_string(KappaVariant v) { return v == KappaVariant::code ? "code" : "paper"; }
std::string_view to_string(KappaStatisticsSource s) {
  return s == KappaStatisticsSource::memory_buffer ? "memory_buffer" : "momentum_encoder";
}

}  // namespace marginlab::heads
