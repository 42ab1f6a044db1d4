#pragma once
// The SynthFace generator's settings (engine/data/synthface.h renders from them): torch- and OpenCV-free, so that
// an experiment's `data.synthface` is checked where the experiment is, on the workbench's GUI thread too.
#include <cstdint>

namespace marginlab::data {

struct SynthFaceConfig {
  std::uint64_t seed = 1;
  std::int64_t identities = 200;               // training identities: labels 0 .. identities−1
  std::int64_t max_images_per_identity = 60;   // size of the largest class
  // Largest over smallest class size. Sizes follow a power law over the size rank r = 1..N,
  // n_r = max·r^(−α) with α = ln(ratio)/ln(N) (Zipf-like long tail), rounded; ranks are shuffled over the ids.
  double imbalance_ratio = 10;
  std::int64_t image_size = 112;               // square images, side in pixels
  double low_quality_fraction = 0.4;           // weight of the low-q component of the quality mixture
  std::int64_t family_size = 4;                // identities per family of near-twins; 1 makes every identity unrelated
  double identity_spread = 0.5;                // s in (0, 1]: how far family members stray from their prototype
  std::int64_t verification_identities = 100;  // held out, disjoint from training (their own families)
  std::int64_t pairs_per_stratum = 500;        // verification pairs per quality stratum, half genuine
  void validate() const;                       // throws InvalidParameter naming the key and the value
};

}  // namespace marginlab::data
