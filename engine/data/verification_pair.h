#pragma once
// A verification pair: two images of a verification set and whether they show one person. Shared by every kind of
// set (insightface .bin packs, pair lists, SynthFace's held-out identities) and by the evaluator.
#include <cstdint>
#include <string_view>

namespace marginlab::data {

// Quality stratum of a pair, meaningful only where image quality is known (SynthFace): both images high quality,
// one high and one low, both low.
enum class PairStratum { high_high, high_low, low_low };

constexpr std::string_view stratum_name(PairStratum stratum) {  // "high-high", "high-low", "low-low"
  switch (stratum) {
    case PairStratum::high_high: return "high-high";
    case PairStratum::high_low: return "high-low";
    case PairStratum::low_low: return "low-low";
  }
  return "unknown";
}

struct VerificationPair {
  std::int64_t first = 0;   // indices into the set's images; SynthFace: for high-low, first is the high one
  std::int64_t second = 0;
  bool same = false;        // genuine pair
  PairStratum stratum = PairStratum::high_high;
  bool related = false;     // SynthFace: impostor pair from the same family (a near-twin)
};

}  // namespace marginlab::data
