#pragma once
// SynthFace: face-like identities rendered procedurally with OpenCV drawing, deterministic from
// (seed, identity, sample), so a benchmark with known image quality and known class sizes ships without any data.
//
// Identities. Each identity is a vector of standard-normal latents mapped to face parameters (head and jaw shape,
// skin tone, eye shape, spacing and colour, brows, nose, mouth, lips, hair style and colour, ears, a mole, glasses,
// beard). Identities come in families of `family_size` consecutive ids: a member's latents are
// z = √(1−s²)·z_family + s·ε with s = identity_spread, so family members are near-twins (latent correlation 1−s²)
// while every identity keeps the population's N(0, 1) marginals. Impostor pairs are partly drawn within families.
//
// Images. Every image has its own pose (yaw with foreshortened features, roll, scale, shift), expression (smile,
// open mouth, raised brows, squint), illumination (directional gradient, gain, colour tint), background and clothes.
//
// Quality. Every image has a known quality q ∈ [0, 1] (ImageSample::quality). Training images draw q from a
// two-component mixture: with probability low_quality_fraction q ~ U[0, 0.5), otherwise q ~ U[0.5, 1], so (in
// expectation) that fraction of the images lies below 0.5 and q is uniform within each half. The severity
// d = 1 − q drives every degradation, each at strength d_i = min(1, d·j_i) with a per-image jitter
// j_i ∈ [0.75, 1.25] (images of equal q differ in how they are damaged; for a fixed image every strength grows
// with d):
//   occlusion      with probability 0.4·d_occ: a scarf, hand or bar over part of the face, larger as d_occ grows
//   resolution     down to a side of (1 − 0.82·d_res)·size (INTER_AREA), back up (linear; a quarter of the images
//                  nearest, blocky like a digital zoom)
//   blur           Gaussian, σ = 1.5·d_blur pixels at 112 px (scaled with the image size)
//   contrast       pixel values pulled towards grey by a factor 1 − 0.55·d_contrast, brightness shift ±30·d_contrast
//   noise          uniform sensor noise with standard deviation 16·d_noise grey levels
//   JPEG           when d_jpeg > 0.3: a JPEG round trip at quality 95 − 85·d_jpeg
// q = 1 is clean; q = 0 is a 20-pixel, blurred, noisy, washed-out, blocky image in which a face is still visible.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/synthface_config.h"
#include "engine/data/sample_source.h"
#include "engine/data/verification_pair.h"

namespace marginlab::data {

class SynthFaceRenderer;  // the identities and the drawing, shared with the verification source

class SynthFace : public SampleSource {
 public:
  // Verification image qualities per stratum: high images have q ∈ [kHighQualityMin, 1], low ones
  // q ∈ [0, kLowQualityMax], each uniform in its band.
  static constexpr double kHighQualityMin = 0.7;
  static constexpr double kLowQualityMax = 0.3;

  explicit SynthFace(const SynthFaceConfig& config);  // validates the config; builds identities and pairs (cheap)

  std::int64_t size() const override { return first_sample_.back(); }
  std::int64_t num_classes() const override { return config_.identities; }
  std::int64_t label(std::int64_t index) const override;
  std::vector<std::int64_t> class_counts() const override { return class_counts_; }
  ImageSample load(std::int64_t index) const override;  // thread-safe, no shared mutable state
  ColorOrder color_order() const override { return ColorOrder::rgb; }
  std::string describe() const override;

  const SynthFaceConfig& config() const { return config_; }
  // The image `sample` of training identity `identity` (its pose, expression, lighting and degradation pattern)
  // rendered at quality `quality` instead of its own: load(i) equals render(label(i), k, q_i) for its (k, q_i).
  ImageSample render(std::int64_t identity, std::int64_t sample, double quality) const;
  // Which sample of its identity image `index` is (the k of render()).
  std::int64_t sample_within_identity(std::int64_t index) const;

  // Unseen images of the training identities (samples after each identity's training ones, labels 0..identities−1),
  // `per_identity` each with qualities spread evenly over [0, 1] ((j + ½) / per_identity): the closed-set test of how
  // well each class, large or small, was learned.
  std::shared_ptr<SampleSource> held_out_images(std::int64_t per_identity) const;
  // Held-out identities: labels identities .. identities+verification_identities−1, every class the same size.
  std::shared_ptr<SampleSource> verification_images() const { return verification_images_; }
  // Stratum by stratum (high-high, high-low, low-low), shuffled within each; indices into verification_images().
  const std::vector<VerificationPair>& verification_pairs() const { return pairs_; }

 private:
  SynthFaceConfig config_;
  std::shared_ptr<const SynthFaceRenderer> renderer_;
  std::vector<std::int64_t> class_counts_;
  std::vector<std::int64_t> first_sample_;  // prefix sums of class_counts_ (identities+1 entries): first image of each
  std::shared_ptr<SampleSource> verification_images_;
  std::vector<VerificationPair> pairs_;
};

}  // namespace marginlab::data
