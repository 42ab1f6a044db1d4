#pragma once
// Verifies a model on a set of pairs: embeds every image the pairs use (with its mirror image, as the papers
// report), scores each pair by the cosine of its two embeddings, and computes the protocol's metrics over all pairs
// and per quality stratum. The model is only a function from images to embeddings, so the trainer (mid-run),
// `marginlab-cli eval` (a checkpoint) and the tests (a fixed network) share the same code.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/backbones/backbone.h"
#include "engine/data/loader.h"
#include "engine/data/verification_set.h"
#include "core/eval/set_evaluation.h"

namespace marginlab::eval {

// Images (B, 3, H, W) as the loader makes them → unit embeddings and norms, in evaluation mode.
using EmbedFunction = std::function<backbones::BackboneOutput(const torch::Tensor& images)>;

struct EvaluationOptions {
  data::LoaderConfig loader;  // preprocessing, batch size and threads; shuffling and augmentation are turned off
  FlipTest flip_test = FlipTest::norm_weighted;
  int folds = 10;
  std::size_t roc_points = 200;  // the curve kept for plots
};

struct ImageEmbeddings {
  torch::Tensor embeddings;            // (N, D) float32 on the CPU, unit rows; zero rows for unreadable images
  std::vector<float> norms;            // per image (the mean of both views with a flip test); NaN when unreadable
  std::vector<float> quality;          // the source's known quality, NaN where unknown
  std::vector<std::uint8_t> readable;  // 0 for images the loader had to skip
  std::int64_t skipped = 0;
  std::vector<std::string> skipped_examples;
};

// Every image of `images`, in index order whatever the batch size and thread count.
ImageEmbeddings embed_images(std::shared_ptr<const data::SampleSource> images, const EmbedFunction& embed,
                             const EvaluationOptions& options);

// Raw embeddings (norms kept) of every image and, when asked, of its horizontal mirror, as the IJB and TinyFace
// protocols take them: the two views go through the network separately and are not fused here. Batch size and
// threads change no number (the backbone is in evaluation mode; rows are placed by sample id).
struct ImageViews {
  torch::Tensor plain;     // (N, D) float32 on the CPU; zero rows for unreadable images
  torch::Tensor mirrored;  // the same for the mirrored inputs; undefined unless asked for
  std::vector<std::uint8_t> readable;
  std::int64_t skipped = 0;
  std::vector<std::string> skipped_examples;
};
// Images done (read or skipped) of all, after each batch.
using EmbedProgress = std::function<void(std::int64_t done, std::int64_t total)>;
ImageViews embed_views(std::shared_ptr<const data::SampleSource> images, const EmbedFunction& embed,
                       const data::LoaderConfig& loader, bool mirrored, const EmbedProgress& progress = {});

// The metrics of `set` from embeddings of its images. Pairs with an unreadable image are dropped and counted.
// Throws std::invalid_argument when fewer pairs than folds remain.
SetEvaluation score_pairs(const data::VerificationSet& set, const ImageEmbeddings& embeddings,
                          const EvaluationOptions& options);

// Closed-set accuracy by class size (core/eval/closed_set.h): every image of `images` (labels = training classes,
// class_counts = training images per class) embedded as verification embeds them and assigned to the class whose
// unit centre in `centres` (D, C: the head's normalized kernel) has the largest cosine.
SetEvaluation evaluate_closed_set(std::shared_ptr<const data::SampleSource> images, const torch::Tensor& centres,
                                  const EmbedFunction& embed, const EvaluationOptions& options);

// embed_images + score_pairs.
SetEvaluation evaluate_set(const data::VerificationSet& set, const EmbedFunction& embed,
                           const EvaluationOptions& options);

}  // namespace marginlab::eval
