#include "engine/eval/evaluator.h"

#include "core/eval/closed_set.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

#include "core/errors.h"

namespace marginlab::eval {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Both views' unit embeddings and norms → one unit embedding and the mean norm (see FlipTest).
std::pair<torch::Tensor, torch::Tensor> fuse(FlipTest flip, const backbones::BackboneOutput& view,
                                             const backbones::BackboneOutput& mirrored) {
  const auto u = view.embedding.to(torch::kFloat32);
  const auto u_flip = mirrored.embedding.to(torch::kFloat32);
  const auto n = view.norm.to(torch::kFloat32).reshape({-1, 1});
  const auto n_flip = mirrored.norm.to(torch::kFloat32).reshape({-1, 1});
  const auto sum = flip == FlipTest::sum ? u + u_flip : u * n + u_flip * n_flip;
  return {sum / sum.norm(2, 1, true).clamp_min(1e-12), (n + n_flip).flatten() / 2};
}

// Every batch of `images` in order, unaugmented and unshuffled, handed to `on_batch`; returns how many images were
// unreadable and a few of their names. Throws InvalidFile when none could be read.
template <typename OnBatch>
std::pair<std::int64_t, std::vector<std::string>> for_each_batch(std::shared_ptr<const data::SampleSource> images,
                                                                 data::LoaderConfig config, OnBatch on_batch) {
  config.shuffle = false;
  config.drop_last = false;
  config.augment = data::AugmentConfig{0.0, 0.0, 0.0, 0.0};
  const auto description = images->describe();
  data::Loader loader(std::move(images), config);
  loader.start(0, 0);
  torch::NoGradGuard no_grad;
  bool any = false;
  while (true) {
    std::optional<data::Batch> batch;
    const auto skipped_before = loader.skipped_samples();
    try {
      batch = loader.next();
    } catch (const InvalidFile&) {
      // A batch of nothing but unreadable images: counted as skipped, and the next batch may be fine.
      if (loader.skipped_samples() > skipped_before) continue;
      throw;
    }
    if (!batch) break;
    any = true;
    on_batch(*batch, loader.skipped_samples());
  }
  if (!any) throw InvalidFile(description + ": none of its images could be read");
  return {loader.skipped_samples(), loader.skipped_examples()};
}

}  // namespace

ImageEmbeddings embed_images(std::shared_ptr<const data::SampleSource> images, const EmbedFunction& embed,
                             const EvaluationOptions& options) {
  const auto count = images->size();
  ImageEmbeddings result;
  result.norms.assign(count, kNaN);
  result.quality.assign(count, kNaN);
  result.readable.assign(count, 0);
  std::tie(result.skipped, result.skipped_examples) =
      for_each_batch(std::move(images), options.loader, [&](const data::Batch& batch, std::int64_t) {
        auto view = embed(batch.images);
        torch::Tensor unit, norm;
        if (options.flip_test == FlipTest::none) {
          unit = view.embedding.to(torch::kFloat32);
          norm = view.norm.to(torch::kFloat32).flatten();
        } else {
          const auto mirrored = embed(batch.images.flip({3}).contiguous(torch::MemoryFormat::ChannelsLast));
          std::tie(unit, norm) = fuse(options.flip_test, view, mirrored);
        }
        unit = unit.to(torch::kCPU).contiguous();
        norm = norm.to(torch::kCPU).contiguous();
        if (!result.embeddings.defined()) result.embeddings = torch::zeros({count, unit.size(1)});
        // The loader delivers in order, but sample ids, not positions, say which image a row is: a skipped image
        // shortens its batch.
        const auto ids = batch.sample_ids.to(torch::kCPU, torch::kInt64).contiguous();
        result.embeddings.index_copy_(0, ids, unit);
        const auto quality = batch.quality.to(torch::kCPU, torch::kFloat32).contiguous();
        for (std::int64_t row = 0; row < ids.numel(); ++row) {
          const auto id = ids.data_ptr<std::int64_t>()[row];
          result.norms[id] = norm.data_ptr<float>()[row];
          result.quality[id] = quality.data_ptr<float>()[row];
          result.readable[id] = 1;
        }
      });
  return result;
}

ImageViews embed_views(std::shared_ptr<const data::SampleSource> images, const EmbedFunction& embed,
                       const data::LoaderConfig& loader, bool mirrored, const EmbedProgress& progress) {
  const auto count = images->size();
  ImageViews result;
  result.readable.assign(count, 0);
  std::int64_t done = 0;
  const auto raw = [](const backbones::BackboneOutput& view) {
    return (view.embedding.to(torch::kFloat32) * view.norm.to(torch::kFloat32).reshape({-1, 1}))
        .to(torch::kCPU)
        .contiguous();
  };
  std::tie(result.skipped, result.skipped_examples) =
      for_each_batch(std::move(images), loader, [&](const data::Batch& batch, std::int64_t skipped) {
        const auto ids = batch.sample_ids.to(torch::kCPU, torch::kInt64).contiguous();
        const auto plain = raw(embed(batch.images));
        if (!result.plain.defined()) result.plain = torch::zeros({count, plain.size(1)});
        result.plain.index_copy_(0, ids, plain);
        if (mirrored) {
          // The mirror of the network's input, i.e. of the aligned crop, as the authors' scripts flip it.
          const auto flipped = raw(embed(batch.images.flip({3}).contiguous(torch::MemoryFormat::ChannelsLast)));
          if (!result.mirrored.defined()) result.mirrored = torch::zeros({count, flipped.size(1)});
          result.mirrored.index_copy_(0, ids, flipped);
        }
        for (std::int64_t row = 0; row < ids.numel(); ++row) result.readable[ids.data_ptr<std::int64_t>()[row]] = 1;
        done += ids.numel();
        if (progress) progress(done + skipped, count);
      });
  return result;
}

SetEvaluation score_pairs(const data::VerificationSet& set, const ImageEmbeddings& embeddings,
                          const EvaluationOptions& options) {
  SetEvaluation result;
  result.set = set.name;
  result.flip_test = options.flip_test;
  result.images = static_cast<std::int64_t>(embeddings.readable.size());
  result.images_skipped = embeddings.skipped;
  result.skipped_examples = embeddings.skipped_examples;

  const auto& e = embeddings.embeddings;
  const auto dim = e.size(1);
  const float* rows = e.data_ptr<float>();
  ScoredPairs scored;
  for (const auto& pair : set.pairs) {
    if (!embeddings.readable.at(pair.first) || !embeddings.readable.at(pair.second)) {
      ++result.pairs_dropped;
      continue;
    }
    // Accumulated in double, so that the score of a pair does not depend on how the rows were computed.
    double dot = 0.0;
    const float* a = rows + pair.first * dim;
    const float* b = rows + pair.second * dim;
    for (std::int64_t k = 0; k < dim; ++k) dot += static_cast<double>(a[k]) * b[k];
    scored.scores.push_back(static_cast<float>(dot));
    scored.same.push_back(pair.same ? 1 : 0);
    scored.first.push_back(pair.first);
    scored.second.push_back(pair.second);
    if (set.true_quality_strata) scored.true_stratum.push_back(static_cast<std::uint8_t>(pair.stratum));
  }
  if (static_cast<int>(scored.scores.size()) < options.folds) {
    throw std::invalid_argument(fmt::format("{}: {} of {} pairs have both images readable, fewer than the {} folds",
                                            set.name, scored.scores.size(), set.pairs.size(), options.folds));
  }
  if (set.true_quality_strata) {
    for (auto stratum : {data::PairStratum::high_high, data::PairStratum::high_low, data::PairStratum::low_low}) {
      scored.true_stratum_names.push_back(data::stratum_name(stratum));
    }
  }
  // Unreadable images have no norm; no remaining pair refers to them.
  auto image_norms = embeddings.norms;
  for (auto& n : image_norms) {
    if (!std::isfinite(n)) n = 0.0f;
  }
  add_pair_metrics(result, scored, image_norms, options.folds, options.roc_points);

  std::vector<float> norms, quality;
  for (std::size_t i = 0; i < embeddings.norms.size(); ++i) {
    if (embeddings.readable[i] && std::isfinite(embeddings.quality[i])) {
      norms.push_back(embeddings.norms[i]);
      quality.push_back(embeddings.quality[i]);
    }
  }
  result.norm_quality_spearman = spearman(norms, quality);
  return result;
}

SetEvaluation evaluate_set(const data::VerificationSet& set, const EmbedFunction& embed,
                           const EvaluationOptions& options) {
  return score_pairs(set, embed_images(set.images, embed, options), options);
}

SetEvaluation evaluate_closed_set(std::shared_ptr<const data::SampleSource> images, const torch::Tensor& centres,
                                  const EmbedFunction& embed, const EvaluationOptions& options) {
  const auto embedded = embed_images(images, embed, options);
  const auto classes = images->num_classes();
  if (centres.dim() != 2 || centres.size(1) != classes || centres.size(0) != embedded.embeddings.size(1)) {
    throw std::invalid_argument("closed set: the class centres are " + std::to_string(centres.size(0)) + " × " +
                                std::to_string(centres.size(1)) + ", the images need " +
                                std::to_string(embedded.embeddings.size(1)) + " × " + std::to_string(classes));
  }
  const auto scores = torch::matmul(embedded.embeddings, centres.detach().to(torch::kCPU, torch::kFloat32));
  const auto best = scores.argmax(1).contiguous();
  std::vector<std::int64_t> predicted(best.data_ptr<std::int64_t>(), best.data_ptr<std::int64_t>() + best.numel());
  std::vector<std::int64_t> labels;
  labels.reserve(predicted.size());
  for (std::int64_t i = 0; i < images->size(); ++i) {
    // An unreadable image (none in SynthFace) counts as wrong rather than vanishing from its bucket.
    labels.push_back(images->label(i));
    if (!embedded.readable[static_cast<std::size_t>(i)]) predicted[static_cast<std::size_t>(i)] = -1;
  }
  const auto counts = images->class_counts();
  auto result = closed_set_by_class_size(predicted, labels, counts);
  result.flip_test = options.flip_test;
  result.images_skipped = embedded.skipped;
  result.skipped_examples = embedded.skipped_examples;
  return result;
}

}  // namespace marginlab::eval
