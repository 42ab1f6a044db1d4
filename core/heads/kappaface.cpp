#include "core/heads/kappaface.h"

namespace marginlab::heads {

const HeadTable<KappaFaceParams>& table_of(const KappaFaceParams*) {
  using P = KappaFaceParams;
  static const HeadTable<P> t{
      "KappaFace",
      {number("s", &P::s, kLogitScale, "logit scale"),
       number("m0", &P::m0, {0.0, 1.5707963267948966}, "largest angular margin; class c gets m0·ψ_c"),
       number("gamma", &P::gamma, kUnitInterval, "balance of concentration and population weights"),
       number("temperature", &P::temperature, {0.0, 100.0, true, false}, "T in w_κ = 1 − sigmoid(T·κ̃)"),
       number("memory_momentum", &P::memory_momentum, {0.0, 1.0, true, false},
              "weight of the new feature in the memory buffer (or of the backbone in the momentum encoder)"),
       number("eps", &P::eps, {0.0, 0.01, true, false}, "cosine clamp before acos, cap on r̂"),
       integer("refresh_every_steps", &P::refresh_every_steps, {0.0, 1e9},
               "steps between refreshes of the class statistics; 0: once per epoch"),
       choice("statistics", &P::source,
              std::vector<std::pair<HeadChoice, KappaStatisticsSource>>{
                  {{"memory", "per-sample memory buffer of normalised features (the authors' memory.py)"},
                   KappaStatisticsSource::memory_buffer},
                  {{"momentum_encoder",
                    "features of a momentum encoder, an EMA copy of the backbone (the shipped configuration)"},
                   KappaStatisticsSource::momentum_encoder}},
              "where the class statistics come from"),
       choice(
           "formula", &P::variant,
           std::vector<std::pair<HeadChoice, KappaVariant>>{
               {{"code", "the authors' code: ψ = γ·w_κ + (1−γ)·w_n, K = 1.05·max n, sample std"}, KappaVariant::code},
               {{"paper", "the paper: ψ = γ·w_n + (1−γ)·w_κ, K = max n, population std"}, KappaVariant::paper}},
           "how κ and the class sizes make the margin weight ψ")}};
  return t;
}

void KappaFaceParams::validate() const { check_fields(*this); }

std::string_view to_string(KappaVariant v) { return v == KappaVariant::code ? "code" : "paper"; }
std::string_view to_string(KappaStatisticsSource s) {
  return s == KappaStatisticsSource::memory_buffer ? "memory_buffer" : "momentum_encoder";
}

const HeadDescriptor& describe_kappaface() {
  static const HeadDescriptor d =
      make_descriptor<KappaFaceParams>("kappaface", "per-class margin from vMF concentration and class size",
                                       {{HeadCapability::class_statistics, {}, {}},
                                        {HeadCapability::sample_memory, "statistics", "memory"},
                                        {HeadCapability::momentum_encoder, "statistics", "momentum_encoder"}});
  return d;
}

}  // namespace marginlab::heads
