#include "engine/eval/benchmark_features.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <utility>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "engine/data/image_list.h"
#include "engine/formats/npy.h"
#include "engine/train/data_setup.h"
#include "engine/train/evaluation_sets.h"

namespace marginlab::eval {
namespace {

namespace fs = std::filesystem;

// FNV-1a, 64 bits: a name for the cache, not a security boundary (the identity itself is compared in full).
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 14695981039346656037ull) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

// Everything the embeddings depend on: the weights (the checkpoint's path, size and time), the preprocessing, and
// the images with their landmarks (hashed: IJB-C lists 469,375 of them).
nlohmann::json identity_of(const train::TrainedModel& model, const BenchmarkImages& images) {
  std::uint64_t data = fnv1a(images.description);
  for (std::size_t i = 0; i < images.files.size(); ++i) {
    data = fnv1a(images.files[i].string(), data);
    if (!images.landmarks.empty()) {
      data = fnv1a({reinterpret_cast<const char*>(images.landmarks[i].data()), sizeof(benchmarks::FivePoints)}, data);
    }
  }
  const auto checkpoint = fs::weakly_canonical(model.checkpoint);
  const auto& data_config = model.experiment.data;
  return {{"checkpoint", checkpoint.string()},
          {"checkpoint_bytes", fs::file_size(checkpoint)},
          {"checkpoint_time", fs::last_write_time(checkpoint).time_since_epoch().count()},
          {"step", model.step},
          {"backbone", model.experiment.model.backbone},
          {"image_size", data_config.image_size},
          {"color_order", data_config.color_order},
          {"data", images.description},
          {"images", images.files.size()},
          {"files_hash", fmt::format("{:016x}", data)}};
}

std::vector<float> as_vector(const torch::Tensor& tensor) {
  const auto contiguous = tensor.to(torch::kCPU, torch::kFloat32).contiguous();
  return {contiguous.data_ptr<float>(), contiguous.data_ptr<float>() + contiguous.numel()};
}

}  // namespace

BenchmarkViews benchmark_views(const train::TrainedModel& model, const BenchmarkImages& images,
                               const BenchmarkEmbedOptions& options, const EmbedProgress& progress) {
  const auto identity = identity_of(model, images);
  const auto run_directory = model.checkpoint.parent_path().parent_path();  // <run>/checkpoints/<file>
  const auto stem = run_directory / "benchmarks" / fmt::format("{}-{:016x}", images.tag, fnv1a(identity.dump()));
  BenchmarkViews views;
  views.cache = fs::path(stem.string() + ".json");
  if (options.use_cache && fs::is_regular_file(views.cache)) {
    const auto record = nlohmann::json::parse(read_whole_file(views.cache), nullptr, false);
    if (!record.is_discarded() && record.value("identity", nlohmann::json()) == identity) {
      auto plain = formats::read_npy(stem.string() + ".npy");
      auto mirrored = formats::read_npy(stem.string() + ".flip.npy");
      const auto rows = static_cast<std::int64_t>(images.files.size());
      if (plain.shape.size() == 2 && plain.shape[0] == rows && mirrored.shape == plain.shape) {
        views.dim = plain.shape[1];
        views.plain = std::move(plain.values);
        views.mirrored = std::move(mirrored.values);
        views.skipped = record.value("skipped", std::int64_t{0});
        views.skipped_examples = record.value("skipped_examples", std::vector<std::string>{});
        views.from_cache = true;
        if (progress) progress(rows, rows);
        return views;
      }
    }
  }

  auto loader = train::loader_config(model.experiment, false);
  const auto evaluation = train::evaluation_options(model.experiment);
  loader.batch_size = options.batch_size > 0 ? options.batch_size : evaluation.loader.batch_size;
  if (options.threads > 0) loader.threads = options.threads;
  const auto device = model.backbone->parameters().front().device();
  const auto embed = [&](const torch::Tensor& batch) {
    torch::NoGradGuard no_grad;
    return model.backbone->forward(batch.to(device));
  };
  auto source = std::make_shared<data::ImageListSource>(images.description, images.files, images.landmarks);
  const auto embedded = embed_views(std::move(source), embed, loader, true, progress);
  views.dim = embedded.plain.size(1);
  views.plain = as_vector(embedded.plain);
  views.mirrored = as_vector(embedded.mirrored);
  views.skipped = embedded.skipped;
  views.skipped_examples = embedded.skipped_examples;

  if (options.use_cache) {
    fs::create_directories(stem.parent_path());
    const std::vector<std::int64_t> shape{static_cast<std::int64_t>(images.files.size()), views.dim};
    formats::write_npy(stem.string() + ".npy", shape, views.plain);
    formats::write_npy(stem.string() + ".flip.npy", shape, views.mirrored);
    const nlohmann::json record = {
        {"identity", identity}, {"skipped", views.skipped}, {"skipped_examples", views.skipped_examples}};
    write_file_atomically(views.cache, record.dump(2) + "\n");
  }
  return views;
}

}  // namespace marginlab::eval
