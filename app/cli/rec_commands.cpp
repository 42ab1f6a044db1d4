// marginlab-cli rec pack, rec info, bench rec: MXNet RecordIO training sets (insightface's layout) made from an
// ImageFolder, looked into, and how fast they are read, decoded and augmented.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "app/cli/command.h"
#include "app/cli/cpu_time.h"
#include "core/errors.h"
#include "engine/data/augment.h"
#include "engine/data/image_decode.h"
#include "engine/data/image_folder.h"
#include "engine/data/loader.h"
#include "engine/data/random.h"
#include "engine/data/recordio_pack.h"
#include "engine/data/recordio_source.h"
#include "engine/data/synthface.h"

namespace marginlab::cli {
namespace {

namespace fs = std::filesystem;

struct PackCommandOptions {
  std::string folder;
  std::string rec;
  data::PackOptions pack;
};

void print_examples(const std::vector<std::string>& examples) {
  for (const auto& example : examples) fmt::print("    {}\n", example);
}

int run_pack(const PackCommandOptions& options) {
  options.pack.validate();
  if (fs::path(options.rec).extension() != ".rec") {
    throw InvalidParameter(fmt::format("rec pack: {}: the output must end in .rec (its .idx goes beside it)",
                                       options.rec));
  }
  const data::ImageFolderSource folder(options.folder, data::ColorOrder::bgr);
  fmt::print("rec pack: {}\n", folder.describe());
  std::fflush(stdout);
  if (const auto out_folder = fs::path(options.rec).parent_path(); !out_folder.empty()) {
    fs::create_directories(out_folder);
  }
  std::int64_t next_report = 0;
  const auto progress = [&next_report](std::int64_t done, std::int64_t total) {
    if (done < next_report && done < total) return;
    fmt::print("  {:>10} / {} images ({:.0f}%)\n", done, total, 100.0 * static_cast<double>(done) / total);
    std::fflush(stdout);
    next_report = done + std::max<std::int64_t>(1, total / 10);
  };
  const auto summary = data::pack_image_folder(folder, options.rec, options.pack, progress);
  const auto idx = fs::path(options.rec).replace_extension(".idx").string();
  const auto property = (fs::path(options.rec).parent_path() / "property").string();
  fmt::print("rec pack: {} images of {} classes → {} ({} bytes), {}, {} \"{},{},{}\"\n", summary.images,
             summary.classes, options.rec, summary.bytes, idx, property, summary.classes, summary.height,
             summary.width);
  fmt::print("  JPEG files stored unchanged: {}; encoded as JPEG (quality {}): {}\n", summary.stored_as_is,
             options.pack.quality, summary.reencoded);
  if (summary.mixed_sizes) {
    fmt::print("  image sizes differ (property gives the first one's); the loader resizes to data.image_size, "
               "or pack with --resize\n");
  }
  if (summary.unreadable > 0) {
    fmt::print("  skipped {} unreadable files (an image signature, but no decodable image), e.g.\n",
               summary.unreadable);
    print_examples(summary.unreadable_examples);
  }
  if (folder.skipped_files() > 0) {
    fmt::print("  skipped {} files at scan (an image extension, but not an image's first bytes), e.g.\n",
               folder.skipped_files());
    print_examples(folder.skipped_examples());
  }
  if (summary.classes_left_out > 0) {
    fmt::print("  {} identity folders had no decodable image and got no class id\n", summary.classes_left_out);
  }
  if (!folder.empty_folders().empty()) {
    fmt::print("  {} identity folders hold no image files and got no class id\n", folder.empty_folders().size());
  }
  return 0;
}

int run_info(const std::string& path, bool check) {
  const data::RecordIOSource source(path);
  fmt::print("{}\n", source.describe());
  for (const auto& note : source.notes()) fmt::print("  note: {}\n", note);
  auto counts = source.class_counts();
  std::sort(counts.begin(), counts.end());
  fmt::print("  images per class: min {}, median {}, max {}\n", counts.front(), counts[counts.size() / 2],
             counts.back());
  if (!check) return 0;
  std::int64_t unreadable = 0;
  std::vector<std::string> examples;
  for (std::int64_t i = 0; i < source.size(); ++i) {
    try {
      source.load(i);
    } catch (const UnreadableSample& error) {
      if (examples.size() < data::ImageFolderSource::kExamplesKept) examples.emplace_back(error.what());
      ++unreadable;
    }
  }
  fmt::print("  checked {} images: {} unreadable\n", source.size(), unreadable);
  print_examples(examples);
  return unreadable == 0 ? 0 : 1;
}

// Removes the benchmark's scratch folder however the benchmark ends.
struct ScratchFolder {
  fs::path path;
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

int run_bench_rec(std::int64_t images, int threads) {
  if (images < 64 || threads < 1) {
    throw InvalidParameter(
        fmt::format("bench rec: --images = {} (at least 64), --threads = {} (at least 1)", images, threads));
  }
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };

  // A .rec of SynthFace renders as insightface packs MS1MV2: 112×112 JPEGs at quality 95, key order = class order.
  data::SynthFaceConfig synth_config;
  while (data::SynthFace(synth_config).size() < images) synth_config.identities *= 2;  // identities are cheap
  const data::SynthFace synth(synth_config);
  const ScratchFolder scratch{fs::temp_directory_path() / fmt::format("marginlab-bench-rec-{}", ::getpid())};
  fs::create_directories(scratch.path);
  const auto rec_path = (scratch.path / "train.rec").string();
  const auto pack_start = Clock::now();
  data::InsightfaceRecordWriter writer(rec_path);
  for (std::int64_t i = 0; i < images; ++i) {
    const auto image = synth.load(i);
    writer.add(image.label, data::encode_jpeg(image, synth.color_order(), 95, "bench rec"));
  }
  writer.finish(112, 112);
  fmt::print("bench rec: packed {} SynthFace images of {} classes into {} ({:.1f} KiB per image) in {:.1f} s\n",
             images, writer.classes(), rec_path, static_cast<double>(writer.bytes_written()) / images / 1024,
             seconds_since(pack_start));

  auto source = std::make_shared<data::RecordIOSource>(scratch.path.string());
  fmt::print("bench rec: {}\n", source->describe());
  const auto adaface = data::AugmentConfig::adaface();

  // One thread, one image at a time: per-core cost. CPU time, so that other load on the machine does not count.
  const auto measure = [&](const char* what, bool augmenting) {
    const auto start = Clock::now();
    const double cpu_start = thread_cpu_seconds();
    for (std::int64_t i = 0; i < images; ++i) {
      auto image = source->load(i);
      if (augmenting) {
        std::mt19937_64 rng(data::hash_key({1, static_cast<std::uint64_t>(i)}));
        data::augment(image, adaface, rng, source->color_order());
      }
    }
    const double wall = seconds_since(start), cpu = thread_cpu_seconds() - cpu_start;
    fmt::print("{:<44} 1 thread: {:8.0f} images/s (wall), {:8.0f} images per CPU-second\n", what, images / wall,
               images / cpu);
  };
  measure("read + decode (pread, JPEG → RGB):", false);
  measure("read + decode + AdaFace augmentation:", true);

  // The loader as training uses it: shuffled, AdaFace augmentation, normalised float batches.
  data::LoaderConfig config;
  config.threads = threads;
  config.augment = adaface;
  data::Loader loader(source, config);
  std::int64_t delivered = 0;
  const auto start = Clock::now();
  const double cpu_start = process_cpu_seconds();
  loader.start(0);
  while (auto batch = loader.next()) delivered += batch->images.size(0);
  const double wall = seconds_since(start), cpu = process_cpu_seconds() - cpu_start;
  fmt::print("{:<44} {} threads: {:8.0f} images/s (wall) = {:.0f} per thread, {:.0f} images per CPU-second\n",
             "loader (shuffled, augmented, batch 64):", threads, delivered / wall, delivered / wall / threads,
             delivered / cpu);
  fmt::print("target: at least 3000 images per CPU-second for read + decode + augmentation\n");
  if (loader.skipped_samples() > 0) fmt::print("unexpected: {} images skipped\n", loader.skipped_samples());
  return 0;
}

}  // namespace

void add_rec_commands(CLI::App& app, CLI::App& bench_group, Commands& commands) {
  auto* rec = app.add_subcommand("rec", "MXNet RecordIO training sets (insightface's train.rec / train.idx)");
  rec->require_subcommand(1);

  auto* pack = rec->add_subcommand("pack", "pack an ImageFolder (one subfolder per identity) into OUT.rec, OUT.idx "
                                           "and property, in insightface's layout");
  auto pack_options = std::make_shared<PackCommandOptions>();
  pack->add_option("folder", pack_options->folder, "ImageFolder root")->required();
  pack->add_option("out", pack_options->rec, "the .rec to write (its .idx and `property` go beside it)")->required();
  pack->add_option("--quality", pack_options->pack.quality, "JPEG quality for images that are (re-)encoded");
  pack->add_option("--resize", pack_options->pack.resize, "resize every image to N×N (default: keep sizes)");
  commands.push_back({pack, [pack_options] { return run_pack(*pack_options); }});

  auto* info = rec->add_subcommand("info", "layout, images and classes of a .rec (or a folder with train.rec)");
  auto info_path = std::make_shared<std::string>();
  auto check = std::make_shared<bool>(false);
  info->add_option("path", *info_path, "a .rec file, or a folder holding train.rec and train.idx")->required();
  info->add_flag("--check", *check, "decode every image and report the unreadable ones (exit status 1 if any)");
  commands.push_back({info, [info_path, check] { return run_info(*info_path, *check); }});

  auto* bench = bench_group.add_subcommand("rec", "RecordIO read + JPEG decode + augmentation throughput at 112×112");
  auto images = std::make_shared<std::int64_t>(3000);
  auto threads = std::make_shared<int>(2);
  bench->add_option("--images", *images, "images in the temporary .rec");
  bench->add_option("--threads", *threads, "loader threads");
  commands.push_back({bench, [images, threads] { return run_bench_rec(*images, *threads); }});
}

}  // namespace marginlab::cli
