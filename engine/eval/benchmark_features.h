#pragma once
// A benchmark's per-image raw embeddings under a trained or imported model: each image and its mirror through the
// network (IJB's aligned loose crops, TinyFace's crops), cached in the run directory per model and data, so that
// another N/D/F mode, 1:N after 1:1, or a rerun costs seconds instead of the hours IJB-C takes on a CPU
// (docs/benchmarks.md §1.6.5).
//
//   <run>/benchmarks/<tag>-<16 hex>.json        what was embedded, by which checkpoint, with which preprocessing;
//                                               written last, so a cache without it is incomplete and ignored
//   <run>/benchmarks/<tag>-<16 hex>.npy         float32 (N, D): the images' raw embeddings (norms kept)
//   <run>/benchmarks/<tag>-<16 hex>.flip.npy    float32 (N, D): their mirrors'
// The hex digits hash that identity; a checkpoint rewritten (size or time changed) or other files miss the cache.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/benchmarks/five_point.h"
#include "engine/eval/evaluator.h"
#include "engine/train/trained_model.h"

namespace marginlab::eval {

struct BenchmarkImages {
  std::string tag;          // "IJBC", "TinyFace": names the cache files
  std::string description;  // "IJBC loose crops under /data/IJB_release/IJBC"
  std::vector<std::filesystem::path> files;
  std::vector<benchmarks::FivePoints> landmarks;  // one per file (aligned on load), or empty
};

struct BenchmarkViews {
  std::int64_t dim = 0;
  std::vector<float> plain, mirrored;  // files × dim; zero rows for unreadable images
  std::int64_t skipped = 0;
  std::vector<std::string> skipped_examples;
  std::filesystem::path cache;  // the .json of the cache read or written
  bool from_cache = false;
};

struct BenchmarkEmbedOptions {
  std::int64_t batch_size = 0;  // 0: the run's evaluation batch size
  int threads = 0;              // loader threads; 0: the run's
  bool use_cache = true;
};

// Throws InvalidFile when no image can be read, or the cache folder cannot be written.
BenchmarkViews benchmark_views(const train::TrainedModel& model, const BenchmarkImages& images,
                               const BenchmarkEmbedOptions& options, const EmbedProgress& progress = {});

}  // namespace marginlab::eval
