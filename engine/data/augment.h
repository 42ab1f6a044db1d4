#pragma once
// Training-time augmentation as in AdaFace's recipe: its three quality-lowering augmentations (crop, low resolution,
// photometric; 0.2 each in the paper's setting) plus the horizontal flip every face recogniser uses.
//
// Augmentation never changes ImageSample::quality: q is the quality SynthFace rendered, the ground truth the
// experiments compare feature norms against. An augmented image is harder than its q says, exactly as in AdaFace,
// where the augmentations are what makes the norm a quality proxy to learn in the first place.
#include <random>

#include "engine/data/sample_source.h"

namespace marginlab::data {

struct AugmentConfig {
  double flip = 0.5;         // probability of a horizontal flip
  // Probability of a random-resized-crop's region (area ∈ [0.2, 1] of the image, aspect ∈ [3/4, 4/3]) kept at its
  // place on a black canvas of the original size: the face stays aligned, the rest is cut away (AdaFace).
  double crop = 0.0;
  // Probability of downscaling to a side ratio ∈ [0.2, 1] and back up, each way with an interpolation picked at
  // random among nearest, linear, area, cubic and Lanczos (AdaFace).
  double low_resolution = 0.0;
  // Probability of a colour jitter: brightness, contrast and saturation factors each ∈ [0.5, 1.5], applied in a
  // random order (torchvision's ColorJitter(0.5, 0.5, 0.5), as AdaFace uses it).
  double photometric = 0.0;
  void validate() const;  // every probability in [0, 1]; throws InvalidParameter naming the key and the value

  static AugmentConfig none() { return {0.0, 0.0, 0.0, 0.0}; }  // evaluation
  static AugmentConfig adaface() { return {0.5, 0.2, 0.2, 0.2}; }  // AdaFace's training setting
};

// Augments `image` in place (crop, then low resolution, then photometric, then flip, each with its probability).
// `order` is the image's channel order (the photometric jitter's grey levels weight R, G and B differently).
// Deterministic for a given `rng` state; draws the same number of values whatever happens, so one augmentation's
// outcome never shifts another's randomness. Throws InvalidParameter for an invalid config or image.
void augment(ImageSample& image, const AugmentConfig& config, std::mt19937_64& rng, ColorOrder order = ColorOrder::rgb);

}  // namespace marginlab::data
